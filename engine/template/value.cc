#include "engine/template/value.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace tocsin::tmpl {

// ---------------------------------------------------------------------------------------------
// Types

// Owns every Type ever created. Types are never freed: values and parsed templates point at them
// from anywhere, and there are few of them.
class TypeTable {
 public:
  static TypeTable& Get() {
    static TypeTable* table = new TypeTable();
    return *table;
  }

  const Type* Adopt(std::unique_ptr<Type> t) {
    std::lock_guard<std::mutex> lock(mu_);
    owned_.push_back(std::move(t));
    return owned_.back().get();
  }

  // Interned unnamed composite: one Type per (constructor, element).
  const Type* Composite(Kind kind, const Type* elem);

  static std::unique_ptr<Type> NewType() { return std::unique_ptr<Type>(new Type()); }
  static void Init(Type* t, Kind kind, std::string name, const Type* elem, bool named,
                   bool comparable) {
    t->kind_ = kind;
    t->name_ = std::move(name);
    t->elem_ = elem;
    t->named_ = named;
    t->comparable_ = comparable;
    t->underlying_ = t;
  }
  static void SetUnderlying(Type* t, const Type* u) { t->underlying_ = u; }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Type>> owned_;
  std::map<std::pair<int, const Type*>, const Type*> composites_;
};

const Type* TypeTable::Composite(Kind kind, const Type* elem) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = composites_.find({static_cast<int>(kind), elem});
    if (it != composites_.end()) return it->second;
  }
  auto t = NewType();
  std::string name;
  bool comparable = true;
  switch (kind) {
    case Kind::kSlice:
      name = "[]" + elem->name();
      comparable = false;
      break;
    case Kind::kMap:
      name = "map[string]" + elem->name();
      comparable = false;
      break;
    default:
      name = "*" + elem->name();
      break;
  }
  Init(t.get(), kind, std::move(name), elem, /*named=*/false, comparable);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = composites_.emplace(std::make_pair(static_cast<int>(kind), elem), t.get());
  if (!inserted) return it->second;  // another thread won the race
  owned_.push_back(std::move(t));
  return it->second;
}

namespace {

const Type* Predeclared(Kind kind, const char* name, const Type* underlying = nullptr) {
  auto t = TypeTable::NewType();
  TypeTable::Init(t.get(), kind, name, nullptr, /*named=*/true, /*comparable=*/true);
  if (underlying) TypeTable::SetUnderlying(t.get(), underlying);
  return TypeTable::Get().Adopt(std::move(t));
}

}  // namespace

const Method* Type::FindMethod(std::string_view name) const {
  for (const Method& m : methods_) {
    if (m.name == name) return &m;
  }
  if (kind_ == Kind::kPointer && elem_) return elem_->FindMethod(name);
  return nullptr;
}

int Type::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool AssignableTo(const Type* from, const Type* to) {
  if (from == to) return true;
  if (to->kind() == Kind::kInterface) return true;
  return from->underlying() == to->underlying() && (!from->named() || !to->named());
}

namespace types {
const Type* Bool() {
  static const Type* t = Predeclared(Kind::kBool, "bool");
  return t;
}
const Type* Int() {
  static const Type* t = Predeclared(Kind::kInt, "int");
  return t;
}
const Type* Int64() {
  static const Type* t = Predeclared(Kind::kInt, "int64");
  return t;
}
const Type* Uint8() {
  static const Type* t = Predeclared(Kind::kInt, "uint8");
  return t;
}
const Type* Float64() {
  static const Type* t = Predeclared(Kind::kFloat, "float64");
  return t;
}
const Type* String() {
  static const Type* t = Predeclared(Kind::kString, "string");
  return t;
}
const Type* Any() {
  static const Type* t = Predeclared(Kind::kInterface, "interface {}");
  return t;
}
const Type* HTML() {
  static const Type* t = Predeclared(Kind::kString, "template.HTML", String());
  return t;
}
const Type* URL() {
  static const Type* t = Predeclared(Kind::kString, "template.URL", String());
  return t;
}
const Type* SliceOf(const Type* elem) {
  return TypeTable::Get().Composite(Kind::kSlice, elem);
}
const Type* MapOf(const Type* elem) {
  return TypeTable::Get().Composite(Kind::kMap, elem);
}
const Type* PointerTo(const Type* elem) {
  return TypeTable::Get().Composite(Kind::kPointer, elem);
}
}  // namespace types

TypeBuilder::TypeBuilder(std::string name, const Type* underlying) : type_(TypeTable::NewType()) {
  if (underlying == nullptr) {
    TypeTable::Init(type_.get(), Kind::kStruct, std::move(name), nullptr, true, true);
  } else {
    TypeTable::Init(type_.get(), underlying->kind(), std::move(name), underlying->elem(), true,
                    underlying->comparable());
    TypeTable::SetUnderlying(type_.get(), underlying->underlying());
  }
}

TypeBuilder::TypeBuilder(std::string name, Kind kind) : type_(TypeTable::NewType()) {
  TypeTable::Init(type_.get(), kind, std::move(name), nullptr, true, true);
}

TypeBuilder& TypeBuilder::Field(std::string name, const Type* type, std::string json_name) {
  type_->field_json_names_.push_back(json_name.empty() ? name : std::move(json_name));
  type_->fields_.push_back(std::move(name));
  type_->field_types_.push_back(type);
  if (!type->comparable()) type_->comparable_ = false;
  return *this;
}

TypeBuilder& TypeBuilder::Comparable(bool comparable) {
  type_->comparable_ = comparable;
  return *this;
}

TypeBuilder& TypeBuilder::AddMethod(std::string name, Signature signature, MethodImpl impl) {
  type_->methods_.push_back(Method{std::move(name), std::move(signature), std::move(impl)});
  return *this;
}

const Type* TypeBuilder::Build() {
  return TypeTable::Get().Adopt(std::move(type_));
}

// ---------------------------------------------------------------------------------------------
// Representations

namespace {

class StringRep final : public RefCounted {
 public:
  explicit StringRep(std::string s) : s(std::move(s)) {}
  const std::string s;
};

class VectorListRep final : public ListRep {
 public:
  explicit VectorListRep(std::vector<Value> elems) : elems_(std::move(elems)) {}
  size_t size() const override { return elems_.size(); }
  Value at(size_t i) const override { return elems_[i]; }

 private:
  std::vector<Value> elems_;
};

class SortedMapRep final : public MapRep {
 public:
  explicit SortedMapRep(std::vector<std::pair<std::string, Value>> entries)
      : entries_(std::move(entries)) {}
  size_t size() const override { return entries_.size(); }
  std::string_view key(size_t i) const override { return entries_[i].first; }
  Value value(size_t i) const override { return entries_[i].second; }

 private:
  std::vector<std::pair<std::string, Value>> entries_;
};

class FieldsStructRep final : public StructRep {
 public:
  explicit FieldsStructRep(std::vector<Value> fields) : fields_(std::move(fields)) {}
  Value field(size_t i) const override { return i < fields_.size() ? fields_[i] : Value(); }

 private:
  std::vector<Value> fields_;
};

// The representations of nil slices and maps: shared, never freed.
const ListRep* NilListRep() {
  static const ListRep* rep = [] {
    auto* r = new VectorListRep({});
    r->AddRef();
    return r;
  }();
  return rep;
}

const MapRep* NilMapRep() {
  static const MapRep* rep = [] {
    auto* r = new SortedMapRep({});
    r->AddRef();
    return r;
  }();
  return rep;
}

}  // namespace

bool MapRep::Find(std::string_view k, Value* out) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const std::string_view mk = key(mid);
    if (mk < k) {
      lo = mid + 1;
    } else if (k < mk) {
      hi = mid;
    } else {
      *out = value(mid);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Value

Value::Value(const Value& o) : type_(o.type_), ref_(o.ref_), a_(o.a_), b_(o.b_) {
  if (ref_) ref_->AddRef();
}

Value::Value(Value&& o) noexcept : type_(o.type_), ref_(o.ref_), a_(o.a_), b_(o.b_) {
  o.ref_ = nullptr;
  o.type_ = nullptr;
}

Value& Value::operator=(const Value& o) {
  if (this != &o) {
    if (o.ref_) o.ref_->AddRef();
    if (ref_) ref_->Release();
    type_ = o.type_;
    ref_ = o.ref_;
    a_ = o.a_;
    b_ = o.b_;
  }
  return *this;
}

Value& Value::operator=(Value&& o) noexcept {
  if (this != &o) {
    if (ref_) ref_->Release();
    type_ = o.type_;
    ref_ = o.ref_;
    a_ = o.a_;
    b_ = o.b_;
    o.ref_ = nullptr;
    o.type_ = nullptr;
  }
  return *this;
}

Value Value::Float(double f) {
  Value v;
  v.type_ = types::Float64();
  v.a_.f = f;
  return v;
}

Value Value::StringOfType(const Type* type, std::string s) {
  Value v;
  v.type_ = type;
  if (s.empty()) {
    v.a_.s = "";
    return v;
  }
  auto* rep = new StringRep(std::move(s));
  rep->AddRef();
  v.ref_ = rep;
  v.a_.s = rep->s.data();
  v.b_.n = rep->s.size();
  return v;
}

Value Value::String(std::string s) {
  return StringOfType(types::String(), std::move(s));
}

Value Value::StringRef(std::string_view s) {
  Value v;
  v.type_ = types::String();
  v.a_.s = s.data() ? s.data() : "";
  v.b_.n = s.size();
  return v;
}

Value Value::StringWithOwner(std::string_view s, const RefCounted* owner) {
  Value v = StringRef(s);
  if (owner) {
    owner->AddRef();
    v.ref_ = owner;
  }
  return v;
}

Value Value::Time(const GoTime& t) {
  Value v;
  v.type_ = types::Time();
  v.a_.i = t.sec;
  v.b_.i = t.nsec;
  if (t.loc && t.loc != Location::UTC()) {
    t.loc->AddRef();
    v.ref_ = t.loc;
  }
  return v;
}

GoTime Value::as_time() const {
  GoTime t;
  t.sec = a_.i;
  t.nsec = static_cast<int32_t>(b_.i);
  t.loc = static_cast<const Location*>(ref_);
  return t;
}

Value Value::FromRep(const Type* type, const RefCounted* rep) {
  Value v;
  v.type_ = type;
  if (rep) rep->AddRef();
  v.ref_ = rep;
  return v;
}

Value Value::List(std::vector<Value> elems, const Type* slice_type) {
  return FromRep(slice_type ? slice_type : types::SliceOf(types::Any()),
                 new VectorListRep(std::move(elems)));
}

Value Value::StringList(std::vector<std::string> elems) {
  std::vector<Value> values;
  values.reserve(elems.size());
  for (auto& s : elems) values.push_back(String(std::move(s)));
  return List(std::move(values), types::SliceOf(types::String()));
}

Value Value::Map(std::vector<std::pair<std::string, Value>> entries, const Type* map_type) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the last of equal keys, as assigning m[k] twice would.
  std::vector<std::pair<std::string, Value>> unique;
  unique.reserve(entries.size());
  for (auto& e : entries) {
    if (!unique.empty() && unique.back().first == e.first) {
      unique.back().second = std::move(e.second);
    } else {
      unique.push_back(std::move(e));
    }
  }
  return FromRep(map_type ? map_type : types::MapOf(types::Any()),
                 new SortedMapRep(std::move(unique)));
}

Value Value::StringMap(std::vector<std::pair<std::string, std::string>> entries) {
  std::vector<std::pair<std::string, Value>> values;
  values.reserve(entries.size());
  for (auto& [k, v] : entries) values.emplace_back(std::move(k), String(std::move(v)));
  return Map(std::move(values), types::MapOf(types::String()));
}

Value Value::Struct(const Type* struct_type, std::vector<Value> fields) {
  return FromRep(struct_type, new FieldsStructRep(std::move(fields)));
}

Value Value::NilList(const Type* slice_type) {
  return FromRep(slice_type, NilListRep());
}
Value Value::NilMap(const Type* map_type) {
  return FromRep(map_type, NilMapRep());
}

bool Value::is_nil() const {
  switch (kind()) {
    case Kind::kPointer:
      return is_nil_pointer();
    case Kind::kSlice:
      return ref_ == NilListRep();
    case Kind::kMap:
      return ref_ == NilMapRep();
    default:
      return false;
  }
}

Value Value::Zero(const Type* type) {
  switch (type->kind()) {
    case Kind::kInvalid:
    case Kind::kInterface:
      return Value();
    case Kind::kBool:
    case Kind::kInt:
      return Scalar(type, 0);
    case Kind::kFloat: {
      Value v = Float(0);
      v.type_ = type;
      return v;
    }
    case Kind::kString:
      return StringOfType(type, "");
    case Kind::kSlice:
      return NilList(type);
    case Kind::kMap:
      return NilMap(type);
    case Kind::kStruct: {
      std::vector<Value> fields;
      for (const Type* ft : type->field_types()) fields.push_back(Zero(ft));
      return Struct(type, std::move(fields));
    }
    case Kind::kTime: {
      Value v = Time(GoTime{});
      v.type_ = type;
      return v;
    }
    case Kind::kPointer: {
      Value v;
      v.type_ = type;
      v.b_.i = kNilPointer;
      return v;
    }
  }
  return Value();
}

Value Value::WithType(const Type* type) const {
  Value v = *this;
  v.type_ = type;
  if (type && type->kind() != Kind::kPointer && kind() == Kind::kPointer && b_.i == kNilPointer) {
    v.b_.i = 0;
  }
  return v;
}

Value Value::Indirect() const {
  if (kind() != Kind::kPointer) return *this;
  if (is_nil_pointer()) return Value();
  Value v = *this;
  v.type_ = type_->elem();
  return v;
}

size_t Value::length() const {
  switch (kind()) {
    case Kind::kString:
      return b_.n;
    case Kind::kSlice:
      return list().size();
    case Kind::kMap:
      return map().size();
    default:
      return 0;
  }
}

}  // namespace tocsin::tmpl
