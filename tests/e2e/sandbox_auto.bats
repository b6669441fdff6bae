#!/usr/bin/env bats
# runtime = auto falls back in DESIGN.md's order (developer machine): bubblewrap, then our
# namespace runtime, then (no container engine configured) the Landlock mode; and fails
# closed when nothing works. Each case runs in a private mount (and user) namespace where
# /usr/bin/bwrap is replaced by /bin/false, so the host's bubblewrap is never touched.
bats_require_minimum_version 1.5.0
load sandbox_common

setup() {
  sandbox_setup
  command -v unshare >/dev/null || { echo "unshare (util-linux) is required" >&2; return 1; }
  # As an ordinary user the private mount namespace needs a user namespace of its own.
  UNSHARE=(unshare -m)
  [[ $(id -u) == 0 ]] || UNSHARE=(unshare -r -m)
}
teardown() { sandbox_teardown; }

# Run vectra-guard with bubblewrap broken; $1: extra shell set-up before it (may be empty).
without_bwrap() {
  local before=$1
  shift
  "${UNSHARE[@]}" sh -c "mount --bind /bin/false /usr/bin/bwrap && $before exec \"\$@\"" sh "$VG" "$@"
}

@test "auto uses bubblewrap when it works" {
  run --separate-stderr sbx --runtime auto -- true
  [ "$status" -eq 0 ]
  [[ $stderr == *"(bubblewrap, "* ]]
}

@test "auto falls back to the namespace runtime when bubblewrap does not work" {
  run --separate-stderr without_bwrap "" sandbox run --runtime auto -- sh -c 'echo ran; cat /proc/1/comm'
  [ "$status" -eq 0 ]
  [[ $stderr == *"(namespace, "* ]]
  [ "${lines[0]}" = ran ]
  [ "${lines[1]}" = vg-init ]
}

@test "auto falls back to Landlock when neither bubblewrap nor user namespaces work" {
  # max_user_namespaces = 0 inside a user namespace of our own: no nested one can be made.
  run --separate-stderr unshare -r -m sh -c \
    'mount --bind /bin/false /usr/bin/bwrap && echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"' \
    sh "$VG" sandbox run --runtime auto --verbose -- sh -c 'echo ran > landlock-ran'
  [ "$status" -eq 0 ]
  [[ $stderr == *"(landlock, "* ]]
  [[ $stderr == *"Not enforced: PID namespace"* ]]
  [ "$(cat "$WS/landlock-ran")" = ran ]
}

@test "an explicit bubblewrap runtime that does not work fails closed with a sentence" {
  run --separate-stderr without_bwrap "" sandbox run --runtime bubblewrap -- touch ran
  [ "$status" -eq 125 ]
  [ ! -e "$WS/ran" ]
  [[ $stderr == *bwrap* || $stderr == *bubblewrap* ]]
  [[ $stderr != *"Running in sandbox"* ]]
}
