// Network pack: reverse and bind shells, exfiltration of files, secrets and tokens.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"net.reverse-shell", "network", Severity::High,
     "Connects a shell to a network socket (reverse or bind shell), giving a remote party control.",
     "Use ssh for remote access.", "remote-exec"},
    {"net.listen", "network", Severity::Medium, "Listens for incoming network connections.",
     "Bind to 127.0.0.1 and close it when done.", ""},
    {"net.upload-file", "network", Severity::Medium, "Uploads a local file to a remote server.",
     "Check what the file contains and where it goes.", "exfiltration"},
    {"net.exfil-secrets", "network", Severity::High,
     "Sends environment variables or credential files over the network.", "Send only the data that is needed.",
     "exfiltration"},
    {"net.send-token", "network", Severity::Medium, "Sends a secret-looking variable (token, password, key) over the network.",
     "Make sure the destination is the service the token belongs to.", "credentials"},
    {"net.copy-secret-remote", "network", Severity::High, "Copies a credential file to another machine.", "",
     "exfiltration"},
    {"net.firewall-flush", "network", Severity::High, "Flushes or disables the firewall.", "", "destructive"},
    {"net.listen-all", "network", Severity::Medium,
     "Serves files or a port on all network interfaces, so other machines can reach them.",
     "Bind to 127.0.0.1 (php -S localhost:8000, python3 -m http.server -b 127.0.0.1).", "exfiltration"},
    {"net.send-remote", "network", Severity::Medium,
     "Copies local files or command output to another machine (scp, rsync, sftp, git push to a new remote, gist).",
     "Check what is sent and where it goes.", "exfiltration"},
    {"net.dns-exfil", "network", Severity::Medium,
     "Looks up a host name built from command output, which sends that output to the name's DNS server.",
     "Look up fixed names only.", "exfiltration"},
    {"net.raw-socket", "network", Severity::Medium,
     "Opens a raw network connection from the shell (zsh ztcp) or shows a display on another machine.",
     "Use ssh for remote access.", "remote-exec"},
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool loopback(std::string_view host) {
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
  return host == "localhost" || host == "::1" || starts_with(host, "127.") || host == "ip6-localhost";
}

// A listener's bind address: `php -S HOST:PORT`, `busybox httpd -p [IP:]PORT`, python's -b.
bool binds_all(std::string_view addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos) return true;  // a port only
  return !loopback(addr.substr(0, colon));
}

void check_listeners(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (starts_with(p, "php")) {
    if (const Arg* s = cmd.option_value("-S"); s && binds_all(s->text)) rc.hit("net.listen-all", cmd);
  } else if (starts_with(p, "python") || p == "pypy3") {
    const Arg* m = cmd.option_value("-m");
    if (!m || !one_of(m->text, "http.server|SimpleHTTPServer|CGIHTTPServer|pyftpdlib|uploadserver|smtpd")) return;
    const Arg* b = cmd.option_value("-b");
    if (!b) b = cmd.option_value("--bind");
    std::string bind = b ? b->text : "";
    if (starts_with(bind, "--bind=")) bind = bind.substr(7);
    if (bind.empty() || !loopback(bind)) rc.hit("net.listen-all", cmd);
  } else if (p == "httpd" && !cmd.wrappers.empty() && (cmd.wrappers.back() == "busybox" || cmd.wrappers.back() == "toybox")) {
    const Arg* port = cmd.option_value("-p");
    if (!port || binds_all(port->text)) rc.hit("net.listen-all", cmd);
  } else if (starts_with(p, "ruby") && cmd.has_arg("-run")) {
    bool local = false;
    for (const Arg& a : cmd.args) local |= a.text.find("127.0.0.1") != std::string::npos || a.text.find("localhost") != std::string::npos;
    if (!local) rc.hit("net.listen-all", cmd);
  }
}

// Data leaving by copy tools, pushes and gists.
void check_remote_copies(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  auto ops = cmd.operands();
  if (p == "scp" || p == "rsync") {
    if (ops.size() >= 2 && ops.back()->text.find(':') != std::string::npos && ops.back()->text.find("://") == std::string::npos &&
        ops.back()->text[0] != '/' && ops.back()->text[0] != '.')
      rc.hit("net.send-remote", cmd);
    else if (ops.size() >= 2 && starts_with(ops.back()->text, "rsync://"))
      rc.hit("net.send-remote", cmd);
  } else if (p == "sftp" || p == "lftp" || p == "ftp") {
    if (!ops.empty()) rc.hit("net.send-remote", cmd);
  } else if (p == "tftp" || p == "smbclient") {
    for (const Arg& a : cmd.args)
      if (a.text.find("put") != std::string::npos) rc.hit("net.send-remote", cmd);
  } else if (p == "gh" && ops.size() >= 2 && ops[0]->text == "gist" && ops[1]->text == "create") {
    rc.hit("net.send-remote", cmd);
  } else if (p == "git" && !ops.empty() && ops[0]->text == "push" && ops.size() >= 2) {
    const std::string& to = ops[1]->text;
    if (to.find("://") != std::string::npos || (to.find('@') != std::string::npos && to.find(':') != std::string::npos))
      rc.hit("net.send-remote", cmd);
  }
  // DNS lookups of a name built from command output.
  if (one_of(p, "dig|nslookup|host|drill|ping|ping6|traceroute|getent|resolvectl|kdig|delv")) {
    for (const Arg* a : ops)
      if (a->dynamic && !a->from_variable && a->text.find("$(") != std::string::npos) rc.hit("net.dns-exfil", cmd);
    for (const Arg* a : ops)
      if (a->dynamic && a->text.find('`') != std::string::npos) rc.hit("net.dns-exfil", cmd);
  }
}

bool sends_data(std::string_view p) {
  static const NameSet senders("curl|wget|nc|ncat|netcat|socat|telnet|http|https|xh|ssh|scp|sftp|ftp|mail|sendmail|mutt|"
                   "openssl|aws|gsutil|rclone|s3cmd");
  return senders.contains(p);
}

bool secret_var(std::string_view text) {
  for (size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', i + 1)) {
    size_t j = i + 1;
    if (j < text.size() && text[j] == '{') ++j;
    size_t k = j;
    while (k < text.size() && (std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '_')) ++k;
    std::string name = lower(text.substr(j, k - j));
    for (std::string_view s : {"token", "secret", "password", "passwd", "api_key", "apikey", "private_key",
                               "access_key", "credentials"})
      if (name.find(s) != std::string::npos) return true;
  }
  return false;
}

bool reverse_shell_code(std::string_view code) {
  std::string c = lower(code);
  bool sock = c.find("socket") != std::string::npos || c.find("tcpsocket") != std::string::npos ||
              c.find("fsockopen") != std::string::npos || c.find("net.connect") != std::string::npos ||
              c.find("/dev/tcp") != std::string::npos;
  bool shell = c.find("dup2") != std::string::npos || c.find("pty.spawn") != std::string::npos ||
               c.find("/bin/sh") != std::string::npos || c.find("/bin/bash") != std::string::npos ||
               c.find("exec(") != std::string::npos || c.find("spawn(") != std::string::npos ||
               c.find("subprocess") != std::string::npos || c.find("proc_open") != std::string::npos;
  return sock && shell;
}

}  // namespace

std::span<const Rule> network_rules() { return kRules; }

void network_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (p == "nc" || p == "ncat" || p == "netcat" || p == "nc.traditional" || p == "nc.openbsd") {
    if (cmd.has_short('e') || cmd.has_short('c') || cmd.has_long("exec") || cmd.has_long("sh-exec") ||
        cmd.has_long("lua-exec"))
      rc.hit("net.reverse-shell", cmd);
    else if (cmd.has_short('l') || cmd.has_long("listen")) {
      bool local = false;
      for (const Arg* a : cmd.operands()) local |= loopback(a->text);
      if (!local) rc.hit("net.listen", cmd);
    }
  }
  if (p == "zmodload" || p == "ztcp" || p == "zsocket") {
    if (p != "zmodload" || cmd.has_arg("zsh/net/tcp") || cmd.has_arg("zsh/net/socket")) rc.hit("net.raw-socket", cmd);
  }
  if (p == "xterm" || p == "xclock" || p == "xeyes") {
    const Arg* d = cmd.option_value("-display");
    if (d && !d->text.empty() && d->text[0] != ':' && !loopback(d->text.substr(0, d->text.rfind(':'))))
      rc.hit("net.raw-socket", cmd);
  }
  check_listeners(cmd, rc);
  check_remote_copies(cmd, rc);
  if (p == "socat") {
    bool file = false, remote = false, listen = false;
    for (const Arg& a : cmd.args) {
      std::string t = lower(a.text);
      if (t.find("exec:") != std::string::npos || t.find("system:") != std::string::npos) rc.hit("net.reverse-shell", cmd);
      file |= starts_with(t, "file:") || starts_with(t, "open:") || starts_with(t, "gopen:");
      remote |= (starts_with(t, "tcp:") || starts_with(t, "tcp4:") || starts_with(t, "tcp6:") || starts_with(t, "udp:") ||
                 starts_with(t, "openssl:") || starts_with(t, "tcp-connect:")) &&
                t.find("localhost") == std::string::npos && t.find(":127.") == std::string::npos;
      listen |= t.find("-listen:") != std::string::npos && t.find("bind=127.") == std::string::npos &&
                t.find("range=127.") == std::string::npos;
    }
    if (file && remote) rc.hit("net.upload-file", cmd);
    if (listen) rc.hit("net.listen-all", cmd);
  }
  // Raw clients fed from a program or a file, to another machine.
  if (one_of(p, "nc|ncat|netcat|telnet|socat|nc.openbsd|nc.traditional") ||
      (p == "openssl" && cmd.operand(0) == "s_client")) {
    bool remote = false;
    for (const Arg* a : cmd.operands()) remote |= !a->text.empty() && !loopback(a->text) && a->text.find('.') != std::string::npos;
    if (const Arg* c = cmd.option_value("-connect")) remote = !loopback(c->text.substr(0, c->text.rfind(':')));
    bool fed = cmd.stdin_source == Source::Unknown || cmd.stdin_source == Source::Paths ||
               cmd.stdin_source == Source::Decoded;
    for (const Redir& r : cmd.redirects)
      if (r.op == "<" && r.target.value == "/dev/null") fed = false;
    if (remote && fed && !cmd.has_short('l')) rc.hit("net.upload-file", cmd);
  }
  for (const Redir& r : cmd.redirects) {
    PathInfo pi = rc.path(r.target, cmd);
    if (pi.cls == PathClass::NetSocket && (is_shell(p) || is_interpreter(p) || r.op == ">&" || r.op == "&>" ||
                                           r.op == "<>"))
      rc.hit("net.reverse-shell", cmd);
    else if (pi.cls == PathClass::NetSocket)
      rc.hit("net.upload-file", cmd);
  }
  if (is_interpreter(p)) {
    for (size_t i = 0; i + 1 < cmd.args.size(); ++i)
      if (reverse_shell_code(cmd.args[i + 1].text)) rc.hit("net.reverse-shell", cmd);
    if (!cmd.stdin_text.empty() && reverse_shell_code(cmd.stdin_text)) rc.hit("net.reverse-shell", cmd);
  }
  if (!sends_data(p)) {
    if (p == "iptables" || p == "ip6tables" || p == "nft") {
      if (cmd.has_short('F') || cmd.has_long("flush") || cmd.has_arg("flush")) rc.hit("net.firewall-flush", cmd);
    }
    if ((p == "ufw" && cmd.operand(0) == "disable") ||
        (p == "systemctl" && (cmd.operand(0) == "stop" || cmd.operand(0) == "disable") &&
         one_of(cmd.operand(1), "firewalld|ufw|nftables|iptables")))
      rc.hit("net.firewall-flush", cmd);
    return;
  }
  if (cmd.stdin_source == Source::Secrets) rc.hit("net.exfil-secrets", cmd);
  // Uploads to this machine (http://localhost:3000) do not leave it.
  bool only_loopback = true, any_url = false;
  for (const Arg* a : cmd.operands()) {
    size_t scheme = a->text.find("://");
    if (scheme == std::string::npos) continue;
    any_url = true;
    std::string_view host = std::string_view(a->text).substr(scheme + 3);
    host = host.substr(0, host.find_first_of("/?#"));
    if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
    if (host.empty() || host.front() != '[') host = host.substr(0, host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'));
    only_loopback &= loopback(host);
  }
  if ((p == "curl" || p == "wget" || p == "http" || p == "xh") && !(any_url && only_loopback)) {
    for (size_t i = 0; i < cmd.args.size(); ++i) {
      const std::string& t = cmd.args[i].text;
      bool upload = t == "-T" || t == "--upload-file" || t == "--post-file" || t == "--body-file" ||
                    starts_with(t, "--post-file=") || starts_with(t, "--body-file=") || starts_with(t, "--upload-file=") ||
                    starts_with(t, "-d@") || starts_with(t, "--data-binary=@") || starts_with(t, "--data=@");
      bool data = (t == "-d" || t == "--data" || t == "--data-binary" || t == "-F" || t == "--form" ||
                   t == "--data-urlencode") &&
                  i + 1 < cmd.args.size() && cmd.args[i + 1].text.find('@') != std::string::npos;
      if (upload || data) rc.hit("net.upload-file", cmd);
    }
  }
  for (const Arg& a : cmd.args)
    if (secret_var(a.text)) rc.hit("net.send-token", cmd);
  if (p == "scp" || p == "rsync" || p == "sftp") {
    auto ops = cmd.operands();
    bool remote_dest = !ops.empty() && ops.back()->text.find(':') != std::string::npos;
    if (remote_dest) {
      for (size_t i = 0; i + 1 < ops.size(); ++i) {
        PathInfo pi = rc.path(*ops[i], cmd);
        if (secret_kind(pi.abs, rc.ctx()) != SecretKind::None) rc.hit("net.copy-secret-remote", cmd);
      }
    }
  }
}

}  // namespace vg
