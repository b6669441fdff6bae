// Does bubblewrap work on this machine? Found once by running it for real, the answer
// cached in $VG_HOME/probe.json for the same bwrap binary, kernel and user.
#pragma once

#include <string>

namespace vg::sandbox {

struct BwrapProbe {
  bool ok = false;
  std::string path;      // the bwrap binary
  std::string version;   // "0.8.0"
  bool overlay = false;  // --overlay-src/--tmp-overlay (bubblewrap >= 0.9)
  std::string error;     // one actionable sentence when !ok
};

// /usr/bin/bwrap if present, else the first bwrap on $PATH; "" when there is none.
std::string find_bwrap();

// Probe (or read the cached answer). state_dir "" = do not cache.
BwrapProbe probe_bubblewrap(const std::string& state_dir);

// Why unprivileged user namespaces do not work here, naming the setting to change;
// "" when no known setting forbids them.
std::string userns_blocker();

// Whether a bubblewrap version string ("0.8.0") has the overlay options.
bool bwrap_version_has_overlay(const std::string& version);

}  // namespace vg::sandbox
