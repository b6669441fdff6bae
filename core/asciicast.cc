#include "core/asciicast.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

namespace vg {
namespace {

struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool open = false;  // reaches the end of the buffer: it may go on in the next chunk
};

bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// A prefix followed by at least `min_body` token characters.
struct Shape {
  std::string_view prefix;
  size_t min_body;
};
constexpr Shape kShapes[] = {
    {"ghp_", 20}, {"gho_", 20}, {"ghu_", 20}, {"ghs_", 20}, {"ghr_", 20}, {"github_pat_", 20},
    {"AKIA", 16}, {"ASIA", 16}, {"xoxb-", 10}, {"xoxp-", 10}, {"xoxa-", 10}, {"xoxr-", 10},
    {"xoxs-", 10}, {"sk-", 20}, {"glpat-", 20},
};

constexpr std::string_view kPemBegin = "-----BEGIN ";
constexpr std::string_view kPemKey = "PRIVATE KEY-----";
constexpr std::string_view kPemEnd = "-----END ";
constexpr size_t kPemMax = 16 * 1024;  // a key block longer than this is cut at the buffer's end

// glibc's memmem: string_view::find compares at every 'A' of a base64 stream for "AKIA".
size_t find_in(std::string_view hay, std::string_view needle, size_t from) {
  if (from >= hay.size()) return std::string_view::npos;
  const void* p = memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return p ? static_cast<size_t>(static_cast<const char*>(p) - hay.data()) : std::string_view::npos;
}

// `before`: the byte written just before `buf` (0 = none), so a word cut at the chunk's
// start is still seen as one word.
void find_shapes(std::string_view buf, char before, std::vector<Span>& out) {
  for (const Shape& s : kShapes) {
    for (size_t at = find_in(buf, s.prefix, 0); at != std::string_view::npos; at = find_in(buf, s.prefix, at + 1)) {
      char prev = at > 0 ? buf[at - 1] : before;
      if (token_char(prev) && prev != '-') continue;  // inside a longer word
      size_t end = at + s.prefix.size();
      while (end < buf.size() && token_char(buf[end])) ++end;
      bool open = end == buf.size();
      if (end - at - s.prefix.size() >= s.min_body || open) out.push_back({at, end, open});
      at = end - 1;
    }
  }
  for (size_t at = find_in(buf, kPemBegin, 0); at != std::string_view::npos; at = find_in(buf, kPemBegin, at + 1)) {
    size_t line_end = buf.find('\n', at);
    std::string_view head = buf.substr(at, line_end == std::string_view::npos ? std::string_view::npos : line_end - at);
    if (head.find(kPemKey) == std::string_view::npos) {
      if (line_end == std::string_view::npos && head.size() < 80) out.push_back({at, buf.size(), true});
      continue;
    }
    size_t end_at = buf.find(kPemEnd, at + head.size());
    size_t end = end_at == std::string_view::npos ? std::string_view::npos : buf.find(kPemKey, end_at);
    if (end == std::string_view::npos) {
      out.push_back({at, buf.size(), buf.size() - at < kPemMax});
      break;
    }
    out.push_back({at, end + kPemKey.size(), false});
    at = end;
  }
}

void find_values(std::string_view buf, const std::vector<std::string>& values, std::vector<Span>& out) {
  for (const std::string& v : values)
    for (size_t at = find_in(buf, v, 0); at != std::string_view::npos; at = find_in(buf, v, at + v.size()))
      out.push_back({at, at + v.size(), false});
}

// The length of the longest end of `buf` that is a proper start of `needle`.
size_t partial_tail(std::string_view buf, std::string_view needle) {
  if (needle.empty()) return 0;
  size_t longest = std::min(buf.size(), needle.size() - 1);
  for (size_t p = buf.size() - longest; p < buf.size(); ++p)
    if (buf[p] == needle[0] && needle.starts_with(buf.substr(p))) return buf.size() - p;
  return 0;
}

// The bytes of a UTF-8 character at the end of `buf` that still lacks some.
size_t incomplete_utf8_tail(std::string_view buf) {
  for (size_t back = 1; back <= 3 && back <= buf.size(); ++back) {
    auto c = static_cast<unsigned char>(buf[buf.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

// `buf` with every span that ends before `cut` replaced by ***.
std::string replace_spans(std::string_view buf, std::vector<Span>& spans, size_t cut) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(cut);
  size_t pos = 0;
  for (const Span& s : spans) {
    if (s.begin >= cut) break;
    if (s.end <= pos) continue;  // inside one already masked
    size_t b = std::max(s.begin, pos);
    out.append(buf.substr(pos, b - pos));
    out += "***";
    pos = std::min(s.end, cut);
  }
  if (pos < cut) out.append(buf.substr(pos, cut - pos));
  return out;
}

}  // namespace

SecretMasker::SecretMasker(std::vector<std::string> values) : values_(std::move(values)) {}

std::string SecretMasker::feed(std::string_view data) {
  pending_.append(data);
  return take(false);
}

std::string SecretMasker::flush() { return take(true); }

std::string SecretMasker::take(bool final) {
  std::string_view buf = pending_;
  std::vector<Span> spans;
  find_shapes(buf, before_, spans);
  find_values(buf, values_, spans);
  size_t cut = buf.size();
  if (!final) {
    // Keep back the longest end of the buffer that could be the start of a secret.
    for (const Shape& sh : kShapes) cut = std::min(cut, buf.size() - partial_tail(buf, sh.prefix));
    cut = std::min(cut, buf.size() - partial_tail(buf, kPemBegin));
    for (const std::string& v : values_) cut = std::min(cut, buf.size() - partial_tail(buf, v));
    cut = std::min(cut, buf.size() - incomplete_utf8_tail(buf));
    // Never cut through a secret, nor keep back half of one, nor split a UTF-8 character.
    for (size_t before = buf.size() + 1; before != cut;) {
      before = cut;
      for (const Span& s : spans)
        if ((s.open || s.end > cut) && s.begin < cut) cut = s.begin;
      while (cut > 0 && cut < buf.size() && (static_cast<unsigned char>(buf[cut]) & 0xC0) == 0x80) --cut;
    }
  }
  std::string out = replace_spans(buf, spans, cut);
  if (cut > 0) before_ = pending_[cut - 1];
  pending_.erase(0, cut);
  return out;
}

std::string mask_secrets(std::string_view text, const std::vector<std::string>& values) {
  SecretMasker m(values);
  std::string out = m.feed(text);
  return out + m.flush();
}

std::string asciicast_header(const CastHeader& h) {
  nlohmann::json j = {{"version", 2}, {"width", h.width}, {"height", h.height}, {"timestamp", h.timestamp}};
  j["env"] = {{"SHELL", h.shell}, {"TERM", h.term}};
  if (!h.title.empty()) j["title"] = h.title;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string asciicast_event(double seconds, std::string_view code, std::string_view data) {
  char t[32];
  std::snprintf(t, sizeof t, "%.6f", seconds);
  nlohmann::json d = std::string(data);
  return "[" + std::string(t) + ", \"" + std::string(code) + "\", " +
         d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "]\n";
}

}  // namespace vg
