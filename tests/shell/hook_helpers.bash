# Shared set-up for the hook suites: a scratch HOME with vectra-guard installed by
# scripts/install-shell-wrapper.sh, and a real interactive shell driven through a pty
# (tests/shell/pty_drive.py). Prompts are PS1='VGP> ' and PS2='VGC> ' so the driver
# knows when a line is done.
bats_require_minimum_version 1.5.0

hook_setup() {
  if [[ -z ${VG_BIN:-} || ! -x $VG_BIN/vectra-guard || -z ${VG_BUILD_DIR:-} ]]; then
    echo "VG_BIN and VG_BUILD_DIR must point at a build of vectra-guard (ctest sets them)" >&2
    return 1
  fi
  VG=$VG_BIN/vectra-guard
  SRC=${VG_SOURCE_DIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
  T=$(mktemp -d /tmp/vg-hook-XXXXXX)
  chmod 755 "$T"
  export HOME=$T/home
  unset VG_HOME VG_AGENT VG_SESSION VG_DISABLE BASH_ENV LD_PRELOAD XDG_CONFIG_HOME ZDOTDIR NO_COLOR
  mkdir -p "$HOME" "$T/ws"
  echo keep >"$HOME/canary"
  hook_config $'[sandbox]\nmode = auto\n'
  RUN_AS=self
}

hook_teardown() {
  cd /
  [[ -n ${T:-} ]] && rm -rf "$T"
}

# The user config (INI text).
hook_config() {
  mkdir -p "$HOME/.config/vectra-guard"
  printf '%s' "$1" >"$HOME/.config/vectra-guard/config.ini"
}

# Install into the scratch HOME for one shell; the shell's own rc file sets the prompts
# first, so the hook is loaded last as a real user's rc would have it. $2: extra rc text
# that runs before the hook.
hook_install() {
  local shell=$1 extra=${2:-}
  case $shell in
    bash) printf "PS1='VGP> '\nPS2='VGC> '\n%s\n" "$extra" >"$HOME/.bashrc" ;;
    zsh) printf "PS1='VGP> '\nPS2='VGC> '\nunsetopt PROMPT_SP\n%s\n" "$extra" >"$HOME/.zshrc" ;;
    fish)
      mkdir -p "$HOME/.config/fish"
      printf "function fish_prompt; echo -n 'VGP> '; end\nset -g fish_greeting ''\n%s\n" "$extra" \
        >"$HOME/.config/fish/config.fish"
      ;;
  esac
  "$SRC/scripts/install-shell-wrapper.sh" --shell "$shell" --build-dir "$VG_BUILD_DIR" >/dev/null
}

# Later shells run as an unprivileged user (nobody) when we are root, else as ourselves.
hook_as_unprivileged() {
  if [[ $(id -u) == 0 ]]; then
    chown -R 65534:65534 "$T"
    RUN_AS=nobody
  fi
}

# drive SHELL < script: run an interactive SHELL in $T/ws under a pty; transcript in $output.
drive() {
  local shell=$1 user
  user=$(id -un)
  [[ $RUN_AS == nobody ]] && user=nobody
  local -a cmd=(env -i "HOME=$HOME" "PATH=$HOME/.local/bin:/usr/local/bin:/usr/bin:/bin"
    "TERM=dumb" "LANG=C.UTF-8" "USER=$user" "T=$T" "$shell" -i)
  if [[ $RUN_AS == nobody ]]; then
    cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- "${cmd[@]}")
  fi
  cd "$T/ws"
  run python3 "$SRC/tests/shell/pty_drive.py" --timeout 20 -- "${cmd[@]}"
  cd /
  echo "$output" >"$T/transcript"
}

# The transcript contains / lacks a text (prints the transcript when it fails).
has() { [[ $output == *"$1"* ]] || { echo "missing: $1"; echo "$output"; return 1; }; }
lacks() { [[ $output != *"$1"* ]] || { echo "unexpected: $1"; echo "$output"; return 1; }; }

# After tests/shell/hook_prompt_script.txt (guard level paranoid): y ran the line, n did
# not ($? 126), r ran it and stored it, so its second run did not ask (the driver would
# have timed out waiting for the prompt otherwise).
prompt_checks() {
  has "asked-5"
  lacks "refused-2"
  has "rc=126"
  [ "$(grep -c '^kept-6' "$T/transcript")" -eq 2 ] || { echo "kept-6 did not run twice"; cat "$T/transcript"; return 1; }
  HOME=$HOME "$VG" trust list | grep -q 'kept'
}
