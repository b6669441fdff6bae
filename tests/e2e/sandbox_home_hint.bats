#!/usr/bin/env bats
# A sandboxed command that fails on a read-only or missing path under $HOME gets ONE
# more line on stderr, after its own output, naming the sandbox and the ways out
# (bind_mounts, a venv, VG_DISABLE=1). stdout stays byte for byte what the command wrote.
# stderr is watched through a pipe here, and through a raw pty when it is a terminal.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() { sandbox_setup; }
teardown() { sandbox_teardown; }

hint_count() { grep -c 'bind_mounts = ~/' <<<"$1" || true; }

@test "pip install --user of a local wheel: read-only ~/.local, one hint naming bind_mounts, a venv, VG_DISABLE=1" {
  "$PY" -m pip --version >/dev/null 2>&1 || {
    [[ ${VG_REQUIRE_ALL:-} == 1 ]] && { echo "pip is required (scripts/test.sh installs python3-pip)" >&2; return 1; }
    skip "pip is not installed"
  }
  # A minimal wheel, made here: one module, its metadata and record.
  "$PY" - "$WS/vghint-0.1-py3-none-any.whl" <<'PY'
import sys, zipfile
files = {
    "vghint.py": "VALUE = 1\n",
    "vghint-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: vghint\nVersion: 0.1\n",
    "vghint-0.1.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
files["vghint-0.1.dist-info/RECORD"] = "".join(n + ",,\n" for n in files) + "vghint-0.1.dist-info/RECORD,,\n"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, text in files.items():
        z.writestr(name, text)
PY
  run --separate-stderr "$VG" exec --sandbox -- "$PY" -m pip install --user --no-index --no-deps \
    --disable-pip-version-check --break-system-packages "$WS/vghint-0.1-py3-none-any.whl"
  echo "$stderr"
  [ "$status" -ne 0 ]
  [[ $stderr == *"Read-only file system"* ]]
  [ "$(hint_count "$stderr")" -eq 1 ]
  local last=${stderr##*$'\n'}
  [[ $last == "vectra-guard: ~/.local"*"is read-only in the sandbox ($SBX_RUNTIME"* ]]
  [[ $last == *"bind_mounts = ~/.local:rw"* && $last == *venv* && $last == *"VG_DISABLE=1"* ]]
  [[ $output != *vectra-guard* ]]
  [ ! -e "$HOME/.local/lib" ]
}

@test "stdout is byte for byte the command's; the hint comes after its stderr" {
  run --separate-stderr "$VG" exec --sandbox -- sh -c 'printf "out\001one\n\ntwo"; echo err-before >&2; mkdir "$HOME/.config/vg-hint-x"; echo err-after >&2; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = $'out\001one\n\ntwo' ]
  [ "$(hint_count "$stderr")" -eq 1 ]
  [[ $stderr == *$'err-after\nvectra-guard: ~/.config/vg-hint-x '*' in the sandbox'* ]]
  [[ ${stderr##*$'\n'} == *"bind_mounts = ~/.config:rw"* ]]
}

@test "no hint for a command that succeeds, nor for a path outside home" {
  run --separate-stderr "$VG" exec --sandbox -- sh -c 'echo "$HOME/x: Read-only file system" >&2'
  [ "$status" -eq 0 ]
  [ "$(hint_count "$stderr")" -eq 0 ]
  run --separate-stderr "$VG" exec --sandbox -- sh -c 'mkdir /usr/vg-hint-x'
  [ "$status" -ne 0 ]
  [ "$(hint_count "$stderr")" -eq 0 ]
}

@test "on a terminal: the command still sees a tty on stderr, and gets the hint" {
  cat >"$ROOT/script" <<S
send "$VG" exec --sandbox -- sh -c 'test -t 2 && echo stderr-is-a-tty; mkdir "\$HOME/.vg-hint-tty"'
send echo "rc=\$?"
S
  # nonroot.sh copies the driver beside its copy of the suites, as here.
  run "$PY" "$BATS_TEST_DIRNAME/../shell/pty_drive.py" --prompt 'VGP> ' -- \
    env HOME="$HOME" PS1='VGP> ' TERM=dumb bash --norc --noprofile -i <"$ROOT/script"
  echo "$output"
  [[ $output == *stderr-is-a-tty* ]]
  [[ $output == *"vectra-guard: ~/.vg-hint-tty is read-only in the sandbox"* ]]
  [[ $output == *rc=1* ]]
}

@test "sandbox run gets the same hint" {
  run --separate-stderr "$VG" sandbox run -- mkdir "$HOME/.vg-hint-run"
  [ "$status" -ne 0 ]
  [ "$(hint_count "$stderr")" -eq 1 ]
  [[ ${stderr##*$'\n'} == "vectra-guard: ~/.vg-hint-run is read-only in the sandbox"* ]]
}
