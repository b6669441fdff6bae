#!/usr/bin/env bash
# The README's Quick start on a fresh Debian 12: a minbase root made by mmdebstrap, the
# source tree copied in, then the two commands as written. As an ordinary user the first
# one must stop with the one apt-get line; as root it installs the build dependencies,
# builds and installs; a new interactive bash (on a pty) is then protected. The install
# time and the installed size are printed. Slow (a full build): one serial ctest.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${VG_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
suite=bookworm

# Skipping is allowed only when CI does not demand every test (VG_REQUIRE_ALL=1).
cannot() {
  if [[ ${VG_REQUIRE_ALL:-} == 1 ]]; then
    echo "fresh_install.sh: FAIL: $1" >&2
    exit 1
  fi
  echo "fresh_install.sh: skipped: $1" >&2
  exit 0
}
fail() { echo "fresh_install.sh: FAIL: $1" >&2; exit 1; }

[[ $(id -u) == 0 ]] || cannot "making a chroot needs root; run ctest as root."
command -v mmdebstrap >/dev/null || cannot "mmdebstrap is missing; scripts/test.sh installs it (apt-get install mmdebstrap)."

# The Debian archive this machine already uses, read from its apt configuration (one-line
# sources.list entries and deb822 .sources files); security mirrors are left out.
mirror=$(
  {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f $f ]] && awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f $f ]] && awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
    done
  } | grep -v -- '-security' | head -n 1
)
[[ -n $mirror ]] || cannot "no Debian archive found in /etc/apt/sources.list{,.d}."

work=$(mktemp -d /var/tmp/vg-fresh.XXXXXX)
chroot_dir=$work/root
cleanup() {
  # Mounts live in private mount namespaces (unshare below), so only files remain.
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# apt proxy settings of this machine go into the chroot (its apt and ours while bootstrapping).
aptopts=()
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  [[ -f $f ]] && grep -qi 'proxy' "$f" && aptopts+=(--aptopt "$f")
done

echo "# making a minbase $suite root with mmdebstrap"
t0=$(date +%s)
if ! mmdebstrap --quiet --variant=minbase --aptopt='APT::Install-Recommends "false"' \
    "${aptopts[@]}" "$suite" "$chroot_dir" "$mirror" >"$work/mmdebstrap.log" 2>&1; then
  tail -n 20 "$work/mmdebstrap.log" >&2
  cannot "mmdebstrap could not make a $suite root from $mirror (log above)."
fi
echo "# root made in $(($(date +%s) - t0)) s"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"

# Run a command in the chroot with /proc and /dev, in a mount namespace of its own.
in_root() {
  unshare --mount --propagation private -- bash -c '
    r=$1; shift
    mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" && exec chroot "$r" "$@"
  ' in_root "$chroot_dir" "$@"
}

# The source tree as a user would have it (no build directories, no git metadata).
copy_source() {
  mkdir -p "$1"
  tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$1" -xf -
}

# 1. An ordinary user: the script must stop and print the one apt-get line.
in_root useradd --create-home --shell /bin/bash fresh || fail "useradd in the chroot failed."
copy_source "$chroot_dir/home/fresh/vectra-guard"
in_root chown -R fresh:fresh /home/fresh/vectra-guard
out=$(in_root runuser -u fresh -- env -i HOME=/home/fresh PATH=/usr/local/bin:/usr/bin:/bin \
  LANG=C.UTF-8 bash -c 'cd ~/vectra-guard && scripts/install-shell-wrapper.sh' 2>&1)
rc=$?
echo "$out" | sed 's/^/#   as a user: /'
[[ $rc != 0 ]] || fail "install-shell-wrapper.sh as an ordinary user without build dependencies succeeded."
n=$(grep -c '^ *apt-get install ' <<<"$out")
[[ $n == 1 ]] || fail "as an ordinary user, expected exactly one apt-get line, got $n."
grep -q '^ *apt-get install -y .*libinih-dev' <<<"$out" || fail "the apt-get line does not name libinih-dev."

# 2. root: the README's first command as written, timed.
copy_source "$chroot_dir/root/vectra-guard"
t0=$(date +%s)
in_root env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 SHELL=/bin/bash TERM=dumb \
  bash -c 'cd ~/vectra-guard && scripts/install-shell-wrapper.sh' >"$work/install.log" 2>&1
rc=$?
secs=$(($(date +%s) - t0))
tr '\r' '\n' <"$work/install.log" | grep -v '^  built [0-9]' | sed 's/^/#   install: /'
[[ $rc == 0 ]] || fail "scripts/install-shell-wrapper.sh failed as root in a fresh $suite root (exit $rc)."
grep -q 'built 100%' "$work/install.log" || fail "the install showed no build progress."
grep -q 'is not on your PATH' "$work/install.log" || fail "the install did not say that ~/.local/bin is not on PATH."
size_installed=$(du -sh "$chroot_dir/root/.local" | cut -f1)
size_bin=$(du -h "$chroot_dir/root/.local/bin/vectra-guard" | cut -f1)
size_build=$(du -sh "$chroot_dir/root/vectra-guard/build-release" | cut -f1)
ls "$chroot_dir/root/vectra-guard/build-release/tests" 2>/dev/null | grep -q unit_ &&
  fail "the install built the unit tests."
echo "# install time: ${secs} s (dependencies, build and install on $(nproc) cores)"
echo "# installed size: $size_installed in ~/.local (vectra-guard $size_bin); build tree $size_build"

# 3. The second command as written, `exec "$SHELL"`, typed into a shell started before the
# install was hooked (no rc files): the new bash it becomes reads ~/.bashrc and must be
# protected. A test config denies one harmless command (asked, answered with Enter = no)
# and lets ordinary lines run on the host.
mkdir -p "$chroot_dir/root/.config/vectra-guard"
printf '[sandbox]\nmode = auto\n[policies]\ndeny = printf DENIED-*\n' \
  >"$chroot_dir/root/.config/vectra-guard/config.ini"
mkdir -p "$chroot_dir/root/ws" && echo keep >"$chroot_dir/root/ws/canary"
script='send cd /root/ws
send exec "$SHELL"
send ls
type printf "DENIED-%s\n" ran
expect high risk
send
send echo "status=$?"'
transcript=$(printf '%s\n' "$script" | python3 "$src/tests/shell/pty_drive.py" --timeout 30 \
  --prompt '(before|root@[^ ]*)# ' -- unshare --mount --propagation private -- bash -c '
    r=$1; mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
    exec chroot "$r" env -i HOME=/root SHELL=/bin/bash TERM=dumb LANG=C.UTF-8 PS1="before# " \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash --norc --noprofile -i' shell "$chroot_dir")
rc=$?
echo "$transcript" | sed 's/^/#   shell: /'
[[ $rc == 0 ]] || fail "the interactive bash in the chroot did not finish its script (driver exit $rc)."
grep -q '^canary' <<<"$transcript" || fail "ls did not run in the new shell."
grep -q 'DENIED-ran' <<<"$transcript" && fail "the deny-listed command ran."
grep -q 'status=126' <<<"$transcript" || fail "the refused command did not leave \$? 126."
echo "fresh_install.sh: 1 passed, 0 failed (install ${secs} s, installed $size_installed)"
