// Severity and findings: the vocabulary shared by rules, policy and every entry point.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vg {

enum class Severity { Low = 0, Medium = 1, High = 2, Critical = 3 };

std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

struct Finding {
  std::string rule;         // stable id, e.g. "fs.rm-root"
  std::string pack;         // filesystem, disk, git, network-install, remote-exec, ...
  Severity severity = Severity::Low;
  std::string reason;       // one sentence
  std::string alternative;  // safer alternative; empty when none
  std::string command;      // the normalized command that triggered it
  int line = 1;             // line in the source (validate)
  bool data_loss = false;   // may lose data in the project (a review run keeps its changes aside)
};

}  // namespace vg
