// Values as Go templates see them.
//
// Go's text/template works on reflect.Values: every value has a Go type, and the interpreter's
// behaviour (which comparisons are allowed, what an error message says, how fmt prints a value,
// whether an argument is accepted) follows from that type. tocsin's Value reproduces the part of
// that model templates can observe: a Value is a Type plus a payload. Types are immutable and
// live for the whole process, so a `const Type*` compares by identity; the payload is a scalar,
// a string, or a reference-counted composite (slice, map, struct), so copying a Value never copies
// a string or a container.
//
// Embedders (the rule evaluator, the notifiers) build data with the factory functions below and
// define their own named types with TypeBuilder: a struct with fields, a map or slice with
// methods (Alertmanager's KV with .SortedPairs, Alerts with .Firing), exactly as Go code would
// declare types and methods for its templates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/template/go_time.h"
#include "engine/template/ref_counted.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

class Value;
class CallContext;

// How a Type behaves. Mirrors the reflect.Kind values templates distinguish.
enum class Kind : uint8_t {
  kInvalid,    // Go's invalid reflect.Value: a missing map entry, a nil interface
  kBool,       //
  kInt,        // int, int64, uint8, time.Duration, time.Month, time.Weekday
  kFloat,      // float64
  kString,     // string and named string types such as template.HTML
  kSlice,      // []T
  kMap,        // map[string]T (templates never see other key types)
  kStruct,     // structs with exported fields
  kTime,       // time.Time: a struct in Go, stored inline here
  kPointer,    // *T: shares T's payload
  kInterface,  // interface {}: only as a parameter or element type, accepts anything
};

// A function's or method's parameter list, as Go's reflect.Type would report it.
struct Signature {
  std::vector<const class Type*> params;  // for a variadic function the last one is []T
  bool variadic = false;
};

using MethodImpl =
    std::function<Result<Value>(CallContext& ctx, const Value& self, std::span<const Value> args)>;

struct Method {
  std::string name;
  Signature signature;
  MethodImpl impl;
};

// A Go type. Created once (TypeBuilder or the accessors in `types`) and never freed.
class Type {
 public:
  Kind kind() const { return kind_; }
  // Spelled as Go's reflect prints it: "int", "[]string", "map[string]interface {}",
  // "template.KV", "*time.Time".
  const std::string& name() const { return name_; }
  // Element of a slice or map, target of a pointer; null otherwise.
  const Type* elem() const { return elem_; }
  // The unnamed type with the same structure (the type itself when unnamed).
  const Type* underlying() const { return underlying_; }
  // A defined ("named") type: predeclared types and types declared with a name.
  bool named() const { return named_; }
  bool comparable() const { return comparable_; }

  // Methods of the type; for a pointer type also those of its target (Go's method sets).
  const Method* FindMethod(std::string_view name) const;
  bool has_string_method() const { return FindMethod("String") != nullptr; }
  // Struct fields, in declaration order.
  const std::vector<std::string>& fields() const { return fields_; }
  const std::vector<const Type*>& field_types() const { return field_types_; }
  const std::vector<std::string>& field_json_names() const { return field_json_names_; }
  int FieldIndex(std::string_view name) const;

 private:
  friend class TypeBuilder;
  friend class TypeTable;
  Type() = default;
  Kind kind_ = Kind::kInvalid;
  std::string name_;
  const Type* elem_ = nullptr;
  const Type* underlying_ = nullptr;
  bool named_ = false;
  bool comparable_ = true;
  std::vector<Method> methods_;
  std::vector<std::string> fields_;
  std::vector<const Type*> field_types_;
  std::vector<std::string> field_json_names_;
};

// Go's assignability, restricted to the types templates meet: identical types, anything to
// interface {}, and named/unnamed pairs with the same underlying type (template.KV to
// map[string]string, but not template.HTML to string).
bool AssignableTo(const Type* from, const Type* to);

// The predeclared and library types templates use.
namespace types {
const Type* Bool();
const Type* Int();      // Go's int: what number literals and len produce
const Type* Int64();    // what time.Time.Unix returns
const Type* Uint8();    // what indexing a string produces
const Type* Float64();  //
const Type* String();   //
const Type* Any();      // interface {}
const Type* Time();     // time.Time
const Type* Duration();
const Type* Month();
const Type* Weekday();
const Type* HTML();  // html/template.HTML, spelled "template.HTML"
const Type* URL();   // html/template.URL, spelled "template.URL"
// Unnamed composite types, interned: SliceOf(String()) is always the same pointer.
const Type* SliceOf(const Type* elem);
const Type* MapOf(const Type* elem);  // map[string]elem
const Type* PointerTo(const Type* elem);
}  // namespace types

// Declares a named type, as `type template.KV map[string]string` plus its methods would in Go.
class TypeBuilder {
 public:
  // `underlying` gives the representation: a slice, map, string, int... type, or null for a
  // struct (then declare its fields with Field()).
  TypeBuilder(std::string name, const Type* underlying);
  // A type with its own representation and no elements (time.Time is Kind::kTime).
  TypeBuilder(std::string name, Kind kind);
  // The type under construction, for methods that take or return it.
  const Type* type() const { return type_.get(); }
  // A struct field; its type gives Go's zero value of the struct (Value::Zero). `json_name`
  // is the field's name in encoding/json output (its `json:"..."` tag; empty: the Go name).
  TypeBuilder& Field(std::string name, const Type* type, std::string json_name = "");
  TypeBuilder& Comparable(bool comparable);
  TypeBuilder& AddMethod(std::string name, Signature signature, MethodImpl impl);
  // Registers the type; the pointer stays valid for the life of the process.
  const Type* Build();

 private:
  std::unique_ptr<Type> type_;
};

// A slice's elements. Subclass it to expose a container without copying it.
class ListRep : public RefCounted {
 public:
  virtual size_t size() const = 0;
  virtual Value at(size_t i) const = 0;
};

// A map's entries, in ascending key order (the order Go's range and fmt use).
class MapRep : public RefCounted {
 public:
  virtual size_t size() const = 0;
  virtual std::string_view key(size_t i) const = 0;
  virtual Value value(size_t i) const = 0;
  // Default: binary search over key(i).
  virtual bool Find(std::string_view key, Value* out) const;
};

// A struct's field values, indexed like Type::fields().
class StructRep : public RefCounted {
 public:
  virtual Value field(size_t i) const = 0;
};

class Value {
 public:
  Value() = default;  // invalid: Go's "no value"
  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value() {
    if (ref_) ref_->Release();
  }

  static Value Bool(bool b) { return Scalar(types::Bool(), static_cast<int64_t>(b)); }
  static Value Int(int64_t i) { return Scalar(types::Int(), i); }
  static Value Float(double f);
  // Owns a copy of the bytes.
  static Value String(std::string s);
  // Borrows the bytes: the caller guarantees they outlive every execution that can see the
  // value (used for parse-tree literals and for data the caller keeps alive while executing).
  static Value StringRef(std::string_view s);
  // Borrows bytes that `owner` keeps alive: the value holds a reference to the owner (a map key
  // inside its MapRep, a label value inside a label set).
  static Value StringWithOwner(std::string_view s, const RefCounted* owner);
  static Value IntOfType(const Type* type, int64_t i) { return Scalar(type, i); }
  static Value StringOfType(const Type* type, std::string s);
  static Value Duration(int64_t nanoseconds) { return Scalar(types::Duration(), nanoseconds); }
  static Value Time(const GoTime& t);
  // A []elem ([]interface {} unless given) of the values.
  static Value List(std::vector<Value> elems, const Type* slice_type = nullptr);
  static Value StringList(std::vector<std::string> elems);  // []string
  // A map of the entries, sorted by key (a repeated key keeps its last value).
  static Value Map(std::vector<std::pair<std::string, Value>> entries,
                   const Type* map_type = nullptr);
  static Value StringMap(std::vector<std::pair<std::string, std::string>> entries);
  static Value Struct(const Type* struct_type, std::vector<Value> fields);
  // A composite backed by a caller-provided representation (ListRep for slices, MapRep for
  // maps, StructRep for structs).
  static Value FromRep(const Type* type, const RefCounted* rep);
  // Go's nil slice and nil map: empty like any other, but nil (JSON null, equal to nil).
  static Value NilList(const Type* slice_type);
  static Value NilMap(const Type* map_type);
  // Go's zero value of the type ("" for strings, 0, false, nil slices and maps).
  static Value Zero(const Type* type);

  bool valid() const { return type_ != nullptr; }
  const Type* type() const { return type_; }
  Kind kind() const { return type_ ? type_->kind() : Kind::kInvalid; }
  // The same payload seen as another type with the same representation (template.HTML from a
  // string, *T from T, T from *T).
  Value WithType(const Type* type) const;
  // For pointers, the value pointed to (invalid for a nil pointer); other values unchanged.
  Value Indirect() const;
  bool is_nil_pointer() const { return kind() == Kind::kPointer && b_.i == kNilPointer; }
  // A nil pointer, slice or map.
  bool is_nil() const;

  bool as_bool() const { return a_.i != 0; }
  int64_t as_int() const { return a_.i; }
  double as_float() const { return a_.f; }
  std::string_view as_string() const { return {a_.s, b_.n}; }
  GoTime as_time() const;
  const ListRep& list() const { return *static_cast<const ListRep*>(ref_); }
  const MapRep& map() const { return *static_cast<const MapRep*>(ref_); }
  const StructRep& structure() const { return *static_cast<const StructRep*>(ref_); }
  // Identity of the shared payload, for pointer comparison and printing.
  const void* identity() const { return ref_; }
  // Number of elements of a slice/map/string.
  size_t length() const;

 private:
  static constexpr int64_t kNilPointer = -1;
  static Value Scalar(const Type* type, int64_t bits) {
    Value v;
    v.type_ = type;
    v.a_.i = bits;
    return v;
  }

  const Type* type_ = nullptr;
  const RefCounted* ref_ = nullptr;  // owner of heap payload, may be null
  union {
    int64_t i;
    double f;
    const char* s;
  } a_{0};
  union {
    size_t n;  // string length
    int64_t i;
  } b_{0};
};

}  // namespace tocsin::tmpl
