#include "storage/sqlite/database.h"

#include <utility>

namespace tocsin::sqlite {

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenMode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one thread per connection: SQLite's own mutex is waste
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open " + path + ": ";
    msg += raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return Error{std::move(msg)};
  }
  sqlite3_extended_result_codes(raw, 1);
  // A reader meeting a checkpoint or a second writer waits instead of failing at once.
  sqlite3_busy_timeout(raw, 5000);
  return std::unique_ptr<Database>(new Database(raw, path));
}

Database::~Database() {
  by_pointer_.clear();  // statements must be finalized before the connection closes
  by_text_.clear();
  sqlite3_close_v2(db_);
}

Error Database::Fail(std::string_view what) const {
  std::string msg = "sqlite: ";
  msg += sqlite3_errmsg(db_);
  msg += " (in \"";
  msg += what;
  msg += "\")";
  return Error{std::move(msg)};
}

Status Database::Exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = "sqlite: ";
    msg += err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    msg += " (in \"" + text.substr(0, 200) + "\")";
    return Error{std::move(msg)};
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Fail(sql);
  }
  return Statement(db_, stmt);
}

Result<Statement> Database::PreparePersistent(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: these live as long as the connection, so SQLite keeps them off lookaside.
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return Fail(sql);
  }
  return Statement(db_, stmt);
}

Result<Statement*> Database::Cached(const char* literal_sql) {
  auto it = by_pointer_.find(literal_sql);
  if (it != by_pointer_.end()) {
    it->second.Reset();
    return &it->second;
  }
  auto stmt = PreparePersistent(literal_sql);
  if (!stmt.ok()) return stmt.error();
  return &by_pointer_.emplace(literal_sql, std::move(*stmt)).first->second;
}

Result<Statement*> Database::Cached(const std::string& sql) {
  auto it = by_text_.find(sql);
  if (it != by_text_.end()) {
    it->second.Reset();
    return &it->second;
  }
  auto stmt = PreparePersistent(sql);
  if (!stmt.ok()) return stmt.error();
  return &by_text_.emplace(sql, std::move(*stmt)).first->second;
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{"sqlite: no row from \"" + std::string(sql) + "\""};
  return stmt->Int64(0);
}

Result<Transaction> Transaction::Begin(Database& db) {
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return Error{s.message()};
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->InTransaction()) {
    (void)db_->Exec("ROLLBACK");
  }
}

Status Transaction::Commit() {
  Database* db = std::exchange(db_, nullptr);
  if (db == nullptr) return Error{"sqlite: transaction already finished"};
  if (Status s = db->Exec("COMMIT"); !s.ok()) {
    if (db->InTransaction()) (void)db->Exec("ROLLBACK");
    return s;
  }
  return Status::Ok();
}

}  // namespace tocsin::sqlite
