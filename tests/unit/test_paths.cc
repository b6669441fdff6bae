// Path classification after resolving ~, $HOME, .. and the cwd.
#include <criterion/criterion.h>

#include <string>

#include "core/normalize.h"
#include "core/paths.h"

namespace {

const vg::AnalyzeContext kCtx{"/home/u/proj", "/home/u", "/home/u/proj"};

vg::Arg lit(const char* v) {
  vg::Arg a;
  a.text = a.value = v;
  return a;
}

vg::PathClass cls(const char* v, const char* cwd = "/home/u/proj") {
  return vg::classify_path(lit(v), cwd, kCtx).cls;
}

void expect_class(const char* v, vg::PathClass want, const char* cwd = "/home/u/proj") {
  vg::PathClass got = cls(v, cwd);
  cr_expect(got == want, "%s (cwd %s): want %s, got %s", v, cwd, std::string(vg::to_string(want)).c_str(),
            std::string(vg::to_string(got)).c_str());
}

}  // namespace

using vg::PathClass;

Test(paths, root) { expect_class("/", PathClass::Root); }
Test(paths, root_by_dots) { expect_class("../../..", PathClass::Root); }
Test(paths, root_double_slash) { expect_class("//", PathClass::Root); }
Test(paths, etc) { expect_class("/etc", PathClass::System); }
Test(paths, etc_below) { expect_class("/etc/ssh/sshd_config", PathClass::System); }
Test(paths, usr_local) { expect_class("/usr/local", PathClass::System); }
Test(paths, var_log) { expect_class("/var/log", PathClass::System); }
Test(paths, var_tmp_is_temp) { expect_class("/var/tmp/x", PathClass::Temp); }
Test(paths, tmp_root) { expect_class("/tmp", PathClass::TempRoot); }
Test(paths, tmp_below) { expect_class("/tmp/build", PathClass::Temp); }
Test(paths, tmp_traversal) { expect_class("/tmp/../etc", PathClass::System); }
Test(paths, home_itself) { expect_class("~", PathClass::HomeRoot); }
Test(paths, home_slash) { expect_class("/home/u/", PathClass::HomeRoot); }
Test(paths, home_top) { expect_class("~/Documents", PathClass::HomeTop); }
Test(paths, home_ssh) { expect_class("~/.ssh", PathClass::HomeTop); }
Test(paths, home_deep) { expect_class("~/Documents/a/b.txt", PathClass::Home); }
Test(paths, home_dir_of_others) { expect_class("/home", PathClass::System); }
Test(paths, other_user_home) { expect_class("/home/v/x", PathClass::System); }
Test(paths, workspace_root) { expect_class(".", PathClass::WorkspaceRoot); }
Test(paths, workspace_file) { expect_class("src/a.c", PathClass::Workspace); }
Test(paths, workspace_absolute) { expect_class("/home/u/proj/build", PathClass::Workspace); }
Test(paths, parent_of_workspace_is_home) { expect_class("..", PathClass::HomeRoot); }
Test(paths, dot_in_home_cwd) { expect_class(".", PathClass::HomeRoot, "/home/u"); }
Test(paths, relative_in_root_cwd) { expect_class("etc", PathClass::System, "/"); }
Test(paths, unknown_cwd) { expect_class("x", PathClass::Unknown, ""); }
Test(paths, other_absolute) { expect_class("/mnt/data", PathClass::Other); }
Test(paths, device) { expect_class("/dev/sda", PathClass::Device); }
Test(paths, dev_null_special) { expect_class("/dev/null", PathClass::Special); }
Test(paths, dev_tcp) { expect_class("/dev/tcp/1.2.3.4/80", PathClass::NetSocket); }
Test(paths, macos_system) { expect_class("/System/Library", PathClass::System); }

Test(paths, glob_of_root) {
  vg::Arg a = lit("/*");
  a.glob = true;
  cr_expect(vg::classify_path(a, "/home/u/proj", kCtx).cls == PathClass::Root);
}

Test(paths, glob_in_tmp_is_temp) {
  vg::Arg a = lit("/tmp/*");
  a.glob = true;
  cr_expect(vg::classify_path(a, "/home/u/proj", kCtx).cls == PathClass::Temp);
}

Test(paths, unknown_variable) {
  vg::Arg a = lit("");
  a.value = std::string(1, vg::kUnknown) + "/";
  a.dynamic = true;
  vg::PathInfo pi = vg::classify_path(a, "/home/u/proj", kCtx);
  cr_expect(pi.cls == PathClass::Unknown);
  cr_expect(pi.fully_unknown);
}

Test(paths, unknown_with_literal_suffix) {
  vg::Arg a = lit("");
  a.value = std::string(1, vg::kUnknown) + "/build";
  a.dynamic = true;
  vg::PathInfo pi = vg::classify_path(a, "/home/u/proj", kCtx);
  cr_expect(pi.cls == PathClass::Unknown);
  cr_expect(!pi.fully_unknown);
}

Test(paths, unknown_below_root) {
  vg::Arg a = lit("");
  a.value = std::string("/") + vg::kUnknown;
  a.dynamic = true;
  cr_expect(vg::classify_path(a, "/home/u/proj", kCtx).cls == PathClass::Root);
}

Test(paths, workspace_equal_home_does_not_shield_home) {
  vg::AnalyzeContext ctx{"/home/u", "/home/u", "/home/u"};
  cr_expect(vg::classify_path(lit("Documents/x"), "/home/u", ctx).cls == PathClass::Home);
}

Test(paths, normalize_abs) {
  cr_expect_str_eq(vg::normalize_abs("/a/./b/../c//d/").c_str(), "/a/c/d");
  cr_expect_str_eq(vg::normalize_abs("/../..").c_str(), "/");
}

Test(paths, secrets) {
  cr_expect(vg::secret_kind("/home/u/.ssh/id_rsa", kCtx) == vg::SecretKind::PrivateKey);
  cr_expect(vg::secret_kind("/home/u/.ssh/id_rsa.pub", kCtx) == vg::SecretKind::None);
  cr_expect(vg::secret_kind("/home/u/.ssh/config", kCtx) == vg::SecretKind::None);
  cr_expect(vg::secret_kind("/home/u/.aws/credentials", kCtx) == vg::SecretKind::CloudCredentials);
  cr_expect(vg::secret_kind("/etc/shadow", kCtx) == vg::SecretKind::SystemAuth);
  cr_expect(vg::secret_kind("/home/u/proj/.env", kCtx) == vg::SecretKind::EnvFile);
  cr_expect(vg::secret_kind("/home/u/proj/.env.example", kCtx) == vg::SecretKind::None);
  cr_expect(vg::secret_kind("/home/u/.netrc", kCtx) == vg::SecretKind::Tokens);
}

Test(paths, special_files) {
  cr_expect(vg::is_auth_or_boot_file("/etc/passwd"));
  cr_expect(vg::is_auth_or_boot_file("/boot/vmlinuz"));
  cr_expect(!vg::is_auth_or_boot_file("/etc/hostname"));
  cr_expect(vg::is_shell_startup_file("/home/u/.bashrc", kCtx));
  cr_expect(!vg::is_shell_startup_file("/home/u/proj/.bashrc", kCtx));
  cr_expect(vg::is_persistence_path("/home/u/.ssh/authorized_keys", kCtx));
  cr_expect(vg::is_persistence_path("/home/u/proj/.git/hooks/pre-commit", kCtx));
  cr_expect(vg::is_log_or_history("/var/log/auth.log", kCtx));
  cr_expect(vg::is_log_or_history("/home/u/.bash_history", kCtx));
}
