// A destination host made canonical once, so that the restricted network's policy judges
// and vg-proxy connects to the same thing (a host name must not mean one thing to the
// allow check and another to the resolver).
//
//   name   letters, digits, '-', '_' in dot-separated labels (1-63 bytes each, 253 in all);
//          lower-cased, one trailing dot dropped. Nothing else: no control characters
//          or NUL, spaces, '%', '@', '/', '\', non-ASCII (IDNs come as punycode).
//   IPv4   every form inet_aton(3) (and so getaddrinfo) reads as an address: dotted
//          decimal, octal, hex, 1 to 4 parts ("2130706433", "127.1", "0x7f.1",
//          "0177.0.0.1"), written back as a dotted quad.
//   IPv6   "[addr]" or bare, written back as inet_ntop does; an IPv4-mapped one
//          (::ffff:a.b.c.d) is that IPv4 address.
#pragma once

#include <string>
#include <string_view>

namespace vg::sandbox {

struct Host {
  enum class Kind { Name, V4, V6 };
  Kind kind = Kind::Name;
  std::string text;  // the canonical form; an IPv6 address without brackets
  bool is_address() const { return kind != Kind::Name; }
};

// false when `raw` is no host name or address (see above).
bool canonical_host(std::string_view raw, Host& out);

// `raw` fit for a log line: bytes outside printable ASCII as \xNN.
std::string printable_host(std::string_view raw);

}  // namespace vg::sandbox
