// Binary operators: arithmetic, comparisons (filtering or with `bool`), atan2, the set
// operators and/or/unless, and vector matching (on/ignoring, group_left/group_right, the
// experimental fill modifiers) with Prometheus's errors for ambiguous matches.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "engine/promql/evaluator.h"
#include "engine/promql/label_ops.h"

namespace tocsin::promql {

namespace {

bool ChangesMetricSchema(Op op) {
  switch (op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kPow:
    case Op::kMod:
    case Op::kAtan2:
      return true;
    default:
      return false;
  }
}

double ScalarBinop(Op op, double l, double r) {
  switch (op) {
    case Op::kAdd:
      return l + r;
    case Op::kSub:
      return l - r;
    case Op::kMul:
      return l * r;
    case Op::kDiv:
      return l / r;
    case Op::kPow:
      return std::pow(l, r);
    case Op::kMod:
      return std::fmod(l, r);
    case Op::kEql:
      return l == r ? 1 : 0;
    case Op::kNeq:
      return l != r ? 1 : 0;
    case Op::kGtr:
      return l > r ? 1 : 0;
    case Op::kLss:
      return l < r ? 1 : 0;
    case Op::kGte:
      return l >= r ? 1 : 0;
    case Op::kLte:
      return l <= r ? 1 : 0;
    case Op::kAtan2:
      return std::atan2(l, r);
    default:
      return std::nan("");
  }
}

struct ElemResult {
  double value;
  bool keep;
  bool incompatible;  // the trim operators, which only apply to native histograms
};

// One element of a vector operation on floats. Comparisons keep the left value.
ElemResult ElemBinop(Op op, double l, double r) {
  switch (op) {
    case Op::kEql:
      return {l, l == r, false};
    case Op::kNeq:
      return {l, l != r, false};
    case Op::kGtr:
      return {l, l > r, false};
    case Op::kLss:
      return {l, l < r, false};
    case Op::kGte:
      return {l, l >= r, false};
    case Op::kLte:
      return {l, l <= r, false};
    case Op::kTrimUpper:
    case Op::kTrimLower:
      return {0, false, true};
    default:
      return {ScalarBinop(op, l, r), true, false};
  }
}

// Prometheus's Labels.MatchLabels: the labels a matching compares.
Labels MatchLabels(const Labels& m, bool hidden, const VectorMatching& vm) {
  const Labels effective = Effective(m, hidden);
  if (vm.on) {
    std::vector<Label> kept;
    for (const auto& l : effective) {
      if (std::find(vm.matching_labels.begin(), vm.matching_labels.end(), l.name) !=
          vm.matching_labels.end()) {
        kept.push_back(l);
      }
    }
    return Labels::FromSorted(std::move(kept));
  }
  LabelsBuilder b(effective);
  b.del(kMetricName);
  for (const auto& n : vm.matching_labels) b.del(n);
  return b.labels();
}

}  // namespace

StepMatrix Evaluator::EvalBinary(const BinaryExpr& e) {
  const ValueType lt = e.lhs->type();
  const ValueType rt = e.rhs->type();
  const Expr* exprs[2] = {e.lhs.get(), e.rhs.get()};
  const Op op = e.op;
  const bool delayed = delayed_name_removal();

  auto report_incompatible = [&]() {
    annotations().Info(annotation_text::IncompatibleTypesInBinOp("float", OpString(op), "float"),
                       e.pos);
  };

  if (lt == ValueType::kScalar && rt == ValueType::kScalar) {
    return RangeEval(exprs, nullptr, [&](StepInputs& in, TimestampMs ts, Vector& out) {
      out.push_back(
          Sample{Labels(), ts, ScalarBinop(op, in.vectors[0][0].v, in.vectors[1][0].v), false});
    });
  }

  if (lt == ValueType::kVector && rt == ValueType::kVector) {
    VectorMatching default_matching;
    if (IsSetOp(op)) default_matching.card = Cardinality::kManyToMany;
    const VectorMatching& vm = e.matching ? *e.matching : default_matching;

    if (op == Op::kLand || op == Op::kLor || op == Op::kLunless) {
      std::vector<bool> present;
      return RangeEval(exprs, &vm, [&](StepInputs& in, TimestampMs, Vector& out) {
        Vector& lhs = in.vectors[0];
        Vector& rhs = in.vectors[1];
        const auto& ls = in.sigs[0];
        const auto& rs = in.sigs[1];
        present.assign(in.num_sigs, false);
        switch (op) {
          case Op::kLand:
            if (lhs.empty() || rhs.empty()) return;
            for (uint32_t s : rs) present[s] = true;
            for (size_t i = 0; i < lhs.size(); ++i) {
              if (present[ls[i]]) out.push_back(std::move(lhs[i]));
            }
            return;
          case Op::kLor:
            for (size_t i = 0; i < lhs.size(); ++i) {
              present[ls[i]] = true;
              out.push_back(std::move(lhs[i]));
            }
            for (size_t i = 0; i < rhs.size(); ++i) {
              if (!present[rs[i]]) out.push_back(std::move(rhs[i]));
            }
            return;
          default:  // unless
            for (uint32_t s : rs) present[s] = true;
            for (size_t i = 0; i < lhs.size(); ++i) {
              if (!present[ls[i]]) out.push_back(std::move(lhs[i]));
            }
            return;
        }
      });
    }

    // Arithmetic and comparisons between two vectors.
    std::vector<Sample> right_by_sig;
    std::vector<bool> right_present;
    std::vector<bool> matched_present;
    std::vector<std::unordered_set<uint64_t>> matched_results;
    return RangeEval(exprs, &vm, [&](StepInputs& in, TimestampMs ts, Vector& out) {
      Vector* lhs = &in.vectors[0];
      Vector* rhs = &in.vectors[1];
      const std::vector<uint32_t>* lsig = &in.sigs[0];
      const std::vector<uint32_t>* rsig = &in.sigs[1];
      const bool fill = vm.fill_lhs.has_value() || vm.fill_rhs.has_value();
      if ((lhs->empty() && rhs->empty()) || ((lhs->empty() || rhs->empty()) && !fill)) return;
      const bool one_to_many = vm.card == Cardinality::kOneToMany;
      // group_right is group_left with the sides swapped.
      if (one_to_many) {
        std::swap(lhs, rhs);
        std::swap(lsig, rsig);
      }
      right_by_sig.assign(in.num_sigs, Sample{});
      right_present.assign(in.num_sigs, false);
      for (size_t i = 0; i < rhs->size(); ++i) {
        const uint32_t sig = (*rsig)[i];
        const Sample& rs = (*rhs)[i];
        if (right_present[sig]) {
          const Sample& dup = right_by_sig[sig];
          std::string d1 = Effective(rs.metric, Hidden(rs.drop_name)).to_string();
          std::string d2 = Effective(dup.metric, Hidden(dup.drop_name)).to_string();
          if (d1 > d2) std::swap(d1, d2);
          Fail("found duplicate series for the match group " +
               MatchLabels(rs.metric, Hidden(rs.drop_name), vm).to_string() + " on the " +
               (one_to_many ? "left" : "right") + " hand-side of the operation: [" + d1 + ", " +
               d2 +
               "];many-to-many matching not allowed: matching labels must be unique on one "
               "side");
        }
        right_by_sig[sig] = rs;
        right_present[sig] = true;
      }
      const bool one_to_one = vm.card == Cardinality::kOneToOne;
      // One-to-one without on(...), ignoring labels, group_x labels or fill values, and without
      // delayed name removal: the result keeps the left side's label set as it is (see apply).
      const bool keeps_left_labels = one_to_one && !vm.on && vm.matching_labels.empty() &&
                                     vm.include.empty() && !fill && !delayed;
      const bool drops_name = ChangesMetricSchema(op);
      if (one_to_one) {
        matched_present.assign(in.num_sigs, false);
      } else {
        if (matched_results.size() < in.num_sigs) matched_results.resize(in.num_sigs);
        for (uint32_t i = 0; i < in.num_sigs; ++i) matched_results[i].clear();
      }

      auto apply = [&](const Sample& ls, const Sample& rs, uint32_t sig) {
        double fl = ls.v, fr = rs.v;
        if (one_to_many) std::swap(fl, fr);
        ElemResult r = ElemBinop(op, fl, fr);
        if (r.incompatible) {
          report_incompatible();
          return;
        }
        if (e.return_bool) r.value = r.keep ? 1.0 : 0.0;

        if (keeps_left_labels) {
          // The result's labels are the left side's, minus the metadata labels when they go:
          // flag the drop (every reader honours it) instead of copying the label set.
          if (matched_present[sig]) {
            Fail(
                "multiple matches for labels: many-to-one matching must be explicit "
                "(group_left/group_right)");
          }
          matched_present[sig] = true;
          if (!r.keep && !e.return_bool) return;
          out.push_back(
              Sample{ls.metric, ts, r.value, drops_name || e.return_bool || ls.drop_name});
          return;
        }

        // The result's labels: the "many" side's, minus the metric name when the meaning
        // changes, restricted to the matching labels for one-to-one matches, plus the
        // group_x labels from the "one" side.
        LabelsBuilder b(Effective(ls.metric, Hidden(ls.drop_name)));
        if ((!delayed && e.return_bool) || ChangesMetricSchema(op)) {
          b.del(kMetricName);
          b.del(kTypeLabel);
          b.del(kUnitLabel);
        }
        if (one_to_one) {
          if (vm.on) {
            LabelsBuilder kept;
            for (const auto& n : vm.matching_labels) kept.set(n, b.get(n));
            b = kept;
          } else {
            for (const auto& n : vm.matching_labels) b.del(n);
          }
        }
        for (const auto& n : vm.include) {
          b.set(n, GetLabel(rs.metric, Hidden(rs.drop_name), n));
        }
        Labels metric = b.labels();

        if (one_to_one) {
          if (matched_present[sig]) {
            Fail(
                "multiple matches for labels: many-to-one matching must be explicit "
                "(group_left/group_right)");
          }
          matched_present[sig] = true;
        } else if (!matched_results[sig].insert(metric.hash()).second) {
          Fail("multiple matches for labels: grouping labels must ensure unique matches");
        }
        if (!r.keep && !e.return_bool) return;
        out.push_back(Sample{std::move(metric), ts, r.value, e.return_bool});
      };

      // As in Prometheus, the fill values apply to the sides after the group_right swap.
      const auto& fill_for_right = vm.fill_rhs;
      const auto& fill_for_left = vm.fill_lhs;
      for (size_t i = 0; i < lhs->size(); ++i) {
        const Sample& ls = (*lhs)[i];
        const uint32_t sig = (*lsig)[i];
        if (right_present[sig]) {
          apply(ls, right_by_sig[sig], sig);
        } else if (fill_for_right) {
          apply(
              ls,
              Sample{MatchLabels(ls.metric, Hidden(ls.drop_name), vm), ts, *fill_for_right, false},
              sig);
        }
      }
      if (fill_for_left) {
        for (size_t i = 0; i < rhs->size(); ++i) {
          const Sample& rs = (*rhs)[i];
          const uint32_t sig = (*rsig)[i];
          if (one_to_one ? matched_present[sig] : !matched_results[sig].empty()) continue;
          apply(Sample{MatchLabels(rs.metric, Hidden(rs.drop_name), vm), ts, *fill_for_left, false},
                rs, sig);
        }
      }
    });
  }

  // A vector and a scalar, in either order.
  const bool swap = lt == ValueType::kScalar;
  const size_t vec_idx = swap ? 1 : 0;
  return RangeEval(exprs, nullptr, [&](StepInputs& in, TimestampMs, Vector& out) {
    const double scalar = in.vectors[1 - vec_idx][0].v;
    for (auto& s : in.vectors[vec_idx]) {
      double lf = s.v, rf = scalar;
      if (swap) std::swap(lf, rf);
      ElemResult r = ElemBinop(op, lf, rf);
      if (r.incompatible) {
        report_incompatible();
        continue;
      }
      // A comparison keeps the vector's value, whichever side it is on.
      if (IsComparisonOp(op) && swap) r.value = rf;
      if (e.return_bool) {
        r.value = r.keep ? 1.0 : 0.0;
        r.keep = true;
      }
      if (!r.keep) continue;
      s.v = r.value;
      if (ChangesMetricSchema(op) || e.return_bool) s.drop_name = true;
      out.push_back(std::move(s));
    }
  });
}

}  // namespace tocsin::promql
