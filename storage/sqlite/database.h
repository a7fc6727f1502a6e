// One SQLite connection: RAII ownership, a cache of prepared statements, and transactions.
//
// A Database is used by one thread at a time (SQLite connections are not shared across
// threads here; see sqlite_store.h for the threading model). Statements returned by Cached()
// stay owned by the Database and are valid until it closes; callers must not keep one across a
// call that may prepare another statement with the same text in use (the cache hands out the
// same object).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/base/result.h"
#include "storage/sqlite/statement.h"

namespace tocsin::sqlite {

enum class OpenMode {
  kReadWriteCreate,  // the store: creates the file and its schema
  kReadOnly,         // readers such as `tocsin history`: never creates or changes the file
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  Status Exec(std::string_view sql);
  // Prepares a statement the caller owns (one-off queries built at run time).
  Result<Statement> Prepare(std::string_view sql);
  // Returns the cached prepared statement for `sql`, reset and with bindings cleared.
  // The const char* form is for string literals and keys the cache by the pointer, so the
  // per-row statements of a cycle cost no hashing of their text.
  Result<Statement*> Cached(const char* literal_sql);
  Result<Statement*> Cached(const std::string& sql);

  int64_t LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Single-value helper for PRAGMAs and counts.
  Result<int64_t> QueryInt(std::string_view sql);

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Error Fail(std::string_view what) const;
  Result<Statement> PreparePersistent(std::string_view sql);

  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, Statement> by_pointer_;
  std::unordered_map<std::string, Statement> by_text_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a transaction never fails
// half-way with SQLITE_BUSY on its first write); ROLLBACK on destruction unless Commit() ran.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace tocsin::sqlite
