// Code in other languages that runs shell commands or deletes files:
// python -c, perl -e, ruby -e, node -e, php -r strings.
#include <algorithm>
#include <array>

#include "core/normalize.h"
#include "core/rules.h"

namespace vg {

namespace {

// The text between the parentheses of a call starting at `open` (index of '('),
// skipping over quoted strings.
std::string_view call_args(std::string_view code, size_t open) {
  int level = 0;
  char quote = 0;
  for (size_t i = open; i < code.size(); ++i) {
    char c = code[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') quote = c;
    else if (c == '(' || c == '[' || c == '{') ++level;
    else if (c == ')' || c == ']' || c == '}') {
      if (--level == 0) return code.substr(open + 1, i - open - 1);
    }
  }
  return code.substr(open + 1);
}

// String literals of an argument list, in order. `dynamic` is set when other
// expressions (variables, calls) are mixed in.
std::vector<std::string> literals(std::string_view args, bool& dynamic, bool& is_list) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < args.size() && std::isspace(static_cast<unsigned char>(args[i]))) ++i;
  is_list = i < args.size() && args[i] == '[';
  bool saw_other = false;
  std::string cur;
  while (i < args.size()) {
    char c = args[i];
    if (c == '"' || c == '\'' || c == '`') {
      char q = c;
      std::string lit;
      for (++i; i < args.size() && args[i] != q; ++i) {
        if (args[i] == '\\' && i + 1 < args.size()) {
          char e = args[++i];
          lit += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          lit += args[i];
        }
      }
      out.push_back(lit);
      ++i;
      continue;
    }
    if (c == ',' && !is_list) break;  // first argument only
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '@') {
      size_t j = i;
      while (j < args.size() && (std::isalnum(static_cast<unsigned char>(args[j])) || args[j] == '_' ||
                                 args[j] == '.' || args[j] == '$' || args[j] == '@'))
        ++j;
      std::string_view word = args.substr(i, j - i);
      if (word != "shell" && word != "True" && word != "true" && word != "check" && word != "f" &&
          word != "r" && word != "b")
        saw_other = true;
      i = j;
      continue;
    }
    ++i;
  }
  dynamic = saw_other;
  return out;
}

struct CallSite {
  std::string_view name;
  bool recursive;  // for deletions
};

constexpr std::array kShellCalls = {
    "os.system(",        "os.popen(",        "subprocess.run(",    "subprocess.call(",  "subprocess.Popen(",
    "subprocess.check_output(", "subprocess.check_call(", "subprocess.getoutput(",
    "subprocess.getstatusoutput(", "commands.getoutput(", "pty.spawn(", "system(", "exec(", "execSync(",
    "spawn(", "spawnSync(", "execFile(", "execFileSync(", "popen(", "shell_exec(", "passthru(", "proc_open(",
    "IO.popen(", "Open3.capture2(", "Open3.popen3(", "Kernel.exec(", "%x(", "qx(", "qx{", "os.execv(",
    "os.execvp(", "os.execl(", "os.execlp(", "os.spawnl(", "Runtime.getRuntime().exec(", "os.execute(", "io.popen("};

constexpr std::array kDeleteCalls = {
    CallSite{"shutil.rmtree(", true},  CallSite{"os.remove(", false},       CallSite{"os.unlink(", false},
    CallSite{"os.rmdir(", false},      CallSite{"os.removedirs(", true},    CallSite{"rmSync(", false},
    CallSite{"rmdirSync(", false},     CallSite{"unlinkSync(", false},      CallSite{"fs.rm(", false},
    CallSite{"fs.unlink(", false},     CallSite{"fs.rmdir(", false},        CallSite{"rm_rf(", true},
    CallSite{"rm_r(", true},           CallSite{"remove_dir(", true},       CallSite{"File.delete(", false},
    CallSite{"unlink(", false},        CallSite{"rmtree(", true},           CallSite{"remove_tree(", true},
    CallSite{"rmdir(", false},         CallSite{"FileUtils.rm(", false},    CallSite{"FileUtils.rm_f(", false}};

bool preceded_by_ident(std::string_view code, size_t pos) {
  if (pos == 0) return false;
  char c = code[pos - 1];
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool has(std::string_view code, std::string_view s) { return code.find(s) != std::string_view::npos; }

// Calls that run programs without parentheses or by other names than kShellCalls
// (perl `exec "sh"`, ruby `spawn`, lua os.execute, node child_process, python pty).
bool runs_programs(std::string_view c) {
  // `system "cmd"`, `exec $x`: the call word followed by an argument, not prose in a string.
  for (std::string_view s : {std::string_view("exec "), std::string_view("system ")})
    for (size_t pos = c.find(s); pos != std::string_view::npos; pos = c.find(s, pos + 1)) {
      size_t q = c.find_first_not_of(' ', pos + s.size());
      bool ident_before = pos > 0 && (std::isalnum(static_cast<unsigned char>(c[pos - 1])) || c[pos - 1] == '_');
      if (!ident_before && q != std::string_view::npos && std::string_view("\"'$@(`[{").find(c[q]) != std::string_view::npos)
        return true;
    }
  for (std::string_view s : {"qx", "%x", "spawn", "os.execute", "io.popen", "child_process",
                             "execSync", "pty.", "os.exec", "os.spawn", "os.popen", "os.system", "subprocess",
                             "commands.", "passthru", "shell_exec", "proc_open", "pcntl_exec", "popen", "Process.spawn",
                             "IO.popen", "Open3", "Kernel.", "Deno.run", "Deno.Command", "Bun.spawn", "do shell script"})
    if (has(c, s)) return true;
  return false;
}

// Code that runs code it builds or decodes: exec(b64decode(..)), eval(compile(..)),
// getattr(os, "sys"+"tem"), __import__("os"), exec("".join(chr(..))), pack("H*", ..).
bool decodes_and_runs(std::string_view c) {
  bool runs = has(c, "exec(") || has(c, "eval(") || has(c, "eval ") || has(c, "system(") || has(c, "exec ") ||
              has(c, "compile(") || has(c, "Function(");
  bool hidden = has(c, "b64decode") || has(c, "decode64") || has(c, "unpack") || has(c, "fromhex") ||
                has(c, "unhexlify") || has(c, "chr(") || has(c, "fromCharCode") || has(c, "Buffer.from") ||
                has(c, "atob(") || has(c, "decode(") || has(c, "pack(") || has(c, "compile(") || has(c, "zlib") ||
                has(c, "marshal") || has(c, "codecs") || has(c, "rot13") || has(c, "[::-1]");
  bool indirect = has(c, "getattr(") || has(c, "__import__") || has(c, "__builtins__") || has(c, "globals()[");
  // Code fetched from the network and evaluated: exec(urlopen(..).read()), fetch(..).then(eval).
  bool fetched = has(c, "urlopen") || has(c, "requests.get") || has(c, "fetch(") || has(c, "http.get") ||
                 has(c, "LWP::") || has(c, "Net::HTTP") || has(c, "open-uri") || has(c, "URI.open") ||
                 has(c, "file_get_contents(\"http") || has(c, "file_get_contents('http");
  bool evaluates = runs || has(c, "eval)") || has(c, "eval ") || has(c, "instance_eval") || has(c, "new Function");
  return (runs && hidden) || indirect || (fetched && evaluates);
}

// Network connections and listeners opened from code (reverse and bind shells).
bool opens_socket(std::string_view c) {
  std::string l = lower(c);
  if (has(l, "/inet/tcp") || has(l, "/inet/udp") || has(l, "/dev/tcp/") || has(l, "ztcp") || has(l, "zsh/net/tcp") ||
      has(l, "tcpsocket") || has(l, "io::socket") || has(l, "fsockopen") || has(l, "stream_socket_client") ||
      has(l, "create_connection") || has(l, "net.connect") || has(l, "net.createconnection") ||
      has(l, "new net.socket") || has(l, "socket.tcp") || has(l, "tcpserver") || has(l, "createserver"))
    return true;
  bool sock = has(l, "socket") || has(l, "require(\"net\")") || has(l, "require('net')") || has(l, "require(\"dgram\")");
  return sock && (has(l, "connect(") || has(l, ".bind(") || has(l, "listen(") || has(l, ":connect") ||
                  has(l, "connect(s,") || has(l, "sockaddr_in"));
}

}  // namespace

// The literal an awk variable is set to (`cmd = "date"`), or "" when it is not set so.
std::string awk_literal_of(std::string_view prog, std::string_view name) {
  for (size_t pos = prog.find(name); pos != std::string_view::npos; pos = prog.find(name, pos + 1)) {
    if (pos > 0 && (std::isalnum(static_cast<unsigned char>(prog[pos - 1])) || prog[pos - 1] == '_')) continue;
    size_t k = prog.find_first_not_of(' ', pos + name.size());
    if (k == std::string_view::npos || prog[k] != '=' || (k + 1 < prog.size() && prog[k + 1] == '=')) continue;
    k = prog.find_first_not_of(' ', k + 1);
    if (k == std::string_view::npos || prog[k] != '"') continue;
    size_t e = prog.find('"', k + 1);
    if (e != std::string_view::npos) return std::string(prog.substr(k + 1, e - k - 1));
  }
  return {};
}

std::string_view awk_ident_before(std::string_view prog, size_t bar) {
  size_t e = prog.find_last_not_of(' ', bar - 1);
  if (e == std::string_view::npos) return {};
  size_t b = e + 1;
  while (b > 0 && (std::isalnum(static_cast<unsigned char>(prog[b - 1])) || prog[b - 1] == '_')) --b;
  return prog.substr(b, e + 1 - b);
}

AwkProgram scan_awk(std::string_view prog) {
  AwkProgram a;
  a.network = has(prog, "/inet/") || has(prog, "/inet4/") || has(prog, "/inet6/");
  // system("cmd") and system(var)
  for (size_t pos = prog.find("system("); pos != std::string_view::npos; pos = prog.find("system(", pos + 1)) {
    std::string_view args = call_args(prog, pos + 6);
    bool dynamic = false, is_list = false;
    std::vector<std::string> lits = literals(args, dynamic, is_list);
    std::string s;
    for (const std::string& l : lits) s += l;
    a.shell.push_back(dynamic && s.empty() ? std::string() : s);
  }
  // print ... | "cmd", print ... |& cmd, "cmd" | getline
  for (size_t pos = prog.find('|'); pos != std::string_view::npos; pos = prog.find('|', pos + 1)) {
    if (pos + 1 < prog.size() && prog[pos + 1] == '|') {  // || is a logical or
      ++pos;
      continue;
    }
    if (pos > 0 && prog[pos - 1] == '|') continue;
    size_t k = pos + 1;
    if (k < prog.size() && prog[k] == '&') ++k;
    while (k < prog.size() && prog[k] == ' ') ++k;
    if (prog.substr(k, 7) == "getline") {
      // "cmd" | getline: the string before the bar
      size_t e = prog.find_last_not_of(' ', pos - 1);
      if (e != std::string_view::npos && (prog[e] == '"')) {
        size_t b = prog.rfind('"', e - 1);
        if (b != std::string_view::npos) a.shell.emplace_back(prog.substr(b + 1, e - b - 1));
      } else {
        a.shell.push_back(awk_literal_of(prog, awk_ident_before(prog, pos)));  // cmd | getline
      }
    } else if (k < prog.size() && prog[k] == '"') {
      size_t e = prog.find('"', k + 1);
      if (e != std::string_view::npos) a.shell.emplace_back(prog.substr(k + 1, e - k - 1));
    } else if (k < prog.size() && (std::isalpha(static_cast<unsigned char>(prog[k])) || prog[k] == '_')) {
      size_t e = k;
      while (e < prog.size() && (std::isalnum(static_cast<unsigned char>(prog[e])) || prog[e] == '_')) ++e;
      a.shell.push_back(awk_literal_of(prog, prog.substr(k, e - k)));  // print | cmd
    }
  }
  return a;
}

EmbeddedCode scan_embedded_code(std::string_view code) {
  EmbeddedCode ec;
  bool calls = runs_programs(code);
  ec.decodes_and_runs = decodes_and_runs(code);
  ec.opens_socket = opens_socket(code);
  for (std::string_view name : kShellCalls) {
    for (size_t pos = code.find(name); pos != std::string_view::npos; pos = code.find(name, pos + 1)) {
      // `system(` must not match `os.system(` twice or `filesystem(`.
      if (name.find('.') == std::string_view::npos && preceded_by_ident(code, pos)) continue;
      if (name.find('.') == std::string_view::npos && pos > 0 && code[pos - 1] == '.' && name != "exec(" &&
          name != "execSync(" && name != "spawn(" && name != "spawnSync(" && name != "execFile(" &&
          name != "execFileSync(" && name != "system(")
        continue;
      if (name == "system(" && pos >= 3 && code.substr(pos - 3, 3) == "os.") continue;
      if (name == "popen(" && pos >= 1 && code[pos - 1] == '.') continue;
      size_t open = pos + name.size() - 1;
      std::string_view args = call_args(code, open);
      bool dynamic = false, is_list = false;
      std::vector<std::string> lits = literals(args, dynamic, is_list);
      if (lits.empty()) {
        if (dynamic) ec.runs_dynamic_shell = true;
        continue;
      }
      std::string shell;
      if (is_list) {
        // ["rm", "-rf", "/"] or ["/bin/sh", "-c", "..."]
        for (size_t i = 0; i < lits.size(); ++i) {
          if (i) shell += ' ';
          bool needs_quote = lits[i].find_first_of(" \t;|&$") != std::string::npos;
          if (needs_quote) shell += '\'' + lits[i] + '\'';
          else shell += lits[i];
        }
      } else {
        for (const std::string& l : lits) shell += l;
        if (dynamic) shell += ' ', shell += kUnknown;
      }
      ec.shell.push_back(shell);
    }
  }
  // Perl/Ruby calls without parentheses: system "cmd", exec 'cmd'.
  for (std::string_view name : {std::string_view("system "), std::string_view("exec ")}) {
    for (size_t pos = code.find(name); pos != std::string_view::npos; pos = code.find(name, pos + 1)) {
      if (preceded_by_ident(code, pos)) continue;
      size_t q = pos + name.size();
      while (q < code.size() && code[q] == ' ') ++q;
      if (q >= code.size() || (code[q] != '"' && code[q] != '\'')) continue;
      size_t e = code.find(code[q], q + 1);
      if (e != std::string_view::npos) ec.shell.emplace_back(code.substr(q + 1, e - q - 1));
    }
  }
  // Perl/Ruby backticks: `cmd`.
  for (size_t pos = code.find('`'); pos != std::string_view::npos;) {
    size_t end = code.find('`', pos + 1);
    if (end == std::string_view::npos) break;
    ec.shell.emplace_back(code.substr(pos + 1, end - pos - 1));
    pos = code.find('`', end + 1);
  }
  std::vector<size_t> seen;  // os.unlink( also contains unlink(: count each call once
  for (const CallSite& site : kDeleteCalls) {
    for (size_t pos = code.find(site.name); pos != std::string_view::npos; pos = code.find(site.name, pos + 1)) {
      if (site.name.find('.') == std::string_view::npos && preceded_by_ident(code, pos)) continue;
      size_t open = pos + site.name.size() - 1;
      if (std::find(seen.begin(), seen.end(), open) != seen.end()) continue;
      seen.push_back(open);
      std::string_view args = call_args(code, open);
      bool dynamic = false, is_list = false;
      std::vector<std::string> lits = literals(args, dynamic, is_list);
      bool recursive = site.recursive || args.find("recursive") != std::string_view::npos;
      if (recursive) ec.deletes_recursively = true;
      if (lits.empty() || dynamic) ec.deletes_dynamic = true;
      if (!lits.empty()) ec.deleted.push_back(lits[0]);
    }
  }
  // Perl style without parentheses: unlink "f", rmtree '/x'.
  for (std::string_view name : {std::string_view("unlink "), std::string_view("rmtree "), std::string_view("remove_tree ")}) {
    for (size_t pos = code.find(name); pos != std::string_view::npos; pos = code.find(name, pos + 1)) {
      if (preceded_by_ident(code, pos)) continue;
      size_t start = pos + name.size();
      size_t end = code.find_first_of(";\n", start);
      std::string_view args = code.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      bool dynamic = false, is_list = false;
      std::vector<std::string> lits = literals(args, dynamic, is_list);
      if (name != "unlink ") ec.deletes_recursively = true;
      if (lits.empty() || dynamic) ec.deletes_dynamic = true;
      for (const std::string& l : lits) ec.deleted.push_back(l);
    }
  }
  // A call of a command held in a variable (system($x)): judge the code's command-like
  // string literals as what it may run.
  if (ec.runs_dynamic_shell) {
    for (size_t q = code.find_first_of("\"'"); q != std::string_view::npos; q = code.find_first_of("\"'", q + 1)) {
      size_t e = code.find(code[q], q + 1);
      if (e == std::string_view::npos) break;
      std::string_view lit = code.substr(q + 1, e - q - 1);
      if (lit.find(' ') != std::string_view::npos && lit.find('\n') == std::string_view::npos) ec.shell.emplace_back(lit);
      q = e;
    }
  }
  // Commands the code spells out are judged by what they are; the floor is for what it
  // does not spell out: a shell or interpreter started bare, or a call with no literal.
  static const NameSet starts_code("sh|bash|zsh|dash|ksh|fish|python|python3|perl|ruby|node|php|lua|nc|ncat|socat");
  for (const std::string& s : ec.shell) {
    std::string_view first = std::string_view(s).substr(0, s.find_first_of(" \t"));
    if (first.empty() || starts_code.contains(basename_of(first)) || s.find(kUnknown) != std::string::npos)
      ec.runs_commands = true;
  }
  if (calls && ec.shell.empty()) ec.runs_commands = true;
  return ec;
}

bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  out.clear();
  unsigned acc = 0;
  int bits = 0, n = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    ++n;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return n >= 4;
}

}  // namespace vg
