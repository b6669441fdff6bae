// Session recordings in asciicast v2, the format asciinema plays: one JSON header line,
// then one `[seconds, "o"|"i", data]` line per event (seconds since the start).
// Secrets are masked before anything is written (SecretMasker).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vg {

// Replaces the given values (secret environment variables) and known token shapes
// (ghp_..., github_pat_..., AKIA..., xox[bpars]-..., sk-..., PEM private keys) by "***"
// in a stream of chunks. An end of a chunk that may be the start of a secret (a token
// still growing, "gh", the first bytes of a value) is kept back until the next chunk,
// so a secret split across two reads is still masked.
class SecretMasker {
 public:
  explicit SecretMasker(std::vector<std::string> values);
  // The masked text that can be written now.
  std::string feed(std::string_view data);
  // Everything still kept back, masked (end of stream, or the stream went idle).
  std::string flush();
  bool holding() const { return !pending_.empty(); }

 private:
  std::string take(bool final);

  std::vector<std::string> values_;
  std::string pending_;
  char before_ = 0;  // the last byte handed out
};

// The whole text masked at once.
std::string mask_secrets(std::string_view text, const std::vector<std::string>& values);

struct CastHeader {
  int width = 80;
  int height = 24;
  long long timestamp = 0;  // unix seconds
  std::string shell;
  std::string term;
  std::string title;
};

// One line each, with the trailing newline. Invalid UTF-8 becomes U+FFFD.
std::string asciicast_header(const CastHeader& h);
std::string asciicast_event(double seconds, std::string_view code, std::string_view data);

}  // namespace vg
