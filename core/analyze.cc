#include "core/analyze.h"
namespace vg {
AnalyzeContext current_context() { return {}; }
Analysis analyze(std::string_view, const AnalyzeContext&) { return {}; }
std::vector<StatementAnalysis> analyze_script(std::string_view, const AnalyzeContext&, std::string*) { return {}; }
}  // namespace vg
