// The words vectra-guard prints about a sandbox run (shared by `exec` and `sandbox`).
#include "sandbox/sandbox.h"

namespace vg::sandbox {

std::string notice_line(const Report& r) {
  std::string line = "📦 Running in sandbox (" + r.runtime + ", " + r.level +
                     (r.caches.empty() ? ")." : ", cached).");
  // "restricted (not yet available: no network)": say what the command really gets.
  if (r.network.find("not yet available") != std::string::npos)
    line += " Network: " + r.network + ".";
  if (!r.workspace_note.empty()) line += " " + r.workspace_note + ".";
  if (r.change_set)
    line += " Review: the project is copy-on-write, changes are kept as change set " + std::to_string(r.change_set) + ".";
  else if (!r.review_note.empty())
    line += " Review: " + r.review_note + ".";
  return line;
}

std::string details_text(const Report& r) {
  std::string out;
  // Already said on the notice line when it is not what was asked for.
  if (r.network.find("not yet available") == std::string::npos) out += "   Network: " + r.network + "\n";
  for (const std::string& e : r.enforced) out += "   Enforced: " + e + "\n";
  for (const std::string& n : r.not_enforced) out += "   Not enforced: " + n + "\n";
  for (const std::string& c : r.caches) out += "   Cache: " + c + " (read-write)\n";
  if (!r.hidden.empty()) {
    out += "   Hidden:";
    for (size_t i = 0; i < r.hidden.size(); ++i) out += (i ? ", " : " ") + r.hidden[i];
    out += "\n";
  }
  return out;
}

}  // namespace vg::sandbox
