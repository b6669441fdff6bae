// The C++ half of the bash loadable builtin: one call into the shared hook logic.
// No exception may cross into bash, so everything is caught here.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>

#include "core/binary_identity.h"
#include "core/hook_answer.h"
#include "hooks/bash_builtin/vg_bash_defs.h"

namespace {

// `vectra_guard_hook --bin PATH` at load: the guard binary this shell started with.
std::string g_bin_path;
std::optional<vg::FileIdentity> g_bin_identity;
bool g_bin_known = false;

// One stat() per line: the binary is gone or another file now.
bool bin_replaced() {
  if (!g_bin_known) return false;
  std::optional<vg::FileIdentity> now = vg::file_identity(g_bin_path);
  return !g_bin_identity || !now || !vg::same_file(*g_bin_identity, *now);
}

char* dup_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

}  // namespace

extern "C" int vg_bash_builtin_answer(const char* line, int final, char** reply, char** error) {
  *reply = nullptr;
  *error = nullptr;
  try {
    std::string out;
    if (bin_replaced() && !vg::runs_without_guard(line)) {
      out = vg::hook_answer_refused("bash", line, vg::kBinaryReplaced);
    } else {
      vg::BashTables tables;
      out = vg::hook_answer_line("", "bash", line, final != 0, &tables);
    }
    *reply = dup_string(out);
    return *reply ? 0 : 1;
  } catch (const std::exception& e) {
    *error = dup_string(e.what());
  } catch (...) {
    *error = dup_string("unexpected error");
  }
  return 1;
}

extern "C" int vg_bash_builtin_end(const char* ref, int status, long long duration_ms) {
  try {
    return vg::hook_record_end(ref, status, duration_ms) ? 0 : 1;
  } catch (...) {
    return 1;
  }
}

extern "C" int vg_bash_builtin_bin(const char* path) {
  try {
    g_bin_path = path;
    g_bin_known = true;
    g_bin_identity = vg::file_identity(g_bin_path);
    return g_bin_identity ? 0 : 1;
  } catch (...) {
    return 1;
  }
}
