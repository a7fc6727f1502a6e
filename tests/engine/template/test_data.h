// Shared test data for the template interpreter tests: a struct with fields of every kind and
// methods with and without arguments, modelled on the data Go's own text/template tests use.
#pragma once

#include <string>
#include <vector>

#include "engine/template/function.h"
#include "engine/template/value.h"

namespace tocsin::tmpl::testing {

// The struct type T and its value tVal (see test_data.cc for the fields).
const Type* TType();
Value TVal();
// Functions the exec tests call: add, echo, makemap, oneArg, twoArgs, dddArg, zeroArgs,
// mapOfThree, returnInt, valueString, typeOf, die.
FuncMap TestFuncs();

// Helpers to build values.
Value IntList(std::vector<int64_t> v);
Value IntMap(std::vector<std::pair<std::string, int64_t>> v);
Value PointerTo(const Value& v);

}  // namespace tocsin::tmpl::testing
