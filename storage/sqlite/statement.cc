#include "storage/sqlite/statement.h"

#include <cassert>
#include <utility>

namespace tocsin::sqlite {

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// Bind errors are programming errors (wrong index, statement in use): they cannot come from
// data, so they are asserted rather than threaded through every call site. A failed bind
// also makes the following Step fail with SQLite's message, so release builds still report it.
void Statement::Check([[maybe_unused]] int code) const {
  assert(code == SQLITE_OK);
}

Statement& Statement::Bind(int index, int64_t value) {
  Check(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  Check(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  Check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindStatic(int index, std::string_view text) {
  Check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindNull(int index) {
  Check(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(rc);
}

Status Statement::Run() {
  auto r = Step();
  if (!r.ok()) return r.error();
  sqlite3_reset(stmt_);
  return Status::Ok();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string_view Statement::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr) return {};
  return std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<int64_t> Statement::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

std::string_view Statement::sql() const {
  const char* s = sqlite3_sql(stmt_);
  return s ? std::string_view(s) : std::string_view();
}

Error Statement::Fail(int code) const {
  std::string msg = "sqlite: ";
  msg += db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  msg += " (in \"";
  msg += sql();
  msg += "\")";
  // Leave the statement reusable after an error.
  sqlite3_reset(stmt_);
  return Error{std::move(msg)};
}

}  // namespace tocsin::sqlite
