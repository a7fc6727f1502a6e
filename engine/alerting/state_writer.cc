#include "engine/alerting/state_writer.h"

#include <spdlog/spdlog.h>

#include <map>
#include <tuple>
#include <variant>

#include "storage/sqlite/sqlite_store.h"

namespace tocsin::alerting {

StateWriter::StateWriter(sqlite::SqliteStore& store) : store_(store) {
  thread_ = std::thread([this] { Loop(); });
}

StateWriter::~StateWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StateWriter::Submit(sqlite::WriteBatch batch) {
  if (batch.empty()) return;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(batch));
    ++submitted_;
  }
  wake_.notify_one();
}

bool StateWriter::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const uint64_t target = submitted_;
  return done_.wait_for(lock, timeout, [&] { return written_ >= target; });
}

uint64_t StateWriter::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

uint64_t StateWriter::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

sqlite::WriteBatch StateWriter::Merge(std::vector<sqlite::WriteBatch>& batches) {
  if (batches.size() == 1) return std::move(batches[0]);
  // Later writes of one alert make earlier ones moot; keep only the last op per alert.
  using AlertKey = std::tuple<std::string, std::string, uint64_t>;
  std::vector<const sqlite::WriteBatch::Op*> ops;
  std::map<AlertKey, size_t> last_alert_op;
  for (const sqlite::WriteBatch& b : batches) {
    for (const sqlite::WriteBatch::Op& op : b.ops()) {
      std::optional<AlertKey> key;
      if (const auto* a = std::get_if<sqlite::AlertRecord>(&op)) {
        key = AlertKey{a->group, a->rule, a->fingerprint()};
      } else if (const auto* d = std::get_if<sqlite::WriteBatch::DeleteAlertOp>(&op)) {
        key = AlertKey{d->group, d->rule, d->fingerprint};
      }
      if (key) {
        auto [it, inserted] = last_alert_op.try_emplace(*key, ops.size());
        if (!inserted) {
          ops[it->second] = nullptr;
          it->second = ops.size();
        }
      }
      ops.push_back(&op);
    }
  }
  sqlite::WriteBatch out;
  out.reserve(ops.size());
  for (const sqlite::WriteBatch::Op* op : ops) {
    if (op == nullptr) continue;
    std::visit(
        [&out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, sqlite::AlertRecord>) {
            out.UpsertAlert(v);
          } else if constexpr (std::is_same_v<T, sqlite::WriteBatch::DeleteAlertOp>) {
            out.DeleteAlert(v.group, v.rule, v.fingerprint);
          } else if constexpr (std::is_same_v<T, sqlite::HistoryEvent>) {
            out.AppendHistory(v);
          } else if constexpr (std::is_same_v<T, sqlite::NotificationAttempt>) {
            out.RecordNotification(v);
          } else if constexpr (std::is_same_v<T, sqlite::SilenceRecord>) {
            out.UpsertSilence(v);
          } else if constexpr (std::is_same_v<T, sqlite::WriteBatch::DeleteSilenceOp>) {
            out.DeleteSilence(v.id);
          } else if constexpr (std::is_same_v<T, sqlite::NflogEntry>) {
            out.UpsertNflog(v);
          } else if constexpr (std::is_same_v<T, sqlite::WriteBatch::DeleteNflogOp>) {
            out.DeleteNflog(v.target);
          } else if constexpr (std::is_same_v<T, sqlite::WriteBatch::EnqueueOp>) {
            out.EnqueueNotification(v.entry);
          }
        },
        *op);
  }
  return out;
}

void StateWriter::Loop() {
  while (true) {
    std::vector<sqlite::WriteBatch> batches;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      batches.swap(queue_);
    }
    const size_t cycles = batches.size();
    sqlite::WriteBatch merged = Merge(batches);
    auto r = store_.Commit(merged);
    if (!r.ok()) spdlog::error("writing alert state and history: {}", r.message());
    {
      std::lock_guard lock(mu_);
      written_ += cycles;
      if (r.ok()) {
        ++commits_;
      } else {
        ++failures_;
      }
    }
    done_.notify_all();
  }
}

}  // namespace tocsin::alerting
