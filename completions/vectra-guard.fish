# fish completion for vectra-guard and vg (installed as vectra-guard.fish and vg.fish, as
# fish loads completions by the command's name; the completions are defined only once).

if not set -q __vectra_guard_completions_loaded
    set -g __vectra_guard_completions_loaded 1

    # True when the command line so far is CMD SUB (e.g. "sandbox run"), options aside.
    function __vectra_guard_at
        set -l words (commandline -opc)
        set -l plain
        set -l skip 0
        for w in $words[2..-1]
            if test $skip = 1
                set skip 0
                continue
            end
            switch $w
                case --config --mode --security-level --network --runtime --timeout --preset \
                    --name --session --limit --note --duration --kind --file --set --command --output -c -p
                    set skip 1
                case '-*'
                case '*'
                    set -a plain $w
            end
        end
        test (count $plain) -eq (count $argv); or return 1
        for i in (seq (count $argv))
            test "$plain[$i]" = "$argv[$i]"; or return 1
        end
    end

    for c in vectra-guard vg
        complete -c $c -f
        # Global options and commands.
        complete -c $c -n '__vectra_guard_at' -l config -r -F -d 'Read FILE after the default config layers'
        complete -c $c -n '__vectra_guard_at' -s h -l help -d 'Show the help'
        complete -c $c -n '__vectra_guard_at' -s V -l version -d 'Print the version'
        complete -c $c -n '__vectra_guard_at' -a explain -d 'Show the decision for a command line and why'
        complete -c $c -n '__vectra_guard_at' -a validate -d 'Check shell scripts; never runs them'
        complete -c $c -n '__vectra_guard_at' -a exec -d 'Evaluate a command, then run it or not'
        complete -c $c -n '__vectra_guard_at' -a sandbox -d 'Run a command or a shell in the sandbox'
        complete -c $c -n '__vectra_guard_at' -a changes -d 'Review, apply or discard sandboxed changes'
        complete -c $c -n '__vectra_guard_at' -a logs -d 'The audit log of evaluated commands'
        complete -c $c -n '__vectra_guard_at' -a metrics -d 'Totals of what ran where'
        complete -c $c -n '__vectra_guard_at' -a trust -d 'Commands that may run on the host'
        complete -c $c -n '__vectra_guard_at' -a hook -d 'Entry point of the shell hooks and agents'
        complete -c $c -n '__vectra_guard_at' -a agent -d 'Run an AI agent with its commands guarded'
        complete -c $c -n '__vectra_guard_at' -a init -d 'Write a preset config'
        complete -c $c -n '__vectra_guard_at' -a status -d 'Whether this shell is hooked, config, mode, runtime'
        complete -c $c -n '__vectra_guard_at' -a help -d 'The help of one command'
        complete -c $c -n '__vectra_guard_at' -a version -d 'Print the version'

        # explain
        set -l e '__fish_seen_subcommand_from explain'
        complete -c $c -n $e -l json -d 'One JSON object'
        complete -c $c -n $e -l batch -d 'One command line per stdin line'
        complete -c $c -n $e -l mode -x -a 'always auto risky never' -d 'Use this mode'
        complete -c $c -n $e -l interactive -d 'The decision a terminal user gets'
        complete -c $c -n $e -l shell -x -a 'bash zsh sh fish' -d 'The syntax of the line'
        complete -c $c -n $e -l shell -x -a 'bash zsh sh fish' -d "The line's syntax"
        complete -c $c -n $e -l config -r -F -d 'Read FILE after the default layers'
        complete -c $c -n $e -s v -l verbose -d 'Also show normalized commands and config files'

        # validate
        complete -c $c -n '__fish_seen_subcommand_from validate' -F
        complete -c $c -n '__fish_seen_subcommand_from validate' -l json -d 'One JSON object'

        # exec, sandbox run/shell: the sandbox options
        set -l s '__fish_seen_subcommand_from exec run shell'
        complete -c $c -n $s -l runtime -x -a 'auto bubblewrap namespace landlock' -d 'Sandbox runtime'
        complete -c $c -n $s -l security-level -x -a 'permissive balanced strict paranoid' -d 'Security level'
        complete -c $c -n $s -l network -x -a 'none restricted full' -d 'Network mode'
        complete -c $c -n $s -l timeout -x -d 'Kill the command after SECONDS'
        complete -c $c -n $s -l review -d 'The project copy-on-write: changes kept as a change set'
        complete -c $c -n $s -l record -d 'Record the output to $VG_HOME/recordings'
        complete -c $c -n $s -l record-input -d 'Record the keystrokes too'
        complete -c $c -n $s -s v -l verbose -d 'List which limits were enforced'
        set -l x '__fish_seen_subcommand_from exec'
        complete -c $c -n $x -s c -x -d 'Evaluate a whole shell line'
        complete -c $c -n $x -l sandbox -d 'Run in the sandbox whatever the decision'
        complete -c $c -n $x -l host -d 'Run on the host whatever the decision'
        complete -c $c -n $x -l interactive -d 'Ask on the terminal when the guard level says so'
        complete -c $c -n $x -l no-interactive -d 'Never ask'

        # sandbox
        complete -c $c -n '__vectra_guard_at sandbox' -a run -d 'Run a command in the sandbox'
        complete -c $c -n '__vectra_guard_at sandbox' -a shell -d 'An interactive shell in the sandbox'
        complete -c $c -n '__vectra_guard_at sandbox' -a doctor -d 'What works on this machine'
        complete -c $c -n '__vectra_guard_at sandbox' -a deps -d 'Install the sandbox dependencies'
        complete -c $c -n '__vectra_guard_at sandbox doctor' -l json -d 'JSON instead of text'
        complete -c $c -n '__vectra_guard_at sandbox deps' -a install -d 'Install bubblewrap'
        complete -c $c -n '__fish_seen_subcommand_from deps' -l dry-run -d 'Print the commands'
        complete -c $c -n '__fish_seen_subcommand_from deps' -l podman -d 'Also podman'
        complete -c $c -n '__fish_seen_subcommand_from deps' -l docker -d 'Also docker'

        # audit
        complete -c $c -n '__vectra_guard_at' -a audit -d 'Audit npm or Python packages in the sandbox'
        complete -c $c -n '__vectra_guard_at audit' -a npm -d 'npm audit of package-lock.json'
        complete -c $c -n '__vectra_guard_at audit' -a python -d 'pip-audit of requirements.txt or pyproject.toml'
        complete -c $c -n '__fish_seen_subcommand_from audit' -l path -r -d 'The project directory'
        complete -c $c -n '__fish_seen_subcommand_from audit' -l no-install -d 'Never install pip-audit'
        complete -c $c -n '__fish_seen_subcommand_from audit' -l json -d 'JSON instead of text'
        # changes
        complete -c $c -n '__vectra_guard_at changes' -a list -d 'The change sets'
        complete -c $c -n '__vectra_guard_at changes' -a show -d 'The diff of one'
        complete -c $c -n '__vectra_guard_at changes' -a apply -d 'Write one into the project'
        complete -c $c -n '__vectra_guard_at changes' -a discard -d 'Drop one'
        complete -c $c -n '__fish_seen_subcommand_from changes; and __fish_seen_subcommand_from list' -l json -d 'JSON instead of text'

        # metrics
        complete -c $c -n '__vectra_guard_at metrics' -a show -d 'The totals'
        complete -c $c -n '__vectra_guard_at metrics' -a reset -d 'Count from now on'
        complete -c $c -n '__fish_seen_subcommand_from metrics' -l json -d 'JSON instead of text'

        # status
        complete -c $c -n '__fish_seen_subcommand_from status' -l json -d 'One JSON object'

        # logs
        complete -c $c -n '__vectra_guard_at logs' -a list -d 'List the events'
        complete -c $c -n '__vectra_guard_at logs' -a show -d 'One session or event'
        complete -c $c -n '__vectra_guard_at logs' -a verify -d 'Check the hash chain'
        complete -c $c -n '__vectra_guard_at logs' -a replay -d 'Play a session recording'
        complete -c $c -n '__fish_seen_subcommand_from replay' -l speed -x -d 'N times faster'
        complete -c $c -n '__fish_seen_subcommand_from replay' -l idle-limit -x -d 'Longest pause in seconds'
        complete -c $c -n '__fish_seen_subcommand_from logs' -l session -x -d 'One session'
        complete -c $c -n '__fish_seen_subcommand_from logs' -l limit -x -d 'The last N events'
        complete -c $c -n '__fish_seen_subcommand_from logs' -l json -d 'JSON instead of text'

        # trust
        complete -c $c -n '__vectra_guard_at trust' -a add -d 'Remember a command'
        complete -c $c -n '__vectra_guard_at trust' -a list -d 'The remembered commands'
        complete -c $c -n '__vectra_guard_at trust' -a remove -d 'Forget a command'
        complete -c $c -n '__vectra_guard_at trust' -a clean -d 'Remove expired entries'
        complete -c $c -n '__vectra_guard_at trust add' -l note -x -d 'A note'
        complete -c $c -n '__vectra_guard_at trust add' -l duration -x -d 'Expiry: 30m, 12h, 7d'

        # hook
        complete -c $c -n '__vectra_guard_at hook' -a 'bash zsh fish claude-code cursor'
        complete -c $c -n '__fish_seen_subcommand_from hook' -l final -d 'The line cannot continue'

        # agent
        complete -c $c -n '__vectra_guard_at agent' -a start -d 'Run an agent with the exec shim'
        complete -c $c -n '__vectra_guard_at agent' -a snapshot -d 'Write the policy snapshot'
        complete -c $c -n '__vectra_guard_at agent' -a setup-ide -d 'Set up an IDE or agent hook'
        set -l a '__vectra_guard_at agent start'
        complete -c $c -n $a -l name -x -d 'The agent name'
        complete -c $c -n $a -l mode -x -a 'always auto risky never' -d 'Mode'
        complete -c $c -n $a -l security-level -x -a 'permissive balanced strict paranoid' -d 'Security level'
        complete -c $c -n $a -l sandbox -d 'Run the agent in the sandbox'
        complete -c $c -n $a -l review -d 'Run the agent in the sandbox, its changes kept as one change set'
        complete -c $c -n '__vectra_guard_at agent snapshot' -l print -d 'Print it'
        complete -c $c -n '__vectra_guard_at agent snapshot' -l output -r -F -d 'Write to FILE'
        set -l i '__vectra_guard_at agent setup-ide'
        complete -c $c -n $i -l kind -x -a 'vscode-env cursor-hooks claude-hooks' -d 'What to set up'
        complete -c $c -n $i -l file -r -F -d 'The settings file'
        complete -c $c -n $i -l set -x -d 'KEY=VALUE'
        complete -c $c -n $i -l command -x -d 'The command to run'
        complete -c $c -n $i -l uninstall -d 'Remove it'
        complete -c $c -n $i -l dry-run -d 'Print, change nothing'

        # init
        set -l n '__fish_seen_subcommand_from init'
        complete -c $c -n $n -s p -l preset -x -a 'developer ci-cd production' -d 'The preset'
        complete -c $c -n $n -l local -d 'Write vectra-guard.ini in the workspace'
        complete -c $c -n $n -s f -l force -d 'Replace an existing file'
        complete -c $c -n $n -s n -l dry-run -d 'Print the file, write nothing'
        complete -c $c -n $n -l list -d 'The presets'

        # help
        complete -c $c -n '__vectra_guard_at help' -a 'explain validate exec sandbox changes logs metrics audit trust hook agent init status'
    end
end
