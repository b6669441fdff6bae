#!/usr/bin/env bats
# Asking on the terminal: the question goes to /dev/tty (never the command's stdin),
# shows risk and findings; the same question as the shell hooks: [y] once (host), [r] and
# remember, [s] in the sandbox, [N] no (the default: Enter).

bats_require_minimum_version 1.5.0
load exec_helpers

setup() {
  exec_setup
  # guard level paranoid asks for every command when a terminal is there.
  printf '[sandbox]\nmode = auto\n[guard]\nlevel = paranoid\n' >"$T/ask.ini"
}

@test "answer n: refused with 126, the command does not run" {
  run pty_run n "'$VG' --config '$T/ask.ini' exec -- touch '$T/ws/ran'"
  [[ $status == 126 ]]
  [[ $output == *"vectra-guard: low risk: touch"* ]]
  [[ $output == *"Run it? [y] once, [r] and remember, [s] in the sandbox, [N] no:"* ]]
  [[ $output == *"Not run"* ]]
  [[ ! -e $T/ws/ran ]]
  [[ $(json_get "$(LOG)" 1 'e["decision"]') == prompt ]]
  [[ $(json_get "$(LOG)" 1 'e["answer"]') == no ]]
  [[ $(json_get "$(LOG)" 1 'e["exit_code"]') == 126 ]]
}

@test "answer y: runs on the host" {
  run pty_run y "'$VG' --config '$T/ask.ini' exec -- sh -c 'echo ran-on-host; exit 6'"
  [[ $status == 6 ]]
  [[ $output == *ran-on-host* ]]
  [[ $(json_get "$(LOG)" 1 'e["answer"]') == host ]]
  [[ $(json_get "$(LOG)" 1 'e["runtime"]') == host ]]
}

@test "Enter alone: the default is no, as in the shell hooks" {
  run pty_run "" "'$VG' --config '$T/ask.ini' exec -- touch '$T/ws/ran'"
  [[ $status == 126 ]]
  [[ $output == *"Not run: you answered no"* ]]
  [[ ! -e $T/ws/ran ]]
  [[ $(json_get "$(LOG)" 1 'e["answer"]') == no ]]
}

@test "s: the sandbox, with the project under review" {
  run pty_run s "'$VG' --config '$T/ask.ini' exec -- sh -c 'echo in-box'"
  [[ $status == 0 ]]
  [[ $output == *"Running in sandbox"*"Review: the project is copy-on-write"* ]]
  [[ $output == *in-box* ]]
  [[ $output == *"📝 no changes"* ]]
  [[ $(json_get "$(LOG)" 1 'e["answer"]') == sandbox ]]
  [[ $(json_get "$(LOG)" 1 'e["runtime"]') == namespace ]]
}

@test "whole words only: 'yarn' is asked again, 'yes' runs; typed-ahead input is not an answer" {
  run pty_run_keys "ls" "yarn" "YES" -- "'$VG' --config '$T/ask.ini' exec -- touch '$T/ws/ran'"
  [[ $status == 0 ]]
  [[ $output == *"Please answer y, r, s or n (Enter = no)"* ]]
  [[ $(grep -c "Please answer" <<<"$output") == 1 ]]
  [[ -e $T/ws/ran ]]
  [[ $(json_get "$(LOG)" 1 'e["answer"]') == host ]]
}

@test "three answers that are not words of the prompt: no" {
  run pty_run_keys "" "yarn" "sure" "okay" -- "'$VG' --config '$T/ask.ini' exec -- touch '$T/ws/ran'"
  [[ $status == 126 ]]
  [[ ! -e $T/ws/ran ]]
}

@test "r remembers: the second run does not ask" {
  run pty_run r "'$VG' --config '$T/ask.ini' exec -- touch '$T/ws/ran'"
  [[ $status == 0 && -e $T/ws/ran ]]
  [[ $output == *"remembered; it will run without asking here."* ]]
  run pty_run n "'$VG' --config '$T/ask.ini' exec -- touch '$T/ws/ran'"
  [[ $status == 0 && $output != *"Run it?"* ]]
}

@test "[s] at the prompt keeps what the command wrote as a change set, not in the project" {
  run pty_run s "'$VG' --config '$T/ask.ini' exec -- sh -c 'echo data >made.txt'"
  [[ $status == 0 ]]
  [[ $output == *"In the sandbox the project is copy-on-write: changes are kept for review."* ]]
  [[ $output == *"📝 1 file changed — vectra-guard changes show 1"* ]]
  [[ ! -e $T/ws/made.txt ]]
  [[ $(cat "$VG_HOME/changes/1/upper/made.txt") == data ]]
  [[ $(json_get "$(LOG)" 1 'e["change_set"]') == 1 ]]
}

@test "the question is asked on /dev/tty, the command's stdin stays its own" {
  run pty_run y "printf 'piped-data\n' | '$VG' --config '$T/ask.ini' exec --interactive -- cat"
  [[ $status == 0 ]]
  [[ $output == *"Run it?"* ]]
  [[ $output == *piped-data* ]]
}

@test "--no-interactive on a terminal never asks" {
  run pty_run n "'$VG' --config '$T/ask.ini' exec --no-interactive -- echo quiet"
  [[ $output != *"Run it?"* ]]
  [[ $output == *quiet* ]]
}

@test "without a terminal nothing is asked (agents, CI)" {
  run --separate-stderr "$VG" --config "$T/ask.ini" exec -- echo no-tty </dev/null
  [[ $status == 0 && $output == no-tty ]]
  [[ $stderr != *"Run it?"* ]]
}
