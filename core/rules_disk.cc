// Disk and device pack: writing raw devices, formatting, partitioning, wiping.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"disk.write-device", "disk", Severity::Critical, "Writes raw data onto a disk or device, destroying what is on it.",
     "Write to an image file instead (of=disk.img).", "destructive"},
    {"disk.format", "disk", Severity::Critical, "Creates a new filesystem, erasing everything on the target.",
     "Format a loop-mounted image file, and double-check the device name.", "destructive"},
    {"disk.read-device", "disk", Severity::Medium, "Reads a raw disk or memory device, bypassing file permissions.",
     "Read the files you need through the filesystem.", "credentials"},
    {"disk.format-image", "disk", Severity::High, "Creates a new filesystem in a file, erasing what the file held.",
     "Check that the target is the image file you mean.", "destructive"},
    {"disk.partition", "disk", Severity::Critical, "Rewrites a disk's partition table.",
     "List partitions read-only first (fdisk -l, lsblk).", "destructive"},
    {"disk.wipe", "disk", Severity::Critical, "Wipes signatures, discards blocks or securely erases a disk.",
     "Double-check the device; keep a backup.", "destructive"},
    {"disk.volume-remove", "disk", Severity::Critical, "Removes an LVM/ZFS/RAID volume and its data.",
     "Back up and check the volume name first.", "destructive"},
    {"disk.windows-format", "disk", Severity::Critical, "Formats a Windows drive.", "", "destructive"},
};

constexpr CommandPattern kPatterns[] = {
    {"disk.format", "mkfs*|mke2fs|mkswap|mkdosfs|newfs*|mkntfs|mkexfatfs", ""},
    {"disk.wipe", "wipefs|blkdiscard", ""},
    {"disk.wipe", "cryptsetup", "luksformat|erase|luksErase|reencrypt"},
    {"disk.wipe", "hdparm", "", "--security-erase|--security-erase-enhanced|--trim-sector-ranges"},
    {"disk.wipe", "nvme", "format|sanitize"},
    {"disk.wipe", "badblocks", "", "-w"},
    {"disk.wipe", "mdadm", "", "--zero-superblock"},
    {"disk.partition", "sgdisk", "", "--zap-all|-Z|--zap|-o|--clear|-n|--new|-d|--delete"},
    {"disk.partition", "parted", "mklabel|mkpart|rm|resizepart"},
    {"disk.volume-remove", "lvremove|vgremove|pvremove|lvreduce", ""},
    {"disk.volume-remove", "zpool", "destroy|labelclear"},
    {"disk.volume-remove", "zfs", "destroy"},
    {"disk.wipe", "diskutil", "erasedisk|erasevolume|zerodisk|secureerase|partitiondisk"},
};

bool device_operand(const Cmd& cmd, RuleContext& rc) {
  for (const Arg* a : cmd.operands()) {
    PathInfo pi = rc.path(*a, cmd);
    if (pi.cls == PathClass::Device || pi.cls == PathClass::Unknown) return true;
  }
  return false;
}

}  // namespace

std::span<const Rule> disk_rules() { return kRules; }

void disk_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  for (const Write& w : writes_of(cmd)) {
    PathInfo pi = rc.path(w.target, cmd);
    if (pi.cls == PathClass::Device) rc.hit("disk.write-device", cmd);
  }
  if (p == "fdisk" || p == "sfdisk" || p == "cfdisk" || p == "gdisk" || p == "cgdisk") {
    bool list_only = cmd.has_short('l') || cmd.has_long("list") || cmd.has_short('s') || cmd.has_long("show-size") ||
                     cmd.has_long("dump") || cmd.has_short('d') || cmd.has_long("json") || cmd.has_short('J') ||
                     cmd.has_short('V') || cmd.has_long("verify") || cmd.has_long("help") || cmd.has_long("version");
    if (!list_only && device_operand(cmd, rc)) rc.hit("disk.partition", cmd);
    return;
  }
  if (p == "parted" && !cmd.has_short('l') && cmd.operands().size() == 1 && !cmd.has_long("list") &&
      device_operand(cmd, rc)) {
    rc.hit("disk.partition", cmd, Severity::High);  // interactive parted on a device
  }
  if (p == "mkfs" || p.rfind("mkfs.", 0) == 0 || p == "mke2fs" || p == "mkswap") {
    if (cmd.has_long("help") || cmd.has_short('V') || cmd.has_long("version")) return;
    // A regular file (disk.img, swapfile) is not a device: no disk is lost.
    if (!device_operand(cmd, rc)) {
      rc.hit("disk.format-image", cmd);
      return;
    }
  }
  if (lower(p) == "format" && !cmd.args.empty()) {
    const std::string& t = cmd.args[0].text;
    if (t.size() >= 2 && t[1] == ':') rc.hit("disk.windows-format", cmd);
    return;
  }
  if (p == "dd") {
    for (const Arg& a : cmd.args)
      if (a.text.rfind("if=", 0) == 0 && rc.path(drop_prefix(a, 3), cmd).cls == PathClass::Device) rc.hit("disk.read-device", cmd);
  }
  if (p == "shred" || p == "dd") return;  // handled by writes/filesystem
  apply_patterns(kPatterns, cmd, rc);
}

}  // namespace vg
