// analyze(): parse, normalize, run every rule pack, and sum up risk and traits.
#include "core/analyze.h"

#include <algorithm>

#include "core/normalize.h"
#include "core/rules.h"
#include "core/shell_parse.h"

namespace vg {

namespace {

// A stand-in command for findings about the whole line (fork bombs, parse errors).
Cmd whole_line(std::string_view text, int line) {
  Cmd c;
  std::string_view t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.remove_suffix(1);
  c.program = std::string(t.substr(0, 200));
  c.line = line;
  return c;
}

// Files downloaded earlier in the line and then executed: curl -o x.sh URL && sh x.sh.
void check_download_then_run(const std::vector<Cmd>& cmds, RuleContext& rc) {
  std::vector<std::string> downloaded;
  for (const Cmd& c : cmds) {
    if (c.program == "curl" || c.program == "wget") {
      for (const Write& w : writes_of(c)) downloaded.push_back(std::string(basename_of(w.target.value)));
      if (c.program == "curl" && (c.has_short('O') || c.has_long("remote-name"))) {
        for (const Arg* a : c.operands()) downloaded.push_back(std::string(basename_of(a->value)));
      }
      if (c.program == "wget" && !c.option_value("-O") && !c.has_short('q')) {
        for (const Arg* a : c.operands()) downloaded.push_back(std::string(basename_of(a->value)));
      }
      if (c.program == "wget" && c.has_short('q') && !c.option_value("-O"))
        for (const Arg* a : c.operands()) downloaded.push_back(std::string(basename_of(a->value)));
      continue;
    }
    if (downloaded.empty()) continue;
    auto is_downloaded = [&](std::string_view v) {
      std::string_view b = basename_of(v);
      return !b.empty() && std::find(downloaded.begin(), downloaded.end(), b) != downloaded.end();
    };
    bool runs = false;
    if (is_downloaded(c.program_text) && c.program_text.find('/') != std::string::npos) runs = true;
    if (is_shell(c.program) || is_interpreter(c.program) || c.program == "source" || c.program == "." ||
        c.program == "chmod") {
      for (const Arg* a : c.operands())
        if (is_downloaded(a->value)) runs = true;
    }
    if (runs) rc.hit("remote.download-exec", c);
  }
}

// `git remote add x URL && git push x`: the push sends the repository to that URL.
void check_push_new_remote(const std::vector<Cmd>& cmds, RuleContext& rc) {
  std::vector<std::string> added;
  for (const Cmd& c : cmds) {
    if (c.program != "git") continue;
    auto ops = c.operands();
    if (ops.size() >= 3 && ops[0]->text == "remote" && (ops[1]->text == "add" || ops[1]->text == "set-url"))
      added.push_back(ops[2]->text);
    else if (ops.size() >= 2 && ops[0]->text == "push" &&
             std::find(added.begin(), added.end(), ops[1]->text) != added.end())
      rc.hit("net.send-remote", c);
  }
}

void apply_notes(const WalkNotes& notes, std::string_view text, int line, RuleContext& rc) {
  Cmd whole = whole_line(text, line);
  if (notes.fork_bomb) rc.hit("process.fork-bomb", whole);
  if (notes.eval_dynamic) rc.hit("obfuscation.eval-dynamic", whole);
  if (notes.ifs_trick) rc.hit("obfuscation.ifs", whole);
  if (notes.hex_escaped_program) rc.hit("obfuscation.escaped-program", whole);
  if (notes.depth_exceeded) rc.hit("analysis.too-deep", whole);
  if (notes.inline_runs_commands) rc.hit("code.runs-commands", whole);
  if (notes.inline_decodes_and_runs) rc.hit("code.decode-exec", whole);
  if (notes.inline_socket) rc.hit("code.socket", whole);
  if (!notes.parse_errors.empty()) rc.hit("parse.incomplete", whole);
}

void run_rules(const std::vector<Cmd>& cmds, const WalkNotes& notes, std::string_view text, int line,
               const AnalyzeContext& ctx, Analysis& out) {
  RuleContext rc(ctx, out.findings, out.traits, &out.data_loss);
  for (const Cmd& c : cmds) {
    if (!(c.program == ":" && c.program_text.empty())) out.normalized.push_back(c.normalized());
    if (c.privileged) rc.trait("privilege");
    for (const Pack& p : all_packs()) p.check(c, rc);
  }
  check_download_then_run(cmds, rc);
  check_push_new_remote(cmds, rc);
  apply_notes(notes, text, line, rc);
}

void finish(Analysis& a) {
  std::stable_sort(a.findings.begin(), a.findings.end(),
                   [](const Finding& x, const Finding& y) { return x.severity > y.severity; });
  a.risk = Severity::Low;
  for (const Finding& f : a.findings) a.risk = std::max(a.risk, f.severity);
  if (a.parse_error) {
    a.risk = std::max(a.risk, Severity::Medium);
    if (std::find(a.traits.begin(), a.traits.end(), "parse-error") == a.traits.end())
      a.traits.emplace_back("parse-error");
  }
}

void add_parse_error(Analysis& a, const ParseResult& pr, std::string_view text, const AnalyzeContext& ctx) {
  a.parse_error = true;
  a.parse_message = pr.error;
  RuleContext rc(ctx, a.findings, a.traits);
  Cmd whole = whole_line(text, pr.error_line > 0 ? pr.error_line : 1);
  rc.hit("parse.incomplete", whole);
  Finding& f = a.findings.back();
  if (!pr.error.empty()) f.reason = "The line could not be fully parsed (" + pr.error + "), so what it runs is not certain.";
}

}  // namespace

Analysis analyze(std::string_view line, const AnalyzeContext& ctx) { return analyze_parsed(parse_shell(line), line, ctx); }

Analysis analyze_parsed(const ParseResult& pr, std::string_view line, const AnalyzeContext& ctx) {
  Analysis a;
  WalkNotes notes;
  std::vector<Cmd> cmds = normalize(pr.script, ctx, notes);
  run_rules(cmds, notes, line, 1, ctx, a);
  if (!pr.ok) add_parse_error(a, pr, line, ctx);
  finish(a);
  return a;
}

std::vector<StatementAnalysis> analyze_script(std::string_view source, const AnalyzeContext& ctx,
                                              std::string* parse_error) {
  ParseResult pr = parse_shell(source);
  if (!pr.ok && parse_error) *parse_error = pr.error + " (line " + std::to_string(pr.error_line) + ")";
  // Source lines, to give each statement its text.
  std::vector<std::string_view> lines;
  for (size_t i = 0; i <= source.size();) {
    size_t j = source.find('\n', i);
    if (j == std::string_view::npos) j = source.size();
    lines.push_back(source.substr(i, j - i));
    i = j + 1;
  }
  std::vector<NormalizedItem> items = normalize_items(pr.script, ctx);
  std::vector<StatementAnalysis> out;
  for (size_t i = 0; i < items.size(); ++i) {
    StatementAnalysis st;
    st.line = pr.script.items[i].line;
    int end = i + 1 < items.size() ? std::max(st.line, pr.script.items[i + 1].line - 1)
                                   : static_cast<int>(lines.size());
    // Trailing blank and comment lines are not part of the statement.
    while (end > st.line && end - 1 < static_cast<int>(lines.size())) {
      std::string_view l = lines[end - 1];
      size_t k = l.find_first_not_of(" \t");
      if (k == std::string_view::npos || l[k] == '#') --end;
      else break;
    }
    for (int l = st.line; l <= end && l - 1 < static_cast<int>(lines.size()); ++l) {
      if (l > st.line) st.text += '\n';
      st.text += lines[l - 1];
    }
    run_rules(items[i].cmds, items[i].notes, st.text, st.line, ctx, st.analysis);
    finish(st.analysis);
    out.push_back(std::move(st));
  }
  if (!pr.ok) {
    StatementAnalysis st;
    st.line = pr.error_line > 0 ? pr.error_line : 1;
    if (st.line - 1 < static_cast<int>(lines.size())) st.text = std::string(lines[st.line - 1]);
    add_parse_error(st.analysis, pr, st.text, ctx);
    finish(st.analysis);
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace vg
