#!/usr/bin/env bats
# The podman runner with real containers: the same isolation and transparency properties
# as the other runners (filesystem view, secrets, env, capabilities, seccomp, network),
# exit codes, signals, timeout, cleanup (leak test), warm containers, missing image.
#
# Nothing is pulled: the test image is built here from Debian's busybox-static and
# imported as localhost/vg-test:1. This machine's podman needs runc, cgroupfs and explicit
# ulimits: the suite writes its own containers.conf for that (CONTAINERS_CONF); the
# product's defaults stay standard. Runs as root and, through nonroot.sh, rootless.
bats_require_minimum_version 1.5.0
load sandbox_common
load socket_helpers

IMAGE=localhost/vg-test:2

setup_file() {
  if ! command -v podman >/dev/null || ! command -v busybox >/dev/null; then
    echo "podman and busybox-static are required (scripts/test.sh installs them)" >&2
    return 1
  fi
  export CONTAINERS_CONF=$BATS_FILE_TMPDIR/containers.conf
  cat >"$CONTAINERS_CONF" <<'EOF'
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
EOF
  # Rootless podman keeps images under $XDG_DATA_HOME (else $HOME/.local/share): pin it,
  # since every test gets a HOME of its own.
  export XDG_DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
  if [[ $(id -u) != 0 && -z ${XDG_RUNTIME_DIR:-} ]]; then
    export XDG_RUNTIME_DIR=/tmp/vg-podman-run-$(id -u)
    mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  fi
  remove_ours
  if ! podman image exists "$IMAGE"; then
    local rootfs=$BATS_FILE_TMPDIR/rootfs
    mkdir -p "$rootfs"/{bin,etc,tmp,proc,dev,sys}
    chmod 1777 "$rootfs/tmp"
    cp "$(command -v busybox)" "$rootfs/bin/busybox"
    for applet in $("$rootfs/bin/busybox" --list); do
      [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    echo "root:x:0:0:root:/root:/bin/sh" >"$rootfs/etc/passwd"
    tar -C "$rootfs" -cf "$BATS_FILE_TMPDIR/rootfs.tar" .
    podman import --change 'ENV IMAGE_SECRET=from-image' "$BATS_FILE_TMPDIR/rootfs.tar" "$IMAGE" >/dev/null
  fi
}

setup() {
  sandbox_setup
  mkdir -p "$XDG_CONFIG_HOME/vectra-guard"
  printf '[sandbox]\nruntime = podman\nimage = %s\n' "$IMAGE" >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
}

teardown() {
  stop_socket_listeners
  sandbox_teardown
}

# Containers of ours (label vectra-guard=1), one name a line.
ours() { podman ps -a --filter label=vectra-guard=1 --format '{{.Names}}'; }

# Warm containers outlive a test by their idle time; their engine-side clean-up then runs
# after this suite's containers.conf is gone and fails, leaving them "Exited" for the next
# run's leak checks. The suite removes what is ours at its start and its end.
remove_ours() {
  local names
  names=$(ours)
  [[ -z $names ]] || podman rm -f -t 0 $names >/dev/null 2>&1 || true
}

teardown_file() { remove_ours; }

@test "runs in a podman container; stdout byte-identical, the notice on stderr" {
  printf 'a\0b\nno newline' >"$WS/in.bin"
  run --separate-stderr sbx -- cat in.bin
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$WS/in.bin")" ]
  [[ $stderr == *podman* ]]
  run sbx -- sh -c 'cat /proc/1/cmdline | tr "\0" " "'
  [[ $output == *"/.vectra-guard-init"*"--"* ]]
}

@test "stdin is piped through" {
  run sh -c "printf 'line1\nline2\n' | '$VG' sandbox run -- wc -l 2>/dev/null"
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = 2 ]
}

@test "exit codes: the command's, 128+signal, 127 for a missing command" {
  run sbx -- sh -c 'exit 7'
  [ "$status" -eq 7 ]
  run sbx -- sh -c 'kill -SEGV $$'
  [ "$status" -eq 139 ]
  run -127 sbx -- no-such-command-here
  [ "$status" -eq 127 ]
}

@test "workspace writes land, owned by the invoking user; the rest is discarded" {
  # Root may write the image's /etc (changes discarded); an ordinary user may not at all.
  run sbx -- sh -c 'mkdir -p out && echo built > out/result.txt && { touch /etc/vg-probe 2>/dev/null || true; } && id -u'
  [ "$status" -eq 0 ]
  [ "$(cat "$WS/out/result.txt")" = built ]
  [ "$(stat -c %u "$WS/out/result.txt")" = "$(id -u)" ]
  [ "$(stat -c %g "$WS/out/result.txt")" = "$(id -g)" ]
  [[ $output == *"$(id -u)"* ]]
  run sbx -- sh -c 'test -e /etc/vg-probe'
  [ "$status" -ne 0 ]
  [ ! -e /etc/vg-probe ]
}

@test "read-only levels: the root is read-only, /tmp is writable" {
  run sbx --security-level strict -- sh -c 'touch /etc/vg-probe'
  [ "$status" -ne 0 ]
  run sbx --security-level strict -- sh -c 'echo x > /tmp/t && cat /tmp/t && echo ok > in-ws && cat in-ws'
  [ "$status" -eq 0 ]
  [[ $output == *x*ok* ]]
}

@test "the host outside the workspace is not there; secrets inside it are hidden" {
  run --separate-stderr sbx -- sh -c "cat '$VG_HOME/trust.json'; ls /var/tmp; cat /etc/shadow"
  [[ $output != *trusted* ]]
  cd "$HOME"
  run --separate-stderr sbx -- sh -c "cat .ssh/id_ed25519 .aws/credentials .netrc .bash_history; touch made-in-home"
  [[ $output != *ssh-secret* && $output != *aws-secret* && $output != *netrc-secret* && $output != *history-secret* ]]
  # The home is not a project: visible (ls works), read-only, and the notice says so.
  [[ $stderr == *"~ is not a project (your home directory): read-only in the sandbox"* ]]
  [ ! -e "$HOME/made-in-home" ]
  echo 'alias ll=ls' >"$HOME/.bashrc"
  run --separate-stderr sbx -- sh -c "ls >/dev/null && echo listed; echo evil >> .bashrc"
  [[ $output == *listed* ]]
  [ "$(cat "$HOME/.bashrc")" = 'alias ll=ls' ]
}

@test ".git/hooks and .git/config are read-only" {
  run sbx -- sh -c 'echo "evil" > .git/hooks/pre-commit; echo x >> .git/config; touch .git/hooks/new'
  [ "$status" -ne 0 ]
  [ "$(cat "$WS/.git/hooks/pre-commit")" = "$(printf '#!/bin/sh\nexit 0')" ]
  [ ! -e "$WS/.git/hooks/new" ]
}

@test "files planted for host git are quarantined after the run (judged by host git status)" {
  rm -rf "$WS/.git"
  git init -q "$WS"
  printf '#!/bin/sh\ntouch %s\n' "$ROOT/canary-ran" >"$ROOT/canary.sh"
  chmod 755 "$ROOT/canary.sh"
  git init -q "$ROOT/evil"
  git -C "$ROOT/evil" config core.fsmonitor "$ROOT/canary.sh"
  run --separate-stderr sbx -- sh -c "echo '$ROOT/evil/.git' > .git/commondir; mkdir sub; echo 'gitdir: $ROOT/evil/.git' > sub/.git"
  [ "$status" -eq 0 ]
  (cd "$WS" && git status >/dev/null 2>&1) || true
  (cd "$WS/sub" && git status >/dev/null 2>&1) || true
  [ ! -e "$ROOT/canary-ran" ]
  [[ $stderr == *"quarantined "*".git/commondir"* && $stderr == *"sub/.git"* ]]
}

@test "environment: the whitelist only; tokens and image defaults do not get in" {
  GITHUB_TOKEN=ghp-secret-token AWS_SECRET_ACCESS_KEY=aws-secret-key run sbx -- env
  [ "$status" -eq 0 ]
  [[ $output != *ghp-secret-token* ]]
  [[ $output != *aws-secret-key* ]]
  [[ $output != *IMAGE_SECRET* ]]
  [[ $output == *VG_SANDBOX=1* ]]
  [[ $output == *"PWD=$WS"* ]]
}

@test "no capabilities, no_new_privs, seccomp filter; no new namespaces or mounts" {
  run --separate-stderr sbx -- sh -c 'grep -E "^(Cap(Eff|Prm|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | grep ^Cap | awk '{print $2}' | sort -u)" = 0000000000000000 ]
  [[ $output == *"NoNewPrivs:	1"* ]]
  [[ $output == *"Seccomp:	2"* ]]
  [[ $output == *"Seccomp_filters:	1"* ]]  # ours replaces the engine's default profile
  run sbx -- unshare -U true
  [ "$status" -ne 0 ]
  run sbx -- sh -c 'mount -t tmpfs none "$PWD"'
  [ "$status" -ne 0 ]
}

@test "network none has only loopback; full is the host's" {
  run --separate-stderr sbx --network none -- cat /proc/net/dev
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tail -n +3 | awk -F: '{gsub(/ /,"",$1); print $1}' | sort | tr '\n' ' ')" = "lo " ]
  run --separate-stderr sbx --network full -- cat /proc/net/dev
  [ "$(echo "$output" | tail -n +3 | wc -l)" -eq "$(tail -n +3 /proc/net/dev | wc -l)" ]
}

@test "socket kinds outside the allowlist: a high-bit unix family and MPTCP are refused; the host listener sees nothing" {
  build_socket_probe
  # In the workspace: the only host directory the container sees, so a connect could work.
  cp "$ROOT/socket_probe" "$WS/socket_probe"
  start_unix_listener "$WS/host.sock"
  local said=
  for net in none full; do
    run --separate-stderr sbx --network "$net" -- ./socket_probe unix "$WS/host.sock"
    said+="$output,"
    run --separate-stderr sbx --network "$net" -- ./socket_probe mptcp 9
    said+="$output,"
  done
  sleep 0.2
  [ ! -e "$ROOT/unix-hits" ]  # judged from the host first
  [ "$said" = "refused,refused Protocol not supported,refused,refused Protocol not supported," ]
}

@test "restricted network: only vg-proxy, through vg-init's bridge (podman passes its socket)" {
  run --separate-stderr sbx --network restricted -- sh -c 'env | grep -c "^HTTPS_PROXY=http://127.0.0.1:3128$"; grep -c " 0100007F:0C38 00000000:0000 0A" /proc/net/tcp; wget -q -O- http://not-allowed.invalid/'
  [[ $output == "1"*"1"* ]]
  [ "$status" -ne 0 ]
  [[ $stderr == *"blocked not-allowed.invalid:80"* ]]
  run --separate-stderr sbx --network restricted -- cat /proc/net/dev
  [ "$(echo "$output" | tail -n +3 | wc -l)" -eq 1 ]
}

@test "limits: memory and pids from the level, or reported as not enforced" {
  run --separate-stderr sbx --verbose --security-level paranoid -- sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; true'
  [ "$status" -eq 0 ]
  if [[ $(id -u) == 0 ]]; then
    [[ $stderr == *"memory 256 MiB (container cgroup)"* ]]
    [[ $output == *268435456* ]]
  elif [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then
    [[ $stderr == *"rootless podman cannot set them on a cgroup v1 host"* ]]
  else
    [[ $output == *268435456* ]]
  fi
}

@test "timeout: exit 124, the container is gone" {
  start=$SECONDS
  run --separate-stderr sbx --timeout 2 -- sh -c 'sleep 60 & sleep 60'
  [ "$status" -eq 124 ]
  [ $((SECONDS - start)) -lt 20 ]
  [[ $stderr == *timeout* ]]
  [ -z "$(ours)" ]
}

@test "a setsid child outlives neither the run nor --timeout, in a fresh or a warm container" {
  for reuse in false true; do
    printf '[sandbox]\nruntime = podman\nimage = %s\nreuse = %s\nreuse_idle = 30\n' "$IMAGE" "$reuse" \
      >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
    rm -f "$WS"/CANARY*
    run --separate-stderr sbx --network none -- sh -c "setsid sh -c 'sleep 3; touch CANARY1' </dev/null >/dev/null 2>&1 & sleep 0.5; echo started"
    [ "$status" -eq 0 ]
    [ "$output" = started ]
    warm=$(ours)
    sleep 3.5
    [ ! -e "$WS/CANARY1" ]
    run --separate-stderr sbx --network none --timeout 1 -- sh -c "setsid sh -c 'sleep 3; touch CANARY2' </dev/null >/dev/null 2>&1 & sleep 30"
    [ "$status" -eq 124 ]
    sleep 3.5
    [ ! -e "$WS/CANARY2" ]
  done
  podman rm -f "$warm" >/dev/null
}

@test "SIGTERM and SIGINT to vectra-guard reach the command" {
  for sig in TERM INT; do
    rm -f "$WS/up.txt" "$WS/got.txt"
    signal_sandbox "$sig" -- sh -c "trap 'echo got-$sig > got.txt; exit 7' $sig; echo up > up.txt; while :; do sleep 0.1; done"
    [ "$status" -eq 7 ]
    [ "$(cat "$WS/got.txt")" = "got-$sig" ]
  done
  [ -z "$(ours)" ]
}

@test "a killed vectra-guard's container is removed by the next run" {
  "$VG" sandbox run -- sh -c 'trap "" TERM; echo up > up.txt; while :; do sleep 0.1; done' 2>/dev/null &
  pid=$!
  wait_for_path "$WS/up.txt"
  kill -KILL "$pid"
  wait "$pid" || true
  sleep 1
  [ -n "$(ours)" ]
  run sbx -- true
  [ "$status" -eq 0 ]
  [ -z "$(ours)" ]
}

@test "leak test: 50 runs, some killed and timed out, leave no container" {
  for i in $(seq 1 40); do
    sbx -- sh -c "exit $((i % 3))" >/dev/null 2>&1 || true
  done
  for i in 1 2 3 4 5; do
    sbx --timeout 1 -- sleep 30 >/dev/null 2>&1 || true
  done
  for i in 1 2 3 4 5; do
    rm -f "$WS/up.txt"
    env --default-signal=INT "$VG" sandbox run -- sh -c 'echo up > up.txt; sleep 30' >/dev/null 2>&1 &
    pid=$!
    wait_for_path "$WS/up.txt"
    if ((i % 2)); then kill -INT "$pid"; else kill -KILL "$pid"; fi
    wait "$pid" || true
  done
  sbx -- true
  [ -z "$(ours)" ]
  [ -z "$(podman volume ls -q)" ]
}

@test "a missing image fails at once with one sentence, nothing is pulled" {
  printf '[sandbox]\nruntime = podman\nimage = localhost/vg-no-such-image:0\n' >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  start=$SECONDS
  run --separate-stderr sbx -- true
  [ "$status" -eq 125 ]
  [ $((SECONDS - start)) -lt 10 ]
  [[ $stderr == *"localhost/vg-no-such-image:0 is not present locally"*"podman pull"* ]]
  [ "$(echo "$stderr" | wc -l)" -eq 1 ]
}

@test "reuse = true: one warm container, commands run in it, it stops when idle" {
  # (a restricted network gets a fresh container per command: see the next test)
  printf '[sandbox]\nruntime = podman\nimage = %s\nreuse = true\nreuse_idle = 6\n' "$IMAGE" >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run sbx --network none -- sh -c 'echo first > first.txt; exit 3'
  [ "$status" -eq 3 ]
  warm=$(ours)
  [[ $warm == vg-warm-* ]]
  GITHUB_TOKEN=ghp-secret-token run sbx --network none -- sh -c 'cat first.txt; env; id -u'
  [ "$status" -eq 0 ]
  [[ $output == *first* ]]
  [[ $output != *ghp-secret-token* ]]
  [[ $output == *"$(id -u)"* ]]
  [ "$(ours)" = "$warm" ]
  [ "$(stat -c %u "$WS/first.txt")" = "$(id -u)" ]
  # exec passes no signals: vectra-guard sends them to the keeper, which passes them on.
  signal_sandbox TERM --network none -- sh -c "trap 'echo got-term > got.txt; exit 7' TERM; echo up > up.txt; while :; do sleep 0.1; done"
  [ "$status" -eq 7 ]
  [ "$(cat "$WS/got.txt")" = got-term ]
  [ "$(ours)" = "$warm" ]
  # A timeout stops that command and what it started, not the warm container.
  run --separate-stderr sbx --network none --timeout 2 -- sh -c 'sleep 61 & sleep 62'
  [ "$status" -eq 124 ]
  [[ $stderr == *timeout* ]]
  [ "$(ours)" = "$warm" ]
  run sbx --network none -- ps -o args
  [ "$status" -eq 0 ]
  [[ $output != *"sleep 6"* ]]
  for _ in $(seq 40); do
    [ -z "$(ours)" ] && break
    sleep 0.5
  done
  [ -z "$(ours)" ]
}

@test "reuse = true with a restricted network: one command at a time in the warm container, the proxy per command" {
  printf '[sandbox]\nruntime = podman\nimage = %s\nreuse = true\nreuse_idle = 30\n' "$IMAGE" >"$XDG_CONFIG_HOME/vectra-guard/config.ini"
  run --separate-stderr sbx --verbose --network restricted -- sh -c 'wget -q -O- http://first.invalid/; echo ran > first.txt'
  [ -f "$WS/first.txt" ]
  [[ $stderr == *"warm container reused"* ]]
  [[ $stderr == *"blocked first.invalid:80"* ]]
  warm=$(ours)
  [[ $warm == vg-warm-* ]]
  # The second command gets a proxy of its own: its refusal is its own, and reported.
  run --separate-stderr sbx --network restricted -- sh -c 'wget -q -O- http://second.invalid/; true'
  [ "$status" -eq 0 ]
  [[ $stderr == *"blocked second.invalid:80"* ]]
  [ "$(ours)" = "$warm" ]
  # While one command holds the warm container, another runs in a fresh one, and says so.
  "$VG" sandbox run --network restricted -- sh -c 'echo up > up.txt; sleep 4' 2>/dev/null &
  pid=$!
  wait_for_path "$WS/up.txt"
  run --separate-stderr sbx --verbose --network restricted -- sh -c 'wget -q -O- http://third.invalid/; echo fresh'
  [[ $output == *fresh* ]]
  [[ $stderr == *"Not enforced: reuse: another command is using the warm container's network proxy port"* ]]
  [[ $stderr == *"container from image $IMAGE (podman"*"removed at exit)"* ]]
  [[ $stderr == *"blocked third.invalid:80"* ]]
  wait "$pid"
  [ "$(ours)" = "$warm" ]
  podman rm -f -t 0 "$warm" >/dev/null
}

@test "doctor reports the engine, rootless or not, cgroup manager and a test container" {
  run "$VG" sandbox doctor
  [[ $output == *podman* ]]
  line=$(echo "$output" | grep -E '^(ok|warn|fail) +podman ')
  if [[ $(id -u) != 0 && $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then
    [[ $line == warn*"limits cannot be set (rootless on cgroup v1)"* ]]
  else
    [[ $line == ok* ]]
  fi
  [[ $line == *"cgroupfs"* ]]
  if [[ $(id -u) == 0 ]]; then [[ $line == *rootful* ]]; else [[ $line == *rootless* ]]; fi
  [[ $line == *"test container from $IMAGE starts"* ]]
  # --config is honoured: the image it names is the one checked.
  printf '[sandbox]\nimage = localhost/vg-not-here:1\n' >"$ROOT/other.ini"
  run "$VG" --config "$ROOT/other.ini" sandbox doctor
  [[ $output == *"image localhost/vg-not-here:1 is not present locally"* ]]
}

@test "review: the workspace is a podman overlay volume, its changes kept as a change set" {
  echo keep >"$WS/a.txt"
  BEFORE=$(cd "$WS" && find . -printf '%P %y %m %s %T@\n' | sort)
  run --separate-stderr "$VG" sandbox run --review -- sh -c '
    rm a.txt; echo new >b.txt; cat a.txt 2>/dev/null || echo gone
    echo evil >.git/hooks/pre-commit 2>/dev/null && echo hook-written; true'
  echo "$output / $stderr"
  [ "$status" -eq 0 ]
  [ "$output" = gone ]
  [[ $stderr == *"(podman, "*"Review: the project is copy-on-write, changes are kept as change set 1."* ]]
  [[ $stderr == *"📝 1 file changed, 1 deleted — vectra-guard changes show 1"* ]]
  [ "$(cd "$WS" && find . -printf '%P %y %m %s %T@\n' | sort)" = "$BEFORE" ]
  [ "$(cat "$WS/a.txt")" = keep ] && [ ! -e "$WS/b.txt" ]
  [ -c "$VG_HOME/changes/1/upper/a.txt" ] && [ "$(stat -c '%t:%T' "$VG_HOME/changes/1/upper/a.txt")" = 0:0 ]
  [ "$(cat "$VG_HOME/changes/1/upper/b.txt")" = new ]
  grep -q '"runtime": "podman"' "$VG_HOME/changes/1/meta.json"
  # Nothing written: no set kept.
  run --separate-stderr "$VG" sandbox run --review -- cat a.txt
  [ "$output" = keep ]
  [[ $stderr == *"📝 no changes"* ]]
  [ ! -e "$VG_HOME/changes/2" ]
}
