#include "core/audit_chain.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/sha256.h"

namespace vg {
namespace {

constexpr std::string_view kSeq = ",\"seq\":";
constexpr std::string_view kPrev = ",\"prev_hash\":\"";
constexpr std::string_view kHash = ",\"hash\":\"";
constexpr std::string_view kHmac = "\",\"hmac\":\"";

std::string to_hex(const std::array<std::uint8_t, 32>& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A stored line taken apart: the sealed text and the fields the chain added.
struct Sealed {
  std::string text;  // what hash and hmac cover
  std::uint64_t seq = 0;
  std::string prev, hash, hmac;
};

// False when the line does not end in chain fields (an old record, or a mangled one).
bool split_sealed(std::string_view line, Sealed& s) {
  if (line.size() < 2 || line.back() != '}' || line[line.size() - 2] != '"') return false;
  size_t h = line.rfind(kHash);
  if (h == std::string_view::npos) return false;
  std::string_view tail = line.substr(h + kHash.size(), line.size() - 2 - h - kHash.size());
  if (size_t m = tail.find(kHmac); m != std::string_view::npos) {
    s.hmac = tail.substr(m + kHmac.size());
    tail = tail.substr(0, m);
    if (!is_hex64(s.hmac)) return false;
  }
  if (!is_hex64(tail)) return false;
  s.hash = tail;
  s.text = std::string(line.substr(0, h)) + "}";
  // ...,"seq":N,"prev_hash":"P"}
  std::string_view body = std::string_view(s.text).substr(0, s.text.size() - 2);
  size_t p = body.rfind(kPrev);
  size_t q = body.rfind(kSeq);
  if (p == std::string_view::npos || q == std::string_view::npos || q > p) return false;
  s.prev = body.substr(p + kPrev.size());
  if (!s.prev.empty() && !is_hex64(s.prev)) return false;
  std::string digits(body.substr(q + kSeq.size(), p - q - kSeq.size()));
  if (digits.empty() || digits.size() > 19 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return false;
  s.seq = std::strtoull(digits.c_str(), nullptr, 10);
  return true;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::string k(key);
  if (k.size() > 64) {
    Sha256 kh;
    kh.update(k);
    auto d = kh.digest();
    k.assign(d.begin(), d.end());
  }
  k.resize(64, '\0');
  std::string ipad = k, opad = k;
  for (char& c : ipad) c ^= 0x36;
  for (char& c : opad) c ^= 0x5c;
  Sha256 inner;
  inner.update(ipad);
  inner.update(data);
  auto id = inner.digest();
  Sha256 outer;
  outer.update(opad);
  outer.update(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
  return to_hex(outer.digest());
}

std::string seal_audit_line(std::string_view json_line, ChainHead& head, std::string_view key) {
  std::string body(json_line);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  if (!body.empty() && body.back() == '}') body.pop_back();
  std::uint64_t seq = head.seq + 1;
  std::string sealed = fmt::format("{}{}{}{}{}\"}}", body, body == "{" ? kSeq.substr(1) : kSeq, seq, kPrev,
                                   head.hash);
  std::string hash = sha256_hex(sealed);
  std::string out = sealed.substr(0, sealed.size() - 1) + std::string(kHash) + hash;
  if (!key.empty()) out += std::string(kHmac) + hmac_sha256_hex(key, sealed);
  out += "\"}";
  head.seq = seq;
  head.hash = hash;
  return out;
}

bool chain_head_of_line(std::string_view line, ChainHead& out) {
  Sealed s;
  if (!split_sealed(line, s)) return false;
  out.seq = s.seq;
  out.hash = s.hash;
  return true;
}

// Fixed width, so the head is rewritten in place without truncating it (ext4 flushes a
// file written after a truncation to zero on close: milliseconds per record).
std::string format_chain_head(const ChainHead& head) {
  return fmt::format("{:019} {:<64}\n", head.seq, head.hash.empty() ? std::string(64, '0') : head.hash);
}

bool parse_chain_head(std::string_view text, ChainHead& out) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  size_t sp = text.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string digits(text.substr(0, sp));
  if (digits.empty() || digits.size() > 19 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return false;
  std::string_view hash = text.substr(sp + 1);
  if (!is_hex64(hash)) return false;
  out.seq = std::strtoull(digits.c_str(), nullptr, 10);
  out.hash = hash;
  return true;
}

ChainReport verify_audit_lines(const std::vector<std::string>& lines, const ChainHead* head,
                               std::string_view key) {
  ChainReport r;
  r.hmac_checked = !key.empty();
  ChainHead last;          // the last chained record seen
  int last_line = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    int n = static_cast<int>(i) + 1;
    if (line.empty()) continue;
    ++r.records;
    auto problem = [&](std::string m) { r.problems.push_back({n, std::move(m)}); };
    if (!nlohmann::json::accept(line)) {
      problem("not valid JSON: the record was cut or edited");
      continue;
    }
    Sealed s;
    if (!split_sealed(line, s)) {
      if (r.chained > 0) problem("record without chain fields after chained ones: inserted or edited");
      continue;
    }
    ++r.chained;
    bool edited = sha256_hex(s.text) != s.hash;
    if (edited) problem("record edited: its hash does not match its contents");
    if (!s.hmac.empty()) ++r.with_hmac;
    if (!key.empty() && !edited) {
      if (s.hmac.empty())
        problem("record has no hmac although the session has a key: written by someone else");
      else if (hmac_sha256_hex(key, s.text) != s.hmac)
        problem("record's hmac does not match the session key: rewritten without the key");
    }
    if (s.seq == last.seq + 1 && s.prev == last.hash) {
      // in order
    } else if (s.seq <= last.seq) {
      problem(fmt::format("out of order: seq {} comes after seq {} (line {})", s.seq, last.seq, last_line));
    } else if (s.seq > last.seq + 1) {
      problem(last.seq == 0 && r.chained == 1
                  ? fmt::format("records missing before this one: the chain starts at seq {}", s.seq)
                  : fmt::format("{} record(s) missing before this one: seq jumps from {} to {}",
                                s.seq - last.seq - 1, last.seq, s.seq));
    } else {
      problem(fmt::format("chain broken: prev_hash is not the hash of the record before (line {})", last_line));
    }
    last.seq = s.seq;
    last.hash = s.hash;
    last_line = n;
  }
  if (r.chained > 0 && !head) {
    r.problems.push_back({0, "no chain head: its file was removed, so a cut-off end cannot be ruled out"});
  } else if (head && (head->seq != last.seq || head->hash != last.hash)) {
    if (head->seq > last.seq)
      r.problems.push_back({last_line + 1, fmt::format("truncated: the log ends at seq {} but its head says seq {} "
                                                       "({} record(s) removed at the end)",
                                                       last.seq, head->seq, head->seq - last.seq)});
    else
      r.problems.push_back({last_line, fmt::format("the log's last record (seq {}) is not the one its head names "
                                                   "(seq {}): records were replaced or appended outside the guard",
                                                   last.seq, head->seq)});
  }
  return r;
}

}  // namespace vg
