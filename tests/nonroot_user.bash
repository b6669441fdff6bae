# The unprivileged test user for nonroot.sh and nonroot_hooks.sh: `vgtest`, created when
# missing; an existing vgtest without a home gets one, made as useradd would (from
# /etc/skel). Sets nonroot_user and nonroot_home; returns non-zero with a sentence on stderr.
nonroot_user=${VG_NONROOT_USER:-vgtest}
nonroot_user_ensure() {
  if ! id "$nonroot_user" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash "$nonroot_user" ||
      { echo "useradd $nonroot_user failed" >&2; return 1; }
  fi
  nonroot_home=$(getent passwd "$nonroot_user" | cut -d: -f6)
  if [[ -z $nonroot_home || $nonroot_home == / ]]; then
    echo "$nonroot_user has no home directory in /etc/passwd; give it one with usermod --home" >&2
    return 1
  fi
  if [[ ! -d $nonroot_home ]]; then
    mkdir -p "$nonroot_home" && cp -a /etc/skel/. "$nonroot_home" &&
      chown -R "$nonroot_user:$(id -gn "$nonroot_user")" "$nonroot_home" && chmod 0700 "$nonroot_home" ||
      { echo "cannot create the home $nonroot_home of $nonroot_user" >&2; return 1; }
  fi
}
