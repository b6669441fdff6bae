// vectra-guard: entry point. Parses global options and dispatches to a sub-command.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace {

using namespace vg::cli;

struct Entry {
  const char* name;
  int (*run)(const Global&, const Args&);
};

constexpr Entry kCommands[] = {
    {"explain", cmd_explain},
    {"validate", cmd_validate},
    {"exec", cmd_exec},
    {"sandbox", cmd_sandbox},
    {"changes", cmd_changes},
    {"logs", cmd_logs},
    {"metrics", cmd_metrics},
    {"audit", cmd_audit},
    {"trust", cmd_trust},
    {"hook", cmd_hook},
    {"agent", cmd_agent},
    {"init", cmd_init},
    {"status", cmd_status},
};

}  // namespace

int main(int argc, char** argv) {
  Global g;
  g.argv0 = argv[0];
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vectra-guard: --config needs a file name.\n");
        return kExitError;
      }
      g.config_file = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      g.config_file = a.substr(9);
    } else if (a == "--version" || a == "-V") {
      std::printf("vectra-guard %s\n", VG_VERSION);
      return kExitOk;
    } else if (a == "--help" || a == "-h") {
      print_help("");
      return kExitOk;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr,
                   "vectra-guard: unknown option '%s'; the options before a command are --config, "
                   "--help and --version (see 'vectra-guard help').\n",
                   a.c_str());
      return kExitError;
    } else {
      break;
    }
  }
  if (i >= argc) {
    print_help("");
    return kExitError;
  }
  std::string name = argv[i++];
  Args rest(argv + i, argv + argc);
  if (name == "help") {
    std::string topic = rest.empty() ? "" : rest[0];
    if (topic == "--man") return print_man(), kExitOk;  // hidden: the build makes vectra-guard.1
    if (print_help(topic)) return kExitOk;
    std::fprintf(stderr, "vectra-guard: no help for '%s'; run 'vectra-guard help' for the list.\n",
                 topic.c_str());
    return kExitError;
  }
  if (name == "version") {
    std::printf("vectra-guard %s\n", VG_VERSION);
    return kExitOk;
  }
  for (const Entry& e : kCommands) {
    if (name != e.name) continue;
    // Every command answers --help the same way, before any of its own parsing.
    if (!rest.empty() && (rest[0] == "--help" || rest[0] == "-h") && print_help(name)) return kExitOk;
    return e.run(g, rest);
  }
  std::fprintf(stderr, "vectra-guard: unknown command '%s'; run 'vectra-guard help' for the list.\n",
               name.c_str());
  return kExitError;
}
