#include "rules/unittest/junit.h"

#include <ctime>

namespace tocsin::rules::unittest {
namespace {

// Go's xml.EscapeText.
std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\t':
        out += "&#x9;";
        break;
      case '\n':
        out += "&#xA;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

void JUnitSuite::Fail(std::string failure) {
  if (cases.empty()) cases.push_back({"unknown", {}, {}});
  cases.back().failures.push_back(std::move(failure));
}

void JUnitSuite::Abort(std::string error) {
  ++errors;
  if (cases.empty()) cases.push_back({"unknown", {}, {}});
  cases.back().error = std::move(error);
}

std::string JUnitXml(const std::vector<JUnitSuite>& suites) {
  std::string out = "<testsuites>";
  for (const JUnitSuite& s : suites) {
    size_t failures = 0;
    for (const JUnitCase& c : s.cases) failures += c.failures.size();
    out += "<testsuite name=\"" + Escape(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
           "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(s.errors) +
           "\" skipped=\"0\" timestamp=\"" + Escape(s.timestamp) + "\">";
    for (const JUnitCase& c : s.cases) {
      out += "<testcase name=\"" + Escape(c.name) + "\">";
      for (const std::string& f : c.failures) out += "<failure>" + Escape(f) + "</failure>";
      if (!c.error.empty()) out += "<error>" + Escape(c.error) + "</error>";
      out += "</testcase>";
    }
    out += "</testsuite>";
  }
  return out + "</testsuites>";
}

std::string JUnitTimestampNow() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &local);
  return buf;
}

}  // namespace tocsin::rules::unittest
