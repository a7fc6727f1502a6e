// How promtool compares what a rule unit test expects with what the rules produced, and how it
// prints the two when they differ. Floats compare exactly (NaN never equals anything), or within
// one ULP with fuzzy_compare.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/base/labels.h"

namespace tocsin::rules::unittest {

// A label set as promtool's harness holds it: sorted by name, and (unlike Labels) able to hold
// empty values, which Prometheus keeps in expected labels and in annotations that render empty.
using LabelList = std::vector<Label>;
LabelList ToLabelList(const Labels& labels, const std::vector<std::string>& empty_names = {});
LabelList ToLabelList(const std::map<std::string, std::string>& m);
// {a="b", c=""}, as Prometheus's labels.String() prints.
std::string LabelListString(const LabelList& l);

struct LabelsAndAnnotations {
  LabelList labels;
  LabelList annotations;
  bool partial = false;  // expected side only: compare just the listed labels/annotations
};

// Sorts by labels, then annotations (promtool's order for printing and comparing).
void SortAlerts(std::vector<LabelsAndAnnotations>& alerts);

// Whether `got` is what `expected` asks for. With no partial entries this is promtool's exact
// comparison of the sorted lists. A partial entry matches a got alert that has every label and
// annotation it lists (with those values); every expected entry needs its own got alert, and no
// got alert may be left over.
bool AlertsMatch(const std::vector<LabelsAndAnnotations>& expected,
                 const std::vector<LabelsAndAnnotations>& got);

// promtool's rendering: "[]", or "[\n0:\n  Labels:{...}\n  Annotations:{...},\n1:...\n]".
std::string AlertsString(const std::vector<LabelsAndAnnotations>& alerts);

// Go's %v of a float as promtool prints sample values: strconv.FormatFloat(v, 'E', -1, 64).
std::string FormatValueE(double v);

struct ComparedSample {
  Labels labels;
  double value = 0;
};

void SortSamples(std::vector<ComparedSample>& samples);
bool FloatsEqual(double a, double b, bool fuzzy);
bool SamplesMatch(const std::vector<ComparedSample>& expected,
                  const std::vector<ComparedSample>& got, bool fuzzy);
// "nil", or "{a="b"} 1E+00, {a="c"} 2.5E+00".
std::string SamplesString(const std::vector<ComparedSample>& samples);

// Prefixes every line but the first with `indent` (promtool's indentLines).
std::string IndentLines(const std::string& text, const std::string& indent);

// A diff of the two alert lists as JSON, one alert per line (`--diff`): lines only in the
// expectation start with "-", lines only in the result with "+".
std::string AlertsDiff(const std::vector<LabelsAndAnnotations>& expected,
                       const std::vector<LabelsAndAnnotations>& got);

}  // namespace tocsin::rules::unittest
