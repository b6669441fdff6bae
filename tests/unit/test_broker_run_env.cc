// The environment of a sandboxed command the session broker runs (core/broker_run_env.h).
#include <criterion/criterion.h>

#include <algorithm>
#include <string>

#include "core/broker_run_env.h"

using namespace vg;

namespace {
bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}
bool has_name(const std::vector<std::string>& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}
}  // namespace

Test(broker_run_env, the_callers_ordinary_variables_stay) {
  auto env = broker_run_environment({"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "A=b=c"}, {});
  cr_assert(has(env, "PATH=/usr/bin:/bin"));
  cr_assert(has(env, "LANG=C.UTF-8"));
  cr_assert(has(env, "A=b=c"));
}

Test(broker_run_env, the_guards_variables_are_the_sessions) {
  auto env = broker_run_environment({"HOME=/tmp/agent-home", "VG_HOME=/tmp/other", "XDG_CONFIG_HOME=/tmp/x"},
                                    {{"HOME", "/home/u"}, {"VG_HOME", "/home/u/.vg"}, {"XDG_CONFIG_HOME", ""}});
  cr_assert(has(env, "HOME=/home/u"));
  cr_assert(has(env, "VG_HOME=/home/u/.vg"));
  cr_assert_not(has(env, "HOME=/tmp/agent-home"));
  cr_assert_not(has_name(env, "XDG_CONFIG_HOME"));  // unset at the session's start: unset
}

Test(broker_run_env, loader_variables_of_the_agents_choosing_are_dropped) {
  auto env = broker_run_environment({"LD_PRELOAD=/tmp/own.so", "LD_LIBRARY_PATH=/tmp/lib", "LD_AUDIT=/tmp/a.so"},
                                    {{"LD_PRELOAD", "/opt/vg/lib/libvgpreload.so"}});
  cr_assert(has(env, "LD_PRELOAD=/opt/vg/lib/libvgpreload.so"));
  cr_assert_not(has_name(env, "LD_LIBRARY_PATH"));
  cr_assert_not(has_name(env, "LD_AUDIT"));
  cr_assert_eq(std::count_if(env.begin(), env.end(), [](const std::string& e) { return e.rfind("LD_PRELOAD=", 0) == 0; }), 1);
}

Test(broker_run_env, session_markers_and_disable_are_dropped) {
  auto env = broker_run_environment({"VG_BROKER_FD=5", "VG_AGENT_CONFINED=1", "VG_DISABLE=1", "VG_VIA_SHIM=1",
                                     "VG_EXEC_CHECKED=parent:9", "VG_FROM_HOOK=1", "=x", "NOEQUALS"},
                                    {});
  cr_assert(env.empty());
}

Test(broker_run_env, tools_are_found_on_the_sessions_path) {
  // bwrap and container engines are looked up on $VG_TOOL_PATH (sandbox/child_status.h)
  auto env = broker_run_environment({"PATH=/tmp/agent-bin:/usr/bin", "VG_TOOL_PATH=/tmp/agent-bin"},
                                    {{"VG_TOOL_PATH", "/usr/bin:/bin"}});
  cr_assert(has(env, "PATH=/tmp/agent-bin:/usr/bin"));  // the command's own PATH stays
  cr_assert(has(env, "VG_TOOL_PATH=/usr/bin:/bin"));
  cr_assert_not(has(env, "VG_TOOL_PATH=/tmp/agent-bin"));
}
