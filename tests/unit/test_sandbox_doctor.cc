// `sandbox doctor` checks on faked inputs (no userns, AppArmor restriction, setuid
// bwrap, no Landlock, cgroup v1 only...) and `sandbox deps install` per distribution.
#include <criterion/criterion.h>

#include <cerrno>
#include <string>
#include <vector>

#include "sandbox/doctor.h"

using namespace vg::sandbox;

namespace {

// A machine where everything works.
DoctorInputs healthy() {
  DoctorInputs in;
  in.root = true;
  in.max_user_namespaces = "15000";
  in.userns_works = true;
  in.bwrap_path = "/usr/bin/bwrap";
  in.bwrap_version = "0.11.0";
  in.bwrap_works = true;
  in.landlock_abi = 6;
  in.seccomp_filter = true;
  in.cgroup_v2 = true;
  in.cgroup_v2_writable = true;
  in.cgroup_v2_delegated = {"cpu", "memory", "pids"};
  in.overlay_known = true;
  in.overlay_userns = true;
  return in;
}

DoctorCheck check(const std::vector<DoctorCheck>& checks, const std::string& name) {
  for (const DoctorCheck& c : checks)
    if (c.name == name) return c;
  cr_assert_fail("no check named %s", name.c_str());
  return checks.front();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

Test(doctor, healthy_machine_all_runtimes_in_auto_order) {
  DoctorInputs in = healthy();
  auto checks = doctor_checks(in);
  for (const char* name : {"userns", "bubblewrap", "landlock", "seccomp", "cgroup", "overlayfs"})
    cr_expect_eq(check(checks, name).status, "ok", "%s: %s", name, check(checks, name).detail.c_str());
  cr_expect(working_runtimes(in) == (std::vector<std::string>{"bubblewrap", "namespace", "landlock"}));
  // Every line that is not ok says what to do.
  for (const DoctorCheck& c : checks)
    if (c.status != "ok") cr_expect(!c.hint.empty() || c.name == "docker" || c.name == "podman", "%s", c.name.c_str());
}

Test(doctor, no_userns_by_sysctl_names_the_sysctl_and_offers_landlock) {
  DoctorInputs in = healthy();
  in.userns_works = false;
  in.userns_errno = EPERM;
  in.unprivileged_userns_clone = "0";
  in.bwrap_works = false;
  in.bwrap_error = "bubblewrap cannot create a sandbox here";
  in.overlay_userns = false;
  auto checks = doctor_checks(in);
  const DoctorCheck& u = check(checks, "userns");
  cr_expect_eq(u.status, "fail");
  cr_expect(contains(u.detail, "kernel.unprivileged_userns_clone = 0"), "%s", u.detail.c_str());
  cr_expect(contains(u.hint, "sysctl -w kernel.unprivileged_userns_clone=1"), "%s", u.hint.c_str());
  cr_expect(contains(u.hint, "--runtime landlock"), "%s", u.hint.c_str());
  cr_expect_eq(check(checks, "bubblewrap").status, "fail");
  cr_expect(working_runtimes(in) == (std::vector<std::string>{"landlock"}));
}

Test(doctor, max_user_namespaces_zero) {
  DoctorInputs in = healthy();
  in.userns_works = false;
  in.max_user_namespaces = "0";
  in.userns_errno = ENOSPC;
  const DoctorCheck& u = check(doctor_checks(in), "userns");
  cr_expect(contains(u.detail, "user.max_user_namespaces = 0"), "%s", u.detail.c_str());
  cr_expect(contains(u.hint, "user.max_user_namespaces=15000"), "%s", u.hint.c_str());
}

Test(doctor, apparmor_restriction_is_named_with_a_profile_hint) {
  DoctorInputs in = healthy();
  in.userns_works = false;
  in.userns_errno = EACCES;
  in.apparmor_restrict_userns = "1";
  in.landlock_abi = 0;
  in.landlock_errno = ENOSYS;
  const DoctorCheck& u = check(doctor_checks(in), "userns");
  cr_expect(contains(u.detail, "AppArmor"), "%s", u.detail.c_str());
  cr_expect(contains(u.hint, "AppArmor profile"), "%s", u.hint.c_str());
  // Without Landlock the fallback is not offered.
  cr_expect(!contains(u.hint, "landlock"), "%s", u.hint.c_str());
  cr_expect(contains(userns_reason(in), "apparmor_restrict_unprivileged_userns = 1"));
}

Test(doctor, overlay_for_a_non_root_user_is_a_warning) {
  DoctorInputs in = healthy();
  in.root = false;
  DoctorCheck o = check(doctor_checks(in), "overlayfs");
  cr_expect_eq(o.status, "warn");
  cr_expect(contains(o.detail, "cannot be copied up"), "%s", o.detail.c_str());
}

Test(doctor, setuid_bwrap_is_a_warning_with_a_fix) {
  DoctorInputs in = healthy();
  in.bwrap_setuid = true;
  const DoctorCheck& b = check(doctor_checks(in), "bubblewrap");
  cr_expect_eq(b.status, "warn");
  cr_expect(contains(b.detail, "setuid root"), "%s", b.detail.c_str());
  cr_expect(contains(b.hint, "chmod u-s /usr/bin/bwrap"), "%s", b.hint.c_str());
  cr_expect_eq(working_runtimes(in).front(), "bubblewrap");  // it still works
}

Test(doctor, old_bwrap_without_overlay_is_a_warning) {
  DoctorInputs in = healthy();
  in.bwrap_version = "0.8.0";
  const DoctorCheck& b = check(doctor_checks(in), "bubblewrap");
  cr_expect_eq(b.status, "warn");
  cr_expect(contains(b.detail, "without --overlay"), "%s", b.detail.c_str());
}

Test(doctor, bwrap_missing_points_at_deps_install) {
  DoctorInputs in = healthy();
  in.bwrap_path.clear();
  in.bwrap_works = false;
  const DoctorCheck& b = check(doctor_checks(in), "bubblewrap");
  cr_expect_eq(b.status, "fail");
  cr_expect(contains(b.hint, "sandbox deps install"), "%s", b.hint.c_str());
  cr_expect(working_runtimes(in) == (std::vector<std::string>{"namespace", "landlock"}));
}

Test(doctor, no_landlock_and_landlock_disabled_at_boot) {
  DoctorInputs in = healthy();
  in.landlock_abi = 0;
  in.landlock_errno = ENOSYS;
  cr_expect_eq(check(doctor_checks(in), "landlock").status, "warn");
  cr_expect(contains(check(doctor_checks(in), "landlock").detail, "no Landlock"));
  in.landlock_errno = EOPNOTSUPP;
  cr_expect(contains(check(doctor_checks(in), "landlock").hint, "lsm="));
  cr_expect(working_runtimes(in) == (std::vector<std::string>{"bubblewrap", "namespace"}));
  in.landlock_abi = 3;
  in.landlock_errno = 0;
  const DoctorCheck& l = check(doctor_checks(in), "landlock");
  cr_expect_eq(l.status, "warn");
  cr_expect(contains(l.hint, "ABI 4"), "%s", l.hint.c_str());
}

Test(doctor, cgroup_v1_only_as_root_and_none_for_a_user) {
  DoctorInputs in = healthy();
  in.cgroup_v2 = false;
  in.cgroup_v2_writable = false;
  in.cgroup_v2_delegated.clear();
  in.cgroup_v1_controllers = {"cpu", "memory", "pids"};
  in.cgroup_v1_writable = true;
  const DoctorCheck& c = check(doctor_checks(in), "cgroup");
  cr_expect_eq(c.status, "ok");
  cr_expect(contains(c.detail, "cgroup v1"), "%s", c.detail.c_str());
  in.cgroup_v1_writable = false;
  const DoctorCheck& d = check(doctor_checks(in), "cgroup");
  cr_expect_eq(d.status, "warn");
  cr_expect(contains(d.detail, "RLIMIT_DATA"), "%s", d.detail.c_str());
  cr_expect(contains(d.hint, "as root"), "%s", d.hint.c_str());
}

Test(doctor, no_seccomp_means_no_runtime) {
  DoctorInputs in = healthy();
  in.seccomp_filter = false;
  cr_expect_eq(check(doctor_checks(in), "seccomp").status, "fail");
  cr_expect(working_runtimes(in).empty());
  std::string text = doctor_text(doctor_checks(in), working_runtimes(in));
  cr_expect(contains(text, "no sandbox runtime works here"), "%s", text.c_str());
}

Test(doctor, text_is_one_line_per_check_and_json_parses_the_same) {
  DoctorInputs in = healthy();
  auto checks = doctor_checks(in);
  std::string text = doctor_text(checks, working_runtimes(in));
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  cr_expect_eq(lines, checks.size() + 1);
  std::string json = doctor_json(checks, working_runtimes(in));
  cr_expect(contains(json, "\"name\":\"userns\""), "%s", json.c_str());
  cr_expect(contains(json, "\"runtimes\":[\"bubblewrap\",\"namespace\",\"landlock\"]"), "%s", json.c_str());
}

Test(deps, distributions_get_their_package_manager) {
  std::string err;
  DepsRequest root{false, false, true};
  auto debian = deps_commands("PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\n", root, err);
  cr_assert_eq(debian.size(), 2u, "%s", err.c_str());
  cr_expect(debian[1] == (std::vector<std::string>{"apt-get", "install", "-y", "bubblewrap"}));
  auto mint = deps_commands("ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", root, err);
  cr_expect_eq(mint.size(), 2u);
  auto fedora = deps_commands("ID=fedora\n", DepsRequest{true, true, false}, err);
  cr_assert_eq(fedora.size(), 1u, "%s", err.c_str());
  cr_expect(fedora[0] == (std::vector<std::string>{"sudo", "dnf", "install", "-y", "bubblewrap", "podman", "moby-engine"}));
  auto arch = deps_commands("ID=arch\n", root, err);
  cr_expect_eq(arch[0][0], "pacman");
  auto suse = deps_commands("ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", root, err);
  cr_expect_eq(suse[0][0], "zypper");
  auto mac = deps_commands("ID=macos\n", DepsRequest{true, false, false}, err);
  cr_expect(mac == (std::vector<std::vector<std::string>>{{"brew", "install", "podman"}}));
}

Test(deps, unknown_distribution_and_unpackaged_docker_are_errors) {
  std::string err;
  cr_expect(deps_commands("ID=plan9\n", DepsRequest{}, err).empty());
  cr_expect(contains(err, "unknown distribution 'plan9'"), "%s", err.c_str());
  err.clear();
  cr_expect(deps_commands("ID=rocky\nID_LIKE=\"rhel centos fedora\"\n", DepsRequest{false, true, true}, err).size() == 1);
  err.clear();
  cr_expect(deps_commands("ID=\"rhel\"\n", DepsRequest{false, true, true}, err).empty());
  cr_expect(contains(err, "docker is not packaged"), "%s", err.c_str());
  err.clear();
  cr_expect(deps_commands("ID=macos\n", DepsRequest{}, err).empty());
  cr_expect(contains(err, "macOS has no bubblewrap"), "%s", err.c_str());
}
