// Session ids: which audit log file (sessions/<id>.jsonl) a command's event goes to.
//
// Rules, in order:
//   1. $VG_SESSION when set (agents and `agent start` set it). Characters other than
//      [A-Za-z0-9._-] become '_' so the id is always a safe file name.
//   2. With a controlling terminal: one id per terminal session, from the terminal's
//      name, the session leader's pid (the login shell) and that leader's start time
//      (so a reused pid after the shell exits gives a new id): "pts3-4121-98765".
//   3. Without one (pipes, CI): the parent process (the shell or agent that ran us) and
//      its start time: "ppid-4121-98765".
#pragma once

#include <string>
#include <string_view>

namespace vg {

// The session id for this process, computed as above.
std::string current_session_id();

// `raw` made safe as a file name: [A-Za-z0-9._-] kept, others -> '_', at most 128
// characters, never empty, never starting with '.'.
std::string sanitize_session_id(std::string_view raw);

// True when `id` is already a safe session id (what sanitize_session_id returns).
bool valid_session_id(std::string_view id);

}  // namespace vg
