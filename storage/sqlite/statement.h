// A prepared SQLite statement with RAII ownership and typed bind/column helpers.
//
// Statements are prepared once (Database::Cached) and reset between uses; binding is by
// 1-based parameter index as in SQLite's C API. Text and blobs are bound SQLITE_TRANSIENT
// unless the caller promises the buffer outlives the step (BindTextStatic), so a statement
// never points into a dead string.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/base/result.h"

namespace tocsin::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }

  // Clears bindings and rewinds, so a cached statement starts every use from scratch.
  void Reset();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);  // copied by SQLite
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  // Binds without copying: `text` must stay valid until the statement is stepped and reset.
  Statement& BindStatic(int index, std::string_view text);
  Statement& BindNull(int index);
  // Binds NULL for nullopt.
  Statement& Bind(int index, const std::optional<int64_t>& value);

  // Steps once: true when a row is ready, false when done. Errors become an Error naming
  // the SQL text.
  Result<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();

  bool IsNull(int column) const;
  int64_t Int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  int Int(int column) const { return sqlite3_column_int(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string_view Text(int column) const;  // valid until the next Step/Reset
  std::string String(int column) const { return std::string(Text(column)); }
  std::optional<int64_t> OptionalInt64(int column) const;

  std::string_view sql() const;

 private:
  Error Fail(int code) const;
  void Check(int code) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace tocsin::sqlite
