#!/usr/bin/env bats
# scripts/install-shell-wrapper.sh on a scratch HOME: installs, is idempotent, and
# --uninstall leaves every rc file byte-for-byte as it was.
load hook_helpers

setup() {
  hook_setup
  INSTALL=("$SRC/scripts/install-shell-wrapper.sh" --build-dir "$VG_BUILD_DIR")
}
teardown() { hook_teardown; }

snapshot() { (cd "$HOME" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ | awk '{$6=""; print}'; cat .bashrc .zshrc .config/fish/config.fish 2>/dev/null) ; }

@test "install: binary, hooks and one block per rc file; a second run changes nothing" {
  printf 'alias ll="ls -l"\nexport X=1' >"$HOME/.bashrc"   # no final newline
  printf '# my zshrc\n' >"$HOME/.zshrc"
  run "${INSTALL[@]}" --shell bash --shell zsh --shell fish
  [ "$status" -eq 0 ]
  [ -x "$HOME/.local/bin/vectra-guard" ]
  [ -x "$HOME/.local/bin/vg" ]
  [ -f "$HOME/.local/share/vectra-guard/hooks/bash/vectra-guard.bash" ]
  [ "$(grep -c '>>> vectra-guard >>>' "$HOME/.bashrc")" -eq 1 ]
  [ "$(grep -c '>>> vectra-guard >>>' "$HOME/.zshrc")" -eq 1 ]
  [ "$(grep -c '>>> vectra-guard >>>' "$HOME/.config/fish/config.fish")" -eq 1 ]
  # The user's lines are untouched and come first.
  [ "$(head -2 "$HOME/.bashrc")" = $'alias ll="ls -l"\nexport X=1' ]
  before=$(snapshot)
  run "${INSTALL[@]}" --shell bash --shell zsh --shell fish
  [ "$status" -eq 0 ]
  [ "$(snapshot)" = "$before" ]
}

@test "uninstall: rc files are exactly as before, created files and directories are gone" {
  printf 'alias ll="ls -l"\nexport X=1' >"$HOME/.bashrc"
  printf '# my zshrc\n' >"$HOME/.zshrc"
  cp "$HOME/.bashrc" "$T/bashrc.orig"
  cp "$HOME/.zshrc" "$T/zshrc.orig"
  run "${INSTALL[@]}" --shell bash --shell zsh --shell fish
  [ "$status" -eq 0 ]
  run "${INSTALL[@]}" --shell bash --shell zsh --shell fish
  [ "$status" -eq 0 ]
  run "${INSTALL[@]}" --uninstall
  [ "$status" -eq 0 ]
  cmp "$HOME/.bashrc" "$T/bashrc.orig"
  cmp "$HOME/.zshrc" "$T/zshrc.orig"
  # fish had no config: the file and the directories made for it are removed.
  [ ! -e "$HOME/.config/fish" ]
  [ ! -e "$HOME/.local" ]
  [ "$(cd "$HOME" && find . | sort)" = "$(printf '.\n./.bashrc\n./.config\n./.config/vectra-guard\n./.config/vectra-guard/config.ini\n./.zshrc\n./canary')" ]
}

@test "install without --shell hooks every shell it finds" {
  run "${INSTALL[@]}"
  [ "$status" -eq 0 ]
  for s in bash zsh fish; do
    if command -v "$s" >/dev/null; then
      case $s in
        bash) grep -q 'vectra-guard.bash' "$HOME/.bashrc" ;;
        zsh) grep -q 'vectra-guard.zsh' "$HOME/.zshrc" ;;
        fish) grep -q 'vectra-guard.fish' "$HOME/.config/fish/config.fish" ;;
      esac
    fi
  done
}

@test "install honours PREFIX and refuses unknown shells and options" {
  PREFIX=$T/prefix run "${INSTALL[@]}" --shell bash
  [ "$status" -eq 0 ]
  [ -x "$T/prefix/bin/vectra-guard" ]
  grep -q "$T/prefix/bin/vectra-guard" "$HOME/.bashrc"
  run "${INSTALL[@]}" --shell tcsh
  [ "$status" -eq 1 ]
  [[ $output == *"unknown shell 'tcsh'"* ]]
  run "${INSTALL[@]}" --frobnicate
  [ "$status" -eq 1 ]
  PREFIX=$T/prefix run "${INSTALL[@]}" --uninstall
  [ "$status" -eq 0 ]
  [ ! -e "$T/prefix" ]
  [ ! -s "$HOME/.bashrc" ] || ! grep -q vectra-guard "$HOME/.bashrc"
}
