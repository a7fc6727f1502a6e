#include "engine/promql/format/result_table.h"

#include <algorithm>
#include <array>
#include <vector>

#include "engine/promql/format/api_json.h"
#include "storage/base/strings.h"

namespace tocsin::promql {
namespace {

using Row = std::array<std::string, 3>;  // series, time, value

std::string Render(const std::vector<Row>& rows) {
  std::array<size_t, 2> width{0, 0};
  for (const Row& r : rows) {
    width[0] = std::max(width[0], r[0].size());
    width[1] = std::max(width[1], r[1].size());
  }
  std::string out;
  for (const Row& r : rows) {
    out += r[0] + std::string(width[0] - r[0].size() + 2, ' ');
    out += r[1] + std::string(width[1] - r[1].size() + 2, ' ');
    out += r[2];
    out += '\n';
  }
  return out;
}

}  // namespace

std::string QueryResultTable(const QueryResult& result, std::string_view query) {
  std::vector<Row> rows;
  rows.push_back({"SERIES", "TIME", "VALUE"});
  std::string out;
  if (const auto* vec = std::get_if<Vector>(&result.value)) {
    for (const Sample& s : *vec) {
      rows.push_back({s.metric.to_metric_string(), FormatApiTimestamp(s.t), FormatApiFloat(s.v)});
    }
    out = vec->empty() ? "(empty vector)\n" : Render(rows);
  } else if (const auto* mat = std::get_if<Matrix>(&result.value)) {
    for (const Series& s : *mat) {
      std::string name = s.metric.to_metric_string();
      for (const FPoint& p : s.points) {
        rows.push_back({name, FormatApiTimestamp(p.t), FormatApiFloat(p.v)});
        name.clear();  // the series name only on its first row
      }
    }
    out = mat->empty() ? "(empty matrix)\n" : Render(rows);
  } else if (const auto* sc = std::get_if<Scalar>(&result.value)) {
    rows[0][0] = "SCALAR";
    rows.push_back({"", FormatApiTimestamp(sc->t), FormatApiFloat(sc->v)});
    out = Render(rows);
  } else {
    const auto& str = std::get<String>(result.value);
    rows[0][0] = "STRING";
    rows.push_back({"", FormatApiTimestamp(str.t), GoQuote(str.v)});
    out = Render(rows);
  }
  for (const Annotation& a : result.warnings)
    out += "warning: " + FormatAnnotation(a, query) + "\n";
  for (const Annotation& a : result.infos) out += "info: " + FormatAnnotation(a, query) + "\n";
  return out;
}

}  // namespace tocsin::promql
