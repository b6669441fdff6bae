#!/usr/bin/env bats
# scripts/install-shell-wrapper.sh installs the completions, the man page and the presets,
# each shell finds the completions the way the installer set it up, and --uninstall
# removes them with the directories it made.
load hook_helpers

setup() {
  hook_setup
  INSTALL=("$SRC/scripts/install-shell-wrapper.sh" --build-dir "$VG_BUILD_DIR")
  SHARE=$HOME/.local/share
}
teardown() { hook_teardown; }

@test "install: completion files, man page and presets in place; uninstall removes them" {
  # fish is not hooked, so a plain 'fish -c' below reads no hook, only the vendor directory.
  run "${INSTALL[@]}" --shell bash --shell zsh
  [ "$status" -eq 0 ]
  cmp "$SHARE/bash-completion/completions/vectra-guard" "$SRC/completions/vectra-guard.bash"
  cmp "$SHARE/bash-completion/completions/vg" "$SRC/completions/vectra-guard.bash"
  cmp "$SHARE/zsh/site-functions/_vectra-guard" "$SRC/completions/_vectra-guard"
  cmp "$SHARE/fish/vendor_completions.d/vectra-guard.fish" "$SRC/completions/vectra-guard.fish"
  cmp "$SHARE/fish/vendor_completions.d/vg.fish" "$SRC/completions/vectra-guard.fish"
  for p in developer ci-cd production; do cmp "$SHARE/vectra-guard/presets/$p.ini" "$SRC/presets/$p.ini"; done
  diff "$SHARE/man/man1/vectra-guard.1" <("$VG" help --man)

  # bash: the rc block's line loads the completion.
  line=$(grep -F 'bash-completion/completions/vectra-guard' "$HOME/.bashrc")
  run bash --norc --noprofile -c "$line; complete -p vg"
  [ "$output" = "complete -F _vectra_guard vg" ]
  # zsh: the rc block's line works after compinit (registers now) and before it ($fpath).
  line=$(grep -F 'zsh/site-functions' "$HOME/.zshrc")
  run --separate-stderr zsh -f -c "autoload -U compinit; compinit -u -d $T/zcd1; $line; print -r -- \$_comps[vg]"
  [ "$output" = _vectra-guard ]
  [ -z "$stderr" ]
  run --separate-stderr zsh -f -c "$line; autoload -U compinit; compinit -u -d $T/zcd2; print -r -- \$_comps[vectra-guard]"
  [ "$output" = _vectra-guard ]
  # fish: ~/.local/share/fish/vendor_completions.d is on its completion path.
  # (fish autoloads the completion of a command it finds on PATH)
  PATH=$HOME/.local/bin:$PATH run fish -c 'complete -C "vg ex"'
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "exec explain " ]

  run "${INSTALL[@]}" --uninstall
  [ "$status" -eq 0 ]
  [ ! -e "$HOME/.local" ]
}
