#!/usr/bin/env bats
# The audit event every `exec` writes: fields, modes, captured output, and a log that
# cannot be written never changing the command's exit status.

bats_require_minimum_version 1.5.0
load exec_helpers

setup() { exec_setup; }

@test "a host run writes one event with every documented field" {
  VG_AGENT=tester run "$VG" exec --host -- sh -c 'exit 42'
  [[ $status == 42 ]]
  [[ $(log_lines) == 1 ]]
  L=$(LOG)
  [[ $(json_get "$L" 1 'e["time"]') =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]]
  [[ $(json_get "$L" 1 'e["session"]') == e2e-session ]]
  [[ $(json_get "$L" 1 'e["agent"]') == tester ]]
  [[ $(json_get "$L" 1 'e["cwd"]') == "$T/ws" ]]
  [[ $(json_get "$L" 1 'e["command"]') == "sh -c 'exit 42'" ]]
  [[ $(json_get "$L" 1 'e["risk"]') == low ]]
  [[ $(json_get "$L" 1 'e["findings"]') == "[]" ]]
  [[ $(json_get "$L" 1 'e["decision"]') == host ]]
  [[ $(json_get "$L" 1 'e["runtime"]') == host ]]
  [[ $(json_get "$L" 1 'e["exit_code"]') == 42 ]]
  [[ $(json_get "$L" 1 'isinstance(e["duration_ms"], int) and e["duration_ms"] >= 0') == true ]]
  [[ $(json_get "$L" 1 '"output" in e') == false ]]
}

@test "a blocked command is logged with its findings and 126" {
  run "$VG" exec -- rm -rf /
  [[ $status == 126 ]]
  L=$(LOG)
  [[ $(json_get "$L" 1 'e["decision"]') == block ]]
  [[ $(json_get "$L" 1 'e["risk"]') == critical ]]
  [[ $(json_get "$L" 1 'e["runtime"]') == none ]]
  [[ $(json_get "$L" 1 'e["exit_code"]') == 126 ]]
  [[ $(json_get "$L" 1 'all(set(f) == {"rule", "severity"} for f in e["findings"])') == true ]]
  [[ $(json_get "$L" 1 'any(f["severity"] == "critical" for f in e["findings"])') == true ]]
}

@test "a sandbox run records runtime, security level and network" {
  run "$VG" exec --sandbox -- true
  [[ $status == 0 ]]
  L=$(LOG)
  [[ $(json_get "$L" 1 'e["decision"]') == sandbox ]]
  [[ $(json_get "$L" 1 'e["runtime"]') == bubblewrap ]]
  [[ $(json_get "$L" 1 'e["security_level"]') == balanced ]]
  [[ -n $(json_get "$L" 1 'e["network"]') ]]
}

@test "log directory 0700 and file 0600; looser existing modes are tightened" {
  "$VG" exec --host -- true
  [[ $(stat -c %a "$VG_HOME") == 700 ]]
  [[ $(stat -c %a "$VG_HOME/sessions") == 700 ]]
  [[ $(stat -c %a "$(LOG)") == 600 ]]
  chmod 755 "$VG_HOME/sessions"
  chmod 644 "$(LOG)"
  "$VG" exec --host -- true
  [[ $(stat -c %a "$VG_HOME/sessions") == 700 ]]
  [[ $(stat -c %a "$(LOG)") == 600 ]]
  [[ $(log_lines) == 2 ]]
}

@test "events append in order, one per command" {
  for i in 1 2 3 4 5; do "$VG" exec --host -- sh -c "exit $i" || true; done
  [[ $(log_lines) == 5 ]]
  for i in 1 2 3 4 5; do [[ $(json_get "$(LOG)" $i 'e["exit_code"]') == "$i" ]]; done
}

@test "without VG_SESSION the session id is the terminal's or the parent's" {
  unset VG_SESSION
  "$VG" exec --host -- true
  files=("$VG_HOME"/sessions/*.jsonl)
  [[ ${#files[@]} == 1 ]]
  name=$(basename "${files[0]}" .jsonl)
  [[ $name =~ ^(ppid-$$-[0-9]+|[a-z]+[0-9]*-[0-9]+-[0-9]+)$ ]]
  [[ $(json_get "${files[0]}" 1 'e["session"]') == "$name" ]]
}

@test "log_output = true: output captured in the event and still byte-identical" {
  run --separate-stderr "$VG" --config "$T/capture.ini" exec --host -- sh -c 'echo to-out; echo to-err >&2; exit 4'
  [[ $status == 4 ]]
  [[ $output == to-out ]]
  [[ $stderr == to-err ]]
  L=$(LOG)
  [[ $(json_get "$L" 1 '"to-out\n" in e["output"] and "to-err\n" in e["output"]') == true ]]
  [[ $(json_get "$L" 1 'e["output_truncated"]') == false ]]
  head -c 300000 /dev/urandom >"$T/data"
  "$VG" --config "$T/capture.ini" exec --host -- cat "$T/data" >"$T/out"
  cmp "$T/data" "$T/out"
  [[ $(json_get "$L" 2 'e["output_truncated"]') == true ]]
  [[ $(json_get "$L" 2 'len(e["output"]) <= 65536') == true ]]
}

@test "log_output = true in the sandbox: captured, the notice stays out of it" {
  run --separate-stderr "$VG" --config "$T/capture.ini" exec --sandbox -- sh -c 'echo inside'
  [[ $status == 0 && $output == inside ]]
  [[ $stderr == *"Running in sandbox"* ]]
  [[ $(json_get "$(LOG)" 1 'e["output"]') == inside ]]
}

@test "output is not captured unless configured" {
  "$VG" --config "$T/auto.ini" exec --host -- echo secret-output >/dev/null
  [[ $(json_get "$(LOG)" 1 '"output" in e or "output_truncated" in e') == false ]]
}

@test "an unwritable log is reported once and does not change the exit status" {
  mkdir -p "$T/blocked"
  touch "$T/blocked/file"
  export VG_HOME=$T/blocked/file
  run --separate-stderr "$VG" exec --host -- sh -c 'echo fine; exit 7'
  [[ $status == 7 ]]
  [[ $output == fine ]]
  [[ $stderr == *"the audit log was not written"* ]]
  [[ $(grep -c "audit log" <<<"$stderr") == 1 ]]
}

@test "a log file we may not write is refused, the command still runs" {
  "$VG" exec --host -- true
  if [[ $(id -u) == 0 ]]; then
    chown 65534 "$(LOG)"   # root could write anywhere: the owner check must refuse
    expect="owned by uid 65534"
  else
    rm "$(LOG)"
    chmod 500 "$VG_HOME/sessions"
    expect="cannot open"
  fi
  run --separate-stderr "$VG" exec --host -- sh -c 'exit 3'
  [[ $status == 3 ]]
  [[ $stderr == *"the audit log was not written"*"$expect"* ]]
  chmod 700 "$VG_HOME/sessions"
}
