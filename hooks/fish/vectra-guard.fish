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
#
# Issue 18: the server asks, while it judges a line, what its command words name
# (lookup rounds, core/shell_defs.h); __vg_ask_server answers from fish's own function
# table, without a process. A function fish would autoload from the user's files is
# answered with the file's text (loading it would run its top-level code). The answer's
# `defs:` line goes to the one-shot hook and to `exec --from-hook` as VG_HOOK_DEFS, for
# that command only. A missing or non-executable binary refuses every line but
# exit/logout. The hook's functions, its variables and the Enter bindings are compared
# with what this file set up before a line is judged and after it ran (fish has no
# read-only functions): what was changed is put back, with a notice.

status is-interactive; or exit 0

set -g __vg_bin $VECTRA_GUARD_BIN
if test -z "$__vg_bin"
    set __vg_bin (command -v vectra-guard)
end
# Without a usable binary the shell stays hooked and refuses lines (__vg_enter).
test -n "$__vg_bin"; or set -g __vg_bin $HOME/.local/bin/vectra-guard

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
    __vg_start_server; or __vg_wait_server; or return 1
    set -g __vg_req (math $__vg_req + 1)
    set -l reply
    set -l n 0
    begin
        printf '%s\0%s\0%s\0%s\0' $__vg_req 1 $PWD "$text" >$__vg_fifo_dir/req; or return 1
        # An answer to a request interrupted before its answer was read is skipped;
        # lookup records ("?NAME\n...") of this request are answered, then read on.
        while test $n -lt 64
            set n (math $n + 1)
            read -z reply; or return 1
            set reply (string split \n -- (string trim --right --chars=\n -- $reply))
            test "$reply[1]" = "$__vg_req"; or continue
            if test (string sub -l 1 -- "$reply[2]") = '?'
                __vg_lookup (string sub -s 2 -- $reply[2]) $reply[3..-1] >$__vg_fifo_dir/req; or return 1
                continue
            end
            string join \n -- $reply[2..-1]
            return 0
        end
    end <$__vg_fifo_dir/resp
    return 1
end

# The server is starting: wait for it (up to 2 s) rather than judge without the lookups.
function __vg_wait_server
    test -n "$__vg_server_pid"; or return 1
    set -l n 0
    while test $n -lt 100
        set n (math $n + 1)
        test -p "$__vg_fifo_dir/req"; and return 0
        test -e /proc/$__vg_server_pid; or return 1
        command sleep 0.02
    end
    return 1
end

# One lookup round's reply (core/shell_defs.h): for each NAME, ALIAS\0FUNCTION\0; fish's
# aliases are functions, so ALIAS is always "-".
function __vg_lookup
    for name in $argv
        set -l text (__vg_function_text $name | string collect)
        if test -n "$text"
            printf '%s\0' - "=$text"
        else
            printf '%s\0' - -
        end
    end
end

# What fish would run for NAME: its definition; for a function not loaded yet that fish
# would autoload from a user's file, the file (fish's own files are loaded as usual).
function __vg_function_text --argument-names name
    # A function's name has no '/' (nor is a file outside the directories read for one).
    string match -q -- '*/*' $name; and return
    set -l own
    for d in $fish_function_path
        test -f "$d/$name.fish"; or continue
        if string match -q -- "$__fish_data_dir/*" $d; or string match -q -- '/usr/share/*' $d
            set own "$d/$name.fish"
            break
        end
        string collect <"$d/$name.fish"
        return
    end
    functions -q -- $name 2>/dev/null; or return
    # fish's own function (alias, ls, cd...), as its file defines it: a command of the
    # system like /usr/bin's, not the user's code.
    test -n "$own"; and test (functions --details -- $name) = "$own"; and return
    functions --no-details -- $name
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
    # The functions the line uses, for judging and defining them in the sandbox: for
    # this command only, not for the shell.
    set -lx VG_HOOK_DEFS $__vg_pending_defs
    test -n "$VG_HOOK_DEFS"; or set -e VG_HOOK_DEFS
    set -e __vg_pending_defs
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
            __vg_snapshot
            echo "vectra-guard: off for this shell; type 'vectra-guard on' to turn it back on." >&2
        case on
            $__vg_bin hook fish --toggle on
            set -g __vg_off
            set -e VG_HOOK_OFF
            __vg_snapshot
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
    __vg_intact --quick
    test -n "$__vg_rec_id"; or return
    if test -n "$__vg_server_pid"; and test -p "$__vg_fifo_dir/req"
        printf '%s\0%s\0%s\0%s\0' 0 end $__vg_rec_id "$st $CMD_DURATION" >$__vg_fifo_dir/req
    end
    set -g __vg_rec_id
end

function __vg_enter
    __vg_intact --quick
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
    set -l verdict block
    set -l notice
    set -l defs
    if test -f "$__vg_bin"; and test -x "$__vg_bin"
        set -l out (__vg_ask_server "$text")
        set -l rc $status
        if string match -q -- 'defs:*' "$out[2]"
            set defs (string sub -s 6 -- $out[2])
            set -e out[2]
        end
        if test $rc -ne 0; or test "$out[1]" = ask
            # No server, or a question: it needs the terminal, so a one-shot process
            # asks, with the functions the server looked up.
            set -lx VG_HOOK_DEFS $defs
            test -n "$defs"; or set -e VG_HOOK_DEFS
            set out ($__vg_bin hook fish --final -- "$text")
            set rc $status
            if string match -q -- 'defs:*' "$out[2]"
                set defs (string sub -s 6 -- $out[2])
                set -e out[2]
            end
        end
        set verdict (string split -m1 \t -- $out[1])
        set -g __vg_rec_id $verdict[2]
        set verdict $verdict[1]
        set notice $out[2..-1]
        if test $rc -ne 0; or not contains -- "$verdict" run sandbox block
            set verdict block
            set notice "vectra-guard could not check this line (exit $rc), so it was not run."
        end
    else if string match -qr '^\s*(exit|logout)(\s+[0-9]+)?\s*$' -- "$text"
        set verdict run
    else
        set notice "vectra-guard: its program $__vg_bin is missing or not executable, so this line was not run. Repair with scripts/install-shell-wrapper.sh, or remove the hook with scripts/install-shell-wrapper.sh --uninstall and open a new shell."
    end
    switch $verdict
        case run
            test -n "$notice"; and printf '\n%s\n' $notice >&2
        case block sandbox
            set -g __vg_pending_line "$text"
            set -g __vg_pending_note $notice
            set -g __vg_pending_status $last
            set -g __vg_pending_defs $defs
            set -l name vg-sandbox
            test $verdict = block; and set name vg-blocked
            commandline -r -- "$name "(__vg_quote "$text" | string collect)
            set -a __vg_rewrites (commandline)
            set -a __vg_typed "$text"
    end
    commandline -f execute
end

function __vg_bind_keys
    for mode in default insert visual $fish_bind_mode
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
    __vg_intact
    __vg_keys_intact; or __vg_bind_keys
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

# Enter runs __vg_enter on both keys, in the mode the next line is typed in (a switch
# of mode or of key bindings calls __vg_bind_keys again).
function __vg_keys_intact
    set -l mode default
    set -q fish_bind_mode[1]; and set mode $fish_bind_mode
    string match -q -- "*__vg_enter*" (bind -M $mode \r 2>/dev/null); or return 1
    string match -q -- "*__vg_enter*" (bind -M $mode \n 2>/dev/null)
end

# The hook's functions as this file defined them, and its variables' values: what
# __vg_intact compares with and puts back. `vectra-guard off`/`on` take a new snapshot.
function __vg_snapshot
    set -g __vg_saved
    for f in $__vg_fns
        set -a __vg_saved (functions --no-details -- $f | string collect)
    end
    set -g __vg_saved_all (functions --no-details -- $__vg_fns | string collect)
    set -g __vg_saved_vars "$__vg_bin" "$__vg_off" "$__vg_fns"
end

# Put back what was changed of the hook (functions, event handlers, variables, Enter
# bindings), with one notice; returns 1 then. With --quick (before a line is judged,
# after it ran) only whether the functions exist and the variables: the texts are
# compared at each prompt (about 1 ms).
function __vg_intact
    if test "$argv[1]" = --quick
        functions -q -- $__vg_fns; and test "$__vg_bin" = "$__vg_saved_vars[1]"
        and test "$__vg_off" = "$__vg_saved_vars[2]"; and test "$__vg_fns" = "$__vg_saved_vars[3]"
        and return 0
    end
    set -l changed
    if test "$__vg_fns" != "$__vg_saved_vars[3]"
        set -g __vg_fns (string split ' ' -- $__vg_saved_vars[3])
        set -a changed __vg_fns
    end
    set -l now (functions --no-details -- $__vg_fns 2>/dev/null | string collect)
    if test "$now" != "$__vg_saved_all"
        set -l i 0
        for f in $__vg_fns
            set i (math $i + 1)
            set now (functions --no-details -- $f 2>/dev/null | string collect)
            if test "$now" != "$__vg_saved[$i]"
                functions -e -- $f
                eval "$__vg_saved[$i]"
                set -a changed $f
            end
        end
    end
    if test "$__vg_bin" != "$__vg_saved_vars[1]"; or not set -q __vg_bin[1]
        set -g __vg_bin $__vg_saved_vars[1]
        set -a changed __vg_bin
    end
    if test "$__vg_off" != "$__vg_saved_vars[2]"
        set -g __vg_off $__vg_saved_vars[2]
        set -a changed __vg_off
    end
    if set -q changed[1]
        __vg_bind_keys
        printf '%s\n' "vectra-guard: this shell changed vectra-guard's own hook ("(string join ', ' -- $changed)"); it was put back. 'vectra-guard off' (audited) or scripts/install-shell-wrapper.sh --uninstall are the ways to turn it off." >&2
        return 1
    end
end

set -g __vg_fns (functions -a | string match -- '__vg_*') vg-blocked vg-sandbox vectra-guard vg
__vg_snapshot
__vg_bind_keys
if test -f "$__vg_bin"; and test -x "$__vg_bin"
    __vg_start_server
else
    echo "vectra-guard: its program $__vg_bin is missing or not executable, so this shell refuses every line but exit. Repair with scripts/install-shell-wrapper.sh, or remove the hook with scripts/install-shell-wrapper.sh --uninstall and open a new shell." >&2
end
