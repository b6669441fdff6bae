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
};

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
    else if (cmd.has_short('l') || cmd.has_long("listen"))
      rc.hit("net.listen", cmd);
  }
  if (p == "socat") {
    for (const Arg& a : cmd.args) {
      std::string t = lower(a.text);
      if (t.find("exec:") != std::string::npos || t.find("system:") != std::string::npos) rc.hit("net.reverse-shell", cmd);
    }
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
  if (p == "curl" || p == "wget" || p == "http" || p == "xh") {
    for (size_t i = 0; i < cmd.args.size(); ++i) {
      const std::string& t = cmd.args[i].text;
      bool upload = t == "-T" || t == "--upload-file" || t == "--post-file" || t == "--body-file";
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
