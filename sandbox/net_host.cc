#include "sandbox/net_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace vg::sandbox {

namespace {

bool name_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;  // "a..b", ".a"
      label = 0;
    } else if (!name_byte(c) || ++label > 63) {
      return false;
    }
  }
  return label > 0;
}

}  // namespace

bool canonical_host(std::string_view raw, Host& out) {
  out = Host{};
  std::string s(raw);
  char text[INET6_ADDRSTRLEN];
  const bool bracketed = s.size() > 2 && s.front() == '[' && s.back() == ']';
  if (bracketed || s.find(':') != std::string::npos) {
    if (bracketed) s = s.substr(1, s.size() - 2);
    in6_addr v6;
    // inet_pton reads the whole string: an embedded NUL ends c_str() early, so refuse it first.
    if (s.find('\0') != std::string::npos || inet_pton(AF_INET6, s.c_str(), &v6) != 1) return false;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {  // ::ffff:a.b.c.d is a.b.c.d: one address, one form
      out = {Host::Kind::V4, inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text)};
      return true;
    }
    out = {Host::Kind::V6, inet_ntop(AF_INET6, &v6, text, sizeof text)};
    return true;
  }
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (!valid_name(s)) return false;
  // Only name bytes are left, no space or NUL: inet_aton reads exactly what getaddrinfo
  // would take for an IPv4 address.
  in_addr v4;
  if (inet_aton(s.c_str(), &v4) != 0) {
    out = {Host::Kind::V4, inet_ntop(AF_INET, &v4, text, sizeof text)};
    return true;
  }
  out = {Host::Kind::Name, s};
  return true;
}

std::string printable_host(std::string_view raw) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += ch;
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace vg::sandbox
