# vectra-guard hook for interactive fish (>= 3.1). Source it last from config.fish:
#   set -g VECTRA_GUARD_BIN /path/to/vectra-guard; source /path/to/vectra-guard.fish
#
# Enter (\r and \n, and fish 4's `enter`/`ctrl-j`, in the default, insert and visual
# modes) runs __vg_enter: a complete buffer goes to `vectra-guard hook fish` first.
# run: executed unchanged (cd, set, functions work as always). block: the buffer becomes
# `__vg_blocked N` ($status = 126). sandbox: it becomes `__vg_reroute N`
# (vectra-guard exec --sandbox). Bindings are put back at every prompt if a key-binding
# switch (fish_vi_key_bindings) dropped them. Rules live in the evaluator, never here.

status is-interactive; or exit 0

set -g __vg_bin $VECTRA_GUARD_BIN
if test -z "$__vg_bin"
    set __vg_bin (command -v vectra-guard)
end
if test -z "$__vg_bin"; or not test -x "$__vg_bin"
    echo "vectra-guard: the vectra-guard binary was not found; this shell is not guarded. Reinstall with scripts/install-shell-wrapper.sh." >&2
    exit 0
end

set -g __vg_id 0
set -g __vg_rewrites

function __vg_blocked --argument-names id
    set -l var __vg_note_$id
    test -n "$$var"; and printf '%s\n' $$var >&2
    set -e __vg_note_$id __vg_line_$id
    return 126
end

function __vg_reroute --argument-names id
    set -l var __vg_note_$id
    test -n "$$var"; and printf '%s\n' $$var >&2
    set -l line __vg_line_$id
    set -l text "$$line"
    set -e __vg_note_$id __vg_line_$id
    $__vg_bin exec --sandbox -- fish --no-config -c "$text"
end

function __vg_enter
    commandline --is-valid
    if test $status -ne 0
        # Unfinished (fish adds a new line) or a syntax error (fish reports it).
        commandline -f execute
        return
    end
    set -l text (commandline | string collect)
    if not string match -qr '\S' -- "$text"
        commandline -f execute
        return
    end
    set -l verdict run
    set -l notice
    if test -x "$__vg_bin"
        set -l out ($__vg_bin hook fish --final -- "$text")
        set -l rc $status
        set verdict $out[1]
        set notice $out[2..-1]
        if test $rc -ne 0; or not contains -- "$verdict" run sandbox block
            set verdict block
            set notice "vectra-guard could not check this line (exit $rc), so it was not run."
        end
    else
        set notice "vectra-guard: the binary is gone, so this line was not checked; open a new shell."
    end
    switch $verdict
        case run
            test -n "$notice"; and printf '\n%s\n' $notice >&2
        case block sandbox
            set __vg_id (math $__vg_id + 1)
            set -g __vg_line_$__vg_id "$text"
            set -g __vg_note_$__vg_id $notice
            if test $verdict = block
                commandline -r -- "__vg_blocked $__vg_id"
            else
                commandline -r -- "__vg_reroute $__vg_id"
            end
            set -a __vg_rewrites (commandline)
    end
    commandline -f execute
end

function __vg_bind_keys
    for mode in default insert visual
        bind -M $mode \r __vg_enter
        bind -M $mode \n __vg_enter
        if test (string split . -- $version)[1] -ge 4
            bind -M $mode enter __vg_enter
            bind -M $mode ctrl-j __vg_enter
        end
    end
end

# At every prompt: our bindings back if they were replaced, and our rewrites out of history.
function __vg_prompt --on-event fish_prompt
    string match -q '*__vg_enter*' -- (bind \r 2>/dev/null); or __vg_bind_keys
    for r in $__vg_rewrites
        history delete --exact --case-sensitive -- $r >/dev/null 2>&1
    end
    set -g __vg_rewrites
end

__vg_bind_keys
