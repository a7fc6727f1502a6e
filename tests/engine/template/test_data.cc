#include "tests/engine/template/test_data.h"

#include "engine/template/go_format.h"

namespace tocsin::tmpl::testing {

namespace {

Result<Value> Ok(Value v) {
  return v;
}

const Type* UType() {
  static const Type* t = [] {
    TypeBuilder b("template.U", nullptr);
    b.Field("V", types::String());
    b.AddMethod("TrueFalse", Signature{{types::Bool()}, false},
                [](CallContext&, const Value&, std::span<const Value> args) {
                  return Ok(Value::String(args[0].as_bool() ? "true" : ""));
                });
    return b.Build();
  }();
  return t;
}

const Type* VType() {
  static const Type* t = [] {
    TypeBuilder b("template.V", nullptr);
    b.Field("J", types::Int());
    b.AddMethod("String", {}, [](CallContext&, const Value& self, std::span<const Value>) {
      // Appended, not `"<" + std::to_string(...)`: GCC 12 -O2 -Wrestrict misfires on that.
      std::string s = "<";
      s.append(std::to_string(self.structure().field(0).as_int()));
      s.push_back('>');
      return Ok(Value::String(std::move(s)));
    });
    return b.Build();
  }();
  return t;
}

Value MakeU(std::string v) {
  return Value::Struct(UType(), {Value::String(std::move(v))}).WithType(types::PointerTo(UType()));
}

}  // namespace

Value IntList(std::vector<int64_t> v) {
  std::vector<Value> out;
  for (int64_t i : v) out.push_back(Value::Int(i));
  return Value::List(std::move(out), types::SliceOf(types::Int()));
}

Value IntMap(std::vector<std::pair<std::string, int64_t>> v) {
  std::vector<std::pair<std::string, Value>> out;
  for (auto& [k, i] : v) out.emplace_back(k, Value::Int(i));
  return Value::Map(std::move(out), types::MapOf(types::Int()));
}

Value PointerTo(const Value& v) {
  return v.WithType(types::PointerTo(v.type()));
}

const Type* TType() {
  static const Type* t = [] {
    TypeBuilder b("template.T", nullptr);
    const Type* self = b.type();
    b.Field("True", types::Bool())
        .Field("I", types::Int())
        .Field("X", types::String())
        .Field("S", types::String())
        .Field("FloatZero", types::Float64())
        .Field("U", types::PointerTo(UType()))
        .Field("V0", VType())
        .Field("SI", types::SliceOf(types::Int()))
        .Field("SIEmpty", types::SliceOf(types::Int()))
        .Field("SB", types::SliceOf(types::Bool()))
        .Field("MSI", types::MapOf(types::Int()))
        .Field("MSIone", types::MapOf(types::Int()))
        .Field("MSIEmpty", types::MapOf(types::Int()))
        .Field("SMSI", types::SliceOf(types::MapOf(types::Int())))
        .Field("Empty0", types::Any())
        .Field("Empty1", types::Any())
        .Field("Empty2", types::Any())
        .Field("Empty3", types::Any())
        .Field("Empty4", types::Any())
        .Field("PI", types::PointerTo(types::Int()))
        .Field("PS", types::PointerTo(types::String()))
        .Field("PSI", types::PointerTo(types::SliceOf(types::Int())))
        .Field("NIL", types::PointerTo(types::Int()));
    b.AddMethod(
         "Method0", {},
         [](CallContext&, const Value&, std::span<const Value>) { return Ok(Value::String("M0")); })
        .AddMethod("Method1", Signature{{types::Int()}, false},
                   [](CallContext&, const Value&, std::span<const Value> a) { return Ok(a[0]); })
        .AddMethod("Method2", Signature{{types::Int(), types::String()}, false},
                   [](CallContext&, const Value&, std::span<const Value> a) {
                     return Ok(Value::String(Sprintf("Method2: %d %s", a)));
                   })
        .AddMethod("Method3", Signature{{types::Any()}, false},
                   [](CallContext&, const Value&, std::span<const Value> a) {
                     return Ok(Value::String(Sprintf("Method3: %v", a)));
                   })
        .AddMethod("MAdd", Signature{{types::Int(), types::SliceOf(types::Int())}, false},
                   [](CallContext&, const Value&, std::span<const Value> a) {
                     std::vector<int64_t> out;
                     for (size_t i = 0; i < a[1].list().size(); ++i) {
                       out.push_back(a[1].list().at(i).as_int() + a[0].as_int());
                     }
                     return Ok(IntList(out));
                   })
        .AddMethod("MyError", Signature{{types::Bool()}, false},
                   [](CallContext&, const Value&, std::span<const Value> a) -> Result<Value> {
                     if (a[0].as_bool()) return Error{"my error"};
                     return Value::Bool(false);
                   })
        .AddMethod("GetU", {},
                   [](CallContext&, const Value& self, std::span<const Value>) {
                     return Ok(self.structure().field(5));
                   })
        .AddMethod("Copy", {}, [self](CallContext&, const Value& s, std::span<const Value>) {
          return Ok(s.WithType(types::PointerTo(self)));
        });
    return b.Build();
  }();
  return t;
}

Value TVal() {
  std::vector<Value> f = {
      Value::Bool(true),
      Value::Int(17),
      Value::String("x"),
      Value::String("xyz"),
      Value::Float(0),
      MakeU("v"),
      Value::Struct(VType(), {Value::Int(6666)}),
      IntList({3, 4, 5}),
      IntList({}),
      Value::List({Value::Bool(true), Value::Bool(false)}, types::SliceOf(types::Bool())),
      IntMap({{"one", 1}, {"two", 2}, {"three", 3}}),
      IntMap({{"one", 1}}),
      IntMap({}),
      Value::List({IntMap({{"one", 1}, {"two", 2}}), IntMap({{"eleven", 11}, {"twelve", 12}})},
                  types::SliceOf(types::MapOf(types::Int()))),
      Value(),
      Value::Int(3),
      Value::String("empty2"),
      IntList({7, 8}),
      MakeU("UinEmpty"),
      PointerTo(Value::Int(23)),
      PointerTo(Value::String("a string")),
      PointerTo(IntList({21, 22, 23})),
      Value::Zero(types::PointerTo(types::Int())),
  };
  return Value::Struct(TType(), std::move(f)).WithType(types::PointerTo(TType()));
}

FuncMap TestFuncs() {
  FuncMap m;
  m.Add("add", Signature{{types::SliceOf(types::Int())}, true},
        [](CallContext&, std::span<const Value> a) {
          int64_t sum = 0;
          for (const Value& v : a) sum += v.as_int();
          return Ok(Value::Int(sum));
        });
  m.Add("echo", Signature{{types::Any()}, false},
        [](CallContext&, std::span<const Value> a) { return Ok(a[0]); });
  m.Add("makemap", Signature{{types::SliceOf(types::String())}, true},
        [](CallContext&, std::span<const Value> a) -> Result<Value> {
          if (a.size() % 2 != 0) return Error{"bad makemap"};
          std::vector<std::pair<std::string, std::string>> kv;
          for (size_t i = 0; i < a.size(); i += 2) {
            kv.emplace_back(std::string(a[i].as_string()), std::string(a[i + 1].as_string()));
          }
          return Value::StringMap(std::move(kv));
        });
  m.Add("oneArg", Signature{{types::String()}, false}, [](CallContext&, std::span<const Value> a) {
    return Ok(Value::String("oneArg=" + std::string(a[0].as_string())));
  });
  m.Add("twoArgs", Signature{{types::String(), types::String()}, false},
        [](CallContext&, std::span<const Value> a) {
          return Ok(Value::String("twoArgs=" + std::string(a[0].as_string()) +
                                  std::string(a[1].as_string())));
        });
  m.Add("dddArg", Signature{{types::Int(), types::SliceOf(types::String())}, true},
        [](CallContext& ctx, std::span<const Value> a) {
          std::vector<Value> rest(a.begin() + 1, a.end());
          std::vector<Value> args = {a[0], Value::List(rest, types::SliceOf(types::String()))};
          std::string s;
          AppendSprintln(s, args, ctx);
          return Ok(Value::String(s));
        });
  m.Add("zeroArgs", {},
        [](CallContext&, std::span<const Value>) { return Ok(Value::String("zeroArgs")); });
  m.Add("mapOfThree", {}, [](CallContext&, std::span<const Value>) {
    return Ok(IntMap({{"three", 3}}));
  });
  m.Add("returnInt", {}, [](CallContext&, std::span<const Value>) { return Ok(Value::Int(7)); });
  m.Add("valueString", Signature{{types::String()}, false},
        [](CallContext&, std::span<const Value>) { return Ok(Value::String("value is ignored")); });
  m.Add("typeOf", Signature{{types::Any()}, false},
        [](CallContext&, std::span<const Value> a) { return Ok(Value::String(Sprintf("%T", a))); });
  m.Add("die", {},
        [](CallContext&, std::span<const Value>) -> Result<Value> { return Error{"die"}; });
  return m;
}

}  // namespace tocsin::tmpl::testing
