# vectra-guard hook for interactive fish (>= 3.1). Source it last from config.fish:
#   set -g VECTRA_GUARD_BIN /path/to/vectra-guard; source /path/to/vectra-guard.fish
#
# Enter (\r and \n, and fish 4's `enter`/`ctrl-j`, in the default, insert and visual
# modes) runs __vg_enter: a complete buffer goes to the evaluator first. One
# `vectra-guard hook fish --serve --fifo DIR` per shell answers every line over a pair of
# FIFOs in a private 0700 directory (fish has no coprocesses), so a line costs no process
# start; it is started here, restarted if gone, ended with the shell (fish_exit), and a
# one-shot `vectra-guard hook fish` answers when it cannot run or a question is needed.
# run: executed unchanged (cd, set, functions work as always). block: the buffer becomes
# `vg-blocked 'LINE'` ($status = 126). sandbox: it becomes `vg-sandbox 'LINE'`
# (`vectra-guard exec --from-hook fish`: the line in a fish in the sandbox, starting
# with this shell's $status); history keeps LINE. `vectra-guard off` / `on` turn the guard off/on for this
# shell; a host line's status goes to the audit log from fish_postexec, over the same
# FIFO (no process per line). Bindings are put back at every prompt if a key-binding
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

set -g __vg_rewrites
set -g __vg_typed
set -g __vg_server_pid
set -g __vg_fifo_dir
set -g __vg_req 0
# The host line whose audit record gets its status after it ran; off for this shell.
set -g __vg_rec_id
set -g __vg_off
set -e VG_HOOK_OFF
set -gx VG_HOOK fish
if test "$VG_SANDBOX" = 1; and functions -q fish_prompt; and not functions -q __vg_orig_prompt
    # Inside `vectra-guard sandbox shell` the prompt says so.
    functions -c fish_prompt __vg_orig_prompt
    function fish_prompt
        echo -n '(sandbox) '
        __vg_orig_prompt
    end
end

function __vg_stop_server
    if test -n "$__vg_server_pid"; and test -e /proc/$__vg_server_pid
        command kill $__vg_server_pid 2>/dev/null
    end
    # The server removes its FIFOs and directory when it ends; if it was killed, or is
    # killed with this shell before it gets to it, they go here.
    if test -n "$__vg_fifo_dir"; and test -d "$__vg_fifo_dir"
        command rm -f -- $__vg_fifo_dir/req $__vg_fifo_dir/resp $__vg_fifo_dir/req.new $__vg_fifo_dir/resp.new
        command rmdir -- $__vg_fifo_dir 2>/dev/null
    end
    set -g __vg_server_pid
    set -g __vg_fifo_dir
end

# Start the server unless it runs. Returns 1 when it is not ready to answer (starting,
# or it cannot start): the caller asks a one-shot process instead.
function __vg_start_server
    if test -n "$__vg_server_pid"; and test -e /proc/$__vg_server_pid
        # The server puts DIR/req in place once it reads it (see `hook --serve --fifo`).
        test -p "$__vg_fifo_dir/req"
        return
    end
    __vg_stop_server
    set -l base
    set -l vg_home $VG_HOME
    test -n "$vg_home"; or set vg_home $HOME/.vectra-guard
    for d in $XDG_RUNTIME_DIR $vg_home
        if test -d "$d"; and test -w "$d"
            set base $d
            break
        end
    end
    if test -z "$base"
        command mkdir -p -m 700 -- $vg_home 2>/dev/null; or return 1
        set base $vg_home
    end
    set -l dir (command mktemp -d "$base/vg-fish.XXXXXX" 2>/dev/null); or return 1
    set -g __vg_fifo_dir $dir
    command $__vg_bin hook fish --serve --fifo $dir </dev/null >/dev/null &
    set -g __vg_server_pid $last_pid
    disown $last_pid 2>/dev/null
    return 1
end

# Ask the server about $argv[1]; prints the answer lines. Returns 1 when the server is
# not there (the caller asks a one-shot process instead). The answer FIFO is opened
# before the request is written, so a server that dies mid-way gives end of input
# rather than a shell waiting forever.
function __vg_ask_server --argument-names text
    __vg_start_server; or return 1
    set -g __vg_req (math $__vg_req + 1)
    set -l reply
    begin
        printf '%s\0%s\0%s\0%s\0' $__vg_req 1 $PWD "$text" >$__vg_fifo_dir/req; or return 1
        # An answer to a request interrupted before its answer was read is skipped.
        for i in 1 2 3 4
            read -z reply; or return 1
            set reply (string split \n -- (string trim --right --chars=\n -- $reply))
            if test "$reply[1]" = "$__vg_req"
                string join \n -- $reply[2..-1]
                return 0
            end
        end
    end <$__vg_fifo_dir/resp
    return 1
end

# A blocked or sandboxed line runs as `vg-blocked 'LINE'` / `vg-sandbox 'LINE'`: fish runs
# exactly the buffer it shows and cannot cancel a line from fish_preexec, so the screen and
# `jobs` show the typed line, quoted, behind the verdict; history gets the typed line itself
# (__vg_prompt). Only the line the guard just judged is carried out.
function __vg_take_pending --argument-names text
    if test "$text" != "$__vg_pending_line"; or not set -q __vg_pending_line[1]
        echo "vectra-guard: vg-sandbox and vg-blocked only carry out the line just typed; type the line itself." >&2
        return 1
    end
    test -n "$__vg_pending_note"; and printf '%s\n' $__vg_pending_note >&2
    set -e __vg_pending_line __vg_pending_note
end

function vg-blocked --argument-names text
    __vg_take_pending "$text"; or return 2
    return 126
end

function vg-sandbox --argument-names text
    set -l st $__vg_pending_status
    __vg_take_pending "$text"; or return 2
    # Through eval, so that `jobs` shows this line with the typed one in it.
    eval (string escape -- $__vg_bin) exec --from-hook fish --status $st -c (__vg_quote "$text" | string collect)
end

# TEXT in single quotes as fish reads them (only \\ and \' are escapes there).
function __vg_quote --argument-names text
    printf "'%s'" (string replace -a -- '\\' '\\\\' "$text" | string replace -a -- "'" "\\'" | string collect)
end

# The typed line into history in place of the rewrite: fish 3 has no `history append`, so
# it is added to the history file the way fish writes it, and merged back in.
function __vg_history_add --argument-names text
    set -q fish_private_mode[1]; and return
    set -l name fish
    set -q fish_history; and set name $fish_history
    test -n "$name"; or return
    set -l dir $XDG_DATA_HOME
    test -n "$dir"; or set dir $HOME/.local/share
    builtin history save
    test -f $dir/fish/{$name}_history; or return
    set -l cmd (string replace -a -- '\\' '\\\\' "$text" | string join '\\n')
    printf '%s\n' "- cmd: $cmd" "  when: "(command date +%s) >>$dir/fish/{$name}_history
    builtin history merge
end

# `vectra-guard off` / `on` for this shell only; the rest goes to the program.
function __vg_cli
    switch "$argv"
        case off
            $__vg_bin hook fish --toggle off
            set -g __vg_off 1
            set -gx VG_HOOK_OFF 1
            echo "vectra-guard: off for this shell; type 'vectra-guard on' to turn it back on." >&2
        case on
            $__vg_bin hook fish --toggle on
            set -g __vg_off
            set -e VG_HOOK_OFF
            echo 'vectra-guard: on again for this shell.' >&2
        case '*'
            $__vg_bin $argv
    end
end
function vectra-guard
    __vg_cli $argv
end
function vg --wraps vectra-guard
    __vg_cli $argv
end

# A host line's status, for its audit record: one write to the server's FIFO.
function __vg_postexec --on-event fish_postexec
    set -l st $status
    # A key binding does not see the last command's status: the next sandboxed line
    # starts with this one.
    set -g __vg_last $st
    test -n "$__vg_rec_id"; or return
    if test -n "$__vg_server_pid"; and test -p "$__vg_fifo_dir/req"
        printf '%s\0%s\0%s\0%s\0' 0 end $__vg_rec_id "$st $CMD_DURATION" >$__vg_fifo_dir/req
    end
    set -g __vg_rec_id
end

function __vg_enter
    if test -n "$__vg_off"
        commandline -f execute
        return
    end
    set -l last 0
    set -q __vg_last[1]; and set last $__vg_last
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
        set -l out (__vg_ask_server "$text")
        set -l rc $status
        if test $rc -ne 0; or test "$out[1]" = ask
            # No server, or a question: it needs the terminal, so a one-shot process asks.
            set out ($__vg_bin hook fish --final -- "$text")
            set rc $status
        end
        set verdict (string split -m1 \t -- $out[1])
        set -g __vg_rec_id $verdict[2]
        set verdict $verdict[1]
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
            set -g __vg_pending_line "$text"
            set -g __vg_pending_note $notice
            set -g __vg_pending_status $last
            set -l name vg-sandbox
            test $verdict = block; and set name vg-blocked
            commandline -r -- "$name "(__vg_quote "$text" | string collect)
            set -a __vg_rewrites (commandline)
            set -a __vg_typed "$text"
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
    for t in $__vg_typed
        __vg_history_add "$t"
    end
    set -g __vg_rewrites
    set -g __vg_typed
end

# The server ends with the shell (it also notices on its own when the shell is gone).
function __vg_exit --on-event fish_exit
    __vg_stop_server
end

__vg_bind_keys
__vg_start_server
