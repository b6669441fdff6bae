// Per-line cost of the hook's evaluation (evaluate_hook_line), without and with a shell
// that knows no aliases or functions (every command word is then looked up and missed).
// Not a test: prints a table. Built by bench_eval.sh against a build's libvgcore.a.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/shell_hook.h"

namespace {

class NoDefs : public vg::ShellDefinitions {
 public:
  std::optional<std::string> alias(std::string_view) const override { return std::nullopt; }
  std::optional<std::string> function(std::string_view) const override { return std::nullopt; }
};

double micros_per_line(const char* line, const vg::ShellDefinitions* defs, int runs) {
  vg::Config cfg;
  cfg.mode = vg::Mode::Auto;
  vg::AnalyzeContext ctx{"/tmp/vg-bench-ws", "/tmp/vg-bench-home", "/tmp/vg-bench-ws"};
  vg::HookInput in;
  in.line = line;
  in.final = true;
  in.defs = defs;
  // The fastest of 10 batches: other processes on the machine only ever add time.
  double best = 1e18;
  for (int batch = 0; batch < 10; ++batch) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < runs / 10; ++i) {
      vg::HookResult r = vg::evaluate_hook_line(in, cfg, ctx);
      if (r.action == vg::HookAction::Incomplete) std::abort();
    }
    std::chrono::duration<double, std::micro> d = std::chrono::steady_clock::now() - t0;
    best = std::min(best, d.count() / (runs / 10));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 20000;
  const char* lines[] = {"ls -la", "git status", "cd src && make -j4", "grep -rn TODO . | head -20",
                         "export FOO=bar", "for f in *.txt; do wc -l \"$f\"; done"};
  NoDefs none;
  std::printf("%-40s %12s %12s\n", "line", "no defs µs", "defs µs");
  for (const char* l : lines)
    std::printf("%-40s %12.2f %12.2f\n", l, micros_per_line(l, nullptr, runs), micros_per_line(l, &none, runs));
  return 0;
}
