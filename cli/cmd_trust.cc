// `vectra-guard trust add|list|remove|clean`: manage the trust store (core/trust_store.h).
#include <cstdio>
#include <ctime>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/analyze.h"
#include "core/trust_store.h"

namespace vg::cli {
namespace {

std::string format_time(std::int64_t t) {
  if (t == 0) return "never";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The normalized text of COMMAND as the evaluator sees it here; "" with a message when
// it cannot be trusted.
std::string trustable_text(const std::string& command, const AnalyzeContext& ctx, bool check_risk) {
  Analysis a = analyze(command, ctx);
  std::string text = trust_text(a);
  if (text.empty()) {
    print_error(fmt::format("'{}' could not be analyzed, so it cannot be trusted; check its quoting.", command));
    return {};
  }
  if (check_risk && a.risk == Severity::Critical) {
    print_error(fmt::format("'{}' is critical ({}) and can never be trusted.", command,
                            a.findings.empty() ? "critical risk" : a.findings.front().reason));
    return {};
  }
  return text;
}

int trust_add(const Args& args) {
  std::string command, note, duration;
  bool everywhere = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--note" || a == "--duration") && i + 1 < args.size()) {
      (a == "--note" ? note : duration) = args[++i];
    } else if (a.rfind("--note=", 0) == 0) {
      note = a.substr(7);
    } else if (a.rfind("--duration=", 0) == 0) {
      duration = a.substr(11);
    } else if (a == "--everywhere") {
      everywhere = true;
    } else if (a == "--" && i + 1 < args.size() && command.empty()) {
      command = args[++i];
    } else if (command.empty() && !a.empty() && a[0] != '-') {
      command = a;
    } else {
      print_error(fmt::format("trust add: unexpected argument '{}'; see 'vectra-guard help trust'.", a));
      return kExitError;
    }
  }
  if (command.empty()) {
    print_error("trust add needs the command, quoted as one argument: vectra-guard trust add 'npm test'.");
    return kExitError;
  }
  std::int64_t now = std::time(nullptr);
  TrustEntry e;
  e.created = now;
  e.note = note;
  if (!duration.empty()) {
    auto secs = parse_duration(duration);
    if (!secs) {
      print_error(fmt::format("--duration '{}' is not a duration; use a number and s, m, h, d or w, e.g. 7d.", duration));
      return kExitError;
    }
    e.expires = now + *secs;
  }
  AnalyzeContext ctx = current_context();
  e.command = trustable_text(command, ctx, true);
  if (e.command.empty()) return kExitError;
  e.key = trust_key(e.command);
  if (!everywhere) e.scope = ctx.workspace;
  try {
    TrustStore(TrustStore::default_path()).add(e);
  } catch (const TrustError& err) {
    print_error(err.what());
    return kExitError;
  }
  std::printf("Trusted: %s (%s; expires %s)\n", command.c_str(),
              everywhere ? "everywhere" : ("in " + e.scope).c_str(), format_time(e.expires).c_str());
  return kExitOk;
}

int trust_list(const Args& args) {
  bool json = false;
  for (const std::string& a : args) {
    if (a == "--json") {
      json = true;
    } else {
      print_error(fmt::format("trust list: unexpected argument '{}'; it takes only --json.", a));
      return kExitError;
    }
  }
  std::vector<TrustEntry> entries;
  try {
    entries = TrustStore(TrustStore::default_path()).list();
  } catch (const TrustError& err) {
    print_error(err.what());
    return kExitError;
  }
  std::int64_t now = std::time(nullptr);
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const TrustEntry& e : entries) {
      out.push_back({{"key", e.key},
                     {"command", e.command},
                     {"note", e.note},
                     {"created", e.created},
                     {"expires", e.expires},
                     {"expired", e.expired(now)},
                     {"scope", e.scope.empty() ? "everywhere" : e.scope}});
    }
    std::puts(out.dump().c_str());
    return kExitOk;
  }
  if (entries.empty()) {
    std::puts("No trusted commands.");
    return kExitOk;
  }
  for (const TrustEntry& e : entries) {
    std::string expiry = e.expired(now) ? "expired" : "expires " + format_time(e.expires);
    std::printf("%s  %s\n", e.key.substr(0, 12).c_str(), e.command.c_str());
    std::printf("              %s; %s; added %s%s%s\n",
                e.scope.empty() ? "everywhere" : ("in " + e.scope).c_str(), expiry.c_str(),
                format_time(e.created).c_str(), e.note.empty() ? "" : "; note: ", e.note.c_str());
  }
  return kExitOk;
}

int trust_remove(const Args& args) {
  if (args.size() != 1) {
    print_error("trust remove needs one command (quoted) or a key from 'trust list'.");
    return kExitError;
  }
  TrustStore store(TrustStore::default_path());
  try {
    // A key (or its first 12 characters, as `trust list` shows it) also works.
    std::string key;
    const std::string& arg = args[0];
    if (arg.size() >= 12 && arg.find_first_not_of("0123456789abcdef") == std::string::npos) {
      for (const TrustEntry& e : store.list()) {
        if (e.key.rfind(arg, 0) == 0) key = e.key;
      }
    }
    if (key.empty()) {
      std::string text = trustable_text(arg, current_context(), false);
      if (text.empty()) return kExitError;
      key = trust_key(text);
    }
    int n = store.remove(key);
    if (n == 0) {
      print_error(fmt::format("'{}' is not in the trust store; see 'vectra-guard trust list'.", arg));
      return kExitError;
    }
    std::printf("Removed %d trust entr%s for %s\n", n, n == 1 ? "y" : "ies", arg.c_str());
  } catch (const TrustError& err) {
    print_error(err.what());
    return kExitError;
  }
  return kExitOk;
}

int trust_clean(const Args& args) {
  if (!args.empty()) {
    print_error("trust clean takes no arguments.");
    return kExitError;
  }
  try {
    int n = TrustStore(TrustStore::default_path()).clean(std::time(nullptr));
    std::printf("Removed %d expired trust entr%s.\n", n, n == 1 ? "y" : "ies");
  } catch (const TrustError& err) {
    print_error(err.what());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

int cmd_trust(const Global&, const Args& args) {
  if (args.empty()) {
    print_error("trust needs a sub-command: add, list, remove or clean (see 'vectra-guard help trust').");
    return kExitError;
  }
  Args rest(args.begin() + 1, args.end());
  const std::string& sub = args[0];
  if (sub == "add") return trust_add(rest);
  if (sub == "list") return trust_list(rest);
  if (sub == "remove" || sub == "rm") return trust_remove(rest);
  if (sub == "clean") return trust_clean(rest);
  if (sub == "-h" || sub == "--help") {
    print_help("trust");
    return kExitOk;
  }
  print_error(fmt::format("unknown trust sub-command '{}'; use add, list, remove or clean.", sub));
  return kExitError;
}

}  // namespace vg::cli
