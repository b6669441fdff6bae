#include "sandbox/seccomp_profile.h"

#include <errno.h>

#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace vg::sandbox {

namespace {

using nlohmann::json;

struct ProfileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

uint32_t parse_action(const json& j, const std::string& name, int errno_ret) {
  static const std::map<std::string, uint32_t> fixed = {
      {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
      {"SCMP_ACT_KILL", SCMP_ACT_KILL},
      {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
      {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
      {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
      {"SCMP_ACT_LOG", SCMP_ACT_LOG},
  };
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(static_cast<uint16_t>(errno_ret));
  // Nothing traces inside the sandbox: a traced call fails like Docker's without a tracer.
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_ERRNO(ENOSYS);
  auto it = fixed.find(name);
  if (it == fixed.end()) throw ProfileError("unknown action " + j.dump());
  return it->second;
}

scmp_compare parse_op(const std::string& op) {
  static const std::map<std::string, scmp_compare> ops = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  auto it = ops.find(op);
  if (it == ops.end()) throw ProfileError("unknown argument operator \"" + op + "\"");
  return it->second;
}

uint32_t parse_arch(const std::string& name) {
  static const std::map<std::string, uint32_t> arches = {
      {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64}, {"SCMP_ARCH_X86", SCMP_ARCH_X86},
      {"SCMP_ARCH_X32", SCMP_ARCH_X32},       {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
      {"SCMP_ARCH_ARM", SCMP_ARCH_ARM}};
  auto it = arches.find(name);
  return it == arches.end() ? 0 : it->second;
}

// Docker's names for the machine in "includes"/"excludes": {"arches": ["amd64", ...]}.
bool native_arch_listed(const json& arches) {
  std::string native = seccomp_arch_native() == SCMP_ARCH_X86_64  ? "amd64"
                       : seccomp_arch_native() == SCMP_ARCH_AARCH64 ? "arm64"
                                                                    : "";
  for (const auto& a : arches)
    if (a.is_string() && (a == native || (native == "amd64" && (a == "x86_64" || a == "x86"))))
      return true;
  return false;
}

// Whether a syscall group applies to us: the sandboxed process holds no capabilities.
bool group_applies(const json& group) {
  if (auto inc = group.find("includes"); inc != group.end() && inc->is_object()) {
    if (inc->contains("caps") && !(*inc)["caps"].empty()) return false;
    if (inc->contains("arches") && !native_arch_listed((*inc)["arches"])) return false;
  }
  if (auto exc = group.find("excludes"); exc != group.end() && exc->is_object()) {
    if (exc->contains("arches") && native_arch_listed((*exc)["arches"])) return false;
  }
  return true;
}

void add_group(scmp_filter_ctx ctx, const json& group, uint32_t default_action,
               int default_errno) {
  if (!group_applies(group)) return;
  int errno_ret = group.value("errnoRet", default_errno);
  uint32_t action = parse_action(group, group.value("action", ""), errno_ret);
  if (action == default_action) return;  // libseccomp refuses rules that change nothing
  std::vector<scmp_arg_cmp> args;
  std::set<unsigned> indexes;
  bool repeated = false;
  for (const auto& a : group.value("args", json::array())) {
    unsigned index = a.at("index").get<unsigned>();
    repeated |= !indexes.insert(index).second;
    args.push_back({index, parse_op(a.at("op").get<std::string>()),
                    a.value("value", scmp_datum_t{0}), a.value("valueTwo", scmp_datum_t{0})});
  }
  std::vector<std::string> names;
  if (group.contains("names")) names = group["names"].get<std::vector<std::string>>();
  if (group.contains("name")) names.push_back(group["name"].get<std::string>());
  for (const std::string& name : names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // not a syscall on this machine
    // Two conditions on the same argument cannot be one rule: Docker adds one rule each.
    if (repeated) {
      for (const scmp_arg_cmp& c : args) seccomp_rule_add_array(ctx, action, nr, 1, &c);
      continue;
    }
    int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(args.size()),
                                    args.empty() ? nullptr : args.data());
    if (rc < 0 && rc != -EEXIST)
      throw ProfileError("cannot add the rule for " + name + ": " + strerror(-rc));
  }
}

}  // namespace

scmp_filter_ctx parse_docker_seccomp_profile(const std::string& text, const std::string& name,
                                             std::string& error) {
  scmp_filter_ctx ctx = nullptr;
  try {
    json j = json::parse(text);
    int default_errno = j.value("defaultErrnoRet", EPERM);
    uint32_t default_action =
        parse_action(j, j.value("defaultAction", std::string("SCMP_ACT_ALLOW")), default_errno);
    ctx = seccomp_init(default_action);
    if (!ctx) throw ProfileError("libseccomp could not start a filter");
    std::vector<std::string> arches;
    for (const auto& m : j.value("archMap", json::array())) {
      if (parse_arch(m.value("architecture", "")) != seccomp_arch_native()) continue;
      for (const auto& sub : m.value("subArchitectures", json::array()))
        arches.push_back(sub.get<std::string>());
    }
    for (const auto& a : j.value("architectures", json::array())) arches.push_back(a);
    for (const std::string& a : arches) {
      uint32_t arch = parse_arch(a);
      if (arch && arch != seccomp_arch_native()) {
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST) throw ProfileError("cannot add architecture " + a);
      }
    }
    for (const auto& group : j.value("syscalls", json::array()))
      add_group(ctx, group, default_action, default_errno);
    return ctx;
  } catch (const std::exception& e) {
    if (ctx) seccomp_release(ctx);
    error = "the seccomp profile " + name + " is not usable (" + e.what() +
            "); fix it or remove seccomp_profile from the config";
    return nullptr;
  }
}

scmp_filter_ctx load_docker_seccomp_profile(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read the seccomp profile " + path + " (" + strerror(errno) +
            "); fix the path in seccomp_profile";
    return nullptr;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_docker_seccomp_profile(ss.str(), path, error);
}

}  // namespace vg::sandbox
