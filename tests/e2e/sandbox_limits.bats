#!/usr/bin/env bats
# Limits of the namespace runtime (VG_TEST_RUNTIME picks another): memory per level,
# the pids limit against a (bounded) fork bomb, OOM reported with exit 137, the rlimit
# floor. As root the limits come from cgroups; as a non-root user without a delegated
# cgroup, from rlimits (RLIMIT_DATA, RLIMIT_NPROC).
bats_require_minimum_version 1.5.0
load sandbox_common

setup() { sandbox_setup; }
teardown() { sandbox_teardown; }

LIMITS_RUNTIME=${VG_TEST_RUNTIME:-namespace}
lx() { "$VG" sandbox run --runtime "$LIMITS_RUNTIME" "$@"; }

# Touches every page, so a cgroup limit (which counts resident memory) sees it all.
ALLOC='import sys; n = int(sys.argv[1]); b = b"x" * (n << 20); print("allocated", len(b) >> 20)'

@test "600 MiB fails under paranoid (256 MiB), succeeds under permissive" {
  run --separate-stderr lx --security-level paranoid -- "$PY" -c "$ALLOC" 600
  [ "$status" -ne 0 ]
  [[ $output != *allocated* ]]
  run --separate-stderr lx --security-level permissive -- "$PY" -c "$ALLOC" 600
  [ "$status" -eq 0 ]
  [ "$output" = "allocated 600" ]
}

@test "an OOM kill under a cgroup memory limit is exit 137 and reported as such" {
  run --separate-stderr lx --verbose --security-level paranoid -- "$PY" -c "$ALLOC" 600
  if [[ $stderr == *"Enforced: memory 256 MiB for the whole sandbox (cgroup"* ]]; then
    [ "$status" -eq 137 ]
    [[ $stderr == *"📦 Sandbox: out of memory: the memory limit was reached and the kernel killed"* ]]
  else
    # No cgroup for us (non-root here): the per-process rlimit makes the allocation fail.
    [[ $stderr == *"Enforced: memory 256 MiB per process (RLIMIT_DATA)"* ]]
    [[ $stderr == *MemoryError* ]]
    [ "$status" -eq 1 ]
  fi
}

@test "without a memory cgroup, --verbose says shared memory is not counted by RLIMIT_DATA" {
  run --separate-stderr lx --verbose --security-level paranoid -- true
  [ "$status" -eq 0 ]
  line="Not enforced: memory in shared mappings (memfd, /dev/shm, MAP_SHARED|MAP_ANONYMOUS) and in tmpfs files"
  if [[ $stderr == *"Enforced: memory 256 MiB for the whole sandbox (cgroup"* ]]; then
    [[ $stderr != *"$line"* ]]  # a memory cgroup charges shared memory and tmpfs too
  else
    [[ $stderr == *"Enforced: memory 256 MiB per process (RLIMIT_DATA)"* ]]
    [[ $stderr == *"$line"* ]]
    # And it is so: a shared mapping larger than the limit is filled.
    run --separate-stderr lx --security-level paranoid -- "$PY" -c '
import mmap
m = mmap.mmap(-1, 300 << 20, flags=mmap.MAP_SHARED)
chunk = b"x" * (1 << 20)
for _ in range(300):
    m.write(chunk)
print("shared", len(m) >> 20)'
    [ "$output" = "shared 300" ]
  fi
}

@test "a fork bomb under strict is contained by the pids limit; the host stays responsive" {
  gcc -O1 -o "$ROOT/fork_bomb" "$BATS_TEST_DIRNAME/fork_bomb.c"
  run --separate-stderr lx --verbose --security-level strict -- "$ROOT/fork_bomb"
  [ "$status" -eq 0 ]
  [[ $output =~ ^forked\ ([0-9]+)\ refused\ ([0-9]+)$ ]]
  forked=${BASH_REMATCH[1]} refused=${BASH_REMATCH[2]}
  # strict allows 1024 tasks; the kernel refused the rest.
  [ "$forked" -lt 1024 ]
  [ "$refused" -gt 0 ]
  [[ $stderr == *"Enforced: pids 1024"* ]]
  if [[ $stderr == *"Enforced: pids 1024 (cgroup"* ]]; then
    [[ $stderr == *"📦 Sandbox: pids limit reached"* ]]
  fi
  # The host still starts processes, and none of the bomb's children is left.
  for _ in 1 2 3 4 5; do /bin/true; done
  ! pgrep -f "$ROOT/fork_bomb"
}

@test "the rlimit floor: no core dumps, bounded open files" {
  run --separate-stderr lx -- sh -c 'ulimit -c; ulimit -n'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" -le 8192 ]
}
