// The one question vectra-guard asks a person: the shell hooks and `exec` both use it,
// so the wording, the accepted answers and the default (Enter = no) cannot drift apart.
// It is asked on /dev/tty, never on the command's stdin (that may be data piped in).
#pragma once

#include <string>
#include <vector>

#include "core/analyze.h"
#include "core/policy.h"

namespace vg::cli {

enum class Reply { Once, Remember, Sandbox, No };

// Asks whether to run `line` (risk and one line per finding, then `notes`). Typed-ahead
// input is discarded first; only whole words count (y/yes, r, s, n/no, any case; Enter
// = no); anything else is asked again, a few times, then taken as no. No terminal, end
// of input or VG_PROMPT_TIMEOUT seconds (default 120) without an answer: no.
// `can_remember`: offer [r] (else r is not accepted).
Reply ask_to_run(const std::string& line, const Decision& d, bool can_remember,
                 const std::vector<std::string>& notes = {});

// The word typed at the prompt -> its reply; false when it is not one of the answers.
bool parse_reply(const std::string& typed, bool can_remember, Reply& out);

// Whether [r] can be offered: the line has a trust text and is not critical.
bool can_remember(const Analysis& a, const Decision& d);

// Stores the line in the trust store for `workspace`. On failure `notice` says why
// (the line then runs once); on success it holds the confirmation.
bool remember_line(const Analysis& a, const Decision& d, const std::string& workspace, std::string& notice);

}  // namespace vg::cli
