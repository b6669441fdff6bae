// Containers, clusters, cloud and infrastructure pack: destroying resources, and
// changing live infrastructure. Read-only commands (get, list, describe, plan) match nothing.
#include "core/rules.h"

namespace vg {

namespace {

constexpr Rule kRules[] = {
    {"infra.destroy", "infra", Severity::Critical, "Destroys infrastructure (terraform/pulumi/cdk destroy, helm uninstall).",
     "Run a plan/preview first and target specific resources.", "destructive"},
    {"infra.cloud-delete", "infra", Severity::Critical, "Deletes or terminates cloud resources.",
     "Check the resource ID and take a snapshot or backup first.", "destructive"},
    {"infra.storage-delete", "infra", Severity::Critical, "Deletes buckets or storage contents recursively.",
     "Enable versioning or copy the data first.", "destructive"},
    {"infra.storage-delete-object", "infra", Severity::High, "Deletes objects in cloud storage.", "", "destructive"},
    {"infra.k8s-delete", "infra", Severity::Critical,
     "Deletes cluster resources (namespaces, deployments, volumes, or --all).",
     "Scale down or delete one named resource after checking it.", "destructive"},
    {"infra.k8s-delete-pod", "infra", Severity::High, "Deletes Kubernetes pods or resources from a file.", "",
     "destructive"},
    {"infra.docker-prune", "infra", Severity::Critical,
     "Removes all unused Docker images, volumes, networks or containers, including data volumes.",
     "Remove specific containers or images by name.", "destructive"},
    {"infra.docker-remove", "infra", Severity::Medium, "Removes Docker containers, images or volumes.", "",
     "destructive"},
    {"infra.docker-remove-all", "infra", Severity::High,
     "Force-removes every container/image/volume listed at run time.", "Remove specific ones by name.",
     "destructive"},
    {"infra.repo-delete", "infra", Severity::Critical, "Deletes a hosted repository or release.",
     "Archive it instead.", "destructive"},
    {"infra.vault-destroy", "infra", Severity::Critical, "Disables or deletes Vault secrets engines, auth, audit or tokens.",
     "", "destructive"},
    {"infra.change", "infra", Severity::Medium, "Changes live infrastructure or cluster state.",
     "Review a plan/diff first, and apply from CI.", ""},
    {"infra.remote-command", "infra", Severity::Medium, "Runs ad-hoc commands or deletions on managed hosts.", "", ""},
    {"infra.app-destroy", "infra", Severity::Critical, "Destroys a hosted application or its database.", "",
     "destructive"},
};

constexpr CommandPattern kPatterns[] = {
    {"infra.destroy", "terraform|tofu|terragrunt|pulumi|cdk|cdktf", "destroy"},
    {"infra.destroy", "terraform|tofu|terragrunt", "apply|plan", "-destroy|=-destroy"},
    {"infra.destroy", "pulumi", "stack rm"},
    {"infra.destroy", "helm", "delete|uninstall|del|un"},
    {"infra.destroy", "serverless|sls", "remove"},
    {"infra.destroy", "sam", "delete"},
    {"infra.destroy", "eksctl", "delete"},
    {"infra.destroy", "copilot", "delete"},
    {"infra.change", "terraform|tofu|terragrunt", "apply|import|taint|untaint|state"},
    {"infra.change", "pulumi", "up|update|refresh|import|cancel"},
    {"infra.change", "cdk|cdktf|serverless|sls|sam", "deploy"},
    {"infra.change", "helm", "install|upgrade|rollback"},
    {"infra.change", "kubectl|oc", "apply|create|replace|patch|scale|drain|cordon|uncordon|taint|edit|rollout|set|autoscale"},
    {"infra.vault-destroy", "vault", "audit|auth|secrets disable"},
    {"infra.vault-destroy", "vault", "policy delete"},
    {"infra.vault-destroy", "vault", "token|lease revoke"},
    {"infra.vault-destroy", "vault", "kv destroy"},
    {"infra.vault-destroy", "vault", "kv metadata delete"},
    {"infra.storage-delete", "gsutil", "rm", "-r|-R|-a"},
    {"infra.storage-delete", "gsutil", "rb"},
    {"infra.storage-delete-object", "gsutil", "rm", "", "-r|-R|-a"},
    {"infra.storage-delete", "rclone", "purge|delete|deletefile|rmdir|rmdirs|cleanup"},
    {"infra.storage-delete-object", "rclone", "sync|move"},
    {"infra.storage-delete", "s3cmd", "del|rb|rm"},
    {"infra.repo-delete", "gh", "repo|release delete"},
    {"infra.app-destroy", "heroku", "apps:destroy|pg:reset|apps:delete"},
    {"infra.app-destroy", "fly|flyctl", "apps|volumes destroy|delete"},
    {"infra.app-destroy", "vercel", "remove|rm"},
    {"infra.app-destroy", "firebase", "projects:delete|firestore:delete|database:remove|hosting:disable"},
    {"infra.app-destroy", "netlify", "sites:delete"},
    {"infra.remote-command", "ansible-playbook", ""},
    {"infra.docker-prune", "docker|podman", "system|image|network|volume|container|builder prune"},
    {"infra.docker-prune", "docker|podman", "volume rm|remove"},
    {"infra.docker-prune", "docker|podman", "compose down", "-v|--volumes|--rmi"},
    {"infra.docker-prune", "docker-compose|podman-compose", "down", "-v|--volumes|--rmi"},
    {"infra.docker-remove", "docker|podman|nerdctl", "rm|rmi|kill|stop"},
    {"infra.docker-remove", "docker|podman|nerdctl", "container|image rm|remove|kill|stop"},
    {"infra.docker-remove", "docker|podman", "compose down|rm|kill|stop"},
    {"infra.docker-remove", "docker-compose|podman-compose", "down|rm|kill|stop"},
};

bool cloud_delete_verb(std::string_view op) {
  return one_of(op, "delete*|terminate*|remove-*|deregister*|destroy*|purge*|drop*|disable-*|revoke*|"
                    "delete|purge|remove|destroy|rb");
}

void check_cloud(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  auto ops = cmd.operands();
  if (p == "aws") {
    if (ops.size() >= 2 && ops[0]->text == "s3") {
      const std::string& op = ops[1]->text;
      if (op == "rb") rc.hit("infra.storage-delete", cmd);
      else if (op == "rm") rc.hit(cmd.has_long("recursive") ? "infra.storage-delete" : "infra.storage-delete-object", cmd);
      else if ((op == "sync" || op == "mv") && (cmd.has_long("delete") || op == "mv"))
        rc.hit("infra.storage-delete-object", cmd);
      return;
    }
    if (ops.size() >= 2 && cloud_delete_verb(lower(ops[1]->text))) rc.hit("infra.cloud-delete", cmd);
    return;
  }
  if (one_of(p, "gcloud|az|doctl|linode-cli|hcloud|oci|ibmcloud|scw|exo|vultr-cli|upcloud|civo|aliyun")) {
    size_t n = std::min<size_t>(ops.size(), 5);
    for (size_t i = 0; i < n; ++i) {
      std::string op = lower(ops[i]->text);
      if (op == "delete" || op == "delete-batch" || op == "purge" || op == "destroy" || op == "terminate" ||
          op == "rm" || op == "remove" || (i > 0 && op.rfind("delete-", 0) == 0)) {
        rc.hit(p == "az" && i > 0 && lower(ops[i - 1]->text) == "blob" ? "infra.storage-delete" : "infra.cloud-delete",
               cmd);
        return;
      }
    }
  }
}

void check_kubectl(const Cmd& cmd, RuleContext& rc) {
  if (!one_of(cmd.program, "kubectl|oc|k|microk8s.kubectl")) return;
  auto ops = cmd.operands();
  size_t at = ops.size();
  for (size_t i = 0; i < ops.size() && i < 3; ++i)
    if (ops[i]->text == "delete") at = i;
  if (at == ops.size()) return;
  bool all = cmd.has_long("all") || cmd.has_short('A') || cmd.has_long("all-namespaces");
  std::string kind = at + 1 < ops.size() ? lower(ops[at + 1]->text) : "";
  size_t slash = kind.find('/');
  if (slash != std::string::npos) kind = kind.substr(0, slash);
  bool file = cmd.has_short('f') || cmd.has_long("filename") || cmd.has_short('k');
  bool pods = one_of(kind, "pod|pods|po|job|jobs|event|events|ev");
  if (all || (!pods && !kind.empty() && !file)) rc.hit("infra.k8s-delete", cmd);
  else rc.hit("infra.k8s-delete-pod", cmd);
}

void check_docker_dynamic(const Cmd& cmd, RuleContext& rc) {
  if (!one_of(cmd.program, "docker|podman|nerdctl")) return;
  auto ops = cmd.operands();
  if (ops.empty()) return;
  std::string verb = ops[0]->text;
  size_t first = 1;
  if ((verb == "container" || verb == "image" || verb == "volume") && ops.size() > 1) {
    verb = ops[1]->text;
    first = 2;
  }
  if (verb != "rm" && verb != "rmi" && verb != "kill" && verb != "stop") return;
  for (size_t i = first; i < ops.size(); ++i)
    if (ops[i]->dynamic && (cmd.has_short('f') || cmd.has_long("force") || verb == "rm" || verb == "rmi"))
      rc.hit("infra.docker-remove-all", cmd);
  if (cmd.has_short('a') || cmd.has_long("all")) rc.hit("infra.docker-remove-all", cmd);
}

}  // namespace

std::span<const Rule> infra_rules() { return kRules; }

void infra_check(const Cmd& cmd, RuleContext& rc) {
  const std::string& p = cmd.program;
  if (cmd.has_long("help") || cmd.has_arg("-h") || cmd.has_arg("help")) return;
  apply_patterns(kPatterns, cmd, rc);
  check_cloud(cmd, rc);
  check_kubectl(cmd, rc);
  check_docker_dynamic(cmd, rc);
  if (p == "ansible") {
    const Arg* m = cmd.option_value("-m");
    if (!m) m = cmd.option_value("--module-name");
    bool read_only = m && one_of(m->text, "ping|setup|debug|gather_facts|stat|find|slurp|*_info|*_facts");
    bool changes = (m && !read_only) || (!m && (cmd.has_short('a') || cmd.has_long("args")));
    for (const Arg& a : cmd.args)
      if (a.text.find("state=absent") != std::string::npos) changes = true;
    if (changes) rc.hit("infra.remote-command", cmd);
  }
}

}  // namespace vg
