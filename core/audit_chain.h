// The audit trail's hash chain (tamper evidence). Every line appended to a session's
// log gets, at its end, `"seq":N,"prev_hash":P,"hash":H` and, when the session has a
// key, `"hmac":M`:
//   sealed text = the record's JSON without its closing '}' + ,"seq":N,"prev_hash":"P"}
//   H = SHA-256(sealed text), M = HMAC-SHA256(session key, sealed text), P = the
//   previous record's H ("" for the first).
// The chain proves order and completeness relative to the head file
// (<sessions>/<session>.head, "seq hash", rewritten under the log's lock); the HMAC
// proves the writer knew the key, which the agent cannot read (agent_confine.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vg {

// The last record written: what the next one chains to. seq 0 = nothing yet.
struct ChainHead {
  std::uint64_t seq = 0;
  std::string hash;
};

// HMAC-SHA256 (RFC 2104) as lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// `json_line` (one JSON object, no newline) with the chain fields added after `head`,
// which is advanced. `key` may be empty: no hmac field then.
std::string seal_audit_line(std::string_view json_line, ChainHead& head, std::string_view key);

// The chain fields of one stored line; false when it has none (an old record).
bool chain_head_of_line(std::string_view line, ChainHead& out);

// "seq hash" (the head file's text) and back; false when `text` is not one.
std::string format_chain_head(const ChainHead& head);
bool parse_chain_head(std::string_view text, ChainHead& out);

// One problem found by verify_audit_lines, at `line` (1-based; 0 = the file as a whole).
struct ChainProblem {
  int line = 0;
  std::string message;
};

struct ChainReport {
  int records = 0;       // non-empty lines
  int chained = 0;       // of those, with chain fields
  int with_hmac = 0;     // of those, with an hmac (checked when the key is known)
  bool hmac_checked = false;
  std::vector<ChainProblem> problems;
};

// Check a session's lines in file order against themselves, `head` (nullptr: no head
// file) and `key` ("" = not known). Lines before the first chained one are old,
// unchained records and not a problem; everything else that does not follow is.
ChainReport verify_audit_lines(const std::vector<std::string>& lines, const ChainHead* head,
                               std::string_view key);

}  // namespace vg
