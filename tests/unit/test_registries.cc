// @ecosystem registry discovery from fixture configuration files (made-up *.test
// hosts) and from stand-in tools on a private PATH, with the registries.json cache.
#include <criterion/criterion.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/scratch_dir.h"
#include "sandbox/registries.h"

using namespace vg::sandbox;

namespace {


void write(const std::string& path, const std::string& text, mode_t mode = 0644) {
  make_dirs(path.substr(0, path.rfind('/')));
  std::ofstream o(path);
  o << text;
  o.close();
  chmod(path.c_str(), mode);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Move a file's mtime (the cache is keyed on it).
void set_mtime(const std::string& path, time_t t) {
  struct timeval tv[2] = {{t, 0}, {t, 0}};
  cr_assert_eq(utimes(path.c_str(), tv), 0);
}

struct World {
  std::string root = scratch_dir("reg");
  std::string home = root + "/home";
  std::string ws = root + "/home/proj/sub";
  std::string bin = root + "/bin";  // the only PATH entry: no real tool is found
  RegistryInputs in;
  World() {
    make_dirs(ws);
    make_dirs(bin);
    in.home = home;
    in.cwd = ws;
    in.state_dir = root + "/state";
    in.environ = {"HOME=" + home, "PATH=" + bin};
  }
  std::vector<std::string> hosts(const char* alias) {
    std::string err;
    auto h = registry_hosts(alias, in, err);
    cr_assert_not(h.empty(), "%s: %s", alias, err.c_str());
    cr_assert_eq(err, "");
    return h;
  }
  std::string fails(const char* alias) {
    std::string err;
    auto h = registry_hosts(alias, in, err);
    cr_assert(h.empty(), "%s: expected no hosts, got %zu", alias, h.size());
    cr_assert_neq(err, "");
    return err;
  }
  // A stand-in tool: logs each call to <bin>/<name>.calls and prints `out`.
  void tool(const std::string& name, const std::string& out) {
    write(bin + "/" + name, "#!/bin/sh\necho called >> '" + bin + "/" + name + ".calls'\nprintf '%s\\n' " + out + "\n",
          0755);
  }
  int calls(const std::string& name) {
    std::string s = slurp(bin + "/" + name + ".calls");
    int n = 0;
    for (size_t p = 0; (p = s.find("called", p)) != std::string::npos; ++p) ++n;
    return n;
  }
};

using V = std::vector<std::string>;

}  // namespace

Test(url_host, forms) {
  cr_assert_eq(url_host("https://registry.test/"), "registry.test");
  cr_assert_eq(url_host("https://Registry.Test:8443/npm/"), "registry.test:8443");
  cr_assert_eq(url_host("http://user:pw@mirror.test/simple"), "mirror.test");
  cr_assert_eq(url_host("sparse+https://index.cargo.test/"), "index.cargo.test");
  cr_assert_eq(url_host("  https://a.test?x=1 "), "a.test");
  cr_assert_eq(url_host("registry.test"), "");
  cr_assert_eq(url_host("file:///srv/wheels"), "");
  cr_assert_eq(url_host("https:///nohost"), "");
  cr_assert_eq(url_host("https://bad host.test/"), "");
}

Test(aliases, unknown_alias_is_one_sentence) {
  World w;
  std::string err = w.fails("@nuget");
  cr_assert(err.find("@nuget") != std::string::npos, "%s", err.c_str());
}

Test(npm, user_and_workspace_npmrc_scopes_and_env) {
  World w;
  write(w.home + "/.npmrc",
        "registry=https://registry.test/\n@corp:registry=https://npm.corp.test:8443/\n"
        "//registry.test/:_authToken=secret-token\n");
  write(w.root + "/home/proj/.npmrc", "@ws:registry = https://ws.test/npm/\n");
  cr_assert_eq(w.hosts("@npm"), (V{"ws.test", "registry.test", "npm.corp.test:8443"}));
  w.in.environ.push_back("NPM_CONFIG_REGISTRY=https://env.test/");
  auto h = w.hosts("npm");
  cr_assert_eq(h.front(), "env.test");
  cr_assert_eq(w.calls("npm"), 0, "npm is not asked when a registry is configured");
}

Test(npm, userconfig_variable_replaces_home_npmrc) {
  World w;
  write(w.home + "/.npmrc", "registry=https://home.test/\n");
  write(w.root + "/other-npmrc", "registry=https://other.test/\n");
  w.in.environ.push_back("npm_config_userconfig=" + w.root + "/other-npmrc");
  cr_assert_eq(w.hosts("npm"), V{"other.test"});
}

Test(npm, asks_npm_once_and_caches_until_the_binary_changes) {
  World w;
  w.tool("npm", "https://asked.test/");
  cr_assert_eq(w.hosts("npm"), V{"asked.test"});
  cr_assert_eq(w.calls("npm"), 1);
  cr_assert_eq(w.hosts("npm"), V{"asked.test"});
  cr_assert_eq(w.calls("npm"), 1, "the second lookup is served from registries.json");
  cr_assert(slurp(w.in.state_dir + "/registries.json").find("asked.test") != std::string::npos);
  // A new npm (other mtime) is asked again.
  w.tool("npm", "https://newer.test/");
  set_mtime(w.bin + "/npm", 1000000000);
  cr_assert_eq(w.hosts("npm"), V{"newer.test"});
  cr_assert_eq(w.calls("npm"), 2);
  // Scoped registries alone still need the default one: npm is asked for it.
  write(w.home + "/.npmrc", "@corp:registry=https://corp.test/\n");
  cr_assert_eq(w.hosts("npm"), (V{"corp.test", "newer.test"}));
}

Test(npm, asking_leaves_no_cache_or_log_directory_behind) {
  World w;
  // Like npm: writes its logs under its cache directory, ~/.npm unless told otherwise.
  write(w.bin + "/npm",
        "#!/bin/sh\nd=${npm_config_cache:-$HOME/.npm}; mkdir -p \"$d/_logs\" && echo log > \"$d/_logs/debug.log\"\n"
        "echo \"$d\" > '" + w.bin + "/npm.cache'\nprintf '%s\\n' https://asked.test/\n",
        0755);
  cr_assert_eq(w.hosts("npm"), V{"asked.test"});
  struct stat st;
  cr_assert_neq(stat((w.home + "/.npm").c_str(), &st), 0, "asking npm created ~/.npm");
  std::string used = slurp(w.bin + "/npm.cache");
  cr_assert(used.rfind("/tmp/vg-ask.", 0) == 0, "npm was not given a scratch cache: %s", used.c_str());
  used.erase(used.find('\n'));
  cr_assert_neq(stat(used.c_str(), &st), 0, "the scratch directory %s was not removed", used.c_str());
}

Test(npm, nothing_configured_and_no_npm) {
  World w;
  std::string err = w.fails("npm");
  cr_assert(err.find("network_allow") != std::string::npos, "%s", err.c_str());
}

Test(yarn, yarnrc_yml_and_v1_yarnrc) {
  World w;
  write(w.root + "/home/proj/.yarnrc.yml",
        "npmRegistryServer: \"https://yarn.test\"\nnpmScopes:\n  corp:\n    npmRegistryServer: https://corp-yarn.test\n");
  cr_assert_eq(w.hosts("@yarn"), (V{"yarn.test", "corp-yarn.test"}));
  World v1;
  write(v1.home + "/.yarnrc", "# yarn lockfile v1\nregistry \"https://yarn1.test/\"\n");
  cr_assert_eq(v1.hosts("yarn"), V{"yarn1.test"});
}

Test(pypi, pip_conf_multiline_and_env) {
  World w;
  write(w.home + "/.config/pip/pip.conf",
        "[global]\nindex-url = https://pypi-mirror.test/simple\nextra-index-url =\n    https://extra1.test/simple\n"
        "    https://extra2.test:8080/simple\n[other]\nindex-url = https://ignored.test/\n");
  w.in.environ.push_back("PIP_EXTRA_INDEX_URL=https://env-extra.test/simple https://env-extra2.test/");
  cr_assert_eq(w.hosts("@pypi"),
               (V{"pypi-mirror.test", "extra1.test", "extra2.test:8080", "env-extra.test", "env-extra2.test"}));
  cr_assert_eq(w.calls("python3"), 0);
}

Test(pypi, pip_default_index_and_files_host_asked_from_the_installed_pip) {
  World w;
  write(w.root + "/pip/__init__.py", "");
  w.tool("python3", "https://index.test/ files.test " + w.root + "/pip/__init__.py");
  cr_assert_eq(w.hosts("pypi"), (V{"index.test", "files.test"}));
  cr_assert_eq(w.hosts("pypi"), (V{"index.test", "files.test"}));
  cr_assert_eq(w.calls("python3"), 1);
  // pip upgraded: its module file changes, so it is asked again.
  set_mtime(w.root + "/pip/__init__.py", 1000000000);
  w.hosts("pypi");
  cr_assert_eq(w.calls("python3"), 2);
  // PIP_INDEX_URL set: no asking.
  w.in.environ.push_back("PIP_INDEX_URL=https://only.test/simple");
  cr_assert_eq(w.hosts("pypi"), V{"only.test"});
  cr_assert_eq(w.calls("python3"), 2);
}

Test(cargo, config_toml_and_registry_cache) {
  World w;
  write(w.home + "/.cargo/config.toml",
        "[source.crates-io]\nreplace-with = \"mirror\"\n\n[source.mirror]\nregistry = \"sparse+https://cargo-mirror.test/index/\"\n"
        "[registries.corp]\nindex = \"https://corp-crates.test/git/index\"\n[http]\nproxy = \"http://not-a-registry.test:3128\"\n");
  write(w.home + "/.cargo/registry/index/dl-index.test-1a2b3c4d/config.json",
        "{\"dl\": \"https://static-crates.test/crates\", \"api\": \"https://api-crates.test\"}");
  cr_assert_eq(w.hosts("@cargo"), (V{"cargo-mirror.test", "corp-crates.test", "dl-index.test", "static-crates.test",
                                     "api-crates.test"}));
  World none;
  std::string err = none.fails("cargo");
  cr_assert(err.find("cargo fetch") != std::string::npos, "%s", err.c_str());
}

Test(go, goproxy_list_and_sumdb) {
  World w;
  w.in.environ.push_back("GOPROXY=https://goproxy.test,https://backup.test|direct");
  w.in.environ.push_back("GOSUMDB=sum.test+abcdef https://sumdb-mirror.test");
  cr_assert_eq(w.hosts("go"), (V{"goproxy.test", "backup.test", "sumdb-mirror.test"}));
  cr_assert_eq(w.calls("go"), 0);
}

Test(go, asks_go_env_when_unset) {
  World w;
  w.tool("go", "https://asked-proxy.test,direct sum.test");
  cr_assert_eq(w.hosts("@go"), (V{"asked-proxy.test", "sum.test"}));
  // The tool runs in "/" (not the workspace) with GOTOOLCHAIN=local.
  World where;
  where.in.environ.push_back("GOTOOLCHAIN=auto");
  where.tool("go", "\"https://$(test \"$(pwd)\" = / && echo root)proxy.test\" \"sum-$GOTOOLCHAIN.test\"");
  cr_assert_eq(where.hosts("go"), (V{"rootproxy.test", "sum-local.test"}));
  World off;
  off.in.environ.push_back("GOPROXY=direct");
  off.in.environ.push_back("GOSUMDB=off");
  off.fails("go");
}

Test(rubygems, gemrc_sources_then_gem) {
  World w;
  write(w.home + "/.gemrc", "---\n:sources:\n- https://gems.test/\n- https://gems2.test:9292/\n:verbose: true\n");
  cr_assert_eq(w.hosts("rubygems"), (V{"gems.test", "gems2.test:9292"}));
  World asked;
  asked.tool("gem", "'*** CURRENT SOURCES ***' '' https://asked-gems.test/");
  cr_assert_eq(asked.hosts("@rubygems"), V{"asked-gems.test"});
}

Test(maven, settings_mirrors_without_comments) {
  World w;
  write(w.home + "/.m2/settings.xml",
        "<settings>\n  <mirrors>\n    <mirror>\n      <id>corp</id>\n      <url>https://maven.test/repo</url>\n"
        "    </mirror>\n  </mirrors>\n  <!-- <url>https://commented.test/</url> -->\n"
        "  <servers><server><id>corp</id><password>pw</password></server></servers>\n</settings>\n");
  cr_assert_eq(w.hosts("maven"), V{"maven.test"});
  // A blocked mirror (Maven's http blocker) is not a host to reach.
  World blocked;
  write(blocked.home + "/.m2/settings.xml",
        "<settings><mirrors><mirror><id>block</id><url>http://blocked.test/</url>\n<blocked> true </blocked>"
        "</mirror><mirror><id>ok</id><url>https://open.test/</url></mirror></mirrors></settings>\n");
  cr_assert_eq(blocked.hosts("maven"), V{"open.test"});
  World none;
  std::string err = none.fails("maven");
  cr_assert(err.find("mirror") != std::string::npos, "%s", err.c_str());
}
