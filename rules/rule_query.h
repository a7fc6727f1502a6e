// How rules run their expression: an instant query that yields a vector. Rules receive it as a
// function so that a group evaluates against whatever engine and storage its owner chose (the
// daemon's store, a promtool-style test's lazily loaded one).
#pragma once

#include <functional>

#include "engine/promql/ast.h"
#include "engine/promql/value.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::rules {

// Evaluates `expr` at `t`. A scalar result comes back as one sample without labels; a matrix or
// string result is the error "rule result is not a vector or scalar" (Prometheus's
// EngineQueryFunc).
using QueryFunc = std::function<Result<promql::Vector>(const promql::Expr& expr, TimestampMs t)>;

}  // namespace tocsin::rules
