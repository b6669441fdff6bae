// The normalizer: walks a parse tree and turns every simple command, wherever it sits
// (pipelines, lists, compound bodies, functions, substitutions, `sh -c` strings, eval,
// here-docs fed to a shell, shell calls inside `python -c`...), into a Cmd: the real
// program after unwrapping sudo/env/xargs/find -exec..., its arguments with known
// variables substituted, and where its stdin comes from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/analyze.h"
#include "core/shell_parse.h"

namespace vg {

// Stands in a resolved value for a piece only known at run time ($X, $(..)).
inline constexpr char kUnknown = '\x01';

// Where the bytes on a command's stdin come from, as far as the line tells.
enum class Source {
  None,     // terminal or nothing
  Literal,  // text written in the line (echo, here-doc, here-string): stdin_text holds it
  Network,  // fetched from the network (curl, wget, nc...)
  Decoded,  // decoded or unpacked data (base64 -d, xxd -r, printf '\x..'); text when known
  Secrets,  // environment dumps or credential files
  Paths,    // file names (find, ls, echo PATH): stdin_paths holds their roots
  Unknown,  // some other program's output or a file
};

struct Arg {
  std::string text;   // as the shell would pass it, expansions in source form ($X)
  std::string value;  // resolved: ~ and $HOME expanded, known variables substituted,
                      // each unknown piece replaced by kUnknown
  bool dynamic = false;  // some piece only known at run time
  bool glob = false;     // contains an unquoted glob
  bool subtree = false;  // stands for everything below value (find roots via {} or xargs)
  bool code_from_network = false;  // contains $(..)/<(..) whose output is fetched code
  bool code_decoded = false;       // contains $(..)/<(..) whose output is decoded data
  bool from_variable = false;      // contains a variable whose value is not known here
  // The word is one $(..) or <(..) whose output the line shows ($(echo rm), <(echo ..)):
  // that output, so a command word, eval or source of it can be judged.
  bool subst_known = false;
  std::string subst_text;
};

struct Redir {
  int fd = -1;
  std::string op;
  Arg target;
};

struct Cmd {
  std::string program;       // basename after unwrapping; "" when only known at run time
  std::string program_text;  // the program word as written
  bool program_dynamic = false;
  std::vector<Arg> args;     // arguments after the program
  std::vector<Redir> redirects;
  std::vector<std::string> wrappers;  // unwrapped wrappers, outermost first
  std::vector<Arg> env;      // NAME=value words before the program (GIT_PAGER=.. git log)
  // Commands the program runs through its options, scripts or environment
  // (git -c core.pager=.., tar --to-command=.., less +!..): each also walked as a command.
  std::vector<std::string> option_code;
  bool privileged = false;   // ran through sudo, doas, su, pkexec
  bool obfuscated = false;   // program name hidden by quoting, escapes or variables
  Source stdin_source = Source::None;
  std::string stdin_text;    // Literal / Decoded with known text
  std::vector<Arg> stdin_paths;  // Source::Paths
  bool stdout_piped = false; // stdout feeds the next command of a pipeline
  std::string cwd;           // effective cwd; empty when unknown (after `cd $X`)
  int line = 1;
  int depth = 0;             // 0 for the line itself, +1 per sh -c / eval / substitution
  std::string via;           // what embedded it: "sh -c", "eval", "python -c", "xargs"...
  // A function definition (`f() {..}`): the name it defines. The command itself is a
  // `:` with no program text, left out of the normalized commands; its body is walked.
  std::string defines_function;

  // Flag helpers. Short flags may be combined (-rf); long ones may carry =value.
  bool has_short(char c) const;
  bool has_long(std::string_view name) const;  // name without leading --
  bool has_flag(char c, std::string_view long_name) const {
    return has_short(c) || (!long_name.empty() && has_long(long_name));
  }
  bool has_arg(std::string_view text) const;
  // Arguments that are not options (do not start with -, or come after --).
  std::vector<const Arg*> operands() const;
  // First operand (subcommand), lower-case compare helpers.
  std::string operand(size_t i) const;
  // Value of an option given as `-o V`, `-oV`, `--opt V` or `--opt=V`; nullptr if absent.
  const Arg* option_value(std::string_view short_or_long) const;
  // The command as normalized text: program, split short flags, arguments.
  std::string normalized() const;
};

// Things the walk noticed that are not about one command.
struct WalkNotes {
  bool fork_bomb = false;
  bool depth_exceeded = false;
  bool eval_dynamic = false;     // eval / sh -c of a string only known at run time
  bool ifs_trick = false;        // $IFS used as a word separator
  bool hex_escaped_program = false;
  bool inline_runs_commands = false;     // python -c / perl -e / awk code starts programs
  bool inline_decodes_and_runs = false;  // ... runs code it decodes or assembles
  bool inline_socket = false;            // ... opens a network connection or listener
  std::vector<std::string> parse_errors;  // embedded strings that did not parse
};

// Normalize a parsed script into commands in execution order.
std::vector<Cmd> normalize(const Script& script, const AnalyzeContext& ctx, WalkNotes& notes);

// The same, one result per top-level statement; variables and cwd carry over.
struct NormalizedItem {
  std::vector<Cmd> cmds;
  WalkNotes notes;
};
std::vector<NormalizedItem> normalize_items(const Script& script, const AnalyzeContext& ctx);

// Helpers shared with the rules.
std::string_view basename_of(std::string_view path);
std::string lower(std::string_view s);
bool is_shell(std::string_view program);        // sh bash zsh dash ksh ...
bool is_interpreter(std::string_view program);  // python perl ruby node php ...
// Shell fragments that code in another language runs (os.system("..."), `...`,
// child_process.exec('...')), and the paths it deletes (shutil.rmtree, fs.rmSync...).
struct EmbeddedCode {
  std::vector<std::string> shell;
  std::vector<std::string> deleted;          // literal paths
  bool deletes_recursively = false;
  bool deletes_dynamic = false;              // deletion of a path only known at run time
  bool runs_dynamic_shell = false;           // os.system(var)
  bool runs_commands = false;                // starts programs or a shell at all
  bool decodes_and_runs = false;             // exec/eval of decoded, built or hidden code
  bool opens_socket = false;                 // connects or listens on a network socket
};
EmbeddedCode scan_embedded_code(std::string_view code);
// Commands a program runs through its options, scripts or environment (normalize_options.cc);
// an empty string stands for code the line does not show (core.hooksPath, BASH_ENV=file).
std::vector<std::string> option_code_of(const Cmd& cmd);
// What a sed script runs (`e`, s///e) and the files it writes (`w`, s///w).
struct SedScript {
  std::vector<std::string> exec;
  std::vector<std::string> writes;
  bool runs = false;
};
SedScript scan_sed(std::string_view script);
// What an awk program runs (system(), print | "cmd", "cmd" | getline) and whether it
// opens a network connection (/inet/tcp).
struct AwkProgram {
  std::vector<std::string> shell;  // "" for a command only known at run time
  bool network = false;
};
AwkProgram scan_awk(std::string_view program);

// Decode standard or URL-safe base64; false when the text is not base64.
bool decode_base64(std::string_view in, std::string& out);

}  // namespace vg
