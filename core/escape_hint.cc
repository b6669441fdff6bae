#include "core/escape_hint.h"

#include "core/shell_hook.h"
#include "core/shell_quote.h"
#include "core/trust_store.h"

namespace vg {

std::string escape_hint(const std::string& line, const Analysis& a, const Decision& d, bool disable_honoured) {
  if (d.action != Action::Block) return "";
  // The prefix works on one simple command only (has_disable_prefix).
  const std::string disabled = "VG_DISABLE=1 " + line;
  const bool can_disable = disable_honoured && has_disable_prefix(disabled);
  if (d.risk == Severity::Critical || d.denylisted) {
    if (!can_disable) return "";
    std::string also = d.denylisted && d.risk != Severity::Critical ? ", or take the pattern out of deny in your config" : "";
    return "To run it anyway (logged): " + disabled + also;
  }
  // Blocked because nobody could be asked (mode never): trust or allow lets it run.
  if (!trust_text(a).empty()) {
    return "To let it run here: vectra-guard trust add " + shell_quote(line) + ", or an allow pattern in your config";
  }
  return can_disable ? "To run it anyway (logged): " + disabled : "";
}

}  // namespace vg
