#!/usr/bin/env bats
# scripts/setup-cursor-protection.sh on sample settings files: the change is exactly
# what --dry-run promises, other settings stay as they were, a second run changes
# nothing, and --uninstall restores the original bytes.

bats_require_minimum_version 1.5.0
load agent_helpers

setup() {
  vg_agent_setup
  export XDG_CONFIG_HOME=$T/config VG_GUARD_BIN=$GUARD
  SCRIPT="$VG_SOURCE_DIR/scripts/setup-cursor-protection.sh"
  mkdir -p "$XDG_CONFIG_HOME/Code/User" "$XDG_CONFIG_HOME/Cursor/User" "$HOME/.cursor" "$HOME/.claude"
  # VS Code writes tab-indented JSON; this one has settings of its own, env included.
  printf '{\n\t"editor.fontSize": 14,\n\t"terminal.integrated.env.linux": {\n\t\t"FOO": "bar"\n\t},\n\t"workbench.colorTheme": "Default Dark+"\n}\n' \
    >"$XDG_CONFIG_HOME/Code/User/settings.json"
  printf '{\n  "window.zoomLevel": 1\n}' >"$XDG_CONFIG_HOME/Cursor/User/settings.json"
  printf '{\n  "model": "opus",\n  "hooks": {\n    "PreToolUse": [\n      {\n        "matcher": "Edit",\n        "hooks": [\n          {\n            "type": "command",\n            "command": "my-linter"\n          }\n        ]\n      }\n    ]\n  }\n}\n' \
    >"$HOME/.claude/settings.json"
  for f in "$XDG_CONFIG_HOME/Code/User/settings.json" "$XDG_CONFIG_HOME/Cursor/User/settings.json" "$HOME/.claude/settings.json"; do
    cp "$f" "$f.orig"
  done
}

@test "--dry-run prints the exact changes and changes nothing" {
  run --separate-stderr bash "$SCRIPT" --dry-run
  [ "$status" -eq 0 ]
  [[ $output == *'+		"BASH_ENV": "'*'bash_env.sh",'* ]]
  [[ $output == *'+		"LD_PRELOAD": "'*'libvgpreload.so",'* ]]
  [[ $output == *"+            \"command\": \"$GUARD hook claude-code\""* ]]
  [[ $output == *"+            \"command\": \"$GUARD hook cursor\""* ]] || [[ $output == *"\"command\": \"$GUARD hook cursor\""* ]]
  cmp "$XDG_CONFIG_HOME/Code/User/settings.json" "$XDG_CONFIG_HOME/Code/User/settings.json.orig"
  cmp "$HOME/.claude/settings.json" "$HOME/.claude/settings.json.orig"
  [ ! -e "$HOME/.cursor/hooks.json" ]
  [ -z "$(ls "$XDG_CONFIG_HOME/Code/User" | grep vectra-guard)" ]
  [ ! -e "$VG_HOME/policy.snap" ]
}

@test "install: the diff is exactly what --dry-run showed; other settings and order kept" {
  local promised
  promised=$(bash "$SCRIPT" --dry-run 2>/dev/null | grep '^[-+][^-+]' | sort)
  bash "$SCRIPT" 2>/dev/null
  local made=""
  made+=$(diff -u "$XDG_CONFIG_HOME/Code/User/settings.json.orig" "$XDG_CONFIG_HOME/Code/User/settings.json" || true)$'\n'
  made+=$(diff -u "$XDG_CONFIG_HOME/Cursor/User/settings.json.orig" "$XDG_CONFIG_HOME/Cursor/User/settings.json" || true)$'\n'
  made+=$(diff -u /dev/null "$HOME/.cursor/hooks.json" || true)$'\n'
  made+=$(diff -u "$HOME/.claude/settings.json.orig" "$HOME/.claude/settings.json" || true)
  [ "$(grep '^[-+][^-+]' <<<"$made" | sort)" = "$promised" ]
  # The user's own settings are untouched, in their order.
  jq -e '.["editor.fontSize"] == 14 and .["terminal.integrated.env.linux"].FOO == "bar"' "$XDG_CONFIG_HOME/Code/User/settings.json"
  [ "$(jq -r 'keys_unsorted | join(",")' "$XDG_CONFIG_HOME/Code/User/settings.json")" = "editor.fontSize,terminal.integrated.env.linux,workbench.colorTheme" ]
  jq -e '.["terminal.integrated.env.linux"].VG_IDE == "vscode"' "$XDG_CONFIG_HOME/Code/User/settings.json"
  jq -e '.["terminal.integrated.env.linux"].VG_IDE == "cursor"' "$XDG_CONFIG_HOME/Cursor/User/settings.json"
  jq -e '.hooks.PreToolUse | length == 2' "$HOME/.claude/settings.json"
  jq -e '.hooks.PreToolUse[1].matcher == "Bash"' "$HOME/.claude/settings.json"
  jq -e '.version == 1 and (.hooks.beforeShellExecution[0].command | endswith("hook cursor"))' "$HOME/.cursor/hooks.json"
  [ -s "$VG_HOME/policy.snap" ]
}

@test "install twice changes nothing the second time" {
  bash "$SCRIPT" 2>/dev/null
  local f
  for f in "$XDG_CONFIG_HOME/Code/User/settings.json" "$HOME/.claude/settings.json" "$HOME/.cursor/hooks.json"; do
    cp "$f" "$f.once"
  done
  bash "$SCRIPT" 2>/dev/null
  for f in "$XDG_CONFIG_HOME/Code/User/settings.json" "$HOME/.claude/settings.json" "$HOME/.cursor/hooks.json"; do
    cmp "$f" "$f.once"
  done
}

@test "--uninstall restores the original bytes and removes files it created" {
  bash "$SCRIPT" 2>/dev/null
  bash "$SCRIPT" --uninstall 2>/dev/null
  cmp "$XDG_CONFIG_HOME/Code/User/settings.json" "$XDG_CONFIG_HOME/Code/User/settings.json.orig"
  cmp "$XDG_CONFIG_HOME/Cursor/User/settings.json" "$XDG_CONFIG_HOME/Cursor/User/settings.json.orig"
  cmp "$HOME/.claude/settings.json" "$HOME/.claude/settings.json.orig"
  [ ! -e "$HOME/.cursor/hooks.json" ]
  [ -z "$(ls -A "$HOME/.cursor")" ]
  [ -z "$(ls "$XDG_CONFIG_HOME/Code/User" | grep vectra-guard)" ]
}

@test "--uninstall after the user changed other settings removes only our entries" {
  bash "$SCRIPT" 2>/dev/null
  local f="$XDG_CONFIG_HOME/Code/User/settings.json"
  jq '.["editor.tabSize"] = 2' "$f" >"$f.new" && mv "$f.new" "$f"
  bash "$SCRIPT" --uninstall 2>/dev/null
  jq -e '.["editor.tabSize"] == 2 and .["terminal.integrated.env.linux"] == {"FOO": "bar"}' "$f"
}

@test "a settings file with comments is left as it is, its lines printed, the other tools set up" {
  printf '{\n  // my comment\n  "a": 1\n}\n' >"$XDG_CONFIG_HOME/Cursor/User/settings.json"
  cp "$XDG_CONFIG_HOME/Cursor/User/settings.json" "$T/commented"
  run --separate-stderr bash "$SCRIPT"
  [ "$status" -eq 0 ]
  [[ $stderr == *"has comments"* ]]
  [[ $stderr == *"Cursor/User/settings.json was not changed; add these lines"* ]]
  [[ $stderr == *'"terminal.integrated.env.linux": {'* ]]
  [[ $stderr == *'"VG_IDE": "cursor"'* ]]
  [[ $stderr == *"add by hand"* ]]
  cmp "$XDG_CONFIG_HOME/Cursor/User/settings.json" "$T/commented"
  # The other parts were done all the same.
  jq -e '.["terminal.integrated.env.linux"].VG_IDE == "vscode"' "$XDG_CONFIG_HOME/Code/User/settings.json"
  jq -e '.hooks.PreToolUse[1].matcher == "Bash"' "$HOME/.claude/settings.json"
  jq -e '.hooks.beforeShellExecution[0].command | endswith("hook cursor")' "$HOME/.cursor/hooks.json"
  # The printed lines, pasted into the file by hand, make what the tool would have written.
  local lines
  lines=$(sed -n '/add these lines/,/^ *},$/p' <<<"$stderr" | sed '1d')
  printf '{\n  // my comment\n%s\n  "a": 1\n}\n' "$lines" >"$T/pasted.json"
  python3 -c 'import json,re,sys; d=json.loads(re.sub(r"^\s*//.*$", "", open(sys.argv[1]).read(), flags=re.M)); assert d["terminal.integrated.env.linux"]["VG_IDE"] == "cursor", d' "$T/pasted.json"
}

@test "a settings file with VS Code's trailing commas: left as it is, its lines printed, exit 0" {
  printf '{\n  "a": 1,\n  "b": [1, 2,],\n}\n' >"$XDG_CONFIG_HOME/Code/User/settings.json"
  cp "$XDG_CONFIG_HOME/Code/User/settings.json" "$T/trailing"
  run --separate-stderr bash "$SCRIPT"
  [ "$status" -eq 0 ]
  [[ $stderr == *"Code/User/settings.json was not changed; add these lines"* ]]
  [[ $stderr == *'"VG_IDE": "vscode"'* ]]
  cmp "$XDG_CONFIG_HOME/Code/User/settings.json" "$T/trailing"
  jq -e '.hooks.PreToolUse[1].matcher == "Bash"' "$HOME/.claude/settings.json"
}

@test "--uninstall with a commented settings file names the entries to remove by hand" {
  printf '{\n  // my comment\n  "a": 1\n}\n' >"$XDG_CONFIG_HOME/Cursor/User/settings.json"
  run --separate-stderr bash "$SCRIPT" --uninstall
  [ "$status" -eq 0 ]
  [[ $stderr == *"remove these entries from it by hand"* ]]
}

@test "tools that are not installed are left alone" {
  rm -rf "$XDG_CONFIG_HOME" "$HOME/.cursor" "$HOME/.claude"
  run --separate-stderr bash "$SCRIPT"
  [ "$status" -eq 0 ]
  [[ $stderr == *"nothing to do"* ]]
  [ ! -e "$XDG_CONFIG_HOME" ]
}

@test "~/.zshenv gets a marked block that judges zsh -c; --uninstall restores its bytes" {
  command -v zsh >/dev/null || { [[ -z ${VG_REQUIRE_ALL-} ]] || false; skip "zsh is not installed"; }
  printf 'export EDITOR=vi' >"$HOME/.zshenv"   # no final newline: must come back exactly so
  cp "$HOME/.zshenv" "$T/zshenv.orig"
  run --separate-stderr bash "$SCRIPT" --dry-run
  [[ $output == *"$HOME/.zshenv: append"* ]]
  cmp "$HOME/.zshenv" "$T/zshenv.orig"
  bash "$SCRIPT" 2>/dev/null
  grep -qxF '# <<< vectra-guard agents <<<' "$HOME/.zshenv"
  head -1 "$HOME/.zshenv" | grep -qxF 'export EDITOR=vi'
  bash "$SCRIPT" 2>/dev/null   # idempotent: still one block
  [ "$(grep -c 'vectra-guard agents >>>' "$HOME/.zshenv")" -eq 1 ]
  # An agent's zsh -c string is judged before it runs.
  run --separate-stderr zsh -c 'rm -rf "$HOME/precious"; echo ran'
  home_intact
  [ "$status" -eq 126 ]
  [[ $output != *ran* ]]
  run --separate-stderr zsh -c 'echo ordinary; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = "ordinary" ]
  bash "$SCRIPT" --uninstall 2>/dev/null
  cmp "$HOME/.zshenv" "$T/zshenv.orig"
}

@test "a ~/.zshenv the install created is removed by --uninstall" {
  command -v zsh >/dev/null || { [[ -z ${VG_REQUIRE_ALL-} ]] || false; skip "zsh is not installed"; }
  [ ! -e "$HOME/.zshenv" ]
  bash "$SCRIPT" 2>/dev/null
  [ -f "$HOME/.zshenv" ]
  bash "$SCRIPT" --uninstall 2>/dev/null
  [ ! -e "$HOME/.zshenv" ]
}
