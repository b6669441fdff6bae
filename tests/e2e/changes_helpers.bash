# Change sets made the way a review run makes them: the command runs in a user+mount
# namespace over an overlayfs mounted on the workspace itself (upper and work dirs under
# $VG_HOME/changes/ID), so what the kernel writes (whiteouts, opaque directories, copy-up
# of mode changes, renames as whiteout plus copy) is what `changes` reads.

# now_ns: CLOCK_REALTIME in nanoseconds.
now_ns() { date +%s%N; }

# review_run ID 'SHELL SCRIPT': runs the script in $WS under review, and writes meta.json
# as the run path does (started_ns before, finished_ns and exit_code after).
review_run() {
  local id=$1 script=$2 set=$VG_HOME/changes/$1
  mkdir -p "$set/upper" "$set/work"
  # Past the coarse clock tick of every host write so far (ctime lags up to one tick).
  sleep 0.02
  local started
  started=$(now_ns)
  write_meta "$id" "$started" "" "" "$script"
  local rc=0
  unshare -rm sh -c '
    mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work,userxattr" "$1" || exit 99
    cd / && cd "$1" && sh -c "$3"' sh "$WS" "$set" "$script" || rc=$?
  [[ $rc == 99 ]] && { echo "overlayfs in a user namespace failed" >&2; return 1; }
  write_meta "$id" "$started" "$(now_ns)" "$rc" "$script"
  sleep 0.02
}

# write_meta ID STARTED FINISHED EXIT COMMAND (FINISHED and EXIT empty: still running).
write_meta() {
  local extra=""
  [[ -n $3 ]] && extra=", \"finished_ns\": $3, \"exit_code\": $4"
  "$PY" - "$VG_HOME/changes/$1/meta.json" "$1" "$WS" "$2" "$5" "$extra" <<'PY'
import json, sys
path, ident, ws, started, command, extra = sys.argv[1:]
meta = {"id": int(ident), "workspace": ws, "cwd": ws, "command": command,
        "argv": ["sh", "-c", command], "started_ns": int(started), "runtime": "namespace",
        "reason": "may lose data in the project"}
if extra:
    meta.update(json.loads("{" + extra.lstrip(", ") + "}"))
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(meta, f)
import os
os.rename(tmp, path)
PY
}

# tree DIR: every entry with its type, mode, symlink target and content checksum, sorted.
tree() {
  (cd "$1" && find . -mindepth 1 -printf '%P %y %m %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}
