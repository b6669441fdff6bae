// The evaluator's analysis step: parse, normalize, apply rules. Pure: no I/O but
// what Context names, no decisions (see policy.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/risk.h"

namespace vg {

// What the analysis needs to know about where the command would run.
struct AnalyzeContext {
  std::string cwd;        // absolute
  std::string home;       // absolute, the user's home
  std::string workspace;  // git root, else cwd
};

// Fill an AnalyzeContext from the process: getcwd, $HOME (or passwd), git root lookup.
AnalyzeContext current_context();

// The same for another process' working directory (the session broker judges for it).
AnalyzeContext context_at(const std::string& cwd);

struct Analysis {
  Severity risk = Severity::Low;      // max severity of findings; Low when none
  std::vector<Finding> findings;      // most severe first
  bool parse_error = false;           // line could not be parsed completely (risk >= medium)
  std::string parse_message;
  // Each simple command after normalization (wrappers unwrapped, program basename,
  // short flags split), one string per command, for allow/deny list matching.
  std::vector<std::string> normalized;
  // Coarse traits the policy and notices use, e.g. "networked-install", "remote-exec".
  std::vector<std::string> traits;
  // Why the line may lose data in the project, one sentence each (from data_loss rules
  // and from deletes/rewrites inside the project that carry no risk to the machine).
  // Non-empty: under `review = destructive` a sandboxed run keeps its changes aside.
  std::vector<std::string> data_loss;
};

Analysis analyze(std::string_view line, const AnalyzeContext& ctx);

struct ParseResult;
// The same for a line already parsed (`text` is its source, for whole-line findings).
Analysis analyze_parsed(const ParseResult& parsed, std::string_view text, const AnalyzeContext& ctx);

// A whole script (validate): one Analysis per top-level statement, with its line.
struct StatementAnalysis {
  int line = 1;
  std::string text;  // the statement's source
  Analysis analysis;
};
std::vector<StatementAnalysis> analyze_script(std::string_view source, const AnalyzeContext& ctx,
                                              std::string* parse_error = nullptr);

}  // namespace vg
