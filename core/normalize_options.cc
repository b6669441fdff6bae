// Programs that run commands given in their options, scripts or environment:
// git -c core.pager=.., tar --to-command=.., ssh -o ProxyCommand=.., less +!.., vim -c '!..',
// sqlite3 .shell, make --eval, sed 's/../../e', GIT_SSH_COMMAND=.. and friends.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/normalize.h"
#include "core/rules.h"

namespace vg {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == ':')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// A value naming a well-known editor, pager or compressor with plain options runs
// nothing unexpected: `core.editor=vim`, `-I zstd`, `-e 'ssh -p 2222'`.
bool plain_program(std::string_view v) {
  static const NameSet ok(
      "vim|vi|nvim|nano|emacs|emacsclient|less|more|most|cat|code|code-insiders|subl|micro|hx|kak|delta|"
      "diff-so-fancy|bat|gzip|gunzip|bzip2|xz|zstd|unzstd|lz4|lzip|lzma|lzop|pigz|pbzip2|pixz|brotli|ssh|"
      "true|tig|meld|vimdiff|kdiff3|opendiff|store|cache|osxkeychain|manager|manager-core|libsecret|wincred");
  v = trim(v);
  if (v.empty()) return true;
  if (v.find_first_of(";|&$`<>()\\!'\"") != std::string_view::npos) return false;
  size_t sp = v.find(' ');
  std::string_view first = basename_of(v.substr(0, sp));
  if (!ok.contains(first)) return false;
  return sp == std::string_view::npos || v.find(" -c") == std::string_view::npos;
}

std::string lower_key(std::string_view k) { return lower(k); }

// git configuration keys whose value is a command (or a place commands are taken from).
// Returns the code to judge, or nothing when the value is harmless.
void git_key(std::string_view key_in, std::string_view value, std::vector<std::string>& out) {
  std::string key = lower_key(key_in);
  auto ends = [&](std::string_view s) { return key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0; };
  if (key == "core.fsmonitor") {
    if (value != "true" && value != "false" && !value.empty()) out.emplace_back(value);
    return;
  }
  if (key == "core.hookspath") {
    // Hooks from another directory run what the line does not show; a project's own
    // hooks dir (.githooks, .husky) is project code like its Makefile.
    bool in_project = !value.empty() && value[0] != '/' && value[0] != '~' && value[0] != '$' &&
                      value.find("..") == std::string_view::npos;
    if (!in_project) out.emplace_back("");
    return;
  }
  if (starts_with(key, "alias.")) {
    if (!value.empty() && value[0] == '!') out.emplace_back(value.substr(1));
    return;
  }
  if (key == "credential.helper" || ends(".helper")) {
    if (!value.empty() && value[0] == '!') out.emplace_back(value.substr(1));
    else if (value.find('/') != std::string_view::npos && !plain_program(value)) out.emplace_back(value);
    return;
  }
  bool command_key = key == "core.pager" || key == "core.editor" || key == "core.sshcommand" ||
                     key == "core.gitproxy" || key == "core.askpass" || key == "sequence.editor" ||
                     key == "diff.external" || key == "gpg.program" || ends(".textconv") || ends(".command") ||
                     ends(".driver") || ends(".clean") || ends(".smudge") || ends(".process") ||
                     starts_with(key, "pager.") || key == "uploadpack.packobjectshook" || ends(".uploadpack") ||
                     ends(".receivepack") || ends(".program") || key == "core.sshcommand";
  if (command_key && !plain_program(value)) out.emplace_back(value);
}

void split_assignment(std::string_view kv, std::string_view& k, std::string_view& v) {
  size_t eq = kv.find('=');
  k = kv.substr(0, eq);
  v = eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1);
}

// Value of `--name=V` or `--name V` at args[i]; empty when args[i] is not that option.
bool long_value(const std::vector<Arg>& args, size_t& i, std::string_view name, std::string& v) {
  std::string_view t = args[i].text;
  if (t == name && i + 1 < args.size()) {
    v = args[++i].text;
    return true;
  }
  if (starts_with(t, name) && t.size() > name.size() && t[name.size()] == '=') {
    v = std::string(t.substr(name.size() + 1));
    return true;
  }
  return false;
}

// Value of a short option given as `-X V` or `-XV`.
bool short_value(const std::vector<Arg>& args, size_t& i, std::string_view opt, std::string& v) {
  std::string_view t = args[i].text;
  if (t == opt && i + 1 < args.size()) {
    v = args[++i].text;
    return true;
  }
  if (starts_with(t, opt) && t.size() > opt.size()) {
    v = std::string(t.substr(opt.size()));
    if (!v.empty() && v[0] == '=') v.erase(0, 1);
    return true;
  }
  return false;
}

// Recipes of a makefile text: `target: ; recipe` and tab-indented lines.
void make_recipes(std::string_view text, std::vector<std::string>& out) {
  size_t i = 0;
  while (i <= text.size()) {
    size_t e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(i, e - i);
    std::string_view recipe;
    if (!line.empty() && line[0] == '\t') recipe = line.substr(1);
    else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      size_t semi = line.find(';', colon);
      if (semi != std::string_view::npos) recipe = line.substr(semi + 1);
    }
    while (!recipe.empty() && (recipe[0] == '@' || recipe[0] == '-' || recipe[0] == '+' || recipe[0] == ' '))
      recipe.remove_prefix(1);
    if (!recipe.empty()) out.emplace_back(recipe);
    i = e + 1;
  }
}

// The shell command after a `!` escape (vim -c '!cmd', ':r !cmd', gdb '!cmd', less '+!cmd').
bool bang_command(std::string_view v, std::string& out) {
  v = trim(v);
  size_t bang = v.find('!');
  if (bang == std::string_view::npos) return false;
  std::string_view before = trim(v.substr(0, bang));
  // `!cmd`, `r !cmd`, `w !cmd`, `read !cmd`, `.!cmd`, `%!cmd`
  if (!before.empty() && before != "r" && before != "read" && before != "w" && before != "write" && before != "." &&
      before != "%" && before != "silent" && before != "exe" && before != "execute")
    return false;
  out = std::string(trim(v.substr(bang + 1)));
  return true;
}

// The first string literal in v ("..." or '...').
std::string first_literal(std::string_view v) {
  size_t q = v.find_first_of("\"'");
  if (q == std::string_view::npos) return {};
  size_t e = v.find(v[q], q + 1);
  if (e == std::string_view::npos) return {};
  return std::string(v.substr(q + 1, e - q - 1));
}

void editor_command(std::string_view v, std::vector<std::string>& out) {
  std::string code;
  if (bang_command(v, code)) {
    out.push_back(code);
    return;
  }
  if (v.find("system(") != std::string_view::npos || v.find("systemlist(") != std::string_view::npos ||
      v.find("terminal") != std::string_view::npos || v.find("shell-command") != std::string_view::npos ||
      v.find("call-process") != std::string_view::npos || v.find("start-process") != std::string_view::npos ||
      v.find("make-process") != std::string_view::npos || v.find("os.execute") != std::string_view::npos ||
      v.find("jobstart") != std::string_view::npos)
    out.push_back(first_literal(v));
}

}  // namespace

SedScript scan_sed(std::string_view script) {
  SedScript s;
  size_t i = 0;
  while (i < script.size()) {
    // One command: address, then a letter.
    while (i < script.size() && (script[i] == ' ' || script[i] == ';' || script[i] == '\n' || script[i] == '{' ||
                                 script[i] == '}'))
      ++i;
    while (i < script.size() && (std::isdigit(static_cast<unsigned char>(script[i])) || script[i] == '$' ||
                                 script[i] == ',' || script[i] == '~' || script[i] == '!' || script[i] == ' ' ||
                                 script[i] == '+'))
      ++i;
    if (i < script.size() && (script[i] == '/' || script[i] == '\\')) {  // /regex/ address
      char d = script[i] == '\\' && i + 1 < script.size() ? script[++i] : '/';
      size_t e = script.find(d, i + 1);
      i = e == std::string_view::npos ? script.size() : e + 1;
      continue;
    }
    if (i >= script.size()) break;
    char c = script[i++];
    auto rest_of_line = [&] {
      size_t e = script.find_first_of(";\n}", i);
      if (c == 'e' || c == 'w' || c == 'W') e = script.find('\n', i);  // they take the rest of the line
      std::string_view r = trim(script.substr(i, e == std::string_view::npos ? std::string_view::npos : e - i));
      i = e == std::string_view::npos ? script.size() : e;
      return std::string(r);
    };
    if (c == 'e') {
      s.exec.push_back(rest_of_line());
      s.runs = true;
    } else if (c == 'w' || c == 'W') {
      s.writes.push_back(rest_of_line());
    } else if (c == 's' || c == 'y') {
      if (i >= script.size()) break;
      char d = script[i];
      std::string part[2];
      size_t k = i + 1;
      for (int n = 0; n < 2 && k < script.size(); ++n) {
        while (k < script.size() && script[k] != d) {
          if (script[k] == '\\' && k + 1 < script.size()) part[n] += script[k++];
          part[n] += script[k++];
        }
        ++k;
      }
      k = std::min(k, script.size());
      size_t fe = script.find_first_of(";\n}", k);
      std::string_view flags = script.substr(k, fe == std::string_view::npos ? std::string_view::npos : fe - k);
      if (c == 's') {
        size_t w = flags.find('w');
        if (flags.substr(0, w).find('e') != std::string_view::npos) {
          s.exec.push_back(part[1]);
          s.runs = true;
        }
        if (w != std::string_view::npos) s.writes.emplace_back(trim(flags.substr(w + 1)));
        if (w != std::string_view::npos) fe = script.find('\n', k);
      }
      i = fe == std::string_view::npos ? script.size() : fe;
    } else if (c == 'r' || c == 'R' || c == 'a' || c == 'i' || c == 'c' || c == 'b' || c == 't' || c == 'T' ||
               c == ':') {
      size_t e = script.find_first_of(c == 'a' || c == 'i' || c == 'c' || c == 'r' || c == 'R' ? "\n" : ";\n", i);
      i = e == std::string_view::npos ? script.size() : e;
    }
  }
  return s;
}

std::vector<std::string> option_code_of(const Cmd& cmd) {
  std::vector<std::string> out;
  const std::string& p = cmd.program;
  const std::vector<Arg>& args = cmd.args;
  // Variables that make the program (or any shell it starts) run a command.
  for (const Arg& a : cmd.env) {
    std::string_view k, v;
    split_assignment(a.text, k, v);
    if (k == "GIT_SSH_COMMAND" || k == "GIT_SSH" || k == "GIT_PAGER" || k == "GIT_EDITOR" || k == "PAGER" ||
        k == "EDITOR" || k == "VISUAL" || k == "GIT_EXTERNAL_DIFF" || k == "GIT_ASKPASS" || k == "SSH_ASKPASS" ||
        k == "GIT_PROXY_COMMAND" || k == "GIT_SEQUENCE_EDITOR" || k == "MANPAGER" || k == "SYSTEMD_PAGER") {
      if (!plain_program(v)) out.emplace_back(v);
    } else if (k == "PROMPT_COMMAND" || k == "BASH_ENV" || k == "ENV" || k == "LD_PRELOAD" || k == "LD_AUDIT" ||
               k == "PERL5OPT" || k == "RUBYOPT" || k == "NODE_OPTIONS" || k == "PYTHONSTARTUP" || k == "PYTHONINSPECT") {
      out.emplace_back(k == "PROMPT_COMMAND" ? v : std::string_view());
    } else if ((k == "PS4" || k == "PS1" || k == "PS0" || k == "PS2") &&
               (v.find("$(") != std::string_view::npos || v.find('`') != std::string_view::npos)) {
      out.emplace_back(v);
    } else if (starts_with(k, "GIT_CONFIG_KEY_")) {
      std::string value_name = "GIT_CONFIG_VALUE_" + std::string(k.substr(15));
      for (const Arg& b : cmd.env)
        if (starts_with(b.text, value_name + "=")) git_key(v, std::string_view(b.text).substr(value_name.size() + 1), out);
    }
  }
  std::string v;
  if (p == "git") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].text == "-c" && i + 1 < args.size()) {
        std::string_view k, val;
        split_assignment(args[++i].text, k, val);
        git_key(k, val, out);
      } else if (args[i].text == "config") {
        std::vector<std::string_view> ops;
        for (size_t j = i + 1; j < args.size(); ++j) {
          std::string_view t = args[j].text;
          if (t == "-f" || t == "--file" || t == "--blob" || t == "--type") ++j;
          else if (!t.empty() && t[0] != '-') ops.push_back(t);
        }
        if (ops.size() >= 2) git_key(ops[0], ops[1], out);
        break;
      } else if (!args[i].text.empty() && args[i].text[0] != '-') {
        break;  // the subcommand
      } else if (args[i].text == "-C") {
        ++i;
      }
    }
  } else if (p == "tar" || p == "bsdtar" || p == "gtar") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (long_value(args, i, "--checkpoint-action", v)) {
        if (starts_with(v, "exec=")) out.push_back(v.substr(5));
      } else if (long_value(args, i, "--to-command", v) || long_value(args, i, "--rsh-command", v) ||
                 long_value(args, i, "--info-script", v) || long_value(args, i, "--new-volume-script", v)) {
        out.push_back(v);
      } else if (long_value(args, i, "--use-compress-program", v) || short_value(args, i, "-I", v)) {
        if (!plain_program(v)) out.push_back(v);
      }
    }
  } else if (p == "zip") {
    for (size_t i = 0; i < args.size(); ++i)
      if (long_value(args, i, "--unzip-command", v) || (args[i].text == "-TT" && short_value(args, i, "-TT", v)))
        out.push_back(v);
  } else if (p == "rsync") {
    for (size_t i = 0; i < args.size(); ++i)
      if ((long_value(args, i, "--rsh", v) || (args[i].text.rfind("-e", 0) == 0 && short_value(args, i, "-e", v))) &&
          !plain_program(v))
        out.push_back(v);
  } else if (p == "ssh" || p == "scp" || p == "sftp") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (!short_value(args, i, "-o", v)) continue;
      size_t sep = v.find_first_of("= ");
      std::string key = lower(v.substr(0, sep));
      std::string val = sep == std::string::npos ? std::string() : std::string(trim(v.substr(sep + 1)));
      if ((key == "proxycommand" || key == "localcommand" || key == "knownhostscommand") && val != "none" &&
          !plain_program(val))
        out.push_back(val);
    }
  } else if (p == "less" || p == "more") {
    std::string code;
    for (const Arg& a : args)
      if (starts_with(a.text, "+") && bang_command(a.text.substr(1), code)) out.push_back(code);
  } else if (p == "vim" || p == "vi" || p == "nvim" || p == "view" || p == "ex" || p == "gvim" || p == "rvim") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].text == "-c" || args[i].text == "--cmd") {
        if (i + 1 < args.size()) editor_command(args[++i].text, out);
      } else if (starts_with(args[i].text, "+") && args[i].text.size() > 1 &&
                 !std::isdigit(static_cast<unsigned char>(args[i].text[1]))) {
        editor_command(std::string_view(args[i].text).substr(1), out);
      }
    }
  } else if (p == "emacs" || p == "emacsclient") {
    for (size_t i = 0; i < args.size(); ++i)
      if (long_value(args, i, "--eval", v) || (args[i].text == "-eval" && short_value(args, i, "-eval", v)))
        editor_command(v, out);
  } else if (p == "sqlite3" || p == "psql" || p == "mysql" || p == "mariadb" || p == "duckdb") {
    auto scan = [&](std::string_view t) {
      for (std::string_view m : {".shell ", ".system ", "\\! ", "\\!", "system "}) {
        size_t at = t.find(m);
        if (at != std::string_view::npos && (m != "system " || at == 0 || t[at - 1] == '\n' || t[at - 1] == ';')) {
          out.emplace_back(trim(t.substr(at + m.size(), t.find('\n', at) - at - m.size())));
          return;
        }
      }
    };
    for (const Arg& a : args) scan(a.text);
    if (!cmd.stdin_text.empty()) scan(cmd.stdin_text);
  } else if (p == "gdb" || p == "cgdb") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (!(long_value(args, i, "--eval-command", v) || long_value(args, i, "-ex", v) ||
            long_value(args, i, "--ex", v) || long_value(args, i, "-iex", v)))
        continue;
      std::string_view t = trim(v);
      if (starts_with(t, "!")) out.emplace_back(t.substr(1));
      else if (starts_with(t, "shell ")) out.emplace_back(t.substr(6));
      else if (starts_with(t, "python") && (t.find("system") != std::string_view::npos ||
                                             t.find("subprocess") != std::string_view::npos))
        out.push_back(first_literal(t));
    }
  } else if (p == "script") {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& t = args[i].text;
      if (long_value(args, i, "--command", v)) out.push_back(v);
      else if (t.size() >= 2 && t[0] == '-' && t[1] != '-' && t.back() == 'c' && i + 1 < args.size())
        out.push_back(args[++i].text);
    }
  } else if (p == "make" || p == "gmake") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (long_value(args, i, "--eval", v) || (args[i].text == "-E" && short_value(args, i, "-E", v))) {
        make_recipes(v, out);
      } else if ((args[i].text == "-f" || args[i].text == "--file" || args[i].text == "--makefile") &&
                 i + 1 < args.size()) {
        std::string_view f = args[++i].text;
        if ((f == "-" || f == "/dev/stdin") && !cmd.stdin_text.empty()) make_recipes(cmd.stdin_text, out);
        else if (f == "-" || f == "/dev/stdin") out.emplace_back();
      }
    }
  } else if (p == "sed" || p == "gsed") {
    std::vector<std::string_view> scripts;
    bool explicit_script = false;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].text == "-e" || args[i].text == "--expression") {
        explicit_script = true;
        if (i + 1 < args.size()) scripts.push_back(args[++i].text);
      } else if (starts_with(args[i].text, "--expression=")) {
        explicit_script = true;
        scripts.push_back(std::string_view(args[i].text).substr(13));
      } else if (args[i].text == "-f" || args[i].text == "--file") {
        explicit_script = true;
        ++i;
      }
    }
    if (!explicit_script)
      for (const Arg& a : args)
        if (a.text.empty() || a.text[0] != '-') {
          scripts.push_back(a.text);
          break;
        }
    for (std::string_view s : scripts) {
      SedScript sc = scan_sed(s);
      for (std::string& e : sc.exec) out.push_back(e);
    }
  }
  return out;
}

}  // namespace vg
