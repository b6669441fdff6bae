// The policy snapshot: encoding, the lookup the shim uses (the same inline C code),
// the inline-code screen, validation of damaged files, and the atomic write.
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/policy_snapshot.h"
#include "core/policy_snapshot_format.h"

using namespace vg;

namespace {

std::string default_bytes() { return encode_snapshot(snapshot_from_config(Config{}, "/usr/bin/vectra-guard", "")); }

bool needs(const std::vector<std::string>& argv) { return snapshot_needs_check(default_bytes(), argv); }

}  // namespace

Test(policy_snapshot, encoded_bytes_are_valid) {
  std::string b = default_bytes();
  cr_assert(vg_snap_valid(reinterpret_cast<const unsigned char*>(b.data()), b.size()));
}

Test(policy_snapshot, roundtrip_keeps_binary_config_and_table) {
  Config c;
  PolicySnapshot s = snapshot_from_config(c, "/opt/vg/bin/vectra-guard", "/home/u/agent.ini");
  std::string error;
  auto back = decode_snapshot(encode_snapshot(s), &error);
  cr_assert(back.has_value(), "%s", error.c_str());
  cr_assert_eq(back->vg_bin, "/opt/vg/bin/vectra-guard");
  cr_assert_eq(back->config_file, "/home/u/agent.ini");
  cr_assert(back->fail_closed);
  cr_assert(back->default_class == ExecClass::Pass);
  bool saw_rm = false, saw_mkfs_prefix = false;
  for (const auto& [name, cls] : back->programs) {
    if (name == "rm") saw_rm = cls == ExecClass::Inspect;
    if (name == "mkfs*") saw_mkfs_prefix = cls == ExecClass::Inspect;
  }
  cr_assert(saw_rm);
  cr_assert(saw_mkfs_prefix);
}

Test(policy_snapshot, destructive_programs_are_inspected) {
  std::string b = default_bytes();
  for (const char* p : {"rm", "dd", "chmod", "curl", "wget", "git", "sudo", "find", "xargs", "kill", "docker",
                        "kubectl", "terraform", "shred", "truncate"}) {
    cr_assert(snapshot_lookup(b, p) == ExecClass::Inspect, "%s", p);
  }
}

Test(policy_snapshot, build_tools_pass_straight_through) {
  std::string b = default_bytes();
  for (const char* p : {"ls", "cat", "echo", "true", "gcc", "cc1plus", "g++", "ld", "as", "make", "cmake", "ninja",
                        "grep", "sed", "env", "ar", "collect2"}) {
    cr_assert(snapshot_lookup(b, p) == ExecClass::Pass, "%s", p);
  }
}

Test(policy_snapshot, prefix_entries_match_longer_names) {
  std::string b = default_bytes();
  cr_assert(snapshot_lookup(b, "mkfs.ext4") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "mkfs") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "python3.11") == ExecClass::InlineCode);
  cr_assert(snapshot_lookup(b, "mk") == ExecClass::Pass);
}

Test(policy_snapshot, exact_match_is_not_a_prefix_match) {
  std::string b = default_bytes();
  cr_assert(snapshot_lookup(b, "rmdir") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "rmx") == ExecClass::Pass);
  cr_assert(snapshot_lookup(b, "r") == ExecClass::Pass);
  cr_assert(snapshot_lookup(b, "") == ExecClass::Pass);
}

Test(policy_snapshot, shells_are_checked_only_with_inline_code) {
  cr_assert(needs({"bash", "-c", "ls"}));
  cr_assert(needs({"/bin/sh", "-c", "ls"}));
  cr_assert(needs({"bash", "-lc", "ls"}));
  cr_assert(needs({"bash", "-ec", "ls"}));
  cr_assert(needs({"zsh", "-f", "-c", "ls"}));
  cr_assert(needs({"bash", "-O", "extglob", "-c", "eval \"$1\"", "--", "ls"}));
  cr_assert(needs({"bash", "-o", "pipefail", "-c", "ls"}));
  cr_assert(needs({"bash", "+x", "-c", "ls"}));
  cr_assert(not needs({"bash", "script.sh"}));
  cr_assert(not needs({"bash", "script.sh", "-c"}));
  cr_assert(not needs({"bash"}));
  cr_assert(not needs({"sh", "-"}));
  cr_assert(not needs({"bash", "--", "-c"}));
  cr_assert(not needs({"bash", "-x", "build.sh"}));
}

Test(policy_snapshot, interpreters_are_checked_only_with_inline_code) {
  cr_assert(needs({"python3", "-c", "import os"}));
  cr_assert(needs({"node", "-e", "1"}));
  cr_assert(needs({"node", "--eval=1"}));
  cr_assert(needs({"node", "--eval", "1"}));
  cr_assert(needs({"perl", "-E", "say 1"}));
  cr_assert(needs({"ruby", "-e", "1"}));
  cr_assert(needs({"python3", "-W", "ignore", "-c", "1"}));
  cr_assert(not needs({"python3", "manage.py", "-c"}));
  cr_assert(not needs({"python3", "-W", "ignore", "tool.py"}));
  cr_assert(not needs({"node", "server.js"}));
  cr_assert(not needs({"python3.11", "-m", "pytest"}));
}

Test(policy_snapshot, other_programs_need_no_check) {
  cr_assert(needs({"/bin/rm", "-f", "x"}));
  cr_assert(needs({"git", "status"}));
  cr_assert(not needs({"/usr/bin/ls", "-la"}));
  cr_assert(not needs({"cc1plus", "-quiet", "x.cc"}));
  cr_assert(needs({}));
}

Test(policy_snapshot, deny_patterns_add_their_program) {
  Config c;
  c.deny = {"terraform destroy *", "myscript --wipe", "*", "ru?y x", "/opt/bin/wiper *", "tool* x"};
  std::string b = encode_snapshot(snapshot_from_config(c, "/bin/vg", ""));
  cr_assert(snapshot_lookup(b, "myscript") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "wiper") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "toolbox") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "ls") == ExecClass::Pass);
}

Test(policy_snapshot, a_denied_shell_is_inspected_even_without_inline_code) {
  Config c;
  c.deny = {"bash *"};
  std::string b = encode_snapshot(snapshot_from_config(c, "/bin/vg", ""));
  cr_assert(snapshot_lookup(b, "bash") == ExecClass::Inspect);
  cr_assert(snapshot_needs_check(b, {"bash", "script.sh"}));
}

Test(policy_snapshot, paranoid_guard_level_inspects_everything) {
  Config c;
  c.guard_level = GuardLevel::Paranoid;
  std::string b = encode_snapshot(snapshot_from_config(c, "/bin/vg", ""));
  cr_assert(snapshot_lookup(b, "ls") == ExecClass::Inspect);
  cr_assert(snapshot_lookup(b, "bash") == ExecClass::InlineCode);
}

Test(policy_snapshot, damaged_bytes_are_rejected_and_inspect_everything) {
  std::string b = default_bytes();
  std::string error;
  cr_assert(not decode_snapshot(b.substr(0, b.size() - 1), &error).has_value());
  cr_assert(not error.empty());
  std::string bad_magic = b;
  bad_magic[0] = 'X';
  cr_assert(not decode_snapshot(bad_magic, &error).has_value());
  std::string bad_version = b;
  bad_version[8] = 9;
  cr_assert(not decode_snapshot(bad_version, &error).has_value());
  std::string no_nul = b;
  no_nul.back() = 'x';
  cr_assert(not decode_snapshot(no_nul, &error).has_value());
  cr_assert(not decode_snapshot("", &error).has_value());
  cr_assert(snapshot_lookup("garbage", "ls") == ExecClass::Inspect);
}

Test(policy_snapshot, out_of_range_offsets_are_rejected) {
  std::string b = default_bytes();
  vg_snap_header h;
  std::memcpy(&h, b.data(), sizeof h);
  h.entry_count += 100000;  // table runs past the strings
  std::string bad = b;
  std::memcpy(bad.data(), &h, sizeof h);
  std::string error;
  cr_assert(not decode_snapshot(bad, &error).has_value());
  std::memcpy(&h, b.data(), sizeof h);
  h.vg_bin_off = 0x7fffffff;
  bad = b;
  std::memcpy(bad.data(), &h, sizeof h);
  cr_assert(not decode_snapshot(bad, &error).has_value());
}

Test(policy_snapshot, generation_changes_with_content) {
  Config a, b;
  b.deny = {"wiper *"};
  std::string x = encode_snapshot(snapshot_from_config(a, "/bin/vg", ""));
  std::string y = encode_snapshot(snapshot_from_config(b, "/bin/vg", ""));
  vg_snap_header hx, hy;
  std::memcpy(&hx, x.data(), sizeof hx);
  std::memcpy(&hy, y.data(), sizeof hy);
  cr_assert_neq(hx.generation, hy.generation);
  cr_assert_eq(x, encode_snapshot(snapshot_from_config(a, "/bin/vg", "")));
}

Test(policy_snapshot, write_is_atomic_and_readable_by_the_shim) {
  char tmpl[] = "/tmp/vg-snap-XXXXXX";
  cr_assert_not_null(mkdtemp(tmpl));
  std::string dir = std::string(tmpl) + "/state";
  std::string path = dir + "/policy.snap";
  std::string error;
  PolicySnapshot s = snapshot_from_config(Config{}, "/bin/vg", "");
  cr_assert(write_policy_snapshot(path, s, &error), "%s", error.c_str());
  struct stat st {};
  cr_assert_eq(stat(path.c_str(), &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0644);
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  cr_assert_eq(ss.str(), encode_snapshot(s));
  cr_assert(write_policy_snapshot(path, s, &error));  // replacing works
  cr_assert_neq(access((path + ".tmp." + std::to_string(getpid())).c_str(), F_OK), 0);
  std::string cmd = std::string("rm -rf ") + tmpl;
  cr_assert_eq(std::system(cmd.c_str()), 0);
}

Test(policy_snapshot, default_path_is_under_the_state_dir) {
  setenv("VG_HOME", "/tmp/vg-state-for-test", 1);
  cr_assert_eq(default_snapshot_path(), "/tmp/vg-state-for-test/policy.snap");
  unsetenv("VG_HOME");
}

Test(policy_snapshot, class_names) {
  cr_assert_eq(to_string(ExecClass::Pass), "pass");
  cr_assert_eq(to_string(ExecClass::Inspect), "inspect");
  cr_assert_eq(to_string(ExecClass::InlineCode), "inline-code");
}
