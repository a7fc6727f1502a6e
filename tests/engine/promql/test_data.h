// Reading the table-driven test data in tests/engine/promql/testdata: one case per line,
// tab-separated fields, strings Go-quoted so that any byte can be written down.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "engine/promql/literals.h"

namespace tocsin::promql::testing {

struct DataLine {
  int line = 0;
  std::vector<std::string> fields;  // quoted fields already unquoted
};

// Fields starting with a quote are unquoted; others are kept as written.
inline std::vector<DataLine> ReadTestData(const std::string& name) {
  std::ifstream in(std::string(TOCSIN_SOURCE_DIR) + "/tests/engine/promql/testdata/" + name);
  std::vector<DataLine> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    DataLine d;
    d.line = n;
    size_t start = 0;
    for (;;) {
      const size_t tab = line.find('\t', start);
      std::string field = line.substr(start, tab == std::string::npos ? tab : tab - start);
      if (!field.empty() && field[0] == '"') {
        auto u = UnquoteString(field);
        field = u.ok() ? *u : "<bad quoting on line " + std::to_string(n) + ">";
      }
      d.fields.push_back(std::move(field));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace tocsin::promql::testing
