#!/usr/bin/env bash
# Install vectra-guard for this user and hook it into every interactive shell found.
#
#   scripts/install-shell-wrapper.sh                  build if needed, install to ~/.local,
#                                                     hook bash, zsh and fish (those present)
#   scripts/install-shell-wrapper.sh --shell zsh      only this shell (repeatable)
#   scripts/install-shell-wrapper.sh --prefix DIR     install under DIR (also: PREFIX=DIR)
#   scripts/install-shell-wrapper.sh --uninstall      remove exactly what was added
#
# Running it again changes nothing that is already in place. Each rc file gets one block
# between "# >>> vectra-guard >>>" and "# <<< vectra-guard <<<"; --uninstall removes that
# block (and a file or final newline the install created), so the file is as it was.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${PREFIX:-$HOME/.local}
build_dir=${VG_INSTALL_BUILD_DIR:-$root/build-release}
shells=()
uninstall=0

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'install-shell-wrapper.sh: %s\n' "$1" >&2; exit 1; }

while (($#)); do
  case $1 in
    --shell) [[ $# -ge 2 ]] || die "--shell needs bash, zsh or fish."; shells+=("$2"); shift 2 ;;
    --shell=*) shells+=("${1#*=}"); shift ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a directory."; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --build-dir) [[ $# -ge 2 ]] || die "--build-dir needs a directory."; build_dir=$2; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1'; see --help." ;;
  esac
done
[[ $prefix == /* ]] || prefix=$(pwd)/$prefix

for s in "${shells[@]}"; do
  case $s in bash | zsh | fish) ;; *) die "unknown shell '$s'; use bash, zsh or fish." ;; esac
done
if ((${#shells[@]} == 0)); then
  for s in bash zsh fish; do command -v "$s" >/dev/null 2>&1 && shells+=("$s"); done
fi

share=$prefix/share/vectra-guard
record=$share/install.record   # what this script added: "file PATH" and "rc PATH HOW"
# Completions and the man page, installed by cmake --install (H9).
bash_completion=$prefix/share/bash-completion/completions/vectra-guard
zsh_completions=$prefix/share/zsh/site-functions
begin='# >>> vectra-guard >>>'
end='# <<< vectra-guard <<<'

rc_file() {
  case $1 in
    bash) printf '%s\n' "$HOME/.bashrc" ;;
    zsh) printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc" ;;
    fish) printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish" ;;
  esac
}

hook_file() {
  case $1 in
    bash) printf '%s\n' "$share/hooks/bash/vectra-guard.bash" ;;
    zsh) printf '%s\n' "$share/hooks/zsh/vectra-guard.zsh" ;;
    fish) printf '%s\n' "$share/hooks/fish/vectra-guard.fish" ;;
  esac
}

# The block for one shell: where the binary is, then source the hook (last in the file).
block_text() {
  local shell=$1 bin=$prefix/bin/vectra-guard hook
  hook=$(hook_file "$shell")
  printf '%s\n' "$begin"
  printf '# Added by vectra-guard scripts/install-shell-wrapper.sh; --uninstall removes it.\n'
  # --- completions (H9): bash sources its file; zsh finds _vectra-guard on $fpath (and
  # registers it now when compinit already ran); fish loads vendor_completions.d itself.
  case $shell in
    bash) printf "[ -f '%s' ] && . '%s'\n" "$bash_completion" "$bash_completion" ;;
    # Our block comes last: when nothing before it ran compinit, completion is off in
    # this zsh, so start it (a .zshrc we create has nothing else).
    zsh) printf "fpath=('%s' \$fpath); (( \$+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }; autoload -Uz _vectra-guard && compdef _vectra-guard vectra-guard vg\n" "$zsh_completions" ;;
  esac
  # --- end completions
  if [[ $shell == fish ]]; then
    printf "set -g VECTRA_GUARD_BIN '%s'\n" "$bin"
    printf "test -f '%s'; and source '%s'\n" "$hook" "$hook"
  else
    printf "VECTRA_GUARD_BIN='%s'\n" "$bin"
    printf "[ -f '%s' ] && . '%s'\n" "$hook" "$hook"
  fi
  printf '%s\n' "$end"
}

# The file's exact bytes in $content (command substitution alone would drop final newlines).
read_whole() { content=$(cat -- "$1"; printf x); content=${content%x}; }

# Record every directory on the way to $1 that does not exist yet, before creating it,
# so --uninstall can remove the directories it made (and only those).
note_new_dirs() {
  local d=$1 missing=()
  while [[ $d != / && ! -e $d ]]; do missing+=("$d"); d=$(dirname "$d"); done
  for d in "${missing[@]}"; do record_add "dir $d"; done
  mkdir -p -- "$1"
}

record_has() { [[ -f $record ]] && grep -qxF -- "$1" "$record"; }
record_add() { record_has "$1" || printf '%s\n' "$1" >>"$record"; }

# Append (or refresh in place) our block in one rc file, remembering how it was added.
add_block() {
  local shell=$1 rc block content how
  rc=$(rc_file "$shell")
  block=$(block_text "$shell")$'\n'
  if [[ -f $rc ]]; then
    read_whole "$rc"
    if [[ $content == *"$begin"*"$end"* ]]; then
      local before=${content%%"$begin"*} after=${content#*"$end"$'\n'}
      [[ $after == "$content" ]] && after=${content#*"$end"}
      local updated=$before$block$after
      [[ $updated == "$content" ]] || printf '%s' "$updated" >"$rc"
      echo "  $shell: $rc already hooked"
      return
    fi
    how=appended
    if [[ -n $content && $content != *$'\n' ]]; then
      printf '\n' >>"$rc"
      how=appended-newline
    fi
    printf '%s' "$block" >>"$rc"
  else
    note_new_dirs "$(dirname "$rc")"
    printf '%s' "$block" >"$rc"
    how=created
  fi
  grep -q "^rc $rc " "$record" 2>/dev/null || record_add "rc $rc $how"
  echo "  $shell: hooked in $rc"
}

# Remove our block from one rc file, undoing the newline or the file we created.
remove_block() {
  local rc=$1 how=$2 content before after
  [[ -f $rc ]] || return 0
  read_whole "$rc"
  [[ $content == *"$begin"*"$end"* ]] || return 0
  before=${content%%"$begin"*}
  after=${content#*"$end"}
  after=${after#$'\n'}
  if [[ $how == appended-newline && -z $after && $before == *$'\n' ]]; then
    before=${before%$'\n'}
  fi
  if [[ $how == created && -z $before$after ]]; then
    rm -f -- "$rc"
  else
    printf '%s' "$before$after" >"$rc"
  fi
  echo "  removed the vectra-guard block from $rc"
}

do_uninstall() {
  local kind path how dirs=()
  if [[ -f $record ]]; then
    while read -r kind path how; do
      case $kind in
        rc) remove_block "$path" "$how" ;;
        file) rm -f -- "$path" ;;
        dir) dirs+=("$path") ;;
      esac
    done <"$record"
  fi
  # Blocks added by an install whose record is gone still carry our markers.
  for s in bash zsh fish; do remove_block "$(rc_file "$s")" appended; done
  rm -f -- "$record"
  # Our own directories always; the ones the install created, deepest first, when empty.
  local d
  for d in "$share/hooks/bash" "$share/hooks/zsh" "$share/hooks/fish" "$share/hooks"; do
    [[ -d $d ]] && rmdir -- "$d" 2>/dev/null || true
  done
  if ((${#dirs[@]})); then
    while IFS= read -r d; do
      [[ -d $d ]] && rmdir -- "$d" 2>/dev/null || true
    done < <(printf '%s\n' "${dirs[@]}" | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-)
  fi
  echo "vectra-guard: uninstalled from $prefix."
}

# What building needs, from Debian's packages (bash-builtins: the in-process bash hook).
build_packages=(cmake g++ make pkg-config libinih-dev libfmt-dev nlohmann-json3-dev
  libseccomp-dev libcap-ng-dev bash-builtins)

ensure_build_deps() {
  command -v dpkg-query >/dev/null || {
    command -v cmake >/dev/null && command -v g++ >/dev/null && return
    die "building needs cmake, g++, pkg-config and the development files of inih, fmt, nlohmann-json, libseccomp and libcap-ng; install them with your package manager."
  }
  local p missing=()
  for p in "${build_packages[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) != 0 ]]; then
    echo "vectra-guard: building needs these packages; run as root, then run this script again:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "vectra-guard: installing the build dependencies: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# cmake's "[ 42%] Building ..." lines as one line that counts up; errors as they come.
show_progress() {
  local line pct last=""
  while IFS= read -r line; do
    case $line in
      \[*%\]*)
        pct=${line#\[}; pct=${pct%%\]*}; pct=${pct// /}
        [[ $pct == "$last" ]] || { printf '\r  built %s' "$pct"; last=$pct; } ;;
      *": error:"* | *": fatal error:"* | *"*** "*) printf '\n%s\n' "$line" >&2 ;;
    esac
  done
}

ensure_built() {
  # bash's loadable builtin (lib/vectra-guard/vectra_guard_hook.so) is built when bash's
  # headers (package bash-builtins) are there; cmake --install below installs it.
  if [[ -x $build_dir/bin/vectra-guard ]] &&
    [[ ! -f /usr/include/bash/builtins.h || -f $build_dir/lib/vectra-guard/vectra_guard_hook.so ]]; then
    return
  fi
  ensure_build_deps
  # Only what gets installed (no unit tests), optimised; the binaries are stripped when
  # installed. cmake's own progress is shown as one percentage line.
  echo "vectra-guard: building in $build_dir (Release, a few minutes) ..."
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVG_BUILD_TESTS=OFF >/dev/null
  if ! cmake --build "$build_dir" -j"$(nproc 2>/dev/null || echo 2)" 2>&1 | show_progress; then
    die "the build failed; the lines above say why."
  fi
  printf '\r  built 100%%\n'
}

do_install() {
  ensure_built
  # The record lives in $share: note the directories its creation makes, then the rest.
  local d missing=()
  d=$share
  while [[ $d != / && ! -e $d ]]; do missing+=("$d"); d=$(dirname "$d"); done
  mkdir -p "$share"
  touch "$record"
  chmod 600 "$record"
  for d in "${missing[@]}"; do record_add "dir $d"; done
  for d in "$prefix/bin" "$prefix/lib/vectra-guard" "$prefix/libexec/vectra-guard" "$share/noninteractive" \
    "$share/hooks/bash" "$share/hooks/zsh" "$share/hooks/fish" \
    "$share/presets" "$(dirname "$bash_completion")" "$zsh_completions" \
    "$prefix/share/fish/vendor_completions.d" "$prefix/share/man/man1"; do
    note_new_dirs "$d"
  done
  echo "vectra-guard: installing to $prefix"
  cmake --install "$build_dir" --prefix "$prefix" --strip >/dev/null
  local f
  if [[ -f $build_dir/install_manifest.txt ]]; then
    while IFS= read -r f || [[ -n $f ]]; do
      [[ -n $f ]] && record_add "file $f"
    done <"$build_dir/install_manifest.txt"
  fi
  [[ -L $prefix/bin/vg ]] && record_add "file $prefix/bin/vg"
  for s in bash zsh fish; do
    local src=$root/hooks/$s/vectra-guard.$s dst
    dst=$(hook_file "$s")
    mkdir -p "$(dirname "$dst")"
    cmp -s "$src" "$dst" 2>/dev/null || install -m 0644 "$src" "$dst"
    record_add "file $dst"
  done
  for s in "${shells[@]}"; do add_block "$s"; done
  case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "vectra-guard: $prefix/bin is not on your PATH: add 'export PATH=\"$prefix/bin:\$PATH\"' to your shell's rc file to run vectra-guard by name (the hooks work without it)." ;;
  esac
  echo "vectra-guard: installed $(du -sh "$prefix/bin/vectra-guard" 2>/dev/null | cut -f1) vectra-guard, its helpers in $prefix/libexec/vectra-guard."
  echo "vectra-guard: open a new shell (or source its rc file) to be protected."
}

if ((uninstall)); then do_uninstall; else do_install; fi
