// Output helpers shared by every sub-command: colours, errors, config loading with
// its messages, and the Decision -> JSON object used by explain, exec and hooks.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/analyze.h"
#include "core/config.h"
#include "core/policy.h"

namespace vg::cli {

// Colours only when the stream is a terminal and NO_COLOR is not set (any value).
bool color_enabled(std::FILE* stream);

// ANSI colour codes for paint(); empty when colour is off.
inline constexpr std::string_view kRed = "\033[31m";
inline constexpr std::string_view kGreen = "\033[32m";
inline constexpr std::string_view kYellow = "\033[33m";
inline constexpr std::string_view kBlue = "\033[34m";
inline constexpr std::string_view kBold = "\033[1m";
inline constexpr std::string_view kDim = "\033[2m";

// text wrapped in the colour code when on, else text unchanged.
std::string paint(bool on, std::string_view code, std::string_view text);
std::string_view action_color(Action a);
std::string_view severity_color(Severity s);

// "vectra-guard: <sentence>" on stderr. The sentence says what failed and what to do.
void print_error(const std::string& sentence);

// Config for a command: default layers for ctx.workspace, then extra ("" = none).
// Prints the workspace warnings and any error on stderr; nullopt means "exit kExitError".
std::optional<Config> load_cli_config(const std::string& extra, const AnalyzeContext& ctx);

// A command for one line of a list: newlines and tabs shown as \n and \t, and cut to
// `width` characters with "…" (the full text is in `logs show`).
std::string list_command(const std::string& command, size_t width = 100);

// One finding as {rule, pack, severity, reason, alternative?, command?}.
nlohmann::json finding_json(const Finding& f);

// {command, decision, risk, findings, why, normalized?, traits?, parse_error?,
//  allowlisted?, denylisted?}: the contract of `explain --json`.
nlohmann::json decision_json(std::string_view command, const Analysis& a, const Decision& d);

}  // namespace vg::cli
