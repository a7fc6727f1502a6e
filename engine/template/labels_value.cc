#include "engine/template/labels_value.h"

#include <algorithm>

namespace tocsin::tmpl {

namespace {

// Labels are kept sorted by name, which is the order Go's range and fmt use for map keys.
class LabelsMapRep final : public MapRep {
 public:
  explicit LabelsMapRep(Labels labels) : labels_(std::move(labels)) {}
  size_t size() const override { return labels_.size(); }
  std::string_view key(size_t i) const override { return labels_[i].name; }
  Value value(size_t i) const override { return Value::StringWithOwner(labels_[i].value, this); }
  bool Find(std::string_view key, Value* out) const override {
    const auto items = labels_.items();
    auto it = std::lower_bound(items.begin(), items.end(), key,
                               [](const Label& l, std::string_view k) { return l.name < k; });
    if (it == items.end() || it->name != key) return false;
    *out = Value::StringWithOwner(it->value, this);
    return true;
  }

 private:
  Labels labels_;
};

}  // namespace

Value LabelsValue(const Labels& labels, const Type* map_type) {
  return Value::FromRep(map_type ? map_type : types::MapOf(types::String()),
                        new LabelsMapRep(labels));
}

}  // namespace tocsin::tmpl
