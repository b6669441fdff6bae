#!/usr/bin/env bash
# Protect VS Code and Cursor terminals and the Cursor / Claude Code agents with
# vectra-guard. Idempotent; every JSON edit goes through `vectra-guard agent setup-ide`
# (nlohmann/json: other settings and their order are kept, a backup of the original
# bytes is kept, --uninstall puts those bytes back).
#
#   scripts/setup-cursor-protection.sh              install
#   scripts/setup-cursor-protection.sh --dry-run    print the exact changes, change nothing
#   scripts/setup-cursor-protection.sh --uninstall  remove what install added
#
# What it changes (only for the tools that are installed, i.e. whose folder exists):
#   VS Code  ~/.config/Code/User/settings.json     terminal.integrated.env.linux:
#   Cursor   ~/.config/Cursor/User/settings.json     BASH_ENV, LD_PRELOAD, VG_GUARD_BIN, VG_IDE
#   Cursor   ~/.cursor/hooks.json                  beforeShellExecution: vectra-guard hook cursor
#   Claude   ~/.claude/settings.json               PreToolUse (Bash): vectra-guard hook claude-code
#   zsh      ~/.zshenv ($ZDOTDIR)                  a marked block sourcing zshenv.zsh, so agents'
#                                                  `zsh -c` strings are judged (when zsh is installed)
# The interactive shell hooks come from your rc files (scripts/install-shell-wrapper.sh).
# Environment overrides: VG_GUARD_BIN, VG_PRELOAD_LIB, VG_BASH_ENV_FILE, XDG_CONFIG_HOME.
set -euo pipefail

mode=install
for a in "$@"; do
  case $a in
    --dry-run) mode=dry-run ;;
    --uninstall) mode=uninstall ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-cursor-protection.sh: unknown option '$a'; use --dry-run or --uninstall." >&2; exit 1 ;;
  esac
done

here=$(cd "$(dirname "$0")/.." && pwd)
first_file() { for f in "$@"; do [[ -f $f ]] && { realpath "$f"; return 0; }; done; return 1; }
vg=${VG_GUARD_BIN:-$(command -v vectra-guard || first_file "$here/build/bin/vectra-guard" || true)}
if [[ -z $vg || ! -x $vg ]]; then
  echo "setup-cursor-protection.sh: vectra-guard not found; build it or set VG_GUARD_BIN." >&2
  exit 1
fi
vg_dir=$(dirname "$(realpath "$vg")")
lib=${VG_PRELOAD_LIB:-$(first_file "$vg_dir/../lib/libvgpreload.so" "$vg_dir/../lib/vectra-guard/libvgpreload.so" || true)}
bash_env=${VG_BASH_ENV_FILE:-$(first_file "$vg_dir/../share/vectra-guard/noninteractive/bash_env.sh" \
  "$here/hooks/noninteractive/bash_env.sh" || true)}
if [[ -z $lib || -z $bash_env ]]; then
  echo "setup-cursor-protection.sh: libvgpreload.so or bash_env.sh not found beside $vg; set VG_PRELOAD_LIB / VG_BASH_ENV_FILE." >&2
  exit 1
fi

config=${XDG_CONFIG_HOME:-$HOME/.config}
changed=0

# One file: install / uninstall through vectra-guard, or show the diff for --dry-run.
edit() {
  local file=$1; shift
  local args=(agent setup-ide --file "$file" "$@")
  if [[ $mode == dry-run ]]; then
    local proposed
    proposed=$(mktemp)
    if ! "$vg" "${args[@]}" --dry-run >"$proposed"; then
      rm -f "$proposed"
      return 1
    fi
    if [[ -f $file ]]; then
      diff -u --label "$file" --label "$file (vectra-guard)" "$file" "$proposed" || true
    else
      diff -u --label "$file (absent)" --label "$file (vectra-guard)" /dev/null "$proposed" || true
    fi
    rm -f "$proposed"
    return 0
  fi
  [[ $mode == uninstall ]] && args+=(--uninstall)
  "$vg" "${args[@]}" || return 1
  echo "vectra-guard: ${mode}ed $file" >&2
  changed=1
}

# VS Code's settings.json is JSONC: comments (and trailing commas) that a JSON rewrite
# would lose. Such a file is left as it is and the entries to add (or remove) by hand are
# printed; the other tools are still set up.
by_hand() {
  local file=$1; shift
  local empty lines
  empty=$(mktemp)
  lines=$("$vg" agent setup-ide --file "$empty" "$@" --dry-run | sed '1d;$d')
  rm -f "$empty"
  if [[ $mode == uninstall ]]; then
    printf 'vectra-guard: %s was not changed; remove these entries from it by hand:\n%s\n' "$file" "$lines" >&2
  else
    printf 'vectra-guard: %s was not changed; add these lines inside its outer { } by hand (merge them into an existing "terminal.integrated.env.linux"):\n%s,\n' "$file" "$lines" >&2
  fi
  hand_edits=1
  changed=1
}
hand_edits=0

for app in Code Cursor; do
  [[ -d $config/$app ]] || continue
  ide=$([[ $app == Code ]] && echo vscode || echo cursor)
  env_args=(--kind vscode-env --set "BASH_ENV=$bash_env" --set "LD_PRELOAD=$lib" --set "VG_GUARD_BIN=$vg" --set "VG_IDE=$ide")
  edit "$config/$app/User/settings.json" "${env_args[@]}" || by_hand "$config/$app/User/settings.json" "${env_args[@]}"
done
if [[ -d $HOME/.cursor ]]; then
  edit "$HOME/.cursor/hooks.json" --kind cursor-hooks --command "$vg hook cursor"
fi
if [[ -d $HOME/.claude ]]; then
  edit "$HOME/.claude/settings.json" --kind claude-hooks --command "$vg hook claude-code"
fi

# The shim decides from the policy snapshot; write it now so new terminals find it.
if [[ $mode == install ]]; then
  "$vg" agent snapshot
fi
# ~/.zshenv: agents' `zsh -c` shells read only this file. A marked block, removed
# exactly by --uninstall (a newline we had to add is taken away again).
zsh_begin='# >>> vectra-guard agents >>>'
zsh_end='# <<< vectra-guard agents <<<'
zsh_env_file=${ZDOTDIR:-$HOME}/.zshenv
zsh_hook=$(first_file "$vg_dir/../share/vectra-guard/noninteractive/zshenv.zsh" \
  "$here/hooks/noninteractive/zshenv.zsh" || true)
strip_zsh_block() {  # file -> stdout without our block
  awk -v b="$zsh_begin" -v e="$zsh_end" '
    index($0, b) == 1 { skip = 1; nl = ($0 ~ /newline added/); next }
    skip && $0 == e { skip = 0; next }
    !skip { lines[++n] = $0 }
    END { for (i = 1; i <= n; i++) printf "%s%s", lines[i], (i < n || !nl) ? "\n" : "" }' "$1"
}
if command -v zsh >/dev/null && [[ -n $zsh_hook ]]; then
  has_block=0
  [[ -f $zsh_env_file ]] && grep -qxF "$zsh_end" "$zsh_env_file" && has_block=1
  if [[ $mode == uninstall ]]; then
    if ((has_block)); then
      stripped=$(mktemp)
      strip_zsh_block "$zsh_env_file" >"$stripped"
      if [[ -s $stripped ]]; then cat "$stripped" >"$zsh_env_file"; else rm -f "$zsh_env_file"; fi
      rm -f "$stripped"
      echo "vectra-guard: uninstalled $zsh_env_file" >&2
    fi
  elif ((!has_block)); then
    note=''
    [[ -s $zsh_env_file && $(tail -c1 "$zsh_env_file" | od -An -c | tr -d ' ') != '\n' ]] && note=' (newline added)'
    q=$(printf '%q' "$zsh_hook")
    block=$(printf '%s\n%s\n%s' "$zsh_begin$note" "[[ -r $q ]] && source $q" "$zsh_end")
    if [[ $mode == dry-run ]]; then
      printf '%s: append\n%s\n' "$zsh_env_file" "$block"
    else
      { [[ -n $note ]] && printf '\n'; printf '%s\n' "$block"; } >>"$zsh_env_file"
      echo "vectra-guard: installed $zsh_env_file" >&2
    fi
  fi
fi

if ((hand_edits)); then
  echo "vectra-guard: everything else is done; the lines above are left for you to add by hand." >&2
fi
if [[ $mode != dry-run && $changed == 0 ]]; then
  echo "vectra-guard: no VS Code, Cursor or Claude Code settings folder found under $config or $HOME; nothing to do." >&2
fi
