#include "engine/promql/step_matrix.h"

#include "engine/promql/label_ops.h"

namespace tocsin::promql {

void HashIndex::Reset(size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  if (slots_.size() == cap) {
    std::fill(slots_.begin(), slots_.end(), Slot{});
  } else {
    slots_.assign(cap, Slot{});
  }
  mask_ = cap - 1;
  size_ = 0;
}

void HashIndex::Insert(uint64_t hash, uint32_t value) {
  if (slots_.empty()) Reset(8);
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  size_t i = hash & mask_;
  while (slots_[i].value != kNone) i = (i + 1) & mask_;
  slots_[i] = Slot{hash, value};
  ++size_;
}

void HashIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.value == kNone) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].value != kNone) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

bool StepMajorCollector::Add(const Labels& metric, bool drop_name, TimestampMs t, double v) {
  const bool hidden = hide_dropped_ && drop_name;
  const uint64_t h = EffectiveHash(metric, hidden);
  uint32_t idx = index_.Find(h, [&](uint32_t i) {
    const Out& o = outs_[i];
    return EffectiveEqual(o.metric, hide_dropped_ && o.drop_name, metric, hidden);
  });
  if (idx == HashIndex::kNone) {
    idx = static_cast<uint32_t>(outs_.size());
    outs_.push_back(Out{metric, drop_name, t, 0});
    index_.Insert(h, idx);
  } else {
    Out& o = outs_[idx];
    if (o.count > 0 && o.last_t == t) return false;
    o.last_t = t;
  }
  outs_[idx].count++;
  records_.push_back(Record{idx, FPoint{t, v}});
  return true;
}

StepMatrix StepMajorCollector::Finish() {
  StepMatrix m;
  m.series.reserve(outs_.size());
  uint32_t at = 0;
  for (auto& o : outs_) {
    m.series.push_back(StepSeries{std::move(o.metric), at, at, o.drop_name});
    at += o.count;
  }
  m.points.resize(records_.size());
  // Records arrive step by step, so each series' points land in time order.
  for (const Record& r : records_) {
    StepSeries& s = m.series[r.series];
    m.points[s.end++] = r.p;
  }
  outs_.clear();
  records_.clear();
  return m;
}

}  // namespace tocsin::promql
