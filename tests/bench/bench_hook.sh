#!/usr/bin/env bash
# Per-line cost of the shell hooks: each shell with and without the hook, side by side.
# Not a test: prints a table. Targets (DESIGN.md / issue 4): about 1 ms added per line
# (bash <= 0.5 ms with an in-process builtin, zsh and fish <= 5 ms). Rows: bash with the
# loadable builtin (hooks/bash_builtin), bash-coproc (the same hook with the builtin off:
# its `hook bash --serve` coprocess), zsh (coprocess), fish (FIFO server).
#
#   tests/bench/bench_hook.sh [BUILD_DIR]      (default: build)
#   VG_BENCH_LINES=200                         lines typed per run
#   VG_BENCH_ROUNDS=3                          runs per row; the fastest counts
#   VG_BENCH_SHELLS="zsh fish"                 only these rows
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bin=$build/bin/vectra-guard
[[ -x $bin ]] || { echo "bench_hook.sh: build first: $bin is missing" >&2; exit 1; }
lines=${VG_BENCH_LINES:-200}
rounds=${VG_BENCH_ROUNDS:-3}
scratch=$(mktemp -d /tmp/vg-bench-hook-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
home=$scratch/home
mkdir -p "$home/.config/vectra-guard" "$home/.config/fish" "$scratch/ws"
printf '[sandbox]\nmode = auto\n' >"$home/.config/vectra-guard/config.ini"

rc_for() {  # shell hooked|plain -> writes that shell's rc file
  local shell=$1 kind=$2
  case $shell in
    bash | bash-coproc)
      printf "PS1='VGP> '\n" >"$home/.bashrc"
      # bash-coproc: the same hook with its loadable builtin turned off.
      [[ $shell == bash-coproc ]] && printf "VECTRA_GUARD_BUILTIN=none\n" >>"$home/.bashrc"
      [[ $kind == hooked ]] && printf "VECTRA_GUARD_BIN='%s'\n. '%s'\n" "$bin" "$root/hooks/bash/vectra-guard.bash" >>"$home/.bashrc"
      ;;
    zsh)
      printf "PS1='VGP> '\nunsetopt PROMPT_SP\n" >"$home/.zshrc"
      [[ $kind == hooked ]] && printf "VECTRA_GUARD_BIN='%s'\n. '%s'\n" "$bin" "$root/hooks/zsh/vectra-guard.zsh" >>"$home/.zshrc"
      ;;
    fish)
      printf "function fish_prompt; echo -n 'VGP> '; end\nset -g fish_greeting ''\n" >"$home/.config/fish/config.fish"
      [[ $kind == hooked ]] && printf "set -g VECTRA_GUARD_BIN '%s'\nsource '%s'\n" "$bin" "$root/hooks/fish/vectra-guard.fish" >>"$home/.config/fish/config.fish"
      ;;
  esac
  return 0
}

# ms for $lines lines of `true` typed into an interactive shell.
run_shell() {
  local shell=$1 out
  out=$(cd "$scratch/ws" && printf 'repeat %s true\n' "$lines" |
    python3 "$root/tests/shell/pty_drive.py" --timeout 30 -- \
      env -i "HOME=$home" PATH=/usr/bin:/bin TERM=dumb LANG=C.UTF-8 "VG_HOME=$home/.vg" "${shell%-coproc}" -i 2>&1 >/dev/null)
  sed -n 's/^repeat: [0-9]* lines in \([0-9.]*\) ms$/\1/p' <<<"$out"
}

# The evaluator alone, as the hook calls it (one process per line).
t0=$(date +%s%N)
for ((i = 0; i < lines; i++)); do (cd "$scratch/ws" && HOME=$home VG_HOME=$home/.vg "$bin" hook bash -- 'true' >/dev/null); done
t1=$(date +%s%N)
per_call=$(awk -v ns=$((t1 - t0)) -v n="$lines" 'BEGIN { printf "%.3f", ns / n / 1e6 }')

printf '%-12s %14s %14s %14s\n' shell 'plain ms/line' 'hooked ms/line' 'added ms/line'
for shell in ${VG_BENCH_SHELLS:-bash bash-coproc zsh fish}; do
  command -v "${shell%-coproc}" >/dev/null || { printf '%-12s %14s\n' "$shell" 'not installed'; continue; }
  # Plain and hooked alternate; the fastest of the rounds counts (the least disturbed
  # by other work on the machine).
  plain='' hooked=''
  for ((r = 0; r < rounds; r++)); do
    rc_for "$shell" plain
    t=$(run_shell "$shell")
    [[ -z $plain ]] || awk -v a="$t" -v b="$plain" 'BEGIN { exit !(a < b) }' && plain=$t
    rc_for "$shell" hooked
    t=$(run_shell "$shell")
    [[ -z $hooked ]] || awk -v a="$t" -v b="$hooked" 'BEGIN { exit !(a < b) }' && hooked=$t
  done
  awk -v s="$shell" -v p="$plain" -v h="$hooked" -v n="$lines" \
    'BEGIN { printf "%-12s %14.3f %14.3f %14.3f\n", s, p / n, h / n, (h - p) / n }'
done
printf '\n`vectra-guard hook bash -- true` alone (fork+exec+evaluate): %s ms per call\n' "$per_call"

# The evaluator call alone, side by side, inside one bash: the loadable builtin against
# a round trip to the `hook bash --serve` coprocess (what the hook does per line).
so=$build/lib/vectra-guard/vectra_guard_hook.so
# shellcheck disable=SC2016
calls=$(cd "$scratch/ws" && HOME=$home VG_HOME=$home/.vg bash -c '
  so=$1 bin=$2 n=$3
  t0=$EPOCHREALTIME
  if enable -f "$so" vectra_guard_hook 2>/dev/null; then
    t0=$EPOCHREALTIME
    for ((i = 0; i < n; i++)); do vectra_guard_hook -- true || exit 1; done
    t1=$EPOCHREALTIME
    b=$(( (${t1/./} - ${t0/./}) ))
  else
    b=-1
  fi
  coproc S { exec "$bin" hook bash --serve; }
  printf "0\0%s\0true\0" "$PWD" >&"${S[1]}"; IFS= read -r -d "" out <&"${S[0]}"
  t0=$EPOCHREALTIME
  for ((i = 0; i < n; i++)); do
    printf "0\0%s\0true\0" "$PWD" >&"${S[1]}"; IFS= read -r -d "" out <&"${S[0]}"
  done
  t1=$EPOCHREALTIME
  echo "$b $(( (${t1/./} - ${t0/./}) ))"' _ "$so" "$bin" "$lines")
read -r b_us c_us <<<"$calls"
if [[ $b_us == -1 ]]; then
  printf 'loadable builtin: not built (%s missing)\n' "$so"
else
  awk -v b="$b_us" -v c="$c_us" -v n="$lines" 'BEGIN {
    printf "one evaluation inside bash: loadable builtin %.3f ms, coprocess round trip %.3f ms\n", b / n / 1000, c / n / 1000 }'
fi
