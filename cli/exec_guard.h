// Whether the exec-level guard (the preload shim, or the BASH_ENV / zshenv hook) will
// judge the commands an agent's shell runs. The Cursor adapter, which cannot rewrite a
// command into the sandbox, leaves sandboxing to that guard when it is in place.
#pragma once

namespace vg::cli {

// True when the shell commands started from this environment are judged at exec:
// LD_PRELOAD carries libvgpreload.so with a readable policy snapshot (agent start), or
// the agent's shell ($SHELL, bash by default) reads our hook — BASH_ENV for bash, the
// marked ~/.zshenv block for zsh (scripts/setup-cursor-protection.sh). IDEs start their
// agent shells and their hooks from the same process, so both see this environment.
bool exec_guard_in_place();

}  // namespace vg::cli
