#include "engine/api/prometheus_query_api.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <utility>

#include "engine/api/api_params.h"
#include "engine/api/api_response.h"
#include "engine/promql/format/api_json.h"
#include "storage/base/strings.h"

namespace tocsin::api {
namespace {

constexpr std::string_view kTimeoutMessage = "query timed out in expression evaluation";
constexpr std::string_view kTruncated = "results truncated due to limit";
constexpr int64_t kMaxPointsPerSeries = 11000;

std::string StringArrayJson(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += promql::JsonString(items[i]);
  }
  out += "]";
  return out;
}

// Prometheus's deprecation notice for `stats` values other than "true" and "all" (tocsin keeps
// no query statistics, so the parameter has no other effect).
void AddStatsNotice(std::string_view stats, ApiNotes& notes) {
  if (stats.empty() || stats == "true" || stats == "all") return;
  notes.warnings.push_back("value " + GoQuote(stats) +
                           " for parameter \"stats\" is deprecated and will be rejected in the "
                           "next major release, use \"true\" or \"all\"");
}

// Go's time.Time.Sub saturates at the largest duration instead of overflowing.
int64_t SpanNs(TimestampMs start, TimestampMs end) {
  const __int128 ns = (static_cast<__int128>(end) - start) * 1'000'000;
  if (ns > INT64_MAX) return INT64_MAX;
  if (ns < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(ns);
}

class PrometheusQueryApi : public std::enable_shared_from_this<PrometheusQueryApi> {
 public:
  explicit PrometheusQueryApi(QueryApiOptions o) : o_(std::move(o)) {}

  void Register(http::Router& router) {
    auto self = shared_from_this();
    auto bind = [self](void (PrometheusQueryApi::*fn)(const http::Request&, http::Responder)) {
      return [self, fn](http::Request req, http::Responder r) { (*self.*fn)(req, std::move(r)); };
    };
    for (const char* method : {"GET", "POST"}) {
      router.HandleAsync(method, "/api/v1/query", bind(&PrometheusQueryApi::Query));
      router.HandleAsync(method, "/api/v1/query_range", bind(&PrometheusQueryApi::QueryRange));
      router.HandleAsync(method, "/api/v1/series", bind(&PrometheusQueryApi::Series));
      router.HandleAsync(method, "/api/v1/labels", bind(&PrometheusQueryApi::LabelNames));
      router.HandleAsync(method, "/api/v1/query_exemplars", bind(&PrometheusQueryApi::Exemplars));
    }
    router.HandleAsync("GET", "/api/v1/label/{name}/values",
                       bind(&PrometheusQueryApi::LabelValues));
    router.Handle("GET", "/api/v1/metadata", [](const http::Request&) { return ApiSuccess("{}"); });
    router.Handle("GET", "/api/v1/status/buildinfo",
                  [self](const http::Request&) { return self->BuildInfoResponse(); });
  }

 private:
  using Work = std::function<http::Response()>;

  TimestampMs Now() const {
    if (o_.now) return o_.now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Runs `work` on the executor within `timeout_ns` (0: none given) and the default timeout.
  void Submit(int64_t timeout_ns, http::Responder responder, Work work) {
    DurationMs timeout = o_.default_timeout;
    if (timeout_ns != 0) {
      // A zero or negative timeout has already passed; it still yields the timeout error.
      const DurationMs asked = std::max<int64_t>(timeout_ns / 1'000'000, 1);
      timeout = timeout > 0 ? std::min(timeout, asked) : asked;
    }
    auto guarded = [work = std::move(work)]() -> http::Response {
      try {
        return work();
      } catch (const std::exception& e) {
        return ApiFailure({ApiErrorType::kInternal, e.what()});
      }
    };
    o_.executor->Run(
        timeout, std::move(guarded),
        [] {
          return ApiFailure({ApiErrorType::kTimeout, std::string(kTimeoutMessage)});
        },
        std::move(responder));
  }

  static Result<http::Params> Form(const http::Request& req) {
    auto p = req.FormParams();
    if (!p.ok()) return Error{"error parsing form values: " + p.message()};
    return p;
  }

  // Prometheus's parseTimeParam: empty gives the default.
  static Result<TimestampMs> OptionalTime(const http::Params& p, std::string_view name,
                                          TimestampMs fallback) {
    const std::string_view text = p.Get(name);
    if (text.empty()) return fallback;
    auto t = ParseApiTime(text);
    if (!t.ok()) {
      return Error{"invalid time value for '" + std::string(name) + "': " + t.message()};
    }
    return t;
  }

  // `timeout` and `lookback_delta`, shared by both query endpoints.
  struct QueryKnobs {
    int64_t timeout_ns = 0;
    DurationMs lookback_delta = 0;  // 0: the engine's default
  };
  static std::optional<ApiError> ReadKnobs(const http::Params& p, QueryKnobs& k) {
    if (const auto to = p.Get("timeout"); !to.empty()) {
      auto d = ParseApiDurationNs(to);
      if (!d.ok()) return InvalidParam("timeout", d.message());
      k.timeout_ns = *d == 0 ? -1 : *d;  // "0" is a deadline that has already passed
    }
    if (const auto lb = p.Get("lookback_delta"); !lb.empty()) {
      auto d = ParseApiDurationNs(lb);
      if (!d.ok()) {
        return ApiError{ApiErrorType::kBadData,
                        "error parsing lookback delta duration: " + d.message()};
      }
      k.lookback_delta = *d / 1'000'000;
    }
    return std::nullopt;
  }

  promql::Engine EngineFor(DurationMs lookback_delta) const {
    promql::EngineOptions eo = o_.engine;
    if (lookback_delta > 0) eo.lookback_delta = lookback_delta;
    return promql::Engine(eo);
  }

  // Evaluates and answers; shared by instant and range queries.
  Work Evaluation(
      std::shared_ptr<const promql::Expr> expr, std::string query, QueryKnobs knobs, int64_t limit,
      std::string stats,
      std::function<Result<promql::QueryResult>(const promql::Engine&, const promql::Expr&)> run)
      const {
    auto self = shared_from_this();
    return [self, expr, query = std::move(query), knobs, limit, stats = std::move(stats),
            run = std::move(run)]() -> http::Response {
      const promql::Engine engine = self->EngineFor(knobs.lookback_delta);
      auto result = run(engine, *expr);
      if (!result.ok()) return ApiFailure({ApiErrorType::kExecution, result.message()});
      ApiNotes notes;
      for (const auto& a : result->warnings) {
        notes.warnings.push_back(promql::FormatAnnotation(a, query));
      }
      for (const auto& a : result->infos) notes.infos.push_back(promql::FormatAnnotation(a, query));
      if (limit > 0) {
        bool truncated = false;
        if (auto* v = std::get_if<promql::Vector>(&result->value);
            v && v->size() > static_cast<size_t>(limit)) {
          v->resize(static_cast<size_t>(limit));
          truncated = true;
        } else if (auto* m = std::get_if<promql::Matrix>(&result->value);
                   m && m->size() > static_cast<size_t>(limit)) {
          m->resize(static_cast<size_t>(limit));
          truncated = true;
        }
        if (truncated) notes.warnings.emplace_back(kTruncated);
      }
      AddStatsNotice(stats, notes);
      return ApiSuccess(promql::QueryDataJson(result->value), notes);
    };
  }

  void Query(const http::Request& req, http::Responder responder) {
    auto p = Form(req);
    if (!p.ok()) return responder(ApiFailure({ApiErrorType::kBadData, p.message()}));
    auto limit = ParseApiLimit(p->Get("limit"));
    if (!limit.ok()) return responder(ApiFailure(InvalidParam("limit", limit.message())));
    auto t = OptionalTime(*p, "time", Now());
    if (!t.ok()) return responder(ApiFailure(InvalidParam("time", t.message())));
    QueryKnobs knobs;
    if (auto e = ReadKnobs(*p, knobs)) return responder(ApiFailure(*e));
    std::string query(p->Get("query"));
    auto expr = promql::ParseExpr(query, o_.parser);
    if (!expr.ok()) return responder(ApiFailure(InvalidParam("query", expr.message())));

    const TimestampMs at = *t;
    const storage::SeriesStore* store = o_.store;
    Submit(knobs.timeout_ns, std::move(responder),
           Evaluation(std::shared_ptr<const promql::Expr>(std::move(*expr)), std::move(query),
                      knobs, *limit, std::string(p->Get("stats")),
                      [store, at](const promql::Engine& engine, const promql::Expr& e) {
                        return engine.InstantQuery(*store, e, at);
                      }));
  }

  void QueryRange(const http::Request& req, http::Responder responder) {
    auto p = Form(req);
    if (!p.ok()) return responder(ApiFailure({ApiErrorType::kBadData, p.message()}));
    auto limit = ParseApiLimit(p->Get("limit"));
    if (!limit.ok()) return responder(ApiFailure(InvalidParam("limit", limit.message())));
    auto start = ParseApiTime(p->Get("start"));
    if (!start.ok()) return responder(ApiFailure(InvalidParam("start", start.message())));
    auto end = ParseApiTime(p->Get("end"));
    if (!end.ok()) return responder(ApiFailure(InvalidParam("end", end.message())));
    if (*end < *start) {
      return responder(
          ApiFailure(InvalidParam("end", "end timestamp must not be before start time")));
    }
    auto step_ns = ParseApiDurationNs(p->Get("step"));
    if (!step_ns.ok()) return responder(ApiFailure(InvalidParam("step", step_ns.message())));
    // The engine steps in whole milliseconds; a positive step below 1ms cannot be honoured.
    const DurationMs step = *step_ns / 1'000'000;
    if (*step_ns <= 0 || step <= 0) {
      return responder(ApiFailure(InvalidParam(
          "step",
          "zero or negative query resolution step widths are not accepted. Try a positive "
          "integer")));
    }
    if (SpanNs(*start, *end) / *step_ns > kMaxPointsPerSeries) {
      return responder(ApiFailure(
          {ApiErrorType::kBadData,
           "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
           "query resolution (?step=XX)"}));
    }
    QueryKnobs knobs;
    if (auto e = ReadKnobs(*p, knobs)) return responder(ApiFailure(*e));
    std::string query(p->Get("query"));
    auto expr = promql::ParseExpr(query, o_.parser);
    if (!expr.ok()) return responder(ApiFailure(InvalidParam("query", expr.message())));
    const promql::ValueType type = (*expr)->type();
    if (type != promql::ValueType::kVector && type != promql::ValueType::kScalar) {
      const char* name = type == promql::ValueType::kMatrix ? "range vector" : "string";
      return responder(ApiFailure(
          InvalidParam("query", std::string("invalid expression type \"") + name +
                                    "\" for range query, must be Scalar or instant Vector")));
    }

    const TimestampMs s = *start, e = *end;
    const storage::SeriesStore* store = o_.store;
    Submit(knobs.timeout_ns, std::move(responder),
           Evaluation(std::shared_ptr<const promql::Expr>(std::move(*expr)), std::move(query),
                      knobs, *limit, std::string(p->Get("stats")),
                      [store, s, e, step](const promql::Engine& engine, const promql::Expr& ex) {
                        return engine.RangeQuery(*store, ex, s, e, step);
                      }));
  }

  // start, end and match[] of the metadata endpoints.
  struct Selection {
    TimestampMs start = kApiMinTime;
    TimestampMs end = kApiMaxTime;
    std::vector<std::vector<LabelMatcher>> sets;
    int64_t limit = 0;
  };
  static std::optional<ApiError> ReadSelection(const http::Params& p, bool match_is_param,
                                               Selection& sel) {
    auto limit = ParseApiLimit(p.Get("limit"));
    if (!limit.ok()) return InvalidParam("limit", limit.message());
    sel.limit = *limit;
    auto start = OptionalTime(p, "start", kApiMinTime);
    if (!start.ok()) return InvalidParam("start", start.message());
    auto end = OptionalTime(p, "end", kApiMaxTime);
    if (!end.ok()) return InvalidParam("end", end.message());
    sel.start = *start;
    sel.end = *end;
    auto sets = ParseMatcherSets(p.GetAll("match[]"));
    if (!sets.ok()) {
      if (match_is_param) return InvalidParam("match[]", sets.message());
      return ApiError{ApiErrorType::kBadData, sets.message()};
    }
    sel.sets = std::move(*sets);
    return std::nullopt;
  }

  // Whether [start, end] covers everything the store holds, so the index alone answers label
  // questions without reading samples (the usual case: Grafana asks about the last hours, and an
  // edge box keeps less than that).
  bool CoversStore(const Selection& sel) const {
    if (sel.start <= kApiMinTime && sel.end >= kApiMaxTime) return true;
    const TimestampMs newest = o_.store->max_time();
    if (newest == INT64_MIN) return true;  // empty
    const DurationMs retention = o_.store->options().retention;
    if (retention <= 0) return false;
    return sel.start <= newest - retention && sel.end >= newest;
  }

  // The label sets of the series with samples in the selection's range, sorted, unique.
  std::vector<Labels> SelectedSeries(const Selection& sel) const {
    std::vector<Labels> out;
    auto add = [&](std::span<const LabelMatcher> matchers) {
      storage::SeriesSet set = o_.store->Select(matchers, sel.start, sel.end);
      out.insert(out.end(), set.labels.begin(), set.labels.end());
    };
    if (sel.sets.empty()) {
      add({});
    } else {
      for (const auto& m : sel.sets) add(m);
    }
    if (sel.sets.size() > 1) {
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    return out;
  }

  void Series(const http::Request& req, http::Responder responder) {
    auto p = Form(req);
    if (!p.ok()) return responder(ApiFailure({ApiErrorType::kBadData, p.message()}));
    if (p->GetAll("match[]").empty()) {
      return responder(ApiFailure({ApiErrorType::kBadData, "no match[] parameter provided"}));
    }
    Selection sel;
    if (auto e = ReadSelection(*p, /*match_is_param=*/true, sel)) return responder(ApiFailure(*e));
    auto self = shared_from_this();
    Submit(0, std::move(responder), [self, sel = std::move(sel)]() {
      std::vector<Labels> series = self->SelectedSeries(sel);
      ApiNotes notes;
      if (sel.limit > 0 && series.size() > static_cast<size_t>(sel.limit)) {
        series.resize(static_cast<size_t>(sel.limit));
        notes.warnings.emplace_back(kTruncated);
      }
      std::string data = "[";
      for (size_t i = 0; i < series.size(); ++i) {
        if (i > 0) data += ",";
        data += promql::LabelsJson(series[i]);
      }
      data += "]";
      return ApiSuccess(data, notes);
    });
  }

  static http::Response LimitedStrings(std::vector<std::string> items, int64_t limit) {
    ApiNotes notes;
    if (limit > 0 && items.size() > static_cast<size_t>(limit)) {
      items.resize(static_cast<size_t>(limit));
      notes.warnings.emplace_back(kTruncated);
    }
    return ApiSuccess(StringArrayJson(items), notes);
  }

  void LabelNames(const http::Request& req, http::Responder responder) {
    auto p = Form(req);
    if (!p.ok()) return responder(ApiFailure({ApiErrorType::kBadData, p.message()}));
    Selection sel;
    if (auto e = ReadSelection(*p, /*match_is_param=*/false, sel)) return responder(ApiFailure(*e));
    auto self = shared_from_this();
    Submit(0, std::move(responder), [self, sel = std::move(sel)]() {
      std::set<std::string> names;
      if (self->CoversStore(sel)) {
        if (sel.sets.empty()) {
          for (auto& n : self->o_.store->LabelNames({})) names.insert(std::move(n));
        }
        for (const auto& m : sel.sets) {
          for (auto& n : self->o_.store->LabelNames(m)) names.insert(std::move(n));
        }
      } else {
        for (const Labels& l : self->SelectedSeries(sel)) {
          for (const Label& label : l) names.insert(label.name);
        }
      }
      return LimitedStrings({names.begin(), names.end()}, sel.limit);
    });
  }

  void LabelValues(const http::Request& req, http::Responder responder) {
    std::string name = UnescapeLabelName(req.path_param("name"));
    if (!IsValidLabelName(name)) {
      return responder(
          ApiFailure({ApiErrorType::kBadData, "invalid label name: " + GoQuote(name)}));
    }
    auto p = Form(req);
    if (!p.ok()) return responder(ApiFailure({ApiErrorType::kBadData, p.message()}));
    Selection sel;
    if (auto e = ReadSelection(*p, /*match_is_param=*/false, sel)) return responder(ApiFailure(*e));
    auto self = shared_from_this();
    Submit(0, std::move(responder), [self, name = std::move(name), sel = std::move(sel)]() {
      std::set<std::string> values;
      if (self->CoversStore(sel)) {
        if (sel.sets.empty()) {
          for (auto& v : self->o_.store->LabelValues(name, {})) values.insert(std::move(v));
        }
        for (const auto& m : sel.sets) {
          for (auto& v : self->o_.store->LabelValues(name, m)) values.insert(std::move(v));
        }
      } else {
        for (const Labels& l : self->SelectedSeries(sel)) {
          if (const auto v = l.get(name); !v.empty()) values.emplace(v);
        }
      }
      return LimitedStrings({values.begin(), values.end()}, sel.limit);
    });
  }

  void Exemplars(const http::Request& req, http::Responder responder) {
    auto p = Form(req);
    if (!p.ok()) return responder(ApiFailure({ApiErrorType::kBadData, p.message()}));
    auto start = OptionalTime(*p, "start", kApiMinTime);
    if (!start.ok()) return responder(ApiFailure(InvalidParam("start", start.message())));
    auto end = OptionalTime(*p, "end", kApiMaxTime);
    if (!end.ok()) return responder(ApiFailure(InvalidParam("end", end.message())));
    if (*end < *start) {
      return responder(
          ApiFailure({ApiErrorType::kBadData, "end timestamp must not be before start timestamp"}));
    }
    auto expr = promql::ParseExpr(p->Get("query"), o_.parser);
    if (!expr.ok()) return responder(ApiFailure({ApiErrorType::kBadData, expr.message()}));
    bool has_selector = false;
    promql::Inspect(**expr, [&](const promql::Expr& e, const auto&) {
      has_selector = has_selector || e.kind == promql::ExprKind::kVectorSelector;
      return !has_selector;
    });
    // Prometheus answers an expression without selectors with no content at all.
    if (!has_selector) return responder(http::Response{204, {}, {}});
    responder(ApiSuccess("[]"));
  }

  http::Response BuildInfoResponse() const {
    const BuildInfo& b = o_.build;
    std::string data = "{";
    auto field = [&](const char* key, const std::string& value, bool last = false) {
      data += promql::JsonString(key) + ":" + promql::JsonString(value) + (last ? "" : ",");
    };
    field("version", b.version);
    field("revision", b.revision);
    field("branch", b.branch);
    field("buildUser", b.build_user);
    field("buildDate", b.build_date);
    field("goVersion", b.go_version, true);
    data += "}";
    return ApiSuccess(data);
  }

  const QueryApiOptions o_;
};

}  // namespace

std::string UnescapeLabelName(std::string_view name) {
  constexpr std::string_view kPrefix = "U__";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::string(name);
  const std::string_view escaped = name.substr(kPrefix.size());
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '_') {
      out += escaped[i];
      continue;
    }
    if (++i >= escaped.size()) return std::string(name);
    if (escaped[i] == '_') {  // "__" is one underscore
      out += '_';
      continue;
    }
    // "_<hex>_" is one code point.
    uint32_t code = 0;
    bool closed = false;
    for (int digits = 0; i < escaped.size(); ++digits, ++i) {
      if (digits >= 6) return std::string(name);
      const char c = escaped[i];
      if (c == '_') {
        closed = true;
        break;
      }
      const char lower = static_cast<char>(c | 0x20);
      if (c >= '0' && c <= '9') {
        code = code * 16 + static_cast<uint32_t>(c - '0');
      } else if (lower >= 'a' && lower <= 'f') {
        code = code * 16 + static_cast<uint32_t>(lower - 'a' + 10);
      } else {
        return std::string(name);
      }
    }
    if (!closed || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return std::string(name);
    }
    AppendRune(out, static_cast<char32_t>(code));
  }
  return out;
}

void RegisterPrometheusQueryApi(http::Router& router, QueryApiOptions options) {
  std::make_shared<PrometheusQueryApi>(std::move(options))->Register(router);
}

}  // namespace tocsin::api
