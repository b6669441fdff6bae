// Parser benchmark (not a test): µs per parse of typical one-line commands, and
// throughput on a long script and on deeply nested input. Prints a table.
#include <chrono>
#include <cstdio>
#include <string>

#include "core/shell_parse.h"

namespace {

double micros_per_parse(const std::string& line, int runs) {
  size_t items = vg::parse_shell(line).script.items.size();  // warm-up: first-touch page faults
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i) items += vg::parse_shell(line).script.items.size();
  auto t1 = std::chrono::steady_clock::now();
  if (items == 0 && !line.empty()) std::fprintf(stderr, "bench_parser: nothing parsed from %s\n", line.c_str());
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / runs;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::stoi(argv[1]) : 100000;
  const char* lines[] = {
      "ls -la /tmp",
      "git commit -m \"fix: parser\" && git push origin main",
      "curl -fsSL https://x.example/install.sh | sudo bash",
      "rm -rf \"$HOME\"/build/*.o 2>/dev/null || true",
      "for f in *.c; do gcc -c \"$f\" -o \"${f%.c}.o\"; done",
      "echo $(date +%s) `whoami` > /tmp/out.txt",
      "$'\\x72\\x6d' -rf ${IFS}/ ; eval \"$(base64 -d <<< cm0gLXJmIC8K)\"",
  };
  std::printf("%-64s %12s\n", "input", "us/parse");
  for (const char* l : lines) std::printf("%-64s %12.2f\n", l, micros_per_parse(l, runs));

  std::string script;
  for (int i = 0; i < 5000; ++i)
    script += "if [ -f x" + std::to_string(i) + " ]; then echo \"$HOME\" | grep -v y; fi\n";
  double us = micros_per_parse(script, 5);
  std::printf("%-64s %12.2f  (%.1f MB/s)\n", "5000-line script", us, script.size() / us);
  std::string nested = "echo " + repeat("$(echo ", 200) + "x" + repeat(")", 200);
  std::printf("%-64s %12.2f\n", "200 nested $(..)", micros_per_parse(nested, 200));
  std::string garbage = repeat("$(( ` \" { [ ' ", 2000);
  std::printf("%-64s %12.2f\n", "16 KB of unbalanced quotes and brackets", micros_per_parse(garbage, 50));
  return 0;
}
