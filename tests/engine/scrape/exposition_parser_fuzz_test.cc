// A deterministic mutation fuzzer for the exposition parser: seeds of both formats are mutated
// thousands of times with a fixed-seed generator (so a failure reproduces), and every result is
// parsed in both formats. The parser must finish in a bounded number of steps, report errors
// with a line and column inside the document, and whatever the Prometheus-format parser accepts
// must survive a round trip through a canonical re-serialisation unchanged.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/scrape/exposition_parser.h"
#include "storage/base/labels.h"

namespace tocsin::scrape {
namespace {

const char* const kSeeds[] = {
    "# HELP http_requests_total The total.\n# TYPE http_requests_total counter\n"
    "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
    "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\n"
    "{\"utf8.name\",\"a.b\"=\"x\\ny\\\\z\\\"\"} NaN\n# a comment\nmulti{a=\"l1\nl2\"} -Inf\n",
    "# HELP a help \\\" text\n# TYPE a counter\n# UNIT a_seconds seconds\n"
    "a_seconds_total{foo=\"bar\"} 1 1520879607.789 # {trace_id=\"abc\"} 0.5 1520879607.7\n"
    "a_seconds_created 1520430000.123\n# TYPE s summary\ns{quantile=\"0.9\"} 3\n"
    "{\"dotted.name\",\"a.b\"=\"c\"} -1.5e-3\n# EOF\n",
};

// Bytes that matter to the grammar, so mutations reach deep states rather than just noise.
constexpr char kInteresting[] = "{}=,\" \t\n#\\0123456789.eE+-_:aZ\xff\xc3\xa9";

std::string Mutate(std::string s, std::mt19937& rng) {
  auto pick = [&](size_t n) {
    return n == 0 ? size_t{0} : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  const int edits = 1 + static_cast<int>(pick(4));
  for (int k = 0; k < edits; ++k) {
    const size_t at = pick(s.size() + 1);
    switch (pick(7)) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
        break;
      case 1:  // insert a grammar byte
        s.insert(at, 1, kInteresting[pick(sizeof kInteresting - 1)]);
        break;
      case 2:  // delete a range
        if (!s.empty()) s.erase(pick(s.size()), 1 + pick(8));
        break;
      case 3: {  // duplicate a range
        const size_t from = pick(s.size() + 1);
        s.insert(at, s.substr(from, 1 + pick(16)));
        break;
      }
      case 4:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 5:  // a NUL byte
        s.insert(at, 1, '\0');
        break;
      default:  // a long run, to exercise limits and scanning
        s.insert(at, std::string(1 + pick(300), kInteresting[pick(sizeof kInteresting - 1)]));
        break;
    }
  }
  return s;
}

std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

// Canonical Prometheus text for one parsed series: quoted names throughout.
std::string Serialize(const Labels& labels, double value, std::optional<TimestampMs> ts) {
  std::string out = "{\"" + Escape(labels.metric_name()) + "\"";
  for (const Label& l : labels) {
    if (l.name == kMetricName) continue;
    out += ",\"" + Escape(l.name) + "\"=\"" + Escape(l.value) + "\"";
  }
  out += "} ";
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, r.ptr);
  }
  if (ts) out += " " + std::to_string(*ts);
  return out + "\n";
}

struct Series {
  Labels labels;
  double value;
  std::optional<TimestampMs> ts;
};

// Parses everything, checking the invariants that hold for any input.
bool ParseChecked(const std::string& text, ExpositionFormat format, std::vector<Series>* out) {
  ParserOptions options;
  options.max_entry_bytes = 4096;
  ExpositionParser p(text, format, options);
  const size_t lines = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  for (size_t steps = 0; steps <= text.size() + 2; ++steps) {
    const Entry e = p.Next();
    if (e == Entry::kEnd) return true;
    if (e == Entry::kError) {
      const std::string& m = p.error().message;
      size_t line = 0;
      EXPECT_EQ(m.rfind("line ", 0), 0u) << m;
      std::from_chars(m.data() + 5, m.data() + m.size(), line);
      EXPECT_GE(line, 1u) << m;
      EXPECT_LE(line, lines) << m;
      EXPECT_NE(m.find(", column "), std::string::npos) << m;
      EXPECT_EQ(p.Next(), Entry::kError);
      return false;
    }
    if (e == Entry::kSeries) {
      Labels l = p.labels();
      EXPECT_FALSE(l.metric_name().empty());
      if (out) out->push_back({l, p.value(), p.timestamp()});
    }
    if (e == Entry::kHelp) (void)p.help();
  }
  ADD_FAILURE() << "parser did not finish within " << text.size() + 2 << " entries";
  return false;
}

TEST(ExpositionParserFuzz, MutatedDocumentsNeverCrashHangOrLose) {
  std::mt19937 rng(20240501);
  int accepted = 0, refused = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::string doc = Mutate(kSeeds[round % 2], rng);
    for (ExpositionFormat format :
         {ExpositionFormat::kPrometheusText, ExpositionFormat::kOpenMetrics}) {
      std::vector<Series> series;
      if (!ParseChecked(doc, format, &series)) {
        ++refused;
        continue;
      }
      ++accepted;
      if (format != ExpositionFormat::kPrometheusText) continue;
      std::string canonical;
      for (const Series& s : series) canonical += Serialize(s.labels, s.value, s.ts);
      std::vector<Series> again;
      ASSERT_TRUE(ParseChecked(canonical, format, &again)) << canonical;
      ASSERT_EQ(again.size(), series.size());
      for (size_t i = 0; i < series.size(); ++i) {
        EXPECT_EQ(again[i].labels, series[i].labels) << canonical;
        EXPECT_EQ(again[i].ts, series[i].ts);
        EXPECT_TRUE(again[i].value == series[i].value ||
                    (std::isnan(again[i].value) && std::isnan(series[i].value)));
      }
    }
    if (HasFatalFailure()) return;
  }
  // Both outcomes must be exercised, or the mutations are too weak or too strong to test much.
  EXPECT_GT(accepted, 500);
  EXPECT_GT(refused, 500);
}

TEST(ExpositionParserFuzz, RandomBytesAreRefusedCleanly) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string doc(std::uniform_int_distribution<size_t>(0, 200)(rng), '\0');
    for (char& c : doc) c = static_cast<char>(rng());
    ParseChecked(doc, ExpositionFormat::kPrometheusText, nullptr);
    ParseChecked(doc, ExpositionFormat::kOpenMetrics, nullptr);
  }
}

}  // namespace
}  // namespace tocsin::scrape
