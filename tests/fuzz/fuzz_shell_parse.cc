// libFuzzer entry: parse arbitrary bytes, then walk the whole tree and check the
// invariants callers rely on. A violated invariant aborts, so the fuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/risk.h"
#include "core/shell_parse.h"

namespace {

void check(bool condition) {
  if (!condition) abort();
}

void walk(const vg::Script& s, int line_limit);

void walk(const vg::Word& w, int line_limit) {
  check(!w.raw.empty() || w.parts.empty());
  for (const vg::WordPart& p : w.parts) {
    bool has_script = p.kind == vg::PartKind::CommandSubst || p.kind == vg::PartKind::ProcessSubst;
    check(has_script == (p.script != nullptr));
    if (p.script) walk(*p.script, line_limit);
  }
  (void)w.dynamic();
}

void walk(const vg::Redirect& r, int line_limit) {
  check(!r.op.empty());
  check(r.heredoc_id == -1);
  walk(r.target, line_limit);
  for (const vg::WordPart& p : r.heredoc_parts)
    if (p.script) walk(*p.script, line_limit);
}

void walk(const vg::Command& c, int line_limit) {
  check(c.line >= 1);
  for (const vg::Word& w : c.simple.assignments) walk(w, line_limit);
  for (const vg::Word& w : c.simple.words) walk(w, line_limit);
  for (const vg::Redirect& r : c.simple.redirects) walk(r, line_limit);
  for (const vg::Word& w : c.words) walk(w, line_limit);
  for (const vg::Redirect& r : c.redirects) walk(r, line_limit);
  for (const auto& body : c.bodies) {
    check(body != nullptr);
    walk(*body, line_limit);
  }
}

void walk(const vg::Script& s, int line_limit) {
  for (const vg::AndOr& item : s.items) {
    check(!item.pipelines.empty());
    check(item.ops.size() + 1 == item.pipelines.size());
    check(item.line >= 1 && item.line <= line_limit);
    for (const vg::Pipeline& p : item.pipelines) {
      check(!p.commands.empty());
      for (const vg::Command& c : p.commands) walk(c, line_limit);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  vg::ParseResult r = vg::parse_shell(source);
  int lines = 1;
  for (char c : source) lines += c == '\n';
  check(r.ok == r.error.empty());
  check(r.ok || (r.error_line >= 1 && r.error_line <= lines));
  walk(r.script, lines);
  (void)vg::to_string(vg::Severity::High);
  return 0;
}
