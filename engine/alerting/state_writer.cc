#include "engine/alerting/state_writer.h"

#include <spdlog/spdlog.h>

#include <absl/container/flat_hash_map.h>

#include <optional>
#include <string_view>
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

namespace {

// An alert's row: (group, rule, fingerprint). Views into the ops being merged.
struct AlertKey {
  std::string_view group;
  std::string_view rule;
  uint64_t fingerprint;

  friend bool operator==(const AlertKey&, const AlertKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const AlertKey& k) {
    return H::combine(std::move(h), k.fingerprint, k.group, k.rule);
  }
};

std::optional<AlertKey> KeyOf(const sqlite::WriteBatch::Op& op) {
  if (const auto* a = std::get_if<sqlite::AlertRecord>(&op)) {
    return AlertKey{a->group, a->rule, a->fingerprint()};
  }
  if (const auto* d = std::get_if<sqlite::WriteBatch::DeleteAlertOp>(&op)) {
    return AlertKey{d->group, d->rule, d->fingerprint};
  }
  return std::nullopt;
}

}  // namespace

sqlite::WriteBatch StateWriter::Merge(std::vector<sqlite::WriteBatch>& batches) {
  if (batches.size() == 1) return std::move(batches[0]);
  // Later writes of one alert make earlier ones moot; keep only the last op per alert. The
  // ops are moved, not copied: under a steady stream of posts many batches queue up while a
  // transaction commits, and copying each alert record was most of this thread's time.
  std::vector<std::vector<sqlite::WriteBatch::Op>> taken;
  taken.reserve(batches.size());
  size_t total = 0;
  for (sqlite::WriteBatch& b : batches) {
    taken.push_back(b.TakeOps());
    total += taken.back().size();
  }
  std::vector<sqlite::WriteBatch::Op*> ops;
  ops.reserve(total);
  absl::flat_hash_map<AlertKey, size_t> last_alert_op;
  for (std::vector<sqlite::WriteBatch::Op>& batch_ops : taken) {
    for (sqlite::WriteBatch::Op& op : batch_ops) {
      if (std::optional<AlertKey> key = KeyOf(op)) {
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
  for (sqlite::WriteBatch::Op* op : ops) {
    if (op != nullptr) out.Add(std::move(*op));
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
