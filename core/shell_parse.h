// The shell parser: POSIX sh + bash syntax -> a tree of lists, pipelines and commands.
// It never throws; on bad input it returns what it could parse plus an error.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vg {

struct Script;

// One piece of a word, in source order.
enum class PartKind {
  Literal,       // text after quote removal (also decoded $'..' and \x escapes)
  Param,         // $NAME, ${NAME...}, $1, $@ ... text = the parameter name ("HOME", "1", "@")
  CommandSubst,  // $(..) or `..`     text = inner source, script = parsed inner source
  ProcessSubst,  // <(..) or >(..)    text = inner source, script = parsed inner source
  Arith,         // $((..))           text = inner source
  Glob,          // unquoted * ? [..] text = the glob characters
  Tilde,         // leading unquoted ~ or ~user; text = user name ("" for plain ~)
  BraceExpand,   // unquoted {a,b} or {1..3}; text = the brace text as written
};

// Expansions nested inside ${..} and $((..)) (e.g. ${X:-$(cmd)}) follow their Param / Arith
// part as extra parts, so every command substitution in a word is visible in `parts`.
struct WordPart {
  PartKind kind = PartKind::Literal;
  std::string text;
  bool quoted = false;  // inside '..', "..", or $'..': no field splitting or globbing
  std::shared_ptr<Script> script;  // CommandSubst / ProcessSubst only
};

struct Word {
  std::string raw;    // exactly as written in the source
  std::string value;  // quote-removed; expansions kept in source form: "$HOME"/ -> $HOME/
  std::vector<WordPart> parts;

  // True when any part is not a literal: its value is only known at run time.
  bool dynamic() const;
};

struct Redirect {
  int fd = -1;             // explicit fd number, -1 when not written
  std::string op;          // > >> < << <<- <<< >& <& <> >| &> &>>
  Word target;             // file, fd, here-string word, or here-doc delimiter
  std::string heredoc;     // body of a << / <<- here-doc
  bool heredoc_expands = false;  // delimiter unquoted: body undergoes expansion
  std::string fd_var;            // {var}>file form: the variable name ("" otherwise)
  // Expansions found in an unquoted here-doc body ($x, $(..), `..`): the commands
  // a here-doc runs when it is read.
  std::vector<WordPart> heredoc_parts;
  int heredoc_id = -1;           // parser bookkeeping while the body is pending; -1 after
};

struct SimpleCommand {
  std::vector<Word> assignments;  // leading NAME=value words
  std::vector<Word> words;        // argv: program then arguments
  std::vector<Redirect> redirects;
  int line = 1;                   // 1-based line of the first word
};

enum class CommandKind {
  Simple,
  Subshell,     // ( list )
  Group,        // { list; }
  If,           // bodies: cond, then, [elif-cond, elif-then]..., [else]
  For,          // name = variable, words = items; bodies: body  (also C-style for: words = the (( )) text)
  While,        // bodies: cond, body
  Until,        // bodies: cond, body
  Case,         // words[0] = subject, then the patterns; bodies: one per arm
  Select,       // like For
  FunctionDef,  // name = function name; bodies: body
  Arith,        // (( expr )): words[0] = expression text
  Cond,         // [[ expr ]]: words = the words inside
};

struct Command {
  CommandKind kind = CommandKind::Simple;
  SimpleCommand simple;                         // kind == Simple
  std::vector<std::shared_ptr<Script>> bodies;  // nested lists of compound commands
  std::vector<Word> words;                      // see CommandKind
  std::string name;                             // function / loop variable name
  std::vector<Redirect> redirects;              // redirections on a compound command
  int line = 1;
};

struct Pipeline {
  std::vector<Command> commands;  // a | b | c  (|& counts as |)
  bool negated = false;           // leading !
};

// pipeline [&& or || pipeline]... terminated by ; & or newline.
struct AndOr {
  std::vector<Pipeline> pipelines;
  std::vector<std::string> ops;  // "&&" or "||", ops.size() == pipelines.size() - 1
  bool background = false;       // ended by &
  int line = 1;
};

struct Script {
  std::vector<AndOr> items;
};

struct ParseResult {
  Script script;       // everything that could be parsed, also on error
  bool ok = true;
  std::string error;   // first error, one sentence, e.g. "unterminated single quote"
  int error_line = 0;
};

// Parse shell source (one line or a whole script).
ParseResult parse_shell(std::string_view source);

}  // namespace vg
