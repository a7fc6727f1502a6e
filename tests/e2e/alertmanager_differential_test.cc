// Differential test of tocsin's Alertmanager API v2 against Debian's Alertmanager (0.25): one
// Alertmanager process and one tocsin API server (in-process, real pipeline, wall clock) per
// suite, both loaded with the SAME configuration; every case sends the same request to both and
// compares status, content type and body. Normalised only where the two must differ:
//   - server-generated times (`updatedAt`, and startsAt/endsAt where the server fills in "now")
//     must both be valid RFC 3339 times of the same shape within a few seconds of each other;
//   - silence ids: each server's ids are mapped to the other's as they are created, so an id in
//     an answer must be the id of the same silence.
// Where Alertmanager 0.25 and 0.34 (tocsin's target) really differ, the case keeps the 0.34
// answer with a comment naming the upstream change (see `Expect034`).
// Skips when /usr/bin/prometheus-alertmanager is not installed; amtool cases skip without amtool.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/asio_scheduler.h"
#include "engine/alerting/config_loader.h"
#include "engine/alertmanager_api/alertmanager_api.h"
#include "engine/http/server.h"
#include "storage/base/time.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/engine/http/http_test_support.h"
#include "tests/storage/sqlite/temp_dir.h"
#include "tests/support/child_process.h"
#include "tests/support/free_port.h"
#include "tests/support/subprocess.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using OJson = nlohmann::ordered_json;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";
constexpr const char* kAmtool = "/usr/bin/amtool";

// Routing with continue, per-route grouping (including `...`), receivers without integrations
// (nothing is ever sent: group_wait is long) and an inhibition rule.
constexpr const char* kConfig = R"(global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  group_interval: 1h
  repeat_interval: 4h
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
    - matchers: ['team=~"db|storage"']
      receiver: db
      group_by: [alertname, cluster]
    - matchers: ['team="web"']
      receiver: web
      group_by: ['...']
receivers:
  - name: default
  - name: pager
  - name: db
  - name: web
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
)";

struct Answer {
  long status = 0;
  std::string content_type;
  std::string body;
  std::string error;
};

// ---- the two servers --------------------------------------------------------------------------

class AlertmanagerServer {
 public:
  bool Start(const sqlite::testing::TempDir& dir) {
    const std::string config = dir.file("alertmanager.yml");
    std::ofstream(config) << kConfig;
    fs::create_directories(dir.file("am-data"));
    port_ = testing::FreeLoopbackPort();
    process_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{kAlertmanager, "--config.file=" + config,
                                 "--storage.path=" + dir.file("am-data"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--cluster.listen-address=", "--log.level=warn"},
        dir.file("alertmanager.log"));
    if (!process_->started()) return false;
    for (int i = 0; i < 150; ++i) {
      auto r = test::Fetch({.url = base() + "/-/ready", .timeout_ms = 500});
      if (r.status == 200) return true;
      if (!process_->running()) return false;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return process_ ? process_->output() : ""; }

 private:
  uint16_t port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
};

class TocsinServer {
 public:
  ~TocsinServer() {
    server_.reset();
    pipeline_.reset();
    scheduler_.reset();
  }
  std::string Start(const sqlite::testing::TempDir& dir) {
    alerting::LoadOptions load_options;
    load_options.env = [](const std::string&) -> std::optional<std::string> {
      return std::nullopt;
    };
    auto cfg = alerting::LoadConfig(kConfig, dir.file("tocsin-alertmanager.yml"), load_options);
    if (!cfg.ok()) return "config: " + cfg.message();
    auto store = sqlite::SqliteStore::Open(dir.file("tocsin.db"));
    if (!store.ok()) return "store: " + store.message();
    store_ = std::move(*store);
    scheduler_ = std::make_unique<alerting::AsioScheduler>(io_.io());
    alerting::PipelineDeps deps;
    deps.store = store_.get();
    deps.scheduler = scheduler_.get();
    auto p = alerting::AlertingPipeline::Create(
        std::make_shared<const alerting::Config>(std::move(*cfg)), deps);
    if (!p.ok()) return "pipeline: " + p.message();
    pipeline_ = std::move(*p);
    if (Status s = pipeline_->Start(); !s.ok()) return "start: " + s.message();
    http::Router router;
    alertmanager_api::AlertmanagerApiOptions options;
    options.env = load_options.env;
    alertmanager_api::RegisterAlertmanagerApi(router, *pipeline_, std::move(options));
    http::ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    auto s = http::Server::Start(io_.io(), server_options, std::move(router));
    if (!s.ok()) return "server: " + s.message();
    server_ = std::move(*s);
    return "";
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

 private:
  test::IoThread io_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::unique_ptr<alerting::AsioScheduler> scheduler_;
  std::unique_ptr<alerting::AlertingPipeline> pipeline_;
  std::unique_ptr<http::Server> server_;
};

// ---- comparison -------------------------------------------------------------------------------

// A time as the API prints it, with its digits blanked: two times must have the same shape.
std::string TimeShape(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= '0' && c <= '9') c = 'd';
  }
  return out;
}

struct CompareOptions {
  // Keys whose string values are times the servers generate ("now"): compared by shape and
  // within `tolerance`, not exactly.
  std::vector<std::string> fuzzy_times = {"updatedAt"};
  std::chrono::milliseconds tolerance = 5s;
};

class Differ {
 public:
  Differ(const CompareOptions& options, const std::map<std::string, std::string>& tocsin_to_am)
      : options_(options), ids_(tocsin_to_am) {}

  // Appends one line per difference (path: alertmanager vs tocsin).
  void Compare(const OJson& am, const OJson& tc, const std::string& path, const std::string& key,
               std::vector<std::string>& diffs) const {
    if (am.type() != tc.type()) {
      diffs.push_back(path + ": " + am.dump() + " vs " + tc.dump());
      return;
    }
    if (am.is_object()) {
      std::vector<std::string> ka, kt;
      for (auto it = am.begin(); it != am.end(); ++it) ka.push_back(it.key());
      for (auto it = tc.begin(); it != tc.end(); ++it) kt.push_back(it.key());
      if (ka != kt) {
        diffs.push_back(path + ": keys " + OJson(ka).dump() + " vs " + OJson(kt).dump());
      }
      for (auto it = am.begin(); it != am.end(); ++it) {
        if (tc.contains(it.key())) {
          Compare(it.value(), tc.at(it.key()), path + "." + it.key(), it.key(), diffs);
        }
      }
      return;
    }
    if (am.is_array()) {
      if (am.size() != tc.size()) {
        diffs.push_back(path + ": " + std::to_string(am.size()) + " items vs " +
                        std::to_string(tc.size()) + " items");
      }
      for (size_t i = 0; i < std::min(am.size(), tc.size()); ++i) {
        Compare(am[i], tc[i], path + "[" + std::to_string(i) + "]", key, diffs);
      }
      return;
    }
    if (am.is_string()) {
      const std::string a = am.get<std::string>();
      std::string t = tc.get<std::string>();
      if (auto it = ids_.find(t); it != ids_.end()) t = it->second;
      if (a == t) return;
      if (IsFuzzy(key)) {
        auto ta = ParseRfc3339(a), tt = ParseRfc3339(t);
        if (ta.ok() && tt.ok() && TimeShape(a) == TimeShape(t) &&
            std::llabs(*ta - *tt) <= options_.tolerance.count()) {
          return;
        }
      }
      diffs.push_back(path + ": " + am.dump() + " vs " + tc.dump());
      return;
    }
    if (am != tc) diffs.push_back(path + ": " + am.dump() + " vs " + tc.dump());
  }

 private:
  bool IsFuzzy(const std::string& key) const {
    return std::find(options_.fuzzy_times.begin(), options_.fuzzy_times.end(), key) !=
           options_.fuzzy_times.end();
  }
  const CompareOptions& options_;
  const std::map<std::string, std::string>& ids_;
};

// A request sent to both servers. `{id:NAME}` in path and body is replaced, per server, by that
// server's id of the silence saved as NAME.
struct Case {
  std::string method = "GET";
  std::string path;
  std::string body;
  CompareOptions compare = {};
  // On 200 with {"silenceID": ...} from both: remember the ids under this name.
  std::string save_as = {};
  // Where Alertmanager 0.34 answers differently from Debian's 0.25: the answer 0.34 gives,
  // which tocsin must give (the case's comment names the upstream change).
  std::optional<Answer> expect_034 = std::nullopt;
  // The Content-Type of a POST ("" = none); application/json when unset.
  std::optional<std::string> content_type = std::nullopt;
  // A known difference left open (the reason): reported, not failed. See docs/development.md.
  std::string open = {};
};

// 0.34's answer where it differs from 0.25's in ways every answer shares:
//   - alertStatus.mutedBy (required since 0.28's time-interval muting in the API): empty here,
//     the configuration mutes nothing;
//   - alertGroup.routeLabels (0.32, route labels): empty, no route sets labels;
//   - receiver.labels: 0.32 gives every receiver the label name=<its name>;
//   - silence validation texts name the matcher set (0.32's matcher sets): "invalid silence:
//     matcher set 0: ..." and "invalid label matcher N in set 0: ...";
//   - DELETE of an unknown silence is a 404 without body (0.27), not a 500.
void UpgradeTo034(const Case& c, Answer& a) {
  std::function<void(OJson&)> walk = [&](OJson& j) {
    if (j.is_array()) {
      for (OJson& e : j) walk(e);
      return;
    }
    if (!j.is_object()) return;
    for (auto& [k, v] : j.items()) walk(v);
    if (j.contains("inhibitedBy") && j.contains("silencedBy") && !j.contains("mutedBy")) {
      OJson out = OJson::object();
      for (auto& [k, v] : j.items()) {
        out[k] = v;
        if (k == "inhibitedBy") out["mutedBy"] = OJson::array();
      }
      j = std::move(out);
    }
    if (j.contains("alerts") && j.contains("receiver") && !j.contains("routeLabels")) {
      j["routeLabels"] = OJson::object();
    }
  };
  OJson body = OJson::parse(a.body, nullptr, false);
  if (!a.body.empty() && !body.is_discarded()) {
    if (c.method == "GET" && c.path.starts_with("/api/v2/receivers") && body.is_array()) {
      for (OJson& r : body) {
        OJson out = OJson::object();
        out["labels"] = OJson{{"name", r["name"]}};
        for (auto& [k, v] : r.items()) out[k] = v;
        r = std::move(out);
      }
    }
    walk(body);
    if (c.method == "POST" && c.path == "/api/v2/silences" && body.is_string()) {
      std::string m = body.get<std::string>();
      static const RE2 kPrefix("^silence invalid: ");
      static const RE2 kEmpty("^invalid silence: (at least one matcher must not match)");
      static const RE2 kMatcher("^invalid silence: invalid label matcher (\\d+): ");
      RE2::Replace(&m, kPrefix, "invalid silence: ");
      RE2::Replace(&m, kEmpty, "invalid silence: matcher set 0: \\1");
      RE2::Replace(&m, kMatcher, "invalid silence: invalid label matcher \\1 in set 0: ");
      body = m;
    }
    a.body = body.dump();
  }
  if (c.method == "DELETE" && a.status == 500 && body == OJson("silence not found")) {
    a = Answer{.status = 404};
  }
}

std::string Describe(const Case& c) {
  return c.method + " " + c.path + (c.body.empty() ? "" : " " + c.body);
}

// ---- the suite ------------------------------------------------------------------------------

class AlertmanagerDifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kAlertmanager)) return;
    dir_ = new sqlite::testing::TempDir();
    am_ = new AlertmanagerServer();
    tocsin_ = new TocsinServer();
    start_error_ = tocsin_->Start(*dir_);
    if (start_error_.empty() && !am_->Start(*dir_)) {
      start_error_ = "alertmanager did not become ready: " + am_->log();
    }
    // Every time a case posts is relative to this one "now", the same text for both servers.
    now_ = (std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count() /
            1000) *
               1000 +
           123;
  }
  static void TearDownTestSuite() {
    named_.clear();
    ids_.clear();
    alert_set_posted_ = false;
    delete tocsin_;
    delete am_;
    delete dir_;
    tocsin_ = nullptr;
    am_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!fs::exists(kAlertmanager)) GTEST_SKIP() << "prometheus-alertmanager is not installed";
    ASSERT_TRUE(start_error_.empty()) << start_error_;
  }

  // A time `offset` from the suite's "now", as RFC 3339 with milliseconds.
  static std::string T(std::chrono::milliseconds offset) {
    return FormatRfc3339Millis(now_ + offset.count());
  }

  static std::string Substitute(std::string text, bool tocsin) {
    static const RE2 kRef(R"(\{id:([A-Za-z0-9_]+)\})");
    std::string name;
    while (RE2::PartialMatch(text, kRef, &name)) {
      auto it = named_.find(name);
      const std::string id =
          it == named_.end() ? "unknown-" + name : (tocsin ? it->second.second : it->second.first);
      RE2::Replace(&text, kRef, id);
    }
    return text;
  }

  static Answer Send(const std::string& base, const Case& c, bool tocsin) {
    test::HttpCall call;
    call.method = c.method;
    call.url = base + Substitute(c.path, tocsin);
    call.body = Substitute(c.body, tocsin);
    if (c.content_type) {
      // curl sends a form type with a body unless told otherwise; "Content-Type:" drops it.
      call.headers.push_back("Content-Type: " + *c.content_type);
    } else if (c.method == "POST") {
      call.headers.push_back("Content-Type: application/json");
    }
    call.timeout_ms = 5000;
    test::HttpResult r = test::Fetch(call);
    Answer a;
    a.status = r.status;
    a.content_type = r.headers["content-type"];
    a.body = r.body;
    a.error = r.error;
    if (!tocsin && a.status == 405) SortAllowedMethods(a.body);
    return a;
  }

  // go-openapi lists the methods a path does serve from a Go map, so their order in its 405
  // message ("but [GET,POST] are") changes from run to run; tocsin sorts them.
  static void SortAllowedMethods(std::string& body) {
    const size_t open = body.find('[');
    const size_t close = body.find(']', open);
    if (open == std::string::npos || close == std::string::npos) return;
    std::vector<std::string> methods;
    std::stringstream list(body.substr(open + 1, close - open - 1));
    for (std::string m; std::getline(list, m, ',');) methods.push_back(m);
    std::sort(methods.begin(), methods.end());
    std::string sorted;
    for (const std::string& m : methods) sorted += (sorted.empty() ? "" : ",") + m;
    body.replace(open + 1, close - open - 1, sorted);
  }

  // The differences between the two answers; empty when they agree.
  static std::vector<std::string> Differences(const Case& c, const Answer& am, const Answer& tc) {
    std::vector<std::string> diffs;
    if (am.status != tc.status) {
      diffs.push_back("status " + std::to_string(am.status) + " vs " + std::to_string(tc.status));
    }
    if (am.content_type != tc.content_type) {
      diffs.push_back("content-type \"" + am.content_type + "\" vs \"" + tc.content_type + "\"");
    }
    OJson ja = OJson::parse(am.body, nullptr, false);
    OJson jt = OJson::parse(tc.body, nullptr, false);
    if (am.body.empty() || tc.body.empty() || ja.is_discarded() || jt.is_discarded()) {
      if (am.body != tc.body) diffs.push_back("body " + am.body + " vs " + tc.body);
      return diffs;
    }
    Differ(c.compare, ids_).Compare(ja, jt, "$", "", diffs);
    return diffs;
  }

  // Sends `c` to both servers and expects the same answer. GETs are retried for a moment: the
  // Alertmanager's dispatcher and inhibitor see new alerts asynchronously.
  static void ExpectSame(const Case& c) {
    SCOPED_TRACE(Describe(c));
    Answer am, tc;
    std::vector<std::string> diffs;
    for (int attempt = 0; attempt < 30; ++attempt) {
      am = Send(am_->base(), c, false);
      tc = Send(tocsin_->base(), c, true);
      LearnSilenceIds(c, am, tc);
      if (c.expect_034) {
        am = *c.expect_034;
      } else {
        UpgradeTo034(c, am);
      }
      diffs = Differences(c, am, tc);
      if (diffs.empty() || c.method != "GET" || !c.open.empty()) break;
      std::this_thread::sleep_for(100ms);
    }
    std::string report;
    for (const std::string& d : diffs) report += "\n  " + d;
    if (!c.open.empty()) {
      if (!diffs.empty()) {
        std::cout << "OPEN DIFFERENCE (" << c.open << "): " << Describe(c) << report << "\n";
      }
      return;
    }
    EXPECT_TRUE(diffs.empty()) << Describe(c) << report << "\n alertmanager: " << am.status << " "
                               << am.body.substr(0, 3000) << "\n tocsin:       " << tc.status << " "
                               << tc.body.substr(0, 3000);
  }

  // Maps the ids of a silence both servers just created (or replaced).
  static void LearnSilenceIds(const Case& c, const Answer& am, const Answer& tc) {
    if (c.method != "POST" || am.status != 200 || tc.status != 200) return;
    OJson ja = OJson::parse(am.body, nullptr, false), jt = OJson::parse(tc.body, nullptr, false);
    if (!ja.is_object() || !jt.is_object() || !ja.contains("silenceID") ||
        !jt.contains("silenceID")) {
      return;
    }
    const std::string a = ja["silenceID"].get<std::string>(),
                      t = jt["silenceID"].get<std::string>();
    ids_[t] = a;
    if (!c.save_as.empty()) named_[c.save_as] = {a, t};
  }

  static void Remember(const std::string& name, const std::string& am_id,
                       const std::string& tocsin_id) {
    named_[name] = {am_id, tocsin_id};
    ids_[tocsin_id] = am_id;
  }

  // `GET path` with each query string in `queries` appended.
  static void ExpectSameGets(const std::string& path, const std::vector<std::string>& queries,
                             const CompareOptions& compare = {}) {
    for (const std::string& q : queries) {
      ExpectSame({.method = "GET", .path = path + (q.empty() ? "" : "?" + q), .compare = compare});
    }
  }

  static Case PostAlerts(std::string body, CompareOptions compare = {}) {
    return {.method = "POST",
            .path = "/api/v2/alerts",
            .body = std::move(body),
            .compare = std::move(compare)};
  }
  static Case PostSilence(std::string body, std::string save_as = "") {
    return {.method = "POST",
            .path = "/api/v2/silences",
            .body = std::move(body),
            .save_as = std::move(save_as)};
  }

  // A silence body; `extra` is added inside the object (e.g. an id).
  static std::string Silence(const std::string& matchers, const std::string& starts,
                             const std::string& ends, const std::string& extra = "") {
    return R"({"matchers":)" + matchers + R"(,"startsAt":")" + starts + R"(","endsAt":")" + ends +
           R"(","createdBy":"ops","comment":"diff test")" + (extra.empty() ? "" : "," + extra) +
           "}";
  }

  static inline sqlite::testing::TempDir* dir_ = nullptr;
  static inline AlertmanagerServer* am_ = nullptr;
  static inline TocsinServer* tocsin_ = nullptr;
  static inline std::string start_error_;
  static inline TimestampMs now_ = 0;
  static inline std::map<std::string, std::pair<std::string, std::string>> named_;
  static inline std::map<std::string, std::string> ids_;  // tocsin id -> Alertmanager id
  static inline bool alert_set_posted_ = false;

  static void EnsureAlertSet();
};

// Tests run in declaration order and share both servers' state: later ones see the alerts and
// silences earlier ones created, identically on both sides.

// Differences left open (see the report in docs/api.md's "Differences from Alertmanager").
constexpr const char* kStrfmtTimes =
    "strfmt.DateTime reads \"\" as the Unix epoch; tocsin's 0 means unset, so it refuses it";

TEST_F(AlertmanagerDifferentialTest, PostAlertsValidation) {
  const std::string s = T(-30min), e = T(-40min), f = T(1h);
  // Alerts some servers keep but the test set must not show: resolved at once.
  const std::string gone = R"(,"startsAt":")" + T(-2h) + R"(","endsAt":")" + T(-90min) + "\"";
  const Answer ok034{.status = 200};
  const std::vector<Case> cases = {
      // Valid batches.
      PostAlerts("[]"),
      PostAlerts("null"),
      PostAlerts(R"([{"labels":{"alertname":"PostOk","suite":"post"},"startsAt":")" + s +
                 R"(","endsAt":")" + f +
                 R"(","annotations":{"summary":"ok"},"generatorURL":"http://g/1"}])"),
      PostAlerts(R"([{"labels":{"alertname":"PostOk2","suite":"post"},"startsAt":")" + s +
                 R"(","endsAt":")" + f +
                 R"("},{"labels":{"alertname":"PostOk3","suite":"post"},"startsAt":")" + s +
                 R"(","endsAt":")" + f + R"(","unknownField":{"x":[1,2]}}])"),
      // Missing or empty labels.
      PostAlerts(R"([{"annotations":{"a":"b"}}])"),
      PostAlerts(R"([{"labels":null}])"),
      PostAlerts(R"([{"labels":{}}])"),
      PostAlerts(R"([{"labels":{"alertname":"Ok","suite":"post"},"startsAt":")" + s +
                 R"(","endsAt":")" + f + R"("},{"annotations":{}}])"),
      // Alertmanager dereferences the null alert and drops the connection (a panic in its
      // handler, 0.25 and 0.34 alike); tocsin answers 422 "0.labels in body is required".
      {.method = "POST",
       .path = "/api/v2/alerts",
       .body = "[null]",
       .open = "Alertmanager panics on a null alert"},
      // Label names: 0.34 validates them as UTF-8 (matcher/compat, default fallback mode), so
      // these are accepted; 0.25 wanted [a-zA-Z_][a-zA-Z0-9_]*.
      {.method = "POST",
       .path = "/api/v2/alerts",
       .body = R"([{"labels":{"0abc":"x"})" + gone + "}]",
       .expect_034 = ok034},
      {.method = "POST",
       .path = "/api/v2/alerts",
       .body = R"([{"labels":{"a-b":"x","alertname":"BadName"})" + gone + "}]",
       .expect_034 = ok034},
      {.method = "POST",
       .path = "/api/v2/alerts",
       .body = R"([{"labels":{"alertname":"Annot"},"annotations":{"1bad":"x"})" + gone + "}]",
       .expect_034 = ok034},
      PostAlerts(R"([{"labels":{"alertname":"EmptyName","":"x"}}])"),
      // A lone surrogate and a byte that is not UTF-8 both read as U+FFFD.
      PostAlerts(R"([{"labels":{"alertname":"BadUtf8","x":"\udc00"},"startsAt":")" + s +
                 R"(","endsAt":")" + f + R"("}])"),
      PostAlerts("[{\"labels\":{\"alertname\":\"BadUtf8b\",\"x\":\"a\xff\"},\"startsAt\":\"" + s +
                 "\",\"endsAt\":\"" + f + "\"}]"),
      // endsAt before startsAt.
      PostAlerts(R"([{"labels":{"alertname":"Backwards","suite":"post"},"startsAt":")" + s +
                 R"(","endsAt":")" + e + R"("}])"),
      // Bad times, and the other layouts strfmt.DateTime reads.
      PostAlerts(R"([{"labels":{"alertname":"BadTime"},"startsAt":"yesterday"}])"),
      PostAlerts(R"([{"labels":{"alertname":"BadTime"},"endsAt":"2024-13-01T00:00:00Z"}])"),
      PostAlerts(R"([{"labels":{"alertname":"BadTime"},"endsAt":"2024-02-30T00:00:00Z"}])"),
      PostAlerts(R"([{"labels":{"alertname":"BadTime"},"endsAt":"2024-05-01 12:00:00Z"}])"),
      PostAlerts(
          R"([{"labels":{"alertname":"BadTime1"},"startsAt":"2024-05-01 12:00:00","endsAt":")" +
          T(-1h) + "\"}]"),
      PostAlerts(
          R"([{"labels":{"alertname":"BadTime2"},"startsAt":"2024-05-01T12:00:00","endsAt":")" +
          T(-1h) + "\"}]"),
      PostAlerts(
          R"([{"labels":{"alertname":"BadTime4"},"startsAt":"2024-05-01T12:00Z","endsAt":")" +
          T(-1h) + "\"}]"),
      PostAlerts(R"([{"labels":{"alertname":"BadTime5"},"startsAt":"2024-05-01T12:00:00.123+0000",)"
                 R"("endsAt":")" +
                 T(-1h) + "\"}]"),
      {.method = "POST",
       .path = "/api/v2/alerts",
       .body = R"([{"labels":{"alertname":"BadTime3"},"startsAt":"","endsAt":")" + T(-1h) + "\"}]",
       .open = kStrfmtTimes},

      // Not an array, wrong types.
      PostAlerts(R"({"labels":{"alertname":"x"}})"),
      PostAlerts(R"("alerts")"),
      PostAlerts("42"),
      PostAlerts("true"),
  };
  for (const Case& c : cases) ExpectSame(c);
  // Go's type errors: the texts of the generated models' decoding.
  for (const std::string body : {
           R"([1])",
           R"([[{"labels":{"alertname":"x"}}]])",
           R"([{"labels":["alertname","x"]}])",
           R"([{"labels":"alertname=x"}])",
           R"([{"labels":{"alertname":1}}])",
           R"([{"labels":{"alertname":"x"},"annotations":{"a":true}}])",
           R"([{"labels":{"alertname":"x"},"annotations":[]}])",
           R"([{"labels":{"alertname":"x"},"generatorURL":5}])",
           R"([{"labels":{"alertname":"x"},"startsAt":{}}])",
           R"([{"labels":{"alertname":"BadTime"},"startsAt":1714564800}])",
       }) {
    ExpectSame({.method = "POST", .path = "/api/v2/alerts", .body = body});
  }
  for (const std::string body : {"[", "[{]", "[{\"labels\":{\"alertname\":\"x\"}},]"}) {
    ExpectSame({.method = "POST", .path = "/api/v2/alerts", .body = body});
  }
  for (const std::string body : {"", "   "}) {
    ExpectSame({.method = "POST", .path = "/api/v2/alerts", .body = body});
  }
  ExpectSame({.method = "POST",
              .path = "/api/v2/alerts",
              .body = R"([{"labels":{"alertname":"Trailing"})" + gone + "}] trailing"});
  // Go keeps the offset a time was posted with and prints it back ("+02:00"); tocsin keeps
  // milliseconds and prints UTC. Resolved again afterwards, so that later listings agree.
  const std::string zoned =
      R"([{"labels":{"alertname":"Zoned"},"startsAt":"2024-05-01T12:00:00+02:00")";
  ExpectSame(PostAlerts(zoned + R"(,"endsAt":")" + f + "\"}]"));
  ExpectSame({.method = "GET",
              .path = "/api/v2/alerts?filter=alertname=\"Zoned\"",
              .open = "Alertmanager echoes the poster's UTC offset"});
  ExpectSame(PostAlerts(zoned + R"(,"endsAt":")" + T(-1s) + "\"}]"));
  // The posted alerts read back the same (and, by omission, the refused ones were not stored).
  ExpectSameGets("/api/v2/alerts", {"filter=suite=\"post\"", "filter=alertname=~\"Bad.*\""});
}

// Re-posted alerts merge with the stored one (the earliest startsAt stays, a later explicit
// endsAt wins); empty label values are dropped; a batch may repeat an alert; an alert may start
// in the future.
TEST_F(AlertmanagerDifferentialTest, AlertMerging) {
  auto alert = [](const std::string& labels, const std::string& starts, const std::string& ends,
                  const std::string& annotations = "{}") {
    return R"({"labels":)" + labels + R"(,"annotations":)" + annotations + R"(,"startsAt":")" +
           starts + R"(","endsAt":")" + ends + "\"}";
  };
  const std::string a = R"({"alertname":"Merge","suite":"merge","n":"1"})";
  const std::string b = R"({"alertname":"Merge","suite":"merge","n":"2","gone":""})";
  ExpectSame(PostAlerts("[" + alert(a, T(-20min), T(2h), R"({"v":"first"})") + "," +
                        alert(b, T(-20min), T(2h)) + "]"));
  // Later start, new annotation: the earlier startsAt stays, the annotation is replaced.
  ExpectSame(PostAlerts("[" + alert(a, T(-10min), T(2h + 1s), R"({"v":"second"})") + "]"));
  // Earlier start: taken.
  ExpectSame(PostAlerts("[" + alert(b, T(-30min), T(2h)) + "]"));
  // The same alert twice in one batch, and one starting in an hour.
  ExpectSame(
      PostAlerts("[" + alert(R"({"alertname":"Twice","suite":"merge"})", T(-5min), T(1h)) + "," +
                 alert(R"({"alertname":"Twice","suite":"merge"})", T(-6min), T(1h + 1s)) + "," +
                 alert(R"({"alertname":"Future","suite":"merge"})", T(1h), T(2h)) + "]"));
  ExpectSameGets("/api/v2/alerts", {"filter=suite=\"merge\""});
  ExpectSameGets("/api/v2/alerts/groups", {"filter=suite=\"merge\""});
  // Resolving: an explicit endsAt in the past.
  ExpectSame(PostAlerts("[" + alert(a, T(-20min), T(-1s)) + "]"));
  ExpectSameGets("/api/v2/alerts", {"filter=suite=\"merge\""});
  ExpectSameGets("/api/v2/alerts/groups", {"filter=suite=\"merge\""});
}

TEST_F(AlertmanagerDifferentialTest, PostAlertsWithServerTimes) {
  // No startsAt/endsAt: both become "now" and now + resolve_timeout on each server.
  CompareOptions now_times{.fuzzy_times = {"updatedAt", "startsAt", "endsAt"}};
  ExpectSame(PostAlerts(R"([{"labels":{"alertname":"NoTimes","suite":"now"}}])", now_times));
  ExpectSame(PostAlerts(
      R"([{"labels":{"alertname":"OnlyStart","suite":"now"},"startsAt":")" + T(-5min) + "\"}]",
      now_times));
  ExpectSame(
      PostAlerts(R"([{"labels":{"alertname":"OnlyEnd","suite":"now"},"endsAt":")" + T(2h) + "\"}]",
                 now_times));
  ExpectSameGets("/api/v2/alerts", {"filter=suite=\"now\""}, now_times);
  // Resolved again (an explicit endsAt beats the timeout one), so that later listings, which
  // compare times exactly, do not see them.
  ExpectSame(PostAlerts(R"([{"labels":{"alertname":"NoTimes","suite":"now"},"endsAt":")" + T(-1s) +
                        R"("},{"labels":{"alertname":"OnlyStart","suite":"now"},"startsAt":")" +
                        T(-5min) + R"(","endsAt":")" + T(-1s) +
                        R"("},{"labels":{"alertname":"OnlyEnd","suite":"now"},"endsAt":")" +
                        T(-1s) + "\"}]"));
  ExpectSameGets("/api/v2/alerts", {"filter=suite=\"now\""}, now_times);
}

// The alert set the query tests read (silenced, inhibited, resolved, with odd label values),
// posted once per server pair: each test that reads it asks for it, so that it is there when
// CTest runs that test alone.
void AlertmanagerDifferentialTest::EnsureAlertSet() {
  if (alert_set_posted_) return;
  alert_set_posted_ = true;
  const std::string s1 = T(-1h), s2 = T(-2h), e1 = T(-59min), f = T(3h);
  auto alert = [&](const std::string& labels, const std::string& starts, const std::string& ends,
                   const std::string& annotations = "{}") {
    return R"({"labels":)" + labels + R"(,"annotations":)" + annotations + R"(,"startsAt":")" +
           starts + R"(","endsAt":")" + ends +
           R"(","generatorURL":"http://prom/graph?g0.expr=up"})";
  };
  const std::string batch =
      "[" +
      alert(
          R"({"alertname":"HighLatency","severity":"critical","cluster":"eu","team":"web","instance":"a","set":"q"})",
          s1, f, R"({"summary":"latency is high","runbook":"http://r/1"})") +
      "," +
      alert(
          R"({"alertname":"HighLatency","severity":"warning","cluster":"eu","team":"web","instance":"b","set":"q"})",
          s1, f, R"({"summary":"latency is high too"})") +
      "," +
      alert(
          R"({"alertname":"HighLatency","severity":"warning","cluster":"us","team":"web","instance":"c","set":"q"})",
          s2, f) +
      "," +
      alert(
          R"({"alertname":"DiskFull","severity":"warning","cluster":"us","team":"db","instance":"d","set":"q"})",
          s1, f, R"({"description":"naïve ✓ \"quoted\""})") +
      "," +
      alert(
          R"({"alertname":"DiskFull","severity":"critical","cluster":"ap","team":"storage","set":"q"})",
          s2, f) +
      "," +
      alert(
          R"({"alertname":"Backlog","severity":"info","queue":"q 1","team":"ops","set":"q","empty":""})",
          s1, f) +
      "," +
      alert(R"({"alertname":"Resolved","severity":"warning","cluster":"eu2","set":"q"})", s2, e1) +
      "," +
      alert(
          R"({"alertname":"Regex.Name","severity":"warning","path":"/a/b","cluster":"ap","set":"q"})",
          s1, f) +
      "," +
      alert(R"({"alertname":"Quote\"d","severity":"warning","set":"q","team":"db","cluster":"x"})",
            s1, f) +
      "]";
  ExpectSame(PostAlerts(batch));

  // Silences: active ones for DiskFull/db and the /a path, a pending one, an expired one.
  ExpectSame(PostSilence(
      Silence(
          R"([{"name":"team","value":"db","isRegex":false},{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}])",
          T(-10min), T(2h)),
      "db"));
  ExpectSame(PostSilence(
      Silence(R"([{"name":"path","value":"/a.*","isRegex":true}])", T(-10min), T(2h + 1s)),
      "path"));
  ExpectSame(PostSilence(
      Silence(R"([{"name":"alertname","value":"Backlog","isRegex":false}])", T(1h), T(5h)),
      "pending"));
  ExpectSame(PostSilence(
      Silence(
          R"([{"name":"alertname","value":"HighLatency","isRegex":false},{"name":"cluster","value":"us","isRegex":false,"isEqual":false}])",
          T(-10min), T(2h + 2s)),
      "to_expire"));
  ExpectSame({.method = "DELETE", .path = "/api/v2/silence/{id:to_expire}"});
  ExpectSame(PostSilence(
      Silence(
          R"([{"name":"alertname","value":"Quote\"d","isRegex":false},{"name":"severity","value":"crit.*","isRegex":true,"isEqual":false}])",
          T(-10min), T(2h + 3s)),
      "negative"));
}

TEST_F(AlertmanagerDifferentialTest, AlertSetAndSilences) {
  EnsureAlertSet();
  ExpectSameGets("/api/v2/alerts", {"filter=set=\"q\""});
}

TEST_F(AlertmanagerDifferentialTest, GetAlertsQueries) {
  EnsureAlertSet();
  ExpectSameGets("/api/v2/alerts", {
                                       "",
                                       "active=true",
                                       "active=false",
                                       "silenced=false",
                                       "inhibited=false",
                                       "unprocessed=false",
                                       "active=false&silenced=false",
                                       "active=false&inhibited=false",
                                       "silenced=false&inhibited=false",
                                       "active=false&silenced=false&inhibited=false",
                                       "silenced=true&inhibited=true&active=true&unprocessed=true",
                                       "silenced=0&inhibited=no",
                                       "active=1",
                                       "filter=alertname=\"HighLatency\"",
                                       "filter=alertname=HighLatency",
                                       "filter=severity!=\"warning\"",
                                       "filter=alertname=~\"High.*\"",
                                       "filter=alertname=~\"high.*\"",
                                       "filter=alertname!~\"High.*|Disk.*\"",
                                       "filter=cluster=~\"eu|us\"&filter=severity=\"warning\"",
                                       "filter=queue=\"q%201\"",
                                       "filter=queue=%22q+1%22",
                                       "filter=path=\"/a/b\"",
                                       "filter=empty=\"\"",
                                       "filter=nolabel!=\"\"",
                                       "filter=nolabel=\"\"",
                                       "filter=alertname=\"Quote%5C%22d\"",
                                       "filter=alertname=~\"Regex\\\\.Name\"",
                                       "filter=alertname=~\"Regex.Name\"&silenced=false",
                                       "filter=team=\"web\"&inhibited=false",
                                       "receiver=pager",
                                       "receiver=db|web",
                                       "receiver=p.*",
                                       "receiver=ag",
                                       "receiver=default&filter=set=\"q\"",
                                       "receiver=",
                                   });
}

TEST_F(AlertmanagerDifferentialTest, GetAlertsBadParameters) {
  EnsureAlertSet();
  ExpectSameGets("/api/v2/alerts", {
                                       "active=maybe",
                                       "silenced=2",
                                       "inhibited=",
                                       "unprocessed=x",
                                       "filter=alertname",
                                       "filter=alertname=~\"(\"",
                                       "filter==x",
                                       "filter=a==\"b\"",
                                       "filter=a=\"b",
                                       "filter=",
                                       "receiver=(",
                                       "receiver=a[",
                                   });
}

// 0.34's matcher parser (matcher/compat's fallback mode) refuses braces around a single
// matcher before trying either parser; 0.25's classic parser said "bad matcher format".
TEST_F(AlertmanagerDifferentialTest, FilterWithBracesSince034) {
  EnsureAlertSet();
  for (const std::string filter : {"{}", "{alertname=\"DiskFull\"}", "alertname=\"x\"}"}) {
    std::string escaped;
    for (char c : filter) {
      if (c == '{')
        escaped += "%7B";
      else if (c == '}')
        escaped += "%7D";
      else
        escaped += c;
    }
    for (const std::string path : {"/api/v2/alerts", "/api/v2/alerts/groups", "/api/v2/silences"}) {
      ExpectSame({.method = "GET",
                  .path = path + "?filter=" + escaped,
                  .expect_034 =
                      Answer{.status = 400,
                             .content_type = "application/json",
                             .body = OJson("unexpected open or close brace: " + filter).dump()}});
    }
  }
}

TEST_F(AlertmanagerDifferentialTest, GetAlertGroups) {
  EnsureAlertSet();
  ExpectSameGets("/api/v2/alerts/groups", {
                                              "",
                                              "active=false",
                                              "silenced=false",
                                              "inhibited=false",
                                              "silenced=false&inhibited=false",
                                              "active=false&silenced=false&inhibited=false",
                                              "filter=alertname=\"HighLatency\"",
                                              "filter=set=\"q\"",
                                              "filter=severity=~\"warn.*\"&filter=cluster!=\"eu\"",
                                              "filter=alertname!~\"Disk.*\"",
                                              "receiver=web",
                                              "receiver=pager|db",
                                              "receiver=nobody",
                                              "filter=alertname",
                                              "receiver=(",
                                              "active=nope",
                                          });
}

TEST_F(AlertmanagerDifferentialTest, SilenceValidation) {
  EnsureAlertSet();
  const std::string past = T(-2h), past2 = T(-1h), soon = T(1h), later = T(2h + 10s);
  const std::vector<std::string> bodies = {
      // Not a silence at all.
      "",
      "[]",
      "null",
      R"("x")",
      "{}",
      // Required fields, one at a time.
      R"({"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":")" + past2 +
          R"(","endsAt":")" + soon + R"(","createdBy":"ops"})",
      R"({"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":")" + past2 +
          R"(","endsAt":")" + soon + R"(","comment":"c"})",
      R"({"matchers":[{"name":"a","value":"b","isRegex":false}],"endsAt":")" + soon +
          R"(","createdBy":"ops","comment":"c"})",
      R"({"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":")" + past2 +
          R"(","createdBy":"ops","comment":"c"})",
      R"({"startsAt":")" + past2 + R"(","endsAt":")" + soon +
          R"(","createdBy":"ops","comment":"c"})",
      // Matchers: none, incomplete, matching the empty string, bad regex, bad names.
      Silence("[]", past2, soon),
      Silence(R"([{"name":"a","value":"b"}])", past2, soon),
      Silence(R"([{"value":"b","isRegex":false}])", past2, soon),
      Silence(R"([{"name":"a","isRegex":false}])", past2, soon),
      Silence(R"([{"name":"a","value":"","isRegex":false}])", past2, soon),
      Silence(R"([{"name":"a","value":".*","isRegex":true}])", past2, soon),
      Silence(R"([{"name":"a","value":"x","isRegex":false,"isEqual":false}])", past2, soon),
      Silence(
          R"([{"name":"a","value":"","isRegex":false},{"name":"b","value":"x|","isRegex":true}])",
          past2, soon),
      Silence(R"([{"name":"a","value":"(","isRegex":true}])", past2, soon),
      Silence(
          R"([{"name":"a","value":"x","isRegex":false},{"name":"b","value":"[z-a]","isRegex":true}])",
          past2, soon),
      Silence(R"([{"name":"","value":"x","isRegex":false}])", past2, soon),
      // Times.
      Silence(R"([{"name":"a","value":"x","isRegex":false}])", soon, past2),
      Silence(R"([{"name":"a","value":"x","isRegex":false}])", past, past2),
      Silence(R"([{"name":"a","value":"x","isRegex":false}])", soon, soon),
      // Wrong types.
      R"({"matchers":"a=b","startsAt":")" + past2 + R"(","endsAt":")" + soon +
          R"(","createdBy":"ops","comment":"c"})",
      R"({"matchers":[{"name":"a","value":"b","isRegex":"no"}],"startsAt":")" + past2 +
          R"(","endsAt":")" + soon + R"(","createdBy":"ops","comment":"c"})",
      R"({"matchers":[{"name":1,"value":"b","isRegex":false}],"startsAt":")" + past2 +
          R"(","endsAt":")" + soon + R"(","createdBy":"ops","comment":"c"})",
      R"({"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":")" + past2 +
          R"(","endsAt":")" + soon + R"(","createdBy":7,"comment":"c"})",
      R"({"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":5,"endsAt":")" + soon +
          R"(","createdBy":"ops","comment":"c"})",
      Silence(R"([{"name":"a","value":"x","isRegex":false}])", past2, soon, R"("id":5)"),
      // Unknown and malformed ids.
      Silence(R"([{"name":"a","value":"x","isRegex":false}])", past2, soon,
              R"("id":"6a0d2c8e-1b0f-4a5e-9c8e-2f1d7c3b4a5e")"),
      Silence(R"([{"name":"a","value":"x","isRegex":false}])", past2, soon, R"("id":"nope")"),
      // Updating the expired silence.
      Silence(R"([{"name":"alertname","value":"HighLatency","isRegex":false}])", past2, later,
              R"("id":"{id:to_expire}")"),
  };
  for (const std::string& body : bodies) ExpectSame(PostSilence(body));
  ExpectSame({.method = "POST", .path = "/api/v2/silences", .body = "{"});
  ExpectSame({.method = "POST",
              .path = "/api/v2/silences",
              .body = Silence(R"([{"name":"a","value":"x","isRegex":false}])", "yesterday", soon)});
  ExpectSame({.method = "POST",
              .path = "/api/v2/silences",
              .body = Silence(R"([{"name":"a","value":"x","isRegex":false}])", past2,
                              "2024-05-01T12:00:00")});
}

TEST_F(AlertmanagerDifferentialTest, SilenceLifecycle) {
  // A silence whose startsAt is in the past starts "now" on each server.
  CompareOptions now_times{.fuzzy_times = {"updatedAt", "startsAt", "endsAt"}};
  ExpectSame(PostSilence(
      Silence(R"([{"name":"alertname","value":"Lifecycle","isRegex":false}])", T(-1h), T(4h)),
      "life"));
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:life}", .compare = now_times});
  // Extending endsAt updates in place (same id); changing matchers replaces the silence.
  ExpectSame(PostSilence(Silence(R"([{"name":"alertname","value":"Lifecycle","isRegex":false}])",
                                 T(-1h), T(4h + 1s), R"("id":"{id:life}")"),
                         "life2"));
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:life2}", .compare = now_times});
  ExpectSame(PostSilence(Silence(R"([{"name":"alertname","value":"Lifecycle2","isRegex":false}])",
                                 T(-1h), T(4h + 2s), R"("id":"{id:life2}")"),
                         "life3"));
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:life}", .compare = now_times});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:life3}", .compare = now_times});
  // A pending silence updated, then expired (it is removed from the pending ones).
  ExpectSame(PostSilence(
      Silence(R"([{"name":"alertname","value":"Later","isRegex":false}])", T(2h), T(6h)), "later"));
  ExpectSame(PostSilence(Silence(R"([{"name":"alertname","value":"Later","isRegex":false}])", T(2h),
                                 T(7h), R"("id":"{id:later}")"),
                         "later2"));
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:later2}", .compare = now_times});
  ExpectSame({.method = "DELETE", .path = "/api/v2/silence/{id:later2}"});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:later2}", .compare = now_times});
  // Expire, expire again, unknown and malformed ids.
  ExpectSame({.method = "DELETE", .path = "/api/v2/silence/{id:life3}"});
  ExpectSame({.method = "DELETE", .path = "/api/v2/silence/{id:life3}"});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/{id:life3}", .compare = now_times});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/6a0d2c8e-1b0f-4a5e-9c8e-2f1d7c3b4a5e"});
  ExpectSame({.method = "DELETE", .path = "/api/v2/silence/6a0d2c8e-1b0f-4a5e-9c8e-2f1d7c3b4a5e"});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/not-a-uuid"});
  ExpectSame({.method = "DELETE", .path = "/api/v2/silence/not-a-uuid"});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/6A0D2C8E-1B0F-4A5E-9C8E-2F1D7C3B4A5E"});
  ExpectSame({.method = "GET", .path = "/api/v2/silence/6a0d2c8e1b0f4a5e9c8e2f1d7c3b4a5e"});
}

TEST_F(AlertmanagerDifferentialTest, ListSilences) {
  EnsureAlertSet();
  // Active first (soonest end first), then pending (soonest start first), then expired (latest
  // end first); every silence the earlier tests made.
  CompareOptions now_times{.fuzzy_times = {"updatedAt", "startsAt", "endsAt"}};
  ExpectSameGets("/api/v2/silences",
                 {
                     "",
                     "filter=alertname=\"DiskFull\"",
                     "filter=team=\"db\"",
                     "filter=alertname=~\"Life.*\"",
                     "filter=alertname=\"HighLatency\"&filter=cluster!=\"us\"",
                     "filter=path=~\"/a.*\"",
                     "filter=nothing=\"here\"",
                     "filter=alertname",
                     "filter=alertname=~\"(\"",
                 },
                 now_times);
}

TEST_F(AlertmanagerDifferentialTest, ReceiversAndStatus) {
  ExpectSameGets("/api/v2/receivers", {""});
  // The status: compared field by field where the two programs can agree.
  Answer am = Send(am_->base(), {.path = "/api/v2/status"}, false);
  Answer tc = Send(tocsin_->base(), {.path = "/api/v2/status"}, true);
  ASSERT_EQ(am.status, 200);
  ASSERT_EQ(tc.status, 200);
  EXPECT_EQ(am.content_type, tc.content_type);
  OJson ja = OJson::parse(am.body), jt = OJson::parse(tc.body);
  std::vector<std::string> ka, kt;
  for (auto it = ja.begin(); it != ja.end(); ++it) ka.push_back(it.key());
  for (auto it = jt.begin(); it != jt.end(); ++it) kt.push_back(it.key());
  EXPECT_EQ(ka, kt);
  EXPECT_EQ(ja["cluster"], jt["cluster"]);
  std::vector<std::string> va, vt;
  for (auto it = ja["versionInfo"].begin(); it != ja["versionInfo"].end(); ++it) {
    va.push_back(it.key());
  }
  for (auto it = jt["versionInfo"].begin(); it != jt["versionInfo"].end(); ++it) {
    vt.push_back(it.key());
  }
  EXPECT_EQ(va, vt);
  // Alertmanager shows its configuration marshalled back with every default filled in; tocsin
  // shows the file as loaded (variables expanded, secrets hidden). Left open (docs/api.md).
  if (ja["config"]["original"] != jt["config"]["original"]) {
    std::cout << "OPEN DIFFERENCE (config.original is the loaded text, not Alertmanager's "
                 "marshalled configuration)\n";
  }
  EXPECT_TRUE(jt["config"]["original"].is_string());
  EXPECT_TRUE(ParseRfc3339(jt["uptime"].get<std::string>()).ok()) << jt["uptime"];
}

// What the HTTP layer answers around the API: unknown paths, methods a path does not serve,
// bodies that are not JSON by their media type.
TEST_F(AlertmanagerDifferentialTest, MethodsPathsAndMediaTypes) {
  // go-openapi answers 404 and 405 under /api/v2/ with its JSON error, and matches paths after
  // Go's path.Clean, which drops a trailing slash. (Go's ServeMux in front of it redirects paths
  // with "//", "." or ".." segments to their clean form with a 301, where tocsin serves them
  // directly; curl resolves "." and "..", and tests/engine/http/router_test.cc covers them.)
  for (const Case& c : std::vector<Case>{
           {.method = "PUT", .path = "/api/v2/alerts", .body = "[]"},
           {.method = "DELETE", .path = "/api/v2/alerts"},
           {.method = "PATCH", .path = "/api/v2/silences", .body = "{}"},
           {.method = "POST", .path = "/api/v2/status", .body = "{}"},
           {.method = "PUT", .path = "/api/v2/silence/0b8e3b5e-8b1e-4a55-9e3f-1d2c3b4a5f60"},
           {.method = "GET", .path = "/api/v2/nothing"},
           {.method = "GET", .path = "/api/v2/silence/"},
           {.method = "GET", .path = "/api/v2/alerts/groups/extra"},
           {.method = "GET", .path = "/api/v2/receivers/"},
       }) {
    ExpectSame(c);
  }
  // Bodies are application/json by their media type (go-openapi's consumer check).
  const std::string alert = R"([{"labels":{"alertname":"Media"},"endsAt":")" + T(-1s) + "\"}]";
  for (const Case& c : std::vector<Case>{
           {.method = "POST",
    .path = "/api/v2/alerts",
    .body = alert,
    .content_type = "text/plain"},
           {.method = "POST",
           .path = "/api/v2/alerts",
           .body = alert,
           .content_type = "application/json; charset=utf-8"},
           {.method = "POST", .path = "/api/v2/alerts", .body = alert, .content_type = ""},
           {.method = "POST",
           .path = "/api/v2/silences",
           .body = "{}",
           .content_type = "text/json"},
           {.method = "POST", .path = "/api/v2/alerts", .body = "", .content_type = "text/plain"},
       }) {
    ExpectSame(c);
  }
}

// Label names in 0.34 are any non-empty UTF-8 (matcher/compat's fallback mode, the default):
// silences on such names are valid, where 0.25 answers 400 "invalid label name". Last of this
// suite's tests: only tocsin keeps these silences, so later listings would differ.
TEST_F(AlertmanagerDifferentialTest, ZzUtf8LabelNamesSince034) {
  for (const std::string name : {"0a", "a b", "ünïcode"}) {
    const Case c = PostSilence(
        Silence(R"([{"name":")" + name + R"(","value":"x","isRegex":false}])", T(-1h), T(1h)));
    const Answer am = Send(am_->base(), c, false);
    EXPECT_EQ(am.status, 400) << am.body;  // 0.25
    const Answer tc = Send(tocsin_->base(), c, true);
    EXPECT_EQ(tc.status, 200) << tc.body;  // 0.34
    EXPECT_TRUE(OJson::parse(tc.body, nullptr, false).contains("silenceID")) << tc.body;
  }
}

// ---- amtool against both ----------------------------------------------------------------------

struct AmtoolCase {
  std::string args;          // after --alertmanager.url; `{id:NAME}` as in Case
  bool fuzzy_times = false;  // silence times the servers generate ("now", updatedAt)
  std::string save_as = {};  // the first output line is a silence id to remember
  // What amtool prints on stderr against 0.34 where 0.25's server answers differently.
  std::optional<std::string> err_034 = std::nullopt;
};

class AmtoolDifferentialTest : public AlertmanagerDifferentialTest {
 protected:
  void SetUp() override {
    AlertmanagerDifferentialTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (!fs::exists(kAmtool)) GTEST_SKIP() << "amtool is not installed";
  }

  static test::ProcessResult Amtool(const std::string& base, const std::string& args) {
    // Through a shell so that cases can quote; bounded in time.
    return test::RunProcess(
        {"/bin/sh", "-c",
         std::string(kAmtool) + " --no-version-check --alertmanager.url=" + base + " " + args},
        {.timeout = 20s});
  }

  // Text with tocsin's silence ids replaced by Alertmanager's; amtool's dates blanked when
  // `fuzzy` (they are "now" on each server).
  static std::string Normalise(std::string text, bool from_tocsin, bool fuzzy) {
    if (from_tocsin) {
      for (const auto& [tocsin_id, am_id] : ids_) {
        for (size_t p = text.find(tocsin_id); p != std::string::npos;
             p = text.find(tocsin_id, p + am_id.size())) {
          text.replace(p, tocsin_id.size(), am_id);
        }
      }
    }
    // -o json prints the server's updatedAt ("now" on each server) in RFC 3339.
    static const RE2 kUpdatedAt(R"re("updatedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")re");
    RE2::GlobalReplace(&text, kUpdatedAt, R"("updatedAt":"<time>")");
    if (fuzzy) {
      static const RE2 kDate(R"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d| UTC)?)");
      RE2::GlobalReplace(&text, kDate, "<time>");
    }
    return text;
  }

  void ExpectSameAmtool(const AmtoolCase& c) {
    SCOPED_TRACE(c.args);
    test::ProcessResult am = Amtool(am_->base(), Substitute(c.args, false));
    test::ProcessResult tc = Amtool(tocsin_->base(), Substitute(c.args, true));
    EXPECT_EQ(am.exit_code, tc.exit_code) << c.args << "\n" << am.err << "\n" << tc.err;
    // `silence add` prints the new silence's id.
    if (c.args.starts_with("silence add") && am.exit_code == 0 && tc.exit_code == 0) {
      const std::string a = am.out.substr(0, am.out.find('\n'));
      const std::string t = tc.out.substr(0, tc.out.find('\n'));
      ids_[t] = a;
      if (!c.save_as.empty()) named_[c.save_as] = {a, t};
    }
    EXPECT_EQ(Normalise(am.out, false, c.fuzzy_times), Normalise(tc.out, true, c.fuzzy_times))
        << "amtool " << c.args;
    // Error texts name the server's answer; the URL differs.
    std::string am_err = am.err, tc_err = tc.err;
    // 0.34's silence validation texts (see UpgradeTo034).
    RE2::GlobalReplace(&am_err, "silence invalid: at least one",
                       "invalid silence: matcher set 0: at least one");
    RE2::GlobalReplace(&am_err, am_->base(), "<url>");
    if (c.err_034) am_err = *c.err_034;
    RE2::GlobalReplace(&tc_err, tocsin_->base(), "<url>");
    EXPECT_EQ(Normalise(am_err, false, c.fuzzy_times), Normalise(tc_err, true, c.fuzzy_times))
        << "amtool " << c.args;
  }
};

TEST_F(AmtoolDifferentialTest, AlertQueries) {
  EnsureAlertSet();
  for (const char* args : {
           "alert query",
           "alert query -o json",
           "alert query -o extended",
           "alert query alertname=HighLatency",
           "alert query HighLatency",
           "alert query 'alertname=~High.*' -o extended",
           "alert query 'severity!=warning' -o json",
           "alert query --silenced",
           "alert query --inhibited -o extended",
           "alert query -a -o extended",
           "alert query -a --receiver=pager",
           "alert query --receiver='db|web' -o json",
           "alert query set=q team=db",
           "alert query 'alertname=~('",
       }) {
    ExpectSameAmtool({.args = args});
  }
  ExpectSameAmtool({.args = "alert add AmtoolAdded severity=warning set=amtool --start=" +
                            T(-3min) + " --end=" + T(3h) + " --annotation=summary=added"});
  ExpectSameAmtool({.args = "alert query set=amtool -o extended"});
  ExpectSameAmtool({.args = "alert add alertname= --start=" + T(-3min)});
}

TEST_F(AmtoolDifferentialTest, Silences) {
  EnsureAlertSet();
  ExpectSameAmtool({.args = "silence add -a tester -c 'from amtool' --start=" + T(-1min) +
                            " --end=" + T(5h) + " alertname=AmtoolAdded",
                    .save_as = "amtool1"});
  ExpectSameAmtool({.args = "silence add -a tester -c 'regex' --start=" + T(30min) +
                            " --end=" + T(5h + 1s) + " 'instance=~[ab]' set=q",
                    .save_as = "amtool2"});
  ExpectSameAmtool({.args = "silence add -a tester -c bad --start=" + T(-1min) +
                            " --end=" + T(5h + 3s) + " 'alertname=~('"});
  ExpectSameAmtool({.args = "silence add -a tester -c empty --start=" + T(-1min) +
                            " --end=" + T(5h + 4s) + " 'x=~.*'"});
  for (const char* args : {
           "silence query",
           "silence query -o extended",
           "silence query -o json",
           "silence query -q",
           "silence query --expired",
           "silence query --expired -o extended",
           "silence query alertname=AmtoolAdded",
           "silence query --created-by=tester",
           "silence query --within=3h",
           "alert query --silenced set=amtool",
       }) {
    ExpectSameAmtool({.args = args, .fuzzy_times = true});
  }
  ExpectSameAmtool({.args = "silence expire {id:amtool1}"});
  // 0.34 answers 404 for an unknown silence (0.25: 500), a status amtool 0.25's client does
  // not know.
  ExpectSameAmtool({.args = "silence expire 6a0d2c8e-1b0f-4a5e-9c8e-2f1d7c3b4a5e",
                    .err_034 = "amtool: error: response status code does not match any response "
                               "statuses defined for this endpoint in the swagger spec (status "
                               "404): {}\n\n"});
  ExpectSameAmtool({.args = "silence query --expired -q", .fuzzy_times = true});

  // silence import: the ids printed are new silences (mapped line by line).
  const std::string file = dir_->file("import.json");
  std::ofstream(file)
      << R"([{"matchers":[{"name":"alertname","value":"Imported","isRegex":false}],"startsAt":")" +
             T(10min) + R"(","endsAt":")" + T(5h + 2s) +
             R"(","createdBy":"importer","comment":"imported"}])";
  test::ProcessResult am = Amtool(am_->base(), "silence import " + file);
  test::ProcessResult tc = Amtool(tocsin_->base(), "silence import " + file);
  EXPECT_EQ(am.exit_code, tc.exit_code) << am.err << tc.err;
  ASSERT_EQ(am.exit_code, 0) << am.err;
  Remember("imported", am.out.substr(0, am.out.find('\n')), tc.out.substr(0, tc.out.find('\n')));
  ExpectSameAmtool({.args = "silence query alertname=Imported -o json", .fuzzy_times = true});
}

}  // namespace
}  // namespace tocsin
