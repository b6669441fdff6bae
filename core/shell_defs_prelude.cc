#include "core/shell_defs_prelude.h"

#include "core/shell_quote.h"

namespace vg {

std::string script_with_defs(const std::string& shell, const DefsRecord& defs,
                             const std::string& status_setter, const std::string& line) {
  std::string script, aliases;
  if (shell != "fish") {
    for (const auto& [name, value] : defs.aliases)
      if (value) aliases += "alias " + shell_quote(name + "=" + *value) + "\n";
  }
  if (shell == "bash" && !aliases.empty()) script += "shopt -s expand_aliases\n";
  // Functions before aliases: their printed text already has the aliases expanded that
  // were in force when the user defined them; it must not be expanded a second time.
  for (const auto& [name, text] : defs.functions)
    if (text) script += *text + "\n";
  script += aliases;
  if (!script.empty()) script += "\n";
  script += status_setter;
  if (shell == "zsh" && !aliases.empty()) return script + "eval " + shell_quote(line);
  return script + line;
}

}  // namespace vg
