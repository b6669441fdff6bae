#include "core/normalize.h"

#include <algorithm>
#include <array>
#include <map>

#include <fnmatch.h>

#include "core/paths.h"
#include "core/rules.h"

namespace vg {

namespace {

constexpr int kMaxDepth = 8;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool in(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Parameter name from a Param part's text: "HOME", "HOME:-x" -> "HOME".
std::string param_name(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && is_name_char(text[n])) ++n;
  return std::string(text.substr(0, n ? n : std::min<size_t>(1, text.size())));
}

// Programs whose single-dash options are words (-name, -exec): never split them.
bool single_dash_long_options(std::string_view p) {
  static const NameSet names("find|java|javac|gcc|g++|cc|c++|clang|clang++|go|ffmpeg|ffprobe|xdotool|openssl|dig|convert|magick|xrandr|mplayer|qemu-img|qemu-system-x86_64|mysql|mysqldump|psql|iptables|ip6tables|tc|ip|emulator|scalac|ld|nasm|swift|xmllint|ps|dd|tar|zip|unzip|7z|xargs|awk|gawk|sed|pdftotext|gpg");
  return names.contains(p);
}

// Filters that pass their stdin through (possibly transformed) to stdout.
bool is_filter(std::string_view p) {
  static const NameSet names("cat|tee|head|tail|sed|grep|egrep|fgrep|sort|uniq|cut|tr|pv|buffer|dd|awk|gawk|mawk|perl|xargs|stdbuf|col|fold|expand|unexpand|tac|iconv|dos2unix|unix2dos|strings|mbuffer");
  return names.contains(p);
}

bool is_unpacker(std::string_view p) {
  static const NameSet names("gunzip|zcat|gzcat|unxz|xzcat|bunzip2|bzcat|unzstd|zstdcat|lzcat|unlzma|brotli|lz4cat");
  return names.contains(p);
}

bool is_fetcher(std::string_view p) {
  static const NameSet names("curl|wget|fetch|http|https|xh|aria2c|lwp-request|lwp-download|GET|nc|ncat|netcat|socat|telnet|curlie|wget2|iwr|Invoke-WebRequest|invoke-webrequest|irm|Invoke-RestMethod");
  return names.contains(p);
}

bool has_hex_escapes(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] == '\\' && (s[i + 1] == 'x' || s[i + 1] == 'u' || (s[i + 1] >= '0' && s[i + 1] <= '7'))) return true;
  return false;
}

// Decode \xHH, \NNN (octal), \n \t escapes as printf and echo -e do.
std::string decode_escapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    auto hex = [](char h) { return std::isxdigit(static_cast<unsigned char>(h)); };
    if (c == 'x') {
      int v = 0, n = 0;
      while (n < 2 && i + 1 < s.size() && hex(s[i + 1])) {
        char h = s[++i];
        v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        ++n;
      }
      out += static_cast<char>(v);
    } else if (c >= '0' && c <= '7') {
      int v = c - '0', n = 1;
      if (c == '0' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7') n = 0;
      while (n < 3 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7') {
        v = v * 8 + (s[++i] - '0');
        ++n;
      }
      out += static_cast<char>(v);
    } else if (c == 'n') {
      out += '\n';
    } else if (c == 't') {
      out += '\t';
    } else {
      out += c;
    }
  }
  return out;
}

struct Walker {
  const AnalyzeContext& ctx;
  WalkNotes* notes;
  std::vector<Cmd> out;
  std::map<std::string, std::string> vars;  // variables with a known literal value
  std::string cwd;
  int depth = 0;
  bool privileged = false;
  std::string via;
  std::map<std::string, std::string> arrays;   // a=(..): the elements as written
  std::map<std::string, std::string> written;  // file -> text the line wrote into it
  std::map<std::string, std::string> aliases;  // file -> program copied or linked there
  bool flat = false;  // past the depth limit: quotes flattened, no further nesting

  // What a command writes to stdout, for the next command of its pipeline.
  struct Output {
    Source source = Source::Unknown;
    std::string text;
    std::vector<Arg> paths;
  };

  Arg make_arg(const Word& w);
  std::vector<Arg> make_args(const Word& w);
  Output script_output(const Script& s, int d);
  void walk_script(const Script& s);
  void walk_andor(const AndOr& a);
  Output walk_pipeline(const Pipeline& p);
  Output walk_command(const Command& c, const Output& feed, bool piped);
  Output walk_simple(const SimpleCommand& sc, const Output& feed, bool piped);
  void walk_words(const std::vector<Word>& words);
  void walk_heredoc_expansions(const Redirect& r);
  void embed_shell(std::string_view code, const char* how, int line, const Output* feed = nullptr);
  void embed_code(std::string_view code, const char* how, int line);
  void unwrap(Cmd& cmd, const Output& feed, int line);
  Output output_of(const Cmd& cmd, const Output& feed);
  void expand_find(const Cmd& find, int line);
  Walker nested(int d, std::string how) const {
    Walker w{ctx, notes, {}, vars, cwd, d, privileged, std::move(how)};
    w.arrays = arrays;
    w.written = written;
    w.aliases = aliases;
    w.flat = flat;
    return w;
  }
  bool program_from_expansion(const SimpleCommand& sc, const std::vector<Arg>& argv, std::string& code);
  bool runs_written_file(Cmd& cmd, int line);
  void remember_writes(const Cmd& cmd, const Output& result, const Output& in);
};

Arg Walker::make_arg(const Word& w) {
  Arg a;
  a.text = w.value;
  for (const WordPart& p : w.parts) {
    switch (p.kind) {
      case PartKind::Literal: a.value += p.text; break;
      case PartKind::Param: {
        std::string name = param_name(p.text);
        bool has_default = p.text.find_first_of(":-=+?#%/^,", name.size()) == name.size() &&
                           p.text.size() > name.size();
        if (name == "HOME" && !has_default) {
          a.value += ctx.home;
        } else if (name == "PWD" && !cwd.empty()) {
          a.value += cwd;
        } else if (name == "TMPDIR" || name == "TMP" || name == "TEMP") {
          a.value += "/tmp";
        } else if (auto it = vars.find(name); it != vars.end() && !has_default) {
          a.value += it->second;
        } else {
          a.value += kUnknown;
          a.dynamic = true;
          a.from_variable = true;
        }
        if (name == "IFS") notes->ifs_trick = true;
        break;
      }
      case PartKind::CommandSubst:
      case PartKind::ProcessSubst: {
        a.value += kUnknown;
        a.dynamic = true;
        if (p.script) {
          Output o = script_output(*p.script, depth + 1);
          if (o.source == Source::Network) a.code_from_network = true;
          if (o.source == Source::Decoded) a.code_decoded = true;
          if (w.parts.size() == 1 && (o.source == Source::Literal || o.source == Source::Decoded) && !o.text.empty()) {
            a.subst_known = true;
            a.subst_text = o.text;
            while (!a.subst_text.empty() && a.subst_text.back() == '\n') a.subst_text.pop_back();
          }
        }
        break;
      }
      case PartKind::Arith:
        a.value += kUnknown;
        a.dynamic = true;
        break;
      case PartKind::Glob:
        a.value += p.text;
        a.glob = true;
        break;
      case PartKind::Tilde:
        if (p.text.empty()) a.value += ctx.home;
        else if (p.text == "root") a.value += "/root";
        else if (p.text == "+" && !cwd.empty()) a.value += cwd;
        else a.value += "/home/" + p.text;
        break;
      case PartKind::BraceExpand:
        a.value += p.text;
        a.glob = true;
        break;
    }
  }
  if (w.parts.empty()) a.value = w.value;
  return a;
}

// A word may become several arguments when unquoted $IFS splits it: rm${IFS}-rf${IFS}/.
std::vector<Arg> Walker::make_args(const Word& w) {
  bool splits = false;
  for (const WordPart& p : w.parts)
    if (p.kind == PartKind::Param && !p.quoted && param_name(p.text) == "IFS") splits = true;
  if (!splits) return {make_arg(w)};
  notes->ifs_trick = true;
  std::vector<Arg> out;
  Word cur;
  auto flush = [&] {
    if (cur.parts.empty()) return;
    for (auto& p : cur.parts) cur.value += p.text;
    cur.raw = cur.value;
    out.push_back(make_arg(cur));
    cur = Word{};
  };
  for (const WordPart& p : w.parts) {
    if (p.kind == PartKind::Param && !p.quoted && param_name(p.text) == "IFS") flush();
    else cur.parts.push_back(p);
  }
  flush();
  return out;
}

Walker::Output Walker::script_output(const Script& s, int d) {
  Walker inner = nested(d, "$(..)");
  if (d > kMaxDepth) {
    notes->depth_exceeded = true;
    return {};
  }
  Output last;
  for (const AndOr& a : s.items) {
    for (const Pipeline& p : a.pipelines) last = inner.walk_pipeline(p);
  }
  for (Cmd& c : inner.out) out.push_back(std::move(c));
  return last;
}

void Walker::walk_script(const Script& s) {
  for (const AndOr& a : s.items) walk_andor(a);
}

void Walker::walk_andor(const AndOr& a) {
  for (const Pipeline& p : a.pipelines) walk_pipeline(p);
}

Walker::Output Walker::walk_pipeline(const Pipeline& p) {
  Output feed{Source::None, {}, {}};
  for (size_t i = 0; i < p.commands.size(); ++i) feed = walk_command(p.commands[i], feed, i + 1 < p.commands.size());
  return feed;
}

// Does a function body call the function itself in a pipeline or in the background?
bool calls_itself_forking(const Script& s, const std::string& name) {
  for (const AndOr& a : s.items) {
    for (const Pipeline& p : a.pipelines) {
      for (const Command& c : p.commands) {
        if (c.kind == CommandKind::Simple) {
          if (!c.simple.words.empty() && c.simple.words[0].value == name &&
              (p.commands.size() > 1 || a.background))
            return true;
        }
        for (const auto& b : c.bodies)
          if (b && calls_itself_forking(*b, name)) return true;
      }
    }
  }
  return false;
}

// An unquoted here-doc body runs its $(..) and `..` when the shell reads it.
void Walker::walk_heredoc_expansions(const Redirect& r) {
  if (!r.heredoc_expands || r.heredoc_parts.empty()) return;
  Word body;
  body.parts = r.heredoc_parts;
  make_arg(body);
}

void Walker::walk_words(const std::vector<Word>& words) {
  for (const Word& w : words) make_arg(w);  // walks substitutions inside
}

Walker::Output Walker::walk_command(const Command& c, const Output& feed, bool piped) {
  switch (c.kind) {
    case CommandKind::Simple: return walk_simple(c.simple, feed, piped);
    case CommandKind::FunctionDef: {
      for (const auto& b : c.bodies)
        if (b && calls_itself_forking(*b, c.name)) notes->fork_bomb = true;
      Cmd def;  // so rules can see which name a line (re)defines
      def.program = ":";
      def.defines_function = c.name;
      def.cwd = cwd;
      def.line = c.line;
      def.depth = depth;
      def.via = via;
      out.push_back(std::move(def));
      break;
    }
    default: break;
  }
  std::string saved_cwd = cwd;
  walk_words(c.words);
  for (const Redirect& r : c.redirects) {
    make_arg(r.target);
    walk_heredoc_expansions(r);
  }
  for (const auto& b : c.bodies)
    if (b) walk_script(*b);
  // Compound commands' own redirections (e.g. `{ ...; } > /etc/passwd`) become a `:` command.
  if (!c.redirects.empty()) {
    Cmd cmd;
    cmd.program = ":";
    cmd.program_text = ":";
    cmd.cwd = cwd;
    cmd.line = c.line;
    cmd.depth = depth;
    cmd.via = via;
    for (const Redirect& r : c.redirects) cmd.redirects.push_back({r.fd, r.op, make_arg(r.target)});
    out.push_back(std::move(cmd));
  }
  if (c.kind == CommandKind::Subshell) cwd = saved_cwd;
  return {};
}

Walker::Output Walker::walk_simple(const SimpleCommand& sc, const Output& feed, bool piped) {
  // Leading NAME=value words: remembered when the line has no command, so `X=rm; $X` resolves.
  for (const Word& a : sc.assignments) {
    size_t eq = a.value.find('=');
    std::string name = a.value.substr(0, eq == std::string::npos ? a.value.size() : eq);
    Arg val = make_arg(a);
    std::string v = eq == std::string::npos ? "" : val.value.substr(std::min(val.value.size(), eq + 1));
    if (sc.words.empty()) {
      if (v.find(kUnknown) == std::string::npos) vars[name] = v;
      else vars.erase(name);
      // a=(rm -rf ~): keep the elements as written, for "${a[@]}" used as a command.
      size_t open = a.raw.find("=(");
      if (open != std::string::npos && a.raw.back() == ')') arrays[name] = a.raw.substr(open + 2, a.raw.size() - open - 3);
      else arrays.erase(name);
    }
  }
  if (sc.words.empty()) {
    if (!sc.assignments.empty()) {
      // Bare assignments become an `export`-like command so rules see HISTFILE=/dev/null.
      Cmd cmd;
      cmd.program = "export";
      cmd.program_text = "";
      for (const Word& a : sc.assignments) cmd.args.push_back(make_arg(a));
      cmd.cwd = cwd;
      cmd.line = sc.line;
      cmd.depth = depth;
      cmd.via = "assignment";
      out.push_back(std::move(cmd));
    }
    for (const Redirect& r : sc.redirects) {
      Cmd cmd;
      cmd.program = ":";
      cmd.redirects.push_back({r.fd, r.op, make_arg(r.target)});
      cmd.cwd = cwd;
      cmd.line = sc.line;
      cmd.depth = depth;
      out.push_back(std::move(cmd));
    }
    return {};
  }

  Cmd cmd;
  cmd.line = sc.line;
  cmd.depth = depth;
  cmd.via = via;
  cmd.cwd = cwd;
  cmd.privileged = privileged;
  cmd.stdout_piped = piped;
  std::vector<Arg> argv;
  for (const Word& w : sc.words)
    for (Arg& a : make_args(w)) argv.push_back(std::move(a));
  for (const Word& a : sc.assignments) {
    if (starts_with(a.value, "LD_PRELOAD=") || starts_with(a.value, "PATH=")) cmd.wrappers.push_back(a.value);
    cmd.env.push_back(make_arg(a));
  }
  const Word& w0 = sc.words[0];
  if (w0.raw.find("$'") != std::string::npos && has_hex_escapes(w0.raw)) notes->hex_escaped_program = true;
  // Quotes or backslashes inside the program name (r''m, "r"m, r\m) hide it from naive
  // filters; a single leading backslash (\rm, to skip aliases) is common and harmless.
  std::string_view quoted = w0.raw;
  if (!quoted.empty() && quoted[0] == '\\') quoted.remove_prefix(1);
  if (quoted.find_first_of("'\"\\") != std::string_view::npos && w0.value.find_first_of("'\"\\ ") == std::string::npos)
    cmd.obfuscated = true;
  for (const WordPart& part : w0.parts)
    if (part.kind != PartKind::Literal && part.kind != PartKind::Tilde) cmd.obfuscated = true;

  if (argv.empty()) return {};
  // The command word is an expansion the line spells out: {rm,-rf,~}, "${a[@]}", $c,
  // $(echo rm): judge the words it becomes.
  if (std::string code; program_from_expansion(sc, argv, code)) {
    embed_shell(code, "expansion", sc.line);
    return {};
  }
  cmd.program_text = argv[0].text;
  cmd.args.assign(argv.begin() + 1, argv.end());
  if (argv[0].dynamic) {
    if (argv[0].value.find(kUnknown) == std::string::npos && !argv[0].value.empty()) {
      cmd.program = std::string(basename_of(argv[0].value));
      cmd.obfuscated = true;
    } else {
      cmd.program_dynamic = true;
    }
  } else {
    cmd.program = std::string(basename_of(argv[0].value));
  }
  // A pathname glob as the program (/bin/r? -rf ~): the programs it can name.
  if (argv[0].glob && cmd.program.find_first_of("*?[") != std::string::npos) {
    static constexpr std::string_view kNamed[] = {"rm", "sh", "bash", "dash", "zsh", "dd", "mkfs", "shred", "chmod",
                                                  "chown", "curl", "wget", "nc", "python3", "python", "perl",
                                                  "mv", "find", "wipefs", "kill", "reboot", "shutdown"};
    for (std::string_view n : kNamed)
      if (fnmatch(cmd.program.c_str(), std::string(n).c_str(), 0) == 0) {
        cmd.program = std::string(n);
        cmd.obfuscated = true;
        break;
      }
  }

  for (const Redirect& r : sc.redirects) {
    cmd.redirects.push_back({r.fd, r.op, make_arg(r.target)});
    walk_heredoc_expansions(r);
  }

  // stdin: pipeline feed, then here-docs, here-strings and `<` files override it.
  Output in = feed;
  if (feed.source == Source::None && !piped) in.source = Source::None;
  for (const Redirect& r : sc.redirects) {
    if (r.op == "<<" || r.op == "<<-") {
      in = {Source::Literal, r.heredoc, {}};
    } else if (r.op == "<<<") {
      Arg a = make_arg(r.target);
      in = {a.dynamic ? (a.code_from_network ? Source::Network : Source::Unknown) : Source::Literal,
            a.text + "\n", {}};
      if (a.code_decoded) in.source = Source::Decoded;
    } else if (r.op == "<" && (r.fd == -1 || r.fd == 0)) {
      Arg a = make_arg(r.target);
      if (a.code_from_network) in = {Source::Network, {}, {}};
      else if (a.subst_known) in = {Source::Literal, a.subst_text + "\n", {}};  // < <(echo ..)
      else if (a.code_decoded) in = {Source::Decoded, {}, {}};
      else if (starts_with(a.value, "/dev/tcp/") || starts_with(a.value, "/dev/udp/")) in = {Source::Network, {}, {}};
      else {
        PathInfo pi = classify_path(a, cwd, ctx);
        in = {secret_kind(pi.abs, ctx) != SecretKind::None ? Source::Secrets : Source::Unknown, {}, {}};
      }
    }
  }
  cmd.stdin_source = in.source;
  cmd.stdin_text = in.text;
  cmd.stdin_paths = in.paths;

  if (runs_written_file(cmd, sc.line)) {
    out.push_back(std::move(cmd));
    return {};
  }
  unwrap(cmd, in, sc.line);
  cmd.option_code = option_code_of(cmd);
  for (const std::string& code : cmd.option_code)
    if (!code.empty()) embed_shell(code, "option", sc.line);
  if (cmd.program == "trap" && cmd.args.size() >= 2 && cmd.args[0].text != "-" && cmd.args[0].text != "-p" &&
      cmd.args[0].text.find('$') == std::string::npos)
    embed_shell(cmd.args[0].text, "trap", sc.line);  // runs later in this shell

  // cd changes where relative paths of later commands point.
  if (cmd.program == "cd" || cmd.program == "pushd") {
    auto ops = cmd.operands();
    if (ops.empty()) cwd = ctx.home;
    else if (ops[0]->dynamic || ops[0]->text == "-") cwd.clear();
    else {
      PathInfo pi = classify_path(*ops[0], cwd, ctx);
      cwd = pi.abs;
    }
  }

  Output result = output_of(cmd, in);
  remember_writes(cmd, result, in);
  out.push_back(std::move(cmd));
  return result;
}

bool Walker::program_from_expansion(const SimpleCommand& sc, const std::vector<Arg>& argv, std::string& code) {
  const Word& w0 = sc.words[0];
  if (w0.parts.size() != 1) return false;
  const WordPart& part = w0.parts[0];
  if (part.kind == PartKind::Param) {
    std::string name = param_name(part.text);
    if (auto it = arrays.find(name); it != arrays.end()) code = it->second;
    else if (auto v = vars.find(name); !part.quoted && v != vars.end() && v->second.find(' ') != std::string::npos)
      code = v->second;
    else return false;
  } else if (part.kind == PartKind::CommandSubst && argv[0].subst_known) {
    code = argv[0].subst_text;
  } else if (part.kind == PartKind::BraceExpand && part.text.size() > 2 && part.text.front() == '{' &&
             part.text.back() == '}' && part.text.find(',') != std::string::npos &&
             part.text.find('{', 1) == std::string::npos) {
    code = part.text.substr(1, part.text.size() - 2);
    std::replace(code.begin(), code.end(), ',', ' ');
  } else {
    return false;
  }
  for (size_t k = 1; k < sc.words.size(); ++k) code += " " + sc.words[k].raw;
  return true;
}

// Write-then-run in one line: `echo 'rm -rf ~' > x.sh && sh x.sh`, `cp /bin/rm ./t && ./t -rf ~`.
bool Walker::runs_written_file(Cmd& cmd, int line) {
  if (written.empty() && aliases.empty()) return false;
  auto lookup = [&](const Arg& a) -> const std::string* {
    auto it = written.find(classify_path(a, cwd, ctx).abs);
    return it == written.end() ? nullptr : &it->second;
  };
  Arg prog;
  prog.text = prog.value = cmd.program_text;
  if (cmd.program_text.find('/') != std::string::npos) {
    std::string abs = classify_path(prog, cwd, ctx).abs;
    if (auto it = aliases.find(abs); it != aliases.end()) {
      cmd.program = it->second;
      cmd.obfuscated = true;
      return false;  // judged as the program it is, with its own arguments
    }
    if (const std::string* text = lookup(prog)) {
      embed_shell(*text, "written file", line);
      return false;
    }
  }
  const std::string& p = cmd.program;
  auto ops = cmd.operands();
  if (ops.empty()) return false;
  if (is_shell(p) || p == "source" || p == ".") {
    if (const std::string* text = lookup(*ops[0])) embed_shell(*text, "written file", line);
  } else if (is_interpreter(p)) {
    if (const std::string* text = lookup(*ops[0])) embed_code(*text, "written file", line);
  }
  return false;
}

void Walker::remember_writes(const Cmd& cmd, const Output& result, const Output& in) {
  auto text_of = [](const Output& o) -> const std::string* {
    return (o.source == Source::Literal || o.source == Source::Decoded) && !o.text.empty() ? &o.text : nullptr;
  };
  auto store = [&](const Arg& target, const std::string* text, bool append) {
    std::string abs = classify_path(target, cwd, ctx).abs;
    if (abs.empty() || abs == "/dev/null") return;
    if (!text) {
      written.erase(abs);
      return;
    }
    if (append) written[abs] += *text;
    else written[abs] = *text;
  };
  for (const Redir& r : cmd.redirects)
    if ((r.op == ">" || r.op == ">>" || r.op == ">|" || r.op == "&>") && (r.fd == -1 || r.fd == 1))
      store(r.target, text_of(result), r.op == ">>");
  const std::string& p = cmd.program;
  auto ops = cmd.operands();
  if (p == "tee") {
    for (const Arg* a : ops) store(*a, text_of(in), cmd.has_short('a'));
  } else if ((p == "cp" || p == "ln" || p == "install") && ops.size() == 2) {
    std::string src = classify_path(*ops[0], cwd, ctx).abs;
    std::string dst = classify_path(*ops[1], cwd, ctx).abs;
    if (auto it = written.find(src); it != written.end()) written[dst] = it->second;
    else if (!ops[0]->dynamic) aliases[dst] = std::string(basename_of(ops[0]->value));
  }
}

// Option parsing helper for wrappers: skip options, some of which take a value.
// Returns the index of the first non-option argument.
size_t skip_options(const std::vector<Arg>& args, size_t i, std::initializer_list<std::string_view> with_value,
                    bool stop_at_assign = false) {
  while (i < args.size()) {
    const std::string& t = args[i].text;
    if (t == "--") return i + 1;
    if (t.size() < 2 || t[0] != '-') {
      if (stop_at_assign && t.find('=') != std::string::npos && t[0] != '=') {
        ++i;
        continue;
      }
      return i;
    }
    bool takes = false;
    for (std::string_view v : with_value)
      if (t == v) takes = true;
    i += takes ? 2 : 1;
  }
  return i;
}

void Walker::unwrap(Cmd& cmd, const Output& feed, int line) {
  for (int guard = 0; guard < 24 && !cmd.program_dynamic; ++guard) {
    const std::string p = cmd.program;
    auto& args = cmd.args;
    size_t next = std::string::npos;
    if (p == "sudo" || p == "doas" || p == "pkexec" || p == "run0") {
      cmd.privileged = true;
      size_t i = skip_options(args, 0, {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user",
                                        "--group", "--prompt", "--chdir", "-R"});
      bool shell = false;
      for (size_t k = 0; k < i && k < args.size(); ++k)
        if (args[k].text == "-i" || args[k].text == "-s" || args[k].text == "--login" || args[k].text == "--shell")
          shell = true;
      if (i >= args.size()) {
        if (shell) {
          cmd.wrappers.push_back(p);
          cmd.program = "sh";
          cmd.program_text = "sh";
          args.clear();
          cmd.stdin_source = Source::None;
        }
        return;
      }
      next = i;
    } else if (p == "env") {
      size_t i = skip_options(args, 0, {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}, true);
      while (i < args.size() && args[i].text == "-") ++i;
      for (size_t k = 0; k < i && k < args.size(); ++k)
        if ((args[k].text == "-S" || args[k].text == "--split-string") && k + 1 < args.size()) {
          embed_shell(args[k + 1].text, "env -S", line);
          return;
        }
      if (i >= args.size()) return;
      // env NAME=value... PROGRAM: the assignments are the program's environment.
      for (size_t k = 0; k < i; ++k)
        if (args[k].text.find('=') != std::string::npos && args[k].text[0] != '-') cmd.env.push_back(args[k]);
      next = i;
    } else if (p == "command") {
      if (!args.empty() && (args[0].text == "-v" || args[0].text == "-V")) return;
      next = skip_options(args, 0, {});
    } else if (in(p, {"builtin", "nohup", "setsid", "unbuffer", "catchsegv", "fakeroot", "proxychains",
                      "proxychains4", "torsocks", "tsocks", "firejail", "caffeinate", "coproc", "chronic",
                      "unshare", "torify", "valgrind", "faketime", "sem"})) {
      next = skip_options(args, 0, {});
      if (p == "faketime" && next < args.size()) ++next;  // the time
    } else if (p == "strace" || p == "ltrace") {
      next = skip_options(args, 0, {"-o", "-e", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-n", "-O", "-S", "-P", "-X"});
    } else if (p == "systemd-run") {
      // systemd-run [--user] [-p K=V] [--on-calendar=..] CMD: also persistence (rules).
      next = skip_options(args, 0, {"-p", "--property", "-u", "--unit", "-E", "--setenv", "-M", "--machine",
                                    "--uid", "--gid", "--nice", "--working-directory", "-H", "--host",
                                    "--slice", "--description"});
    } else if (p == "nsenter") {
      next = skip_options(args, 0, {"-t", "--target", "-S", "-G", "--setuid", "--setgid"});
    } else if (p == "exec") {
      next = skip_options(args, 0, {"-a"});
      if (next >= args.size()) return;
    } else if (p == "noglob" || p == "nocorrect" || p == "-") {
      next = 0;  // zsh precommand modifiers
    } else if (p == "repeat" && args.size() > 1) {
      next = 1;  // zsh `repeat N CMD`
    } else if (p.size() > 1 && p[0] == '=' && p.find('/') == std::string::npos) {
      // zsh `=cmd`: the path of cmd
      cmd.program = p.substr(1);
      continue;
    } else if (p == "time") {
      next = skip_options(args, 0, {"-f", "--format", "-o", "--output"});
    } else if (p == "nice") {
      next = skip_options(args, 0, {"-n", "--adjustment"});
    } else if (p == "ionice") {
      for (auto& a : args)
        if (a.text == "-p" || a.text == "-P" || a.text == "-u") return;
      next = skip_options(args, 0, {"-c", "-n", "--class", "--classdata"});
    } else if (p == "timeout") {
      size_t i = skip_options(args, 0, {"-s", "--signal", "-k", "--kill-after"});
      next = i + 1;  // the duration
    } else if (p == "stdbuf") {
      next = skip_options(args, 0, {"-i", "-o", "-e", "--input", "--output", "--error"});
    } else if (p == "chroot") {
      size_t i = skip_options(args, 0, {"--userspec", "--groups"});
      next = i + 1;
      cmd.privileged = true;
    } else if (p == "taskset") {
      size_t i = skip_options(args, 0, {});
      bool list = cmd.has_short('c') || cmd.has_long("cpu-list");
      if (cmd.has_short('p')) return;
      next = i + 1;
      (void)list;
    } else if (p == "flock") {
      size_t i = skip_options(args, 0, {"-w", "--timeout", "-E", "--conflict-exit-code"});
      if (i + 1 < args.size() && (args[i + 1].text == "-c" || args[i + 1].text == "--command")) {
        if (i + 2 < args.size()) embed_shell(args[i + 2].text, "flock -c", line);
        return;
      }
      next = i + 1;
    } else if (p == "watch") {
      size_t i = skip_options(args, 0, {"-n", "--interval", "-d", "--differences"});
      std::string code;
      for (size_t k = i; k < args.size(); ++k) code += (k > i ? " " : "") + args[k].text;
      embed_shell(code, "watch", line);
      return;
    } else if (p == "runuser" || p == "su" || p == "sg") {
      cmd.privileged = true;
      for (size_t k = 0; k < args.size(); ++k) {
        if ((args[k].text == "-c" || args[k].text == "--command") && k + 1 < args.size()) {
          embed_shell(args[k + 1].text, "su -c", line);
          return;
        }
      }
      if (p == "runuser") {
        for (size_t k = 0; k < args.size(); ++k)
          if (args[k].text == "--" && k + 1 < args.size()) {
            next = k + 1;
            break;
          }
      }
      if (next == std::string::npos) return;  // su [-] [user]: an interactive root shell
    } else if (p == "busybox" || p == "toybox") {
      if (args.empty() || args[0].text.empty() || args[0].text[0] == '-') return;
      next = 0;
    } else if (p == "xargs") {
      size_t i = 0;
      std::string repl;
      while (i < args.size()) {
        const std::string& t = args[i].text;
        if (t == "--") {
          ++i;
          break;
        }
        if (t.size() < 2 || t[0] != '-') break;
        if (t == "-I") {
          if (i + 1 < args.size()) repl = args[i + 1].text;
          i += 2;
          continue;
        }
        if (starts_with(t, "-I")) repl = t.substr(2);
        else if (starts_with(t, "-i")) repl = t.size() > 2 ? t.substr(2) : "{}";
        else if (starts_with(t, "--replace")) repl = t.size() > 10 ? t.substr(10) : "{}";
        bool takes = in(t, {"-d", "-a", "-E", "-L", "-n", "-P", "-s", "--delimiter", "--arg-file",
                            "--max-args", "--max-procs", "--max-lines", "--max-chars"});
        i += takes ? 2 : 1;
      }
      // The piped data becomes arguments.
      std::vector<Arg> fed;
      bool nul = false;
      for (size_t k = 0; k < i && k < args.size(); ++k) nul |= args[k].text == "-0" || args[k].text == "--null";
      if (feed.source == Source::Paths) {
        fed = feed.paths;
      } else if (feed.source == Source::Literal || (feed.source == Source::Decoded && !feed.text.empty())) {
        // -I takes whole lines, -0 the whole text (no NUL in it), otherwise blank-separated words.
        std::string_view t = feed.text;
        std::string_view seps = nul ? std::string_view("\0", 1) : !repl.empty() ? "\n" : " \t\n";
        size_t k = 0;
        while (k < t.size()) {
          size_t e = t.find_first_of(seps, k);
          if (e == std::string_view::npos) e = t.size();
          if (e > k) {
            Arg a;
            a.text = a.value = std::string(t.substr(k, e - k));
            fed.push_back(a);
          }
          k = e + 1;
        }
      } else {
        Arg a;
        a.text = "{xargs-input}";
        a.value = std::string(1, kUnknown);
        a.dynamic = true;
        a.from_variable = true;  // data only known at run time: as code, like sh -c "$X"
        fed.push_back(a);
      }
      cmd.wrappers.push_back("xargs");
      if (i >= args.size()) {
        cmd.program = "echo";
        args.clear();
        return;
      }
      std::vector<Arg> rest(args.begin() + i, args.end());
      std::vector<Arg> out_args;
      bool replaced = false;
      for (size_t k = 1; k < rest.size(); ++k) {
        if (!repl.empty() && rest[k].text.find(repl) != std::string::npos) {
          for (const Arg& f : fed) {
            Arg a = f;
            if (rest[k].text != repl) {
              a.text = rest[k].text;
              size_t pos = a.text.find(repl);
              a.value = a.text.substr(0, pos) + f.value + a.text.substr(pos + repl.size());
              a.text.replace(pos, repl.size(), f.text);
            }
            out_args.push_back(a);
          }
          replaced = true;
        } else {
          out_args.push_back(rest[k]);
        }
      }
      if (!replaced)
        for (const Arg& f : fed) out_args.push_back(f);
      cmd.program_text = rest[0].text;
      cmd.program = rest[0].dynamic ? "" : std::string(basename_of(rest[0].value));
      cmd.program_dynamic = rest[0].dynamic;
      args = std::move(out_args);
      cmd.stdin_source = Source::None;
      cmd.via = "xargs";
      continue;
    } else if (p == "parallel") {
      size_t i = skip_options(args, 0, {"-j", "--jobs", "-S", "--sshlogin", "-a", "--arg-file"});
      size_t sep = i;
      while (sep < args.size() && args[sep].text != ":::" && args[sep].text != "::::") ++sep;
      if (i >= sep) return;
      std::string code;
      for (size_t k = i; k < sep; ++k) code += (k > i ? " " : "") + args[k].text;
      std::vector<std::string> inputs;
      for (size_t k = sep + 1; k < args.size(); ++k) inputs.push_back(args[k].text);
      if (inputs.empty()) inputs.push_back(std::string(1, kUnknown));
      for (const std::string& input : inputs) {
        std::string c = code;
        size_t pos = c.find("{}");
        // Each input is one argument of the command (parallel quotes it).
        std::string quoted = "'";
        for (char ch : input) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        quoted += "'";
        if (pos != std::string::npos) c.replace(pos, 2, quoted);
        else c += " " + quoted;
        embed_shell(c, "parallel", line);
      }
      return;
    } else if (p == "ssh") {
      // ssh [opts] host [command...]: the command runs on the remote host, by a shell.
      size_t i = skip_options(args, 0, {"-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m",
                                        "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B"});
      if (i + 1 < args.size()) {
        std::string code;
        for (size_t k = i + 1; k < args.size(); ++k) code += (k > i + 1 ? " " : "") + args[k].text;
        embed_shell(code, "ssh", line);
      }
      return;
    } else if (p == "eval") {
      // eval "$(ssh-agent -s)" shows the program producing the code; eval "$X" does not.
      std::string code;
      bool dyn = false, net = false, dec = false;
      for (size_t k = 0; k < args.size(); ++k) {
        code += (k ? " " : "") + args[k].text;
        dyn |= args[k].from_variable;
        net |= args[k].code_from_network;
        dec |= args[k].code_decoded;
      }
      if (dyn && !net && !dec) notes->eval_dynamic = true;
      // eval "$(echo 'rm -rf ~')": the output is in the line.
      if (args.size() == 1 && args[0].subst_known) {
        embed_shell(args[0].subst_text, "eval", line);
        return;
      }
      // eval of plain words (eval eval rm -rf ~) is the command itself: no nesting.
      bool plain = !args.empty();
      for (const Arg& a : args) plain &= !a.dynamic && a.text.find_first_of(";|&<>()$`'\"\\ \n") == std::string::npos;
      if (plain) {
        next = 0;
        cmd.wrappers.push_back(p);
        cmd.program_text = args[0].text;
        cmd.program = std::string(basename_of(args[0].value));
        args.erase(args.begin());
        continue;
      }
      // eval "$(pyenv init -)": the code comes from a local program we can see; the
      // substitution itself was already walked.
      bool only_local_subst = true;
      for (const Arg& a : args) only_local_subst &= a.dynamic && !a.from_variable && !a.code_from_network && !a.code_decoded;
      if (!args.empty() && only_local_subst) return;
      embed_shell(code, "eval", line);
      return;
    } else if (is_shell(p)) {
      // sh [-opts] -c STRING | sh SCRIPT | sh (reads stdin)
      size_t i = 0;
      bool has_c = false;
      while (i < args.size()) {
        const std::string& t = args[i].text;
        if (t == "--" || t == "-") {
          ++i;
          break;
        }
        if (t.size() < 2 || (t[0] != '-' && t[0] != '+')) break;
        if (t[0] == '-' && t[1] != '-' && t.find('c') != std::string::npos) has_c = true;
        if (t == "-o" || t == "+o" || t == "--rcfile" || t == "--init-file") ++i;
        ++i;
      }
      if (has_c && flat && i < args.size()) {
        next = i;  // flattened: the words after -c are the command
      } else if (has_c) {
        if (i < args.size()) {
          const Arg& code = args[i];
          if (code.subst_known) {
            embed_shell(code.subst_text, "sh -c", line);
            return;
          }
          if (code.from_variable && !code.code_from_network && !code.code_decoded) notes->eval_dynamic = true;
          if (code.dynamic && !code.from_variable && !code.code_from_network && !code.code_decoded &&
              !code.text.empty() && code.text[0] == '$')
            return;  // sh -c "$(local-program)": see eval above
          embed_shell(code.text, "sh -c", line);
        }
        return;
      }
      if (next == std::string::npos) {
      if (i < args.size() && args[i].subst_known) {  // bash <(echo ..)
        embed_shell(args[i].subst_text, "sh <(..)", line);
        return;
      }
      bool reads_stdin = i >= args.size() || args[i].value == "/dev/stdin" || args[i].text == "-";
      if (reads_stdin && (cmd.stdin_source == Source::Literal ||
                          (cmd.stdin_source == Source::Decoded && !cmd.stdin_text.empty()))) {
        Output f{cmd.stdin_source, cmd.stdin_text, {}};
        embed_shell(cmd.stdin_text, "sh <<stdin", line, &f);
      }
      return;
      }
    } else if (p == "source" || p == ".") {
      if (!args.empty() && args[0].subst_known) {  // source <(echo ..)
        embed_shell(args[0].subst_text, "source <(..)", line);
        return;
      }
      if (!args.empty() && args[0].value == "/dev/stdin" &&
          (cmd.stdin_source == Source::Literal || cmd.stdin_source == Source::Decoded) && !cmd.stdin_text.empty())
        embed_shell(cmd.stdin_text, "source", line);
      return;
    } else if (is_interpreter(p)) {
      for (size_t k = 0; k < args.size(); ++k) {
        const std::string& t = args[k].text;
        if ((t == "-c" || t == "-e" || t == "-E" || t == "--eval" || t == "-r" || t == "--exec" ||
             t == "-p" || t == "--print") &&
            k + 1 < args.size()) {
          embed_code(args[k + 1].text, "interpreter -c", line);
          return;
        }
        if (t.size() > 2 && t[0] == '-' && (t.back() == 'e' || t.back() == 'c') && t[1] != '-' &&
            k + 1 < args.size() && (p.rfind("perl", 0) == 0 || p.rfind("ruby", 0) == 0)) {
          embed_code(args[k + 1].text, "interpreter -e", line);
          return;
        }
      }
      bool reads_stdin = true;
      for (const Arg& a : args)
        if (!a.text.empty() && a.text[0] != '-') reads_stdin = false;
      if (reads_stdin && (cmd.stdin_source == Source::Literal || cmd.stdin_source == Source::Decoded) &&
          !cmd.stdin_text.empty())
        embed_code(cmd.stdin_text, "interpreter <<stdin", line);
      return;
    } else if (p == "awk" || p == "gawk" || p == "mawk" || p == "nawk") {
      // awk [-F sep] [-v x=y] 'program' files: the program's system() and pipes run commands.
      size_t k = 0;
      while (k < args.size() && args[k].text.size() > 1 && args[k].text[0] == '-') {
        const std::string& t = args[k].text;
        if (t == "-f" || t == "--file") return;  // program in a file
        k += (t == "-F" || t == "-v" || t == "--assign" || t == "--field-separator") ? 2 : 1;
      }
      if (k >= args.size()) return;
      AwkProgram ap = scan_awk(args[k].text);
      static const NameSet filters("sort|uniq|wc|cat|head|tail|tr|grep|cut|date|column|less|more|tee|ls|find|"
                                   "hostname|whoami|id|pwd|git|echo|printf|uname|stat|du|df|md5sum|sha256sum");
      for (const std::string& s : ap.shell) {
        if (!s.empty()) embed_shell(s, "awk", line);
        std::string first = s.substr(0, s.find(' '));
        if (s.empty() || !filters.contains(basename_of(first))) notes->inline_runs_commands = true;
      }
      if (ap.network) notes->inline_socket = true;
      return;
    } else if (p == "find") {
      expand_find(cmd, line);
      return;
    } else {
      return;
    }
    if (next == std::string::npos || next >= args.size()) return;
    cmd.wrappers.push_back(p);
    const Arg prog = args[next];
    cmd.program_text = prog.text;
    if (prog.dynamic && prog.value.find(kUnknown) != std::string::npos) {
      cmd.program = "";
      cmd.program_dynamic = true;
    } else {
      cmd.program = std::string(basename_of(prog.value));
    }
    args.erase(args.begin(), args.begin() + static_cast<long>(next) + 1);
  }
}

void Walker::expand_find(const Cmd& find, int line) {
  std::vector<Arg> roots;
  size_t i = 0;
  const auto& args = find.args;
  while (i < args.size() && in(args[i].text, {"-H", "-L", "-P", "-O1", "-O2", "-O3"})) ++i;
  while (i < args.size()) {
    const std::string& t = args[i].text;
    if (!t.empty() && (t[0] == '-' || t == "!" || t == "(" || t == ")" || t == ",")) break;
    roots.push_back(args[i]);
    ++i;
  }
  if (roots.empty()) {
    Arg dot;
    dot.text = dot.value = ".";
    roots.push_back(dot);
  }
  for (Arg& r : roots) r.subtree = true;
  // -name node_modules (a literal name): only entries of that name below the roots are hit.
  for (size_t k = i; k + 1 < args.size(); ++k)
    if ((args[k].text == "-name" || args[k].text == "-iname") && !args[k + 1].dynamic &&
        args[k + 1].text.find_first_of("*?[") == std::string::npos && args[k + 1].text.find('/') == std::string::npos) {
      for (Arg& r : roots)
        if (r.value.find(kUnknown) == std::string::npos) r.value += "/" + args[k + 1].text;
      break;
    }
  auto emit = [&](Cmd sub) {
    sub.line = line;
    sub.depth = depth;
    sub.cwd = cwd;
    sub.privileged = find.privileged;
    sub.wrappers = find.wrappers;
    sub.wrappers.push_back("find");
    out.push_back(std::move(sub));
  };
  for (; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (t == "-delete") {
      Cmd rm;
      rm.program = "rm";
      rm.program_text = "rm";
      rm.via = "find -delete";
      Arg r, f;
      r.text = r.value = "-r";
      f.text = f.value = "-f";
      rm.args = {r, f};
      for (const Arg& root : roots) rm.args.push_back(root);
      emit(std::move(rm));
    } else if (in(t, {"-exec", "-execdir", "-ok", "-okdir"})) {
      size_t j = i + 1;
      std::vector<Arg> words;
      while (j < args.size() && args[j].text != ";" && args[j].text != "+" && args[j].text != "\\;") {
        words.push_back(args[j]);
        ++j;
      }
      i = j;
      if (words.empty()) continue;
      Cmd sub;
      sub.program_text = words[0].text;
      sub.program = words[0].dynamic ? "" : std::string(basename_of(words[0].value));
      sub.program_dynamic = words[0].dynamic && words[0].value.find(kUnknown) != std::string::npos;
      sub.via = "find " + t;
      for (size_t k = 1; k < words.size(); ++k) {
        if (words[k].text == "{}") {
          for (const Arg& root : roots) sub.args.push_back(root);
        } else if (words[k].text.find("{}") != std::string::npos) {
          for (const Arg& root : roots) {
            Arg a = words[k];
            size_t pos;
            while ((pos = a.text.find("{}")) != std::string::npos) a.text.replace(pos, 2, root.text);
            while ((pos = a.value.find("{}")) != std::string::npos) a.value.replace(pos, 2, root.value);
            sub.args.push_back(a);
          }
        } else {
          sub.args.push_back(words[k]);
        }
      }
      // The sub-command may itself be a wrapper (sh -c, xargs...).
      Walker inner = nested(depth + 1, sub.via);
      inner.privileged = find.privileged;
      inner.unwrap(sub, Output{Source::None, {}, {}}, line);
      for (Cmd& c : inner.out) out.push_back(std::move(c));
      emit(std::move(sub));
    }
  }
}

void Walker::embed_shell(std::string_view code, const char* how, int line, const Output* feed) {
  (void)feed;
  if (depth + 1 > kMaxDepth || flat) {
    notes->depth_exceeded = true;
    if (flat) return;
    // Past the limit a line is still judged by what it names: drop every quote and
    // backslash and read the rest as one flat command line, so nesting never hides
    // `rm -rf ~` (a critical line stays critical however deep it is).
    std::string plain;
    for (char c : code)
      if (c != '\'' && c != '"' && c != '\\') plain += c;
    ParseResult pr = parse_shell(plain);
    Walker inner = nested(depth, how);
    inner.flat = true;
    inner.walk_script(pr.script);
    for (Cmd& c : inner.out) out.push_back(std::move(c));
    return;
  }
  ParseResult pr = parse_shell(code);
  if (!pr.ok) notes->parse_errors.push_back(std::string(how) + ": " + pr.error);
  Walker inner = nested(depth + 1, how);
  inner.walk_script(pr.script);
  for (Cmd& c : inner.out) {
    c.line = line + c.line - 1;
    out.push_back(std::move(c));
  }
}

void Walker::embed_code(std::string_view code, const char* how, int line) {
  EmbeddedCode ec = scan_embedded_code(code);
  for (const std::string& s : ec.shell) embed_shell(s, how, line);
  notes->inline_runs_commands |= ec.runs_commands || ec.runs_dynamic_shell;
  notes->inline_decodes_and_runs |= ec.decodes_and_runs;
  notes->inline_socket |= ec.opens_socket;
  if (ec.runs_dynamic_shell) notes->eval_dynamic = true;
  if (!ec.deleted.empty() || ec.deletes_dynamic) {
    Cmd rm;
    rm.program = rm.program_text = "rm";
    rm.via = how;
    rm.line = line;
    rm.depth = depth + 1;
    rm.cwd = cwd;
    rm.privileged = privileged;
    if (ec.deletes_recursively) {
      Arg r;
      r.text = r.value = "-r";
      rm.args.push_back(r);
    }
    for (const std::string& d : ec.deleted) {
      Arg a;
      a.text = a.value = d;
      rm.args.push_back(a);
    }
    if (ec.deletes_dynamic) {
      Arg a;
      a.text = "{path}";
      a.value = std::string(1, kUnknown);
      a.dynamic = true;
      rm.args.push_back(a);
    }
    out.push_back(std::move(rm));
  }
}

// What a command sends to stdout, for the rules of the next command in its pipeline.
Walker::Output Walker::output_of(const Cmd& cmd, const Output& feed) {
  const std::string& p = cmd.program;
  if (cmd.program_dynamic) return {Source::Unknown, {}, {}};
  if (is_fetcher(p)) return {Source::Network, {}, {}};
  if (is_interpreter(p)) {
    for (size_t k = 0; k + 1 < cmd.args.size(); ++k) {
      std::string code = lower(cmd.args[k + 1].text);
      if (cmd.args[k].text == "-c" || cmd.args[k].text == "-e") {
        if (code.find("urlopen") != std::string::npos || code.find("requests.get") != std::string::npos ||
            code.find("http.get") != std::string::npos || code.find("fetch(") != std::string::npos ||
            code.find("lwp::") != std::string::npos || code.find("net::http") != std::string::npos)
          return {Source::Network, {}, {}};
        if (code.find("b64decode") != std::string::npos || code.find("decode64") != std::string::npos ||
            code.find("from_base64") != std::string::npos || code.find("'base64'") != std::string::npos ||
            code.find("unhexlify") != std::string::npos || code.find("fromhex") != std::string::npos)
          return {Source::Decoded, {}, {}};
      }
    }
  }
  bool decode_flag = cmd.has_short('d') || cmd.has_long("decode") || cmd.has_short('D');
  if ((p == "base64" || p == "base32" || p == "basenc" || p == "base58") && decode_flag) {
    Output o{Source::Decoded, {}, {}};
    if (feed.source == Source::Network) o.source = Source::Network;
    std::string decoded;
    if (feed.source == Source::Literal && p == "base64" && decode_base64(feed.text, decoded)) o.text = decoded;
    if (cmd.operands().empty()) return o;
    return o;
  }
  if ((p == "xxd" && cmd.has_short('r')) || p == "uudecode" ||
      (p == "openssl" && (cmd.has_arg("-d") || cmd.has_arg("-base64") || cmd.has_arg("base64"))) ||
      p == "rev" || (p == "tr" && !cmd.args.empty() && cmd.args[0].text.find("A-Za-z") != std::string::npos &&
                      cmd.args.size() > 1 && cmd.args[1].text.find("N-Z") != std::string::npos)) {
    if (feed.source == Source::Network) return {Source::Network, {}, {}};
    Output o{Source::Decoded, {}, {}};
    if (p == "rev" && feed.source == Source::Literal) {
      std::string t = feed.text;
      if (!t.empty() && t.back() == '\n') t.pop_back();
      std::reverse(t.begin(), t.end());
      o.text = t;
    }
    return o;
  }
  if (is_unpacker(p) || ((p == "gzip" || p == "xz" || p == "bzip2" || p == "zstd") && decode_flag)) {
    if (feed.source == Source::Network) return {Source::Network, {}, {}};
    return {Source::Decoded, {}, {}};
  }
  if (p == "echo" || p == "printf") {
    std::string text;
    bool dyn = false, escapes = false, e_flag = false;
    size_t k = 0;
    if (p == "echo")
      while (k < cmd.args.size() && cmd.args[k].text.size() > 1 && cmd.args[k].text[0] == '-' &&
             cmd.args[k].text.find_first_not_of("neE", 1) == std::string::npos) {
        if (cmd.args[k].text.find('e') != std::string::npos) e_flag = true;
        ++k;
      }
    for (size_t first = k; k < cmd.args.size(); ++k) {
      if (k > first) text += ' ';
      text += cmd.args[k].text;
      dyn |= cmd.args[k].dynamic;
      if (cmd.args[k].code_from_network) return {Source::Network, {}, {}};
      if (cmd.args[k].code_decoded) return {Source::Decoded, {}, {}};
    }
    if (p == "printf" && !cmd.args.empty() && !cmd.args[0].dynamic) {
      // printf FORMAT ARGS: each %s (or %b) takes the next argument.
      std::string fmt = cmd.args[0].text, res;
      size_t next = 1;
      for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] == '%' && i + 1 < fmt.size() && (fmt[i + 1] == 's' || fmt[i + 1] == 'b')) {
          if (next < cmd.args.size()) res += cmd.args[next++].text;
          ++i;
        } else if (fmt[i] == '\\' && i + 1 < fmt.size() && fmt[i + 1] == 'n') {
          res += '\n';
          ++i;
        } else {
          res += fmt[i];
        }
      }
      for (; next < cmd.args.size(); ++next) res += " " + cmd.args[next].text;
      text = res;
    }
    if ((p == "printf" || e_flag) && has_hex_escapes(text)) {
      escapes = true;
      text = decode_escapes(text);
    }
    if (p == "echo") text += '\n';  // printf adds none
    if (escapes) return {Source::Decoded, text, {}};
    if (dyn) return {Source::Unknown, {}, {}};
    return {Source::Literal, text, {}};
  }
  // which X, command -v X, type -P X print where the program X is.
  if ((p == "which" || (p == "command" && cmd.has_arg("-v")) || (p == "type" && cmd.has_short('P'))) &&
      !cmd.operands().empty() && !cmd.operands()[0]->dynamic)
    return {Source::Literal, cmd.operands()[0]->text + "\n", {}};
  if (p == "env" || p == "printenv" || (p == "set" && cmd.args.empty()) ||
      (p == "export" && cmd.has_short('p')) || (p == "declare" && cmd.has_short('x')))
    return {Source::Secrets, {}, {}};
  if (p == "find" || p == "fd" || p == "fdfind" || p == "ls" || (p == "git" && cmd.operand(0) == "ls-files")) {
    Output o{Source::Paths, {}, {}};
    std::vector<const Arg*> ops = cmd.operands();
    if (p == "find") {
      for (const Arg& a : cmd.args) {
        if (!a.text.empty() && (a.text[0] == '-' || a.text == "!" || a.text == "(")) break;
        o.paths.push_back(a);
      }
    } else if (p == "ls") {
      for (const Arg* a : ops) o.paths.push_back(*a);
    }
    if (o.paths.empty()) {
      Arg dot;
      dot.text = dot.value = ".";
      o.paths.push_back(dot);
    }
    for (Arg& a : o.paths) a.subtree = true;
    return o;
  }
  if (p == "cat" || p == "head" || p == "tail" || p == "less" || p == "more") {
    std::vector<const Arg*> ops = cmd.operands();
    if (ops.empty()) return feed.source == Source::None ? Output{Source::Unknown, {}, {}} : feed;
    for (const Arg* a : ops) {
      PathInfo pi = classify_path(*a, cmd.cwd, ctx);
      if (secret_kind(pi.abs, ctx) != SecretKind::None) return {Source::Secrets, {}, {}};
    }
    return {Source::Unknown, {}, {}};
  }
  if (is_filter(p) && feed.source != Source::None) {
    if (feed.source == Source::Literal || feed.source == Source::Paths) return {Source::Unknown, {}, {}};
    return {feed.source, {}, {}};
  }
  return {Source::Unknown, {}, {}};
}

}  // namespace

std::string_view basename_of(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_shell(std::string_view p) {
  static const NameSet names("sh|bash|zsh|dash|ksh|mksh|ash|fish|csh|tcsh|yash|posh|rbash|busybox-sh|pwsh|powershell");
  return names.contains(p);
}

bool is_interpreter(std::string_view p) {
  if (starts_with(p, "python") || starts_with(p, "perl") || starts_with(p, "ruby") || starts_with(p, "php") ||
      starts_with(p, "node") || starts_with(p, "lua"))
    return p.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.") == std::string_view::npos;
  return in(p, {"deno", "bun", "pypy", "pypy3", "osascript", "tclsh", "Rscript", "julia", "jshell", "irb"});
}

// Short options that take a value, per program: in `-bfeature` everything after b is the
// value, and in `-e -rf` the -rf is the value of -e, not flags.
static std::string_view short_value_options(const Cmd& cmd) {
  const std::string& p = cmd.program;
  if (p == "git") {
    std::string sub = cmd.args.empty() ? std::string() : cmd.args[0].text;
    if (sub == "checkout") return "bB";
    if (sub == "switch") return "cC";
    if (sub == "commit") return "mFCct";
    if (sub == "tag") return "mFu";
    if (sub == "clone") return "bo";
    return "";
  }
  if (p == "grep" || p == "egrep" || p == "fgrep" || p == "rg") return "efmABC";
  if (p == "tar") return "fCITXb";
  if (p == "curl") return "odHXuTFeAx";
  if (p == "wget") return "OoP";
  if (p == "sort") return "okt";
  if (p == "cut") return "dfc";
  if (p == "head" || p == "tail") return "nc";
  return "";
}

bool Cmd::has_short(char c) const {
  std::string_view with_value = short_value_options(*this);
  bool skip_next = false;
  for (const Arg& a : args) {
    const std::string& t = a.text;
    if (skip_next) {
      skip_next = false;
      continue;
    }
    if (t == "--") break;
    if (t.size() >= 2 && t[0] == '-' && t[1] != '-') {
      bool letters = true;
      for (size_t i = 1; i < t.size(); ++i)
        if (!std::isalpha(static_cast<unsigned char>(t[i]))) letters = false;
      if (!letters) {
        if (t[1] == c) return true;
        continue;
      }
      for (size_t i = 1; i < t.size(); ++i) {
        if (t[i] == c) return true;
        if (with_value.find(t[i]) != std::string_view::npos) {
          skip_next = i + 1 == t.size();  // -b NAME: the next word is the value
          break;
        }
      }
    }
  }
  return false;
}

bool Cmd::has_long(std::string_view name) const {
  for (const Arg& a : args) {
    std::string_view t = a.text;
    if (t == "--") break;
    if (t.size() > 2 && t[0] == '-' && t[1] == '-') {
      t.remove_prefix(2);
      if (t == name || (starts_with(t, name) && t.size() > name.size() && t[name.size()] == '=')) return true;
    }
  }
  return false;
}

bool Cmd::has_arg(std::string_view text) const {
  for (const Arg& a : args)
    if (a.text == text) return true;
  return false;
}

std::vector<const Arg*> Cmd::operands() const {
  std::vector<const Arg*> out;
  bool after = false;
  for (const Arg& a : args) {
    if (!after && a.text == "--") {
      after = true;
      continue;
    }
    if (after || a.text.size() < 2 || a.text[0] != '-') out.push_back(&a);
  }
  return out;
}

std::string Cmd::operand(size_t i) const {
  auto ops = operands();
  return i < ops.size() ? ops[i]->text : std::string();
}

const Arg* Cmd::option_value(std::string_view opt) const {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view t = args[i].text;
    if (t == opt) return i + 1 < args.size() ? &args[i + 1] : nullptr;
    if (starts_with(opt, "--") && starts_with(t, opt) && t.size() > opt.size() && t[opt.size()] == '=')
      return &args[i];  // caller strips the name
  }
  return nullptr;
}

std::string Cmd::normalized() const {
  std::string out = program_dynamic ? program_text : program;
  bool split = !single_dash_long_options(program);
  bool after = false;
  for (const Arg& a : args) {
    const std::string& t = a.text;
    if (t == "--") after = true;
    bool letters = t.size() > 2 && t[0] == '-' && t[1] != '-' && !after;
    for (size_t i = 1; letters && i < t.size(); ++i)
      if (!std::isalpha(static_cast<unsigned char>(t[i]))) letters = false;
    if (split && letters) {
      std::string_view with_value = short_value_options(*this);
      for (size_t i = 1; i < t.size(); ++i) {
        out += " -";
        out += t[i];
        if (with_value.find(t[i]) != std::string_view::npos && i + 1 < t.size()) {
          out += ' ';
          out += t.substr(i + 1);  // the attached value
          break;
        }
      }
    } else {
      out += ' ';
      out += t;
    }
  }
  return out;
}

std::vector<Cmd> normalize(const Script& script, const AnalyzeContext& ctx, WalkNotes& notes) {
  Walker w{ctx, &notes, {}, {}, ctx.cwd, 0, false, ""};
  w.walk_script(script);
  return std::move(w.out);
}

std::vector<NormalizedItem> normalize_items(const Script& script, const AnalyzeContext& ctx) {
  std::vector<NormalizedItem> items(script.items.size());
  Walker w{ctx, nullptr, {}, {}, ctx.cwd, 0, false, ""};
  for (size_t i = 0; i < script.items.size(); ++i) {
    w.notes = &items[i].notes;
    w.walk_andor(script.items[i]);
    items[i].cmds = std::move(w.out);
    w.out.clear();
  }
  return items;
}

}  // namespace vg
