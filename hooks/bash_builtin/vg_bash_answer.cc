// The C++ half of the bash loadable builtin: one call into the shared hook logic.
// No exception may cross into bash, so everything is caught here.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "core/hook_answer.h"

namespace {

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
    std::string out = vg::hook_answer_line("", "bash", line, final != 0);
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
