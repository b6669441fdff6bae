#!/usr/bin/env bats
# The exec shim with real programs: harmful commands are stopped (judged from the
# host: the victim files still exist), ordinary ones behave exactly as without it.

bats_require_minimum_version 1.5.0
load shim_helpers

setup_file() { vg_shim_setup_file; }
setup() { vg_shim_setup; }

@test "ordinary commands: same stdout, stderr and exit code with and without the shim" {
  run --separate-stderr bash -c 'bash -c "echo out; echo err >&2; ls /; exit 7"'
  local plain_out=$output plain_err=$stderr plain_status=$status
  run --separate-stderr shim bash -c 'bash -c "echo out; echo err >&2; ls /; exit 7"'
  [ "$status" -eq "$plain_status" ]
  [ "$status" -eq 7 ]
  [ "$output" = "$plain_out" ]
  [ "$stderr" = "$plain_err" ]
}

@test "bash -c 'rm -rf ~' spawned under the shim is refused with EACCES and a reason" {
  run --separate-stderr shim bash -c 'bash -c "rm -rf ~"; echo "after=$?"'
  home_intact
  [[ $output == *"after=126"* ]]
  [[ $stderr == *"vectra-guard blocked"* ]]
  [[ $stderr == *"home directory"* ]]
}

@test "sh -c and a direct /bin/rm exec are refused; the program continues" {
  run shim bash -c '/bin/rm -rf "$HOME"; echo "rm=$?"; sh -c "rm -rf \$HOME/precious"; echo "sh=$?"'
  home_intact
  [[ $output == *"rm=126"* ]]
  [[ $output == *"sh=126"* ]]
}

@test "python os.system('rm -rf ~') is stopped (system() is wrapped)" {
  run shim /usr/bin/python3 -c 'import os; print("status", os.system("rm -rf ~"))'
  home_intact
  [[ $output == *"status 32256"* ]]  # exit status 126, as a shell reports it
}

@test "python subprocess.run(['/bin/rm','-rf',HOME], env={}) raises PermissionError" {
  run shim /usr/bin/python3 -c '
import os, subprocess
try:
    subprocess.run(["/bin/rm", "-rf", os.environ["HOME"]], env={})
    print("ran")
except PermissionError as e:
    print("refused", e.errno)'
  home_intact
  [[ $output == *"refused 13"* ]]
}

@test "python subprocess with env={} still carries the shim and the session" {
  run shim env VG_SESSION=s-42 /usr/bin/python3 -c '
import subprocess
print(subprocess.run(["/usr/bin/env"], env={}, capture_output=True, text=True).stdout)'
  [[ $output == *"LD_PRELOAD=$SHIM_LIB"* ]]
  [[ $output == *"VG_SESSION=s-42"* ]]
  [[ $output == *"VG_POLICY_SNAPSHOT=$VG_POLICY_SNAPSHOT"* ]]
}

@test "env -i bash -c 'rm -rf ...' is stopped: the shim survives a scrubbed environment" {
  run shim bash -c "env -i /bin/bash -c 'rm -rf $HOME'; echo rc=\$?"
  home_intact
  [[ $output == *"rc=126"* ]]
}

@test "a child that empties LD_PRELOAD gets the shim put back" {
  run shim bash -c 'LD_PRELOAD= /usr/bin/env; LD_PRELOAD=/nonexistent-other.so /usr/bin/env 2>/dev/null'
  [ "$(grep -cx "LD_PRELOAD=$SHIM_LIB" <<<"$output")" -eq 1 ]
  [[ $output == *"LD_PRELOAD=$SHIM_LIB:/nonexistent-other.so"* ]]
}

@test "an LD_AUDIT that was not there at load is refused" {
  run --separate-stderr shim bash -c 'LD_AUDIT=/tmp/audit.so /bin/true; echo rc=$?'
  [[ $output == *"rc=126"* ]]
  [[ $stderr == *"LD_AUDIT"* ]]
}

@test "a Makefile recipe that deletes HOME fails; the rest of the build is unchanged" {
  printf 'all:\n\t@echo building\n\trm -rf $(HOME)\n\t@echo never\n' >Makefile
  run shim make
  home_intact
  [ "$status" -ne 0 ]
  [[ $output == *"building"* ]]
  [[ $output != *"never"* ]]
  printf 'all:\n\t@echo building\n\t@echo done\n' >Makefile
  run make
  local plain=$output
  run shim make
  [ "$status" -eq 0 ]
  [ "$output" = "$plain" ]
}

@test "an npm package.json script that deletes HOME is stopped" {
  command -v npm >/dev/null
  printf '{"name":"t","version":"1.0.0","scripts":{"ok":"echo fine","wipe":"rm -rf ~"}}\n' >package.json
  run shim npm run --silent ok
  [ "$status" -eq 0 ]
  [[ $output == *"fine"* ]]
  run shim npm run --silent wipe
  home_intact
  [ "$status" -ne 0 ]
}

@test "every wrapped entry point refuses a destructive exec" {
  local mode
  for mode in execv execvp execve-empty-env execl execlp execle execveat fexecve vfork-execv posix_spawn posix_spawnp; do
    run shim "$PROBE" "$mode" /bin/rm -rf "$HOME"
    home_intact || { echo "$mode deleted HOME"; return 1; }
    [[ $output == *"refused errno=EACCES"* ]] || { echo "$mode: $output"; return 1; }
  done
  run shim "$PROBE" system "rm -rf $HOME"
  home_intact
  [[ $output == *"system=126"* ]]
  run shim "$PROBE" popen "rm -rf $HOME"
  home_intact
  [[ $output == *"refused errno=EACCES"* ]]
}

@test "every wrapped entry point runs an ordinary program unchanged" {
  local mode
  for mode in execv execvp execl execlp execle execveat fexecve vfork-execv posix_spawn posix_spawnp; do
    run shim "$PROBE" "$mode" /bin/echo hello
    [ "$status" -eq 0 ] && [ "$output" = "hello" ] || { echo "$mode: $status $output"; return 1; }
  done
  run shim "$PROBE" popen "echo hi; exit 3"
  [ "$output" = $'hi\npopen=3' ]
  run shim "$PROBE" system "exit 5"
  [ "$output" = "system=5" ]
}

@test "mode always: an ordinary bash -c is re-routed to the sandbox with identical stdout" {
  printf '[sandbox]\nmode = always\n' >"$T/always.ini"
  "$VG" --config "$T/always.ini" agent snapshot --output "$T/policy.snap" 2>/dev/null
  run --separate-stderr shim bash -c 'bash -c "echo routed; exit 4"'
  [ "$status" -eq 4 ]
  [ "$output" = "routed" ]
  [[ $stderr == *"sandbox"* ]]
}

@test "vectra-guard itself is not re-routed under the shim (no loop)" {
  run shim bash -c "\"$VG\" explain -- 'ls -la' >/dev/null && echo explained"
  [ "$output" = "explained" ]
}

@test "every judged exec is in the audit log with source shim" {
  run shim bash -c '/bin/rm -rf "$HOME"'
  home_intact
  grep -h '"source":"shim"' "$VG_HOME"/sessions/*.jsonl | grep -q '"decision":"block"'
}

@test "a judged host run goes through exec --via-shim: exit code and duration are logged" {
  echo junk >"$T/ws/junk"
  run --separate-stderr shim bash -c 'rm "$PWD/junk"; echo "first=$?"; rm "$PWD/not-there"; echo "second=$?"'
  [ ! -e "$T/ws/junk" ]
  [[ $output == *"first=0"* ]]
  [[ $output == *"second=1"* ]]
  [[ $stderr == *"cannot remove"* ]]        # rm's own message, unchanged
  [[ $stderr != *"Running on host"* ]]      # no notice for an approved host run
  run python3 -c '
import json, sys, glob
ev = [json.loads(l) for f in glob.glob(sys.argv[1] + "/sessions/*.jsonl") for l in open(f)]
rm = [e for e in ev if e["source"] == "shim" and e["command"].split(" ")[0].endswith("/rm")]
print(len(rm), sorted(e["exit_code"] for e in rm), {e["runtime"] for e in rm}, all(e["duration_ms"] >= 0 for e in rm))' "$VG_HOME"
  [ "$output" = "2 [0, 1] {'host'} True" ]
}

@test "a bash -c started through exec --via-shim is not judged a second time by BASH_ENV" {
  export BASH_ENV=$VG_SOURCE_DIR/hooks/noninteractive/bash_env.sh VG_GUARD_BIN=$VG
  # A script, not -c: BASH_ENV has nothing to judge in the outer bash.
  printf '%s\n' 'bash -c "echo inner; exit 5"' 'echo "rc=$?"' >"$T/outer.sh"
  run --separate-stderr shim bash "$T/outer.sh"
  [[ $output == *"inner"* ]]
  [[ $output == *"rc=5"* ]]
  run python3 -c '
import json, sys, glob
ev = [json.loads(l) for f in glob.glob(sys.argv[1] + "/sessions/*.jsonl") for l in open(f)]
print(len([e for e in ev if "echo inner" in e["command"]]), [e["source"] for e in ev if "echo inner" in e["command"]])' "$VG_HOME"
  [ "$output" = "1 ['shim']" ]
}

@test "a forged VG_EXEC_CHECKED=parent:PID does not skip the BASH_ENV check" {
  export BASH_ENV=$VG_SOURCE_DIR/hooks/noninteractive/bash_env.sh VG_GUARD_BIN=$VG
  # No shim here: only BASH_ENV guards the inner bash, and its parent is a script
  # (not vectra-guard) that claims the check was done.
  printf '%s\n' 'VG_EXEC_CHECKED=parent:$$ bash -c "rm -rf \"\$HOME/precious\""' 'echo "rc=$?"' >"$T/forge.sh"
  run --separate-stderr bash "$T/forge.sh"
  home_intact
  [[ $output == *"rc=126"* ]]
}

@test "no verdict (vectra-guard missing) refuses judged programs; others still run" {
  cp "$VG" "$T/vg-copy"
  "$T/vg-copy" --config "$T/auto.ini" agent snapshot --output "$T/policy.snap" 2>/dev/null
  rm "$T/vg-copy"
  run --separate-stderr shim bash -c 'bash -c "echo inline"; echo rc=$?; /bin/echo plain'
  [[ $output == *"rc=126"* ]]
  [[ $output == *"plain"* ]]
  [[ $stderr == *"no verdict"* ]]
}

@test "without a policy snapshot the shim says it is inactive instead of pretending" {
  export VG_POLICY_SNAPSHOT=$T/missing.snap
  run --separate-stderr shim bash -c '/bin/echo ran'
  [ "$output" = "ran" ]
  [[ $stderr == *"exec shim is inactive"* ]]
}

@test "a small C++ build and its test suite under the shim: same output, same exit code" {
  mkdir -p proj && cd proj
  printf 'int add(int a, int b);\n' >add.h
  printf '#include "add.h"\nint add(int a, int b) { return a + b; }\n' >add.cc
  printf '#include <cstdio>\n#include "add.h"\nint main() { int bad = add(2, 2) != 4; std::printf("tests: %%s\\n", bad ? "FAIL" : "ok"); return bad; }\n' >test.cc
  printf 'CXX = g++\nall: test\nadd.o: add.cc add.h\n\t$(CXX) -c add.cc -o add.o\ntest_bin: test.cc add.o\n\t$(CXX) test.cc add.o -o test_bin\ntest: test_bin\n\t./test_bin\n\t@echo "suite done"\nclean:\n\trm -f add.o test_bin\n.PHONY: all test clean\n' >Makefile
  run make
  local plain=$output plain_status=$status
  make clean >/dev/null
  run shim make
  [ "$status" -eq "$plain_status" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$plain" ]
  [[ $output == *"tests: ok"* ]]
  # A failing suite fails the same way.
  sed -i 's/!= 4/!= 5/' test.cc
  make clean >/dev/null
  run make
  plain=$output plain_status=$status
  make clean >/dev/null
  run shim make
  [ "$status" -eq "$plain_status" ]
  [ "$status" -ne 0 ]
  diff <(echo "$plain") <(echo "$output")
}
