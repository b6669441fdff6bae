/* vectra_guard_hook: a bash loadable builtin that evaluates one typed line inside the
 * shell, with the same code as `vectra-guard hook bash --serve` (core/hook_answer.h),
 * so a line costs neither a process nor a pipe round trip. Loaded by the bash hook:
 *
 *   enable -f .../lib/vectra-guard/vectra_guard_hook.so vectra_guard_hook
 *   vectra_guard_hook --bin PATH        (once: the vectra-guard binary this shell uses)
 *   vectra_guard_hook [--final] -- LINE
 *
 * It sets the shell variable _vg_reply to the answer text ("run", "sandbox", "block",
 * "incomplete" or "ask" on the first line, notice lines after it) and returns 0, or
 * returns 1 (with one sentence on stderr) when it could not evaluate; the hook then asks
 * a `vectra-guard hook bash` process. It never reads the terminal: a line that needs a
 * question is answered "ask" and the hook asks through that process.
 *
 * Lookups: the evaluator asks what a command word names (core/shell_defs.h); the answers
 * come from bash's alias and function tables here, without a round trip.
 * After --bin PATH, every line stats PATH once: when it is gone or another file, lines are
 * refused ("open a new shell"), as the server does for its own binary.
 *
 * Environment: bash's own getenv() (which this shared object's calls resolve to) reads
 * the shell's exported variables, so VG_HOME, HOME, XDG_CONFIG_HOME... are seen as a
 * child process would see them now. Only the three symbols bash looks for are exported
 * (see exports.map); everything from vgcore and C++ stays private to this object. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadables.h"
#include "alias.h"

#define VG_EXPORT __attribute__((visibility("default")))

/* hooks/bash_builtin/vg_bash_answer.cc */
extern int vg_bash_builtin_answer(const char *line, int final, char **reply, char **error);
extern int vg_bash_builtin_end(const char *ref, int status, long long duration_ms);
extern int vg_bash_builtin_bin(const char *path);

/* hooks/bash_builtin/vg_bash_defs.h: bash's tables, for the evaluator. */
const char *vg_bash_alias_value(const char *name) {
  alias_t *a = find_alias((char *)name);
  return a ? a->value : NULL;
}

const char *vg_bash_function_text(const char *name) {
  SHELL_VAR *v = find_function(name);
  if (!v || !function_cell(v)) return NULL;
  /* What `declare -f NAME` prints. */
  return named_function_string((char *)name, function_cell(v), FUNC_MULTILINE | FUNC_EXTERNAL);
}

static int vectra_guard_hook_builtin(WORD_LIST *list) {
  int final = 0;
  const char *line = NULL;
  WORD_LIST *w = list;
  /* --end REF STATUS MS: the status of a host line, at the next prompt. */
  if (w && strcmp(w->word->word, "--end") == 0) {
    WORD_LIST *a = w->next, *b = a ? a->next : NULL, *c = b ? b->next : NULL;
    if (!c || c->next) {
      builtin_usage();
      return EX_USAGE;
    }
    vg_bash_builtin_end(a->word->word, atoi(b->word->word), atoll(c->word->word));
    return EXECUTION_SUCCESS;
  }
  /* --bin PATH: once, at load. */
  if (w && strcmp(w->word->word, "--bin") == 0) {
    if (!w->next || w->next->next) {
      builtin_usage();
      return EX_USAGE;
    }
    if (vg_bash_builtin_bin(w->next->word->word) != 0) {
      fprintf(stderr, "vectra-guard: %s cannot be read; every line will be refused until it is back (open a new shell).\n",
              w->next->word->word);
      return EXECUTION_FAILURE;
    }
    return EXECUTION_SUCCESS;
  }
  for (; w; w = w->next) {
    const char *a = w->word->word;
    if (strcmp(a, "--final") == 0) {
      final = 1;
    } else if (strcmp(a, "--") == 0) {
      w = w->next;
      break;
    } else {
      builtin_usage();
      return EX_USAGE;
    }
  }
  if (!w || w->next) {
    builtin_usage();
    return EX_USAGE;
  }
  line = w->word->word;

  char *reply = NULL, *error = NULL;
  if (vg_bash_builtin_answer(line, final, &reply, &error) != 0) {
    fprintf(stderr, "vectra-guard: the in-shell evaluator failed (%s); asking the vectra-guard program instead.\n",
            error ? error : "unknown error");
    free(error);
    free(reply);
    return EXECUTION_FAILURE;
  }
  SHELL_VAR *v = bind_variable("_vg_reply", reply, 0);
  free(reply);
  return v ? EXECUTION_SUCCESS : EXECUTION_FAILURE;
}

VG_EXPORT int vectra_guard_hook_builtin_load(char *name) {
  (void)name;
  return 1;
}

VG_EXPORT void vectra_guard_hook_builtin_unload(char *name) { (void)name; }

static char *vectra_guard_hook_doc[] = {
    "Evaluate one command line with vectra-guard, inside the shell.",
    "",
    "Sets _vg_reply to the verdict (run, sandbox, block, incomplete or ask)",
    "followed by the notice lines; used by vectra-guard's bash hook.",
    (char *)NULL,
};

VG_EXPORT struct builtin vectra_guard_hook_struct = {
    "vectra_guard_hook",
    vectra_guard_hook_builtin,
    BUILTIN_ENABLED,
    vectra_guard_hook_doc,
    "vectra_guard_hook [--final] -- LINE | --end REF STATUS MS | --bin PATH",
    0,
};
