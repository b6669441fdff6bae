// The audit trail's writer for an agent session. The agent's process tree cannot write
// $VG_HOME (sandbox/agent_confine.h), so the guard's processes inside it (shim checks,
// `exec --via-shim`) hand their records to a small process `agent start` forks before
// confining itself: it holds the session key and appends with the chain. They reach
// it over an inherited socket ($VG_AUDIT_FD): each record is a private socket pair's
// one end passed over it (SCM_RIGHTS), the record written to the other, "ok" or an
// error read back — so parallel writers never read each other's answers.
#pragma once

#include <string>

namespace vg {

// True when $VG_AUDIT_FD names an open socket (we run inside an agent session).
bool agent_audit_writer_present();

// Send one JSON line to the session's writer and wait for its answer.
bool agent_audit_append(const std::string& json_line, std::string* error);

// Fork the writer (detached: its own session, reparented) for `session` under
// `state_dir`, and set $VG_AUDIT_FD in this process to the socket that reaches it
// (inherited across exec). It exits when every process holding that socket is gone,
// removing `remove_at_exit` (the session's TMPDIR, if any) then.
bool start_agent_audit_writer(const std::string& state_dir, const std::string& session,
                              const std::string& remove_at_exit, std::string* error);

}  // namespace vg
