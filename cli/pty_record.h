// Recording a run: the command runs on a new pseudo-terminal (when our stdin and stdout
// are a terminal) or with its stdout and stderr on pipes (otherwise), and this process
// relays what it writes to the real terminal or descriptors, byte for byte, while
// appending it, masked, to $VG_HOME/recordings/<name>.cast (asciicast v2, 0600).
// When the recording is closed, its SHA-256 is appended to the session's audit trail
// ({"event":"recording",...}), so `logs verify` notices an edited or removed file.
#pragma once

#include <string>

#include "core/config.h"

namespace vg::cli {

struct RecordOptions {
  std::string state_dir;
  std::string session;  // the audit trail the "recording" record goes to
  std::string name;     // file stem under <state_dir>/recordings
  std::string title;    // the header's title (the command line)
  bool input = false;   // keystrokes as "i" events (terminal mode only)
  long long max_bytes = 50LL * 1024 * 1024;
};

// <state_dir>/recordings
std::string recordings_dir(const std::string& state_dir);

// A fresh recording name for `session`: "<session>-<unix time>-<pid>".
std::string new_recording_name(const std::string& session);

// Whether this process is already inside a recorded run ($VG_RECORDING): then nothing
// it starts is recorded again.
bool inside_recording();

// Forks. Returns true in the child, which goes on to run the command on the terminal
// or pipes set up for it. The parent never returns: it relays and records until the
// child is gone, restores the terminal, closes the recording and exits with the
// child's status (128+N for a signal). Returns false with `error` (nothing forked) when
// the recording cannot be started; the caller then runs the command unrecorded.
bool start_recording(const RecordOptions& o, std::string* error);

// The usual entry: record this run under the current session (`name` "" = a fresh
// one) with the config's cap, unless we are inside a recorded run already. A failure
// is one line on stderr and the run goes on unrecorded.
void record_this_run(const Config& cfg, const std::string& title, bool input, const std::string& name = "");

}  // namespace vg::cli
