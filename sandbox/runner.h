// A Runner carries out a SandboxSpec with one isolation technology. Each runner
// translates the spec; none changes what the spec asks for except to take away
// (a downgrade is recorded in Report.not_enforced, an upgrade never happens).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sandbox/sandbox.h"
#include "sandbox/spec.h"

namespace vg::sandbox {

class Runner {
 public:
  virtual ~Runner() = default;
  virtual std::string_view name() const = 0;

  // Fit the spec to this runtime on this machine and set up host-side resources
  // (limits, filters). Fills report.enforced / not_enforced. False: report.error says why.
  virtual bool prepare(SandboxSpec& spec, Report& report) = 0;

  // Run the prepared spec in the foreground; returns the status like `$?` (125 and
  // report.error when the sandbox itself failed).
  virtual int run(const SandboxSpec& spec, Report& report) = 0;

  // Whether it can show the workspace copy-on-write (spec.review_dir); when not, the
  // sentence saying what to use instead.
  virtual bool supports_review() const { return false; }
  virtual std::string review_refusal() const;
};

// The runner for a runtime name ("auto", "bubblewrap", ...), or nullptr with `error`
// set to one actionable sentence. `state_dir` holds the probe cache.
std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      std::string& error);
// The same with the config's container settings (image, engine_path, reuse).
std::unique_ptr<Runner> select_runner(const std::string& runtime, const std::string& state_dir,
                                      const Config& config, std::string& error);

}  // namespace vg::sandbox
