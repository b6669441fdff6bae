// The audit trail's hash chain: sealing, and verify finding edited, missing, reordered
// and cut-off records; concurrent writers keep one unbroken chain.
#include <criterion/criterion.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/audit_chain.h"
#include "core/audit_log.h"
#include "scratch_dir.h"

using namespace vg;

namespace {

// Three sealed records and the head after them.
std::vector<std::string> chain_of(int n, ChainHead& head, const std::string& key = "") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back(seal_audit_line("{\"command\":\"echo " + std::to_string(i) + "\",\"time\":\"t\"}", head, key));
  return out;
}

bool has_problem_at(const ChainReport& r, int line, const std::string& words) {
  for (const ChainProblem& p : r.problems)
    if (p.line == line && p.message.find(words) != std::string::npos) return true;
  return false;
}

std::string dump(const ChainReport& r) {
  std::string s;
  for (const ChainProblem& p : r.problems) s += std::to_string(p.line) + ": " + p.message + "\n";
  return s;
}

}  // namespace

Test(audit_chain, hmac_matches_rfc4231_case_2) {
  std::string got = hmac_sha256_hex("Jefe", "what do ya want for nothing?");
  cr_expect_str_eq(got.c_str(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

Test(audit_chain, sealed_lines_are_json_and_verify) {
  ChainHead head;
  auto lines = chain_of(3, head, "k");
  cr_expect_eq(head.seq, 3u);
  for (const auto& l : lines) cr_expect(l.find("\"seq\":") != std::string::npos && l.back() == '}', "%s", l.c_str());
  ChainReport r = verify_audit_lines(lines, &head, "k");
  cr_expect(r.problems.empty(), "%s", dump(r).c_str());
  cr_expect_eq(r.chained, 3);
  cr_expect_eq(r.with_hmac, 3);
}

Test(audit_chain, edited_record_is_named) {
  ChainHead head;
  auto lines = chain_of(3, head);
  lines[1].replace(lines[1].find("echo 1"), 6, "echo X");
  ChainReport r = verify_audit_lines(lines, &head, "");
  cr_expect(has_problem_at(r, 2, "edited"), "%s", dump(r).c_str());
  cr_expect_eq(r.problems.size(), 1u, "%s", dump(r).c_str());
}

Test(audit_chain, missing_record_is_named) {
  ChainHead head;
  auto lines = chain_of(4, head);
  lines.erase(lines.begin() + 1);
  ChainReport r = verify_audit_lines(lines, &head, "");
  cr_expect(has_problem_at(r, 2, "missing"), "%s", dump(r).c_str());
}

Test(audit_chain, reordered_records_are_named) {
  ChainHead head;
  auto lines = chain_of(4, head);
  std::swap(lines[1], lines[2]);
  ChainReport r = verify_audit_lines(lines, &head, "");
  cr_expect(has_problem_at(r, 3, "out of order"), "%s", dump(r).c_str());
}

Test(audit_chain, truncated_end_is_found_through_the_head) {
  ChainHead head;
  auto lines = chain_of(3, head);
  lines.pop_back();
  ChainReport r = verify_audit_lines(lines, &head, "");
  cr_expect(has_problem_at(r, 3, "truncated"), "%s", dump(r).c_str());
  ChainReport no_head = verify_audit_lines(lines, nullptr, "");
  cr_expect(has_problem_at(no_head, 0, "no chain head"), "%s", dump(no_head).c_str());
}

Test(audit_chain, rechained_without_the_key_is_found) {
  ChainHead head;
  auto lines = chain_of(2, head, "right");
  ChainHead forged;
  auto rewritten = chain_of(2, forged, "wrong");
  ChainReport r = verify_audit_lines(rewritten, &forged, "right");
  cr_expect(has_problem_at(r, 1, "hmac"), "%s", dump(r).c_str());
}

Test(audit_chain, old_unchained_lines_are_no_problem_but_one_after_the_chain_is) {
  std::vector<std::string> lines = {"{\"command\":\"a\",\"time\":\"t\"}", "{\"command\":\"b\",\"time\":\"t\"}"};
  ChainReport old = verify_audit_lines(lines, nullptr, "");
  cr_expect(old.problems.empty(), "%s", dump(old).c_str());
  cr_expect_eq(old.chained, 0);
  ChainHead head;
  auto chained = chain_of(2, head);
  chained.insert(chained.begin() + 1, "{\"command\":\"inserted\",\"time\":\"t\"}");
  ChainReport r = verify_audit_lines(chained, &head, "");
  cr_expect(has_problem_at(r, 2, "without chain fields"), "%s", dump(r).c_str());
}

Test(audit_chain, head_text_round_trips) {
  ChainHead h{42, std::string(64, 'a')}, back;
  cr_expect(parse_chain_head(format_chain_head(h), back));
  cr_expect_eq(back.seq, 42u);
  cr_expect(!parse_chain_head("12 nothex", back));
}

Test(audit_chain, concurrent_writers_keep_one_chain) {
  std::string state = scratch_dir("chain");
  std::string error;
  cr_assert(create_audit_key(state, "s1", &error), "%s", error.c_str());
  std::vector<pid_t> kids;
  for (int k = 0; k < 4; ++k) {
    pid_t pid = fork();
    if (pid == 0) {
      for (int i = 0; i < 50; ++i) {
        std::string e;
        if (!append_audit_line_here(state, "s1", "{\"command\":\"w" + std::to_string(k) + "\",\"time\":\"t\"}", &e))
          _exit(1);
      }
      _exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    waitpid(pid, &status, 0);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  SessionVerify v = verify_audit_session(state, "s1");
  cr_expect(v.found);
  cr_expect_eq(v.report.chained, 200);
  cr_expect_eq(v.report.with_hmac, 200);
  cr_expect(v.report.hmac_checked);
  cr_expect(v.report.problems.empty(), "%s", dump(v.report).c_str());
  std::filesystem::remove_all(state);
}

Test(audit_chain, appending_after_a_cut_keeps_the_cut_visible) {
  std::string state = scratch_dir("chain");
  std::string error;
  for (int i = 0; i < 3; ++i)
    cr_assert(append_audit_line_here(state, "s2", "{\"command\":\"c\",\"time\":\"t\"}", &error), "%s", error.c_str());
  std::string path = state + "/sessions/s2.jsonl";
  std::ifstream in(path);
  std::string a, b;
  std::getline(in, a);
  std::getline(in, b);
  in.close();
  std::ofstream(path, std::ios::trunc) << a << "\n" << b << "\n";
  cr_assert(append_audit_line_here(state, "s2", "{\"command\":\"d\",\"time\":\"t\"}", &error));
  SessionVerify v = verify_audit_session(state, "s2");
  cr_expect(has_problem_at(v.report, 3, "missing"), "%s", dump(v.report).c_str());
  std::filesystem::remove_all(state);
}
