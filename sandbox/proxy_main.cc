// vg-proxy: the host side of the `restricted` network. It admits only the destinations
// the policy (sandbox/net_policy.h) allows, resolving names itself and connecting to the
// very address it checked (no second lookup: DNS rebinding cannot slip past the guard).
//
//   vg-proxy --policy JSON --proxy-port P [--control-fd N] [--listen-fd N]
//            [--report-fd N] [--parent PID]
//
// Connections arrive two ways. --control-fd: a unix SOCK_SEQPACKET socket over which the
// sandbox's init (vg-init) hands us each TCP connection it accepted inside the sandbox's
// network namespace (SCM_RIGHTS), tagged with the port it was accepted on: P = an HTTP
// proxy client; any other = a port of allow_localhost_ports, relayed to 127.0.0.1 there.
// --listen-fd: a TCP socket on the host's loopback we accept on ourselves (Landlock mode).
//
// Served: HTTP `CONNECT host:port` (TLS) and plain HTTP with absolute URIs (rewritten to
// origin form, body streamed), and on the same port SOCKS5 CONNECT without authentication.
// A refusal gets 403 (SOCKS5: reply 2) and one line on stderr, the only place that says why
// (the HTTP answer has no body, which curl would print as a second line); an unreachable
// host 502 (SOCKS5: reply 4). Each distinct refusal is also a JSON line on --report-fd for the audit log.
// One thread per direction of a connection, copying between the two sockets; it exits when the
// control socket closes (the sandbox ended) or its parent dies.
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/net_host.h"
#include "sandbox/net_policy.h"
#include "sandbox/proxy_confine.h"
#include "sandbox/registries.h"

using vg::sandbox::Host;
using vg::sandbox::NetDecision;
using vg::sandbox::NetPolicy;

namespace {

NetPolicy g_policy;
int g_proxy_port = 0;
int g_report_fd = -1;
std::mutex g_log_mutex;
std::set<std::string> g_logged;

std::vector<std::string> own_addresses();

// network_allow was empty: the hosts of the package managers configured here, looked up
// once, when vg-proxy starts (at the first connection; reading their configuration may
// ask the tools).
void expand_default_aliases() {
  std::vector<std::string> warnings;
  NetPolicy d = vg::sandbox::build_net_policy({}, {}, {}, {}, g_policy.default_aliases, vg::sandbox::registry_hosts,
                                              warnings);
  g_policy.allow.insert(g_policy.allow.end(), d.allow.begin(), d.allow.end());
}

constexpr size_t kMaxHead = 64 * 1024;
constexpr int kHeadTimeoutMs = 30000;
constexpr int kConnectTimeoutMs = 15000;
constexpr size_t kRelayBuffer = 256 * 1024;  // per direction and connection

void put_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, 5000) <= 0) return;
      continue;
    }
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// One line on stderr and one JSON line on the report fd per distinct refusal. `raw` may be
// what the client sent, control characters and all: it is logged escaped.
void log_blocked(const std::string& raw, int port, const std::string& reason) {
  const std::string host = vg::sandbox::printable_host(raw);
  std::string dest = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  std::lock_guard<std::mutex> lock(g_log_mutex);
  if (!g_logged.insert(dest + " " + reason).second) return;
  std::string line = "vectra-guard: network: blocked " + dest + " (" + reason + ")\n";
  ssize_t ignored = write(2, line.data(), line.size());
  if (g_report_fd >= 0) {
    std::string j = nlohmann::json{{"host", host}, {"port", port}, {"reason", reason}}.dump() + "\n";
    ignored = write(g_report_fd, j.data(), j.size());
  }
  (void)ignored;
}

void log_unreachable(const std::string& host, int port, const std::string& why) {
  std::string line = "vectra-guard: network: cannot reach " + host + ":" + std::to_string(port) + " (" + why + ")\n";
  std::lock_guard<std::mutex> lock(g_log_mutex);
  ssize_t ignored = write(2, line.data(), line.size());
  (void)ignored;
}

void respond(int fd, int code, const char* status, const std::string& text) {
  std::string body = text.empty() ? "" : text + "\n";
  put_all(fd, "HTTP/1.1 " + std::to_string(code) + " " + status +
                  "\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
}

// Read until the end of the request head; `rest` gets what followed it.
bool read_head(int fd, std::string& head, std::string& rest) {
  std::string buf;
  char chunk[8192];
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      head = buf.substr(0, end + 4);
      rest = buf.substr(end + 4);
      return true;
    }
    if (buf.size() > kMaxHead) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, kHeadTimeoutMs) <= 0) return false;
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
  }
}

// "host:port", "[v6]:port" or "host" (default port) -> host as written (brackets kept;
// canonical_host reads it), port.
bool split_host_port(const std::string& hp, int default_port, std::string& host, int& port) {
  port = default_port;
  if (!hp.empty() && hp[0] == '[') {
    auto close = hp.find(']');
    if (close == std::string::npos) return false;
    host = hp.substr(0, close + 1);
    if (close + 1 < hp.size()) {
      if (hp[close + 1] != ':') return false;
      std::string p = hp.substr(close + 2);
      if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
      port = std::atoi(p.c_str());
    }
    return !host.empty();
  }
  auto colon = hp.rfind(':');
  host = hp;
  if (colon != std::string::npos) {
    std::string p = hp.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    port = std::atoi(p.c_str());
    host = hp.substr(0, colon);
  }
  return !host.empty();
}

std::string numeric(const sockaddr* sa) {
  char out[INET6_ADDRSTRLEN] = "";
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, out, sizeof out);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, out, sizeof out);
  return out;
}

int connect_to(const std::string& address, int port, std::string& why) {
  sockaddr_storage ss{};
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    why = "bad address";
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    why = strerror(errno);
    return -1;
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    why = strerror(errno);
    close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int r = poll(&p, 1, kConnectTimeoutMs);
  int err = 0;
  socklen_t el = sizeof err;
  if (r <= 0) err = ETIMEDOUT;
  else getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
  if (err) {
    why = strerror(err);
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // the relay blocks in read and write
  return fd;
}

// Why open_upstream gave no connection: refused by policy, or not reachable.
struct Refusal {
  bool blocked = false;  // by the policy (else: cannot resolve or connect)
};

// Decide, resolve, check each address, connect. -1 with `refusal` filled in (and the
// stderr line written); the caller answers in its own protocol. `dest` is canonical: the
// policy judges and we connect to the same name or address.
int open_upstream(const Host& dest, int port, Refusal& refusal) {
  const std::string& host = dest.text;
  NetDecision d = vg::sandbox::decide_name(g_policy, host, port);
  if (!d.allowed) {
    log_blocked(host, port, d.reason);
    refusal.blocked = true;
    return -1;
  }
  std::vector<std::string> addresses;
  bool trusted = false;
  if (const auto* r = vg::sandbox::resolved_by_config(g_policy, host)) {
    addresses = *r;
    trusted = true;
  } else if (dest.is_address()) {
    addresses.push_back(host);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      log_unreachable(host, port, gai_strerror(rc));
      refusal.blocked = false;
      return -1;
    }
    for (addrinfo* a = res; a; a = a->ai_next) {
      std::string n = numeric(a->ai_addr);
      if (!n.empty() && std::find(addresses.begin(), addresses.end(), n) == addresses.end()) addresses.push_back(n);
    }
    freeaddrinfo(res);
  }
  std::vector<std::string> usable;
  d = vg::sandbox::decide(g_policy, host, port, addresses, trusted, &usable);
  if (!d.allowed) {
    log_blocked(host, port, d.reason);
    refusal.blocked = true;
    return -1;
  }
  std::string why;
  for (const std::string& a : usable) {
    int fd = connect_to(a, port, why);
    if (fd >= 0) return fd;
  }
  log_unreachable(host, port, why);
  refusal.blocked = false;
  return -1;
}

// One direction: read into a buffer and write it out, blocking, until `from` ends; then
// pass the half-close on. A plain copy: on loopback it measured faster than splice(2)
// through a pipe (the receiver copies either way; splice adds page bookkeeping).
void pump(int from, int to) {
  std::unique_ptr<char[]> buffer(new char[kRelayBuffer]);
  bool failed = false;
  for (;;) {
    ssize_t got = read(from, buffer.get(), kRelayBuffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      failed = got < 0;
      break;
    }
    for (ssize_t done = 0; done < got;) {
      ssize_t put = write(to, buffer.get() + done, static_cast<size_t>(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) {
        failed = true;
        break;
      }
      done += put;
    }
    if (failed) break;
  }
  if (failed) {
    // A reset on one side ends both: wake the other direction too.
    shutdown(from, SHUT_RDWR);
    shutdown(to, SHUT_RDWR);
  } else {
    shutdown(to, SHUT_WR);
  }
}

// Both directions at once: the client's on a thread of its own, the server's here.
void relay(int client, int upstream) {
  std::thread up(pump, client, upstream);
  pump(upstream, client);
  up.join();
}

// open_upstream for the host the client wrote, a refusal answered in HTTP: 400 for no
// valid host, 403 for the policy, 502 otherwise.
int open_http_upstream(int client, const std::string& raw, int port) {
  Host host;
  if (!vg::sandbox::canonical_host(raw, host)) {
    log_blocked(raw, port, "not a valid host name");
    respond(client, 400, "Bad Request",
            "vectra-guard: " + vg::sandbox::printable_host(raw) + " is not a valid host name");
    return -1;
  }
  Refusal refusal;
  int up = open_upstream(host, port, refusal);
  // The reason is on stderr already (log_blocked, log_unreachable); a body repeating it
  // would be printed by curl as a second line.
  if (up < 0) respond(client, refusal.blocked ? 403 : 502, refusal.blocked ? "Forbidden" : "Bad Gateway", "");
  return up;
}

// Exactly n bytes within the head timeout.
bool read_exact(int fd, unsigned char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, kHeadTimeoutMs) <= 0) return false;
    ssize_t r = recv(fd, out + got, n - got, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// SOCKS5 (RFC 1928), no authentication, CONNECT only: the same policy as CONNECT in
// HTTP, for tools that speak SOCKS (curl --socks5-hostname, git's socks5h:// proxies).
void serve_socks5(int client) {
  // Replies: 0 succeeded, 1 general failure, 2 not allowed by ruleset, 4 host unreachable,
  // 7 command not supported, 8 address type not supported.
  auto reply = [&](unsigned char code) {
    const unsigned char r[10] = {5, code, 0, 1, 0, 0, 0, 0, 0, 0};
    put_all(client, std::string(reinterpret_cast<const char*>(r), sizeof r));
  };
  unsigned char hello[2], methods[255];
  if (!read_exact(client, hello, 2) || hello[0] != 5 || !read_exact(client, methods, hello[1])) return;
  if (std::find(methods, methods + hello[1], 0) == methods + hello[1]) {
    put_all(client, std::string("\x05\xff", 2));  // only "no authentication" is offered
    return;
  }
  put_all(client, std::string("\x05\x00", 2));
  unsigned char req[4];
  if (!read_exact(client, req, 4) || req[0] != 5) return;
  std::string raw;
  if (req[3] == 1 || req[3] == 4) {
    unsigned char a[16];
    const bool v4 = req[3] == 1;
    if (!read_exact(client, a, v4 ? 4 : 16)) return;
    char text[INET6_ADDRSTRLEN] = "";
    inet_ntop(v4 ? AF_INET : AF_INET6, a, text, sizeof text);
    raw = text;
  } else if (req[3] == 3) {
    unsigned char len;
    char name[256];
    if (!read_exact(client, &len, 1) || len == 0 || !read_exact(client, reinterpret_cast<unsigned char*>(name), len))
      return;
    raw.assign(name, len);  // may hold NUL and control bytes: canonical_host refuses them
  } else {
    return reply(8);
  }
  unsigned char p[2];
  if (!read_exact(client, p, 2)) return;
  const int port = p[0] << 8 | p[1];
  if (req[1] != 1) return reply(7);  // BIND and UDP ASSOCIATE are not offered
  Host host;
  if (!vg::sandbox::canonical_host(raw, host)) {
    log_blocked(raw, port, "not a valid host name");
    return reply(2);
  }
  Refusal refusal;
  int up = open_upstream(host, port, refusal);
  if (up < 0) return reply(refusal.blocked ? 2 : 4);
  reply(0);
  relay(client, up);
  close(up);
}

bool header_is(const std::string& line, const char* name) {
  size_t n = std::strlen(name);
  return line.size() > n && line[n] == ':' && strncasecmp(line.c_str(), name, n) == 0;
}

void serve_http(int client) {
  std::string head, rest;
  if (!read_head(client, head, rest)) return;
  auto eol = head.find("\r\n");
  std::string request_line = head.substr(0, eol);
  auto sp1 = request_line.find(' ');
  auto sp2 = request_line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) {
    respond(client, 400, "Bad Request", "vectra-guard: not an HTTP proxy request");
    return;
  }
  std::string method = request_line.substr(0, sp1);
  std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string version = request_line.substr(sp2 + 1);
  std::string host;
  int port = 0;
  if (method == "CONNECT") {
    if (!split_host_port(target, 443, host, port) || port < 1 || port > 65535) {
      respond(client, 400, "Bad Request", "vectra-guard: CONNECT needs host:port");
      return;
    }
    int up = open_http_upstream(client, host, port);
    if (up < 0) return;
    put_all(client, "HTTP/1.1 200 Connection established\r\n\r\n");
    if (!rest.empty()) put_all(up, rest);
    relay(client, up);
    close(up);
    return;
  }
  if (strncasecmp(target.c_str(), "http://", 7) != 0) {
    respond(client, 400, "Bad Request",
            "vectra-guard: this proxy takes CONNECT for TLS and absolute http:// URIs for plain HTTP");
    return;
  }
  std::string authority = target.substr(7);
  std::string path = "/";
  if (auto slash = authority.find_first_of("/?#"); slash != std::string::npos) {
    path = authority.substr(slash);
    if (path[0] != '/') path = "/" + path;
    authority = authority.substr(0, slash);
  }
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!split_host_port(authority, 80, host, port) || port < 1 || port > 65535) {
    respond(client, 400, "Bad Request", "vectra-guard: cannot read the host of " + target);
    return;
  }
  // Origin form, our own hop-by-hop headers dropped, one request per connection (a
  // kept-alive connection could carry the next request to another host).
  std::string out = method + " " + path + " " + version + "\r\n";
  bool has_host = false;
  size_t pos = eol + 2;
  while (pos < head.size() - 2) {
    size_t e = head.find("\r\n", pos);
    std::string line = head.substr(pos, e - pos);
    pos = e + 2;
    if (header_is(line, "Proxy-Connection") || header_is(line, "Proxy-Authorization") ||
        header_is(line, "Connection") || header_is(line, "Keep-Alive"))
      continue;
    if (header_is(line, "Host")) has_host = true;
    out += line + "\r\n";
  }
  if (!has_host) out += "Host: " + authority + "\r\n";
  out += "Connection: close\r\n\r\n";
  int up = open_http_upstream(client, host, port);
  if (up < 0) return;
  put_all(up, out + rest);
  relay(client, up);
  close(up);
}

void serve_local(int client, int port) {
  Refusal refusal;
  int up = open_upstream(Host{Host::Kind::Name, "localhost"}, port, refusal);
  if (up >= 0) {
    relay(client, up);
    close(up);
  }
}

void serve(int client, int tag) {
  int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (tag != g_proxy_port) {
    serve_local(client, tag);
  } else {
    // One port for both: a SOCKS5 greeting starts with byte 5, an HTTP request with a letter.
    unsigned char first = 0;
    pollfd p{client, POLLIN, 0};
    if (poll(&p, 1, kHeadTimeoutMs) > 0 && recv(client, &first, 1, MSG_PEEK) == 1 && first == 5)
      serve_socks5(client);
    else
      serve_http(client);
  }
  close(client);
}

std::vector<std::string> own_addresses() {
  std::vector<std::string> out;
  ifaddrs* ifs = nullptr;
  if (getifaddrs(&ifs) != 0) return out;
  for (ifaddrs* i = ifs; i; i = i->ifa_next)
    if (i->ifa_addr && (i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6)) {
      std::string n = numeric(i->ifa_addr);
      if (!n.empty()) out.push_back(n);
    }
  freeifaddrs(ifs);
  return out;
}

[[noreturn]] void usage(const char* what) {
  std::fprintf(stderr, "vg-proxy: %s; vg-proxy is started by vectra-guard only.\n", what);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int control_fd = -1, listen_fd = -1;
  long parent = 0;
  std::string policy_json;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage(("option " + a + " needs a value").c_str());
    const char* v = argv[++i];
    if (a == "--policy") policy_json = v;
    else if (a == "--proxy-port") g_proxy_port = std::atoi(v);
    else if (a == "--control-fd") control_fd = std::atoi(v);
    else if (a == "--listen-fd") listen_fd = std::atoi(v);
    else if (a == "--report-fd") g_report_fd = std::atoi(v);
    else if (a == "--parent") parent = std::atol(v);
    else usage(("unknown option " + a).c_str());
  }
  // Die with the sandbox's supervisor, and not outlive a parent already gone.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (parent > 0 && getppid() != parent) return 0;
  signal(SIGPIPE, SIG_IGN);
  // Out of the terminal's reach: a Ctrl-C or Ctrl-Z typed in `sandbox shell` is for the
  // command, and must not stop the network under it.
  setsid();
  if ((control_fd < 0) == (listen_fd < 0)) usage("give exactly one of --control-fd and --listen-fd");
  if (g_proxy_port <= 0) usage("--proxy-port is missing");
  std::string error;
  if (!vg::sandbox::net_policy_from_json(policy_json, g_policy, error)) usage(error.c_str());
  if (g_report_fd >= 0) fcntl(g_report_fd, F_SETFL, fcntl(g_report_fd, F_GETFL) | O_NONBLOCK);

  // Everything that needs the filesystem or another program, now (we are started at the
  // first connection anyway): the host's addresses, the registries behind @aliases (read
  // from the package managers' configuration, or by asking them), and the resolver's
  // NSS modules. Then confine ourselves before reading a byte from the sandbox.
  for (const std::string& a : own_addresses()) g_policy.self_addresses.push_back(a);
  if (!g_policy.default_aliases.empty()) expand_default_aliases();
  addrinfo* warm = nullptr;
  if (getaddrinfo("localhost", nullptr, nullptr, &warm) == 0) freeaddrinfo(warm);
  vg::sandbox::ProxyConfinement confined;
  if (!vg::sandbox::confine_proxy(confined, error)) {
    std::fprintf(stderr, "vectra-guard: the network proxy %s; the restricted network is unavailable.\n",
                 error.c_str());
    return 1;
  }

  for (;;) {
    int fd = control_fd >= 0 ? control_fd : listen_fd;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    int client = -1, tag = g_proxy_port;
    if (control_fd >= 0) {
      uint16_t port = 0;
      iovec iov{&port, sizeof port};
      alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = cbuf;
      msg.msg_controllen = sizeof cbuf;
      ssize_t n = recvmsg(control_fd, &msg, MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 0;  // the sandbox's init is gone: so is the sandbox
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&client, CMSG_DATA(c), sizeof client);
      tag = port;
    } else {
      client = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    }
    if (client < 0) continue;
    std::thread(serve, client, tag).detach();
  }
}
