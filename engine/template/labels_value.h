// A label set seen by templates as a Go map[string]string (or a named map type with the same
// representation, such as Alertmanager's template.KV), without copying the labels: the value
// shares the label set, and the strings it hands out borrow from it.
#pragma once

#include "engine/template/value.h"
#include "storage/base/labels.h"

namespace tocsin::tmpl {

// `map_type` must be map[string]string or a named type whose underlying type it is.
Value LabelsValue(const Labels& labels, const Type* map_type = nullptr);

}  // namespace tocsin::tmpl
