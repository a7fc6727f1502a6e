// Template execution: Go's text/template exec.go, node for node. The structure (and the places
// where the current node is recorded for error messages) follows Go's closely, because users
// read these errors: Prometheus shows them inside annotations.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "engine/template/builtins.h"
#include "engine/template/go_format.h"
#include "engine/template/go_strconv.h"
#include "engine/template/template.h"

#include "engine/template/go_json.h"
#include "engine/template/html_escape.h"

namespace tocsin::tmpl {

namespace {

// Go executes with panics; so do we, caught once in Execute.
struct ExecFailure {
  std::string message;
};

// What a walk tells its caller: carry on, or leave the enclosing range.
enum class Flow { kNormal, kBreak, kContinue };

constexpr int kMaxRecursion = 3000;  // nested actions and pipelines, all templates together

// Something callable: a user function, a builtin, or a method bound to its receiver.
struct Callable {
  const Signature* signature = nullptr;
  const Function* function = nullptr;
  const Method* method = nullptr;
  Value receiver;
  std::optional<Builtin> builtin;
};

bool IsHexInt(std::string_view s) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
         s.find_first_of("pP") == std::string_view::npos;
}

bool CanBeNil(const Type* t) {
  switch (t->kind()) {
    case Kind::kInterface:
    case Kind::kMap:
    case Kind::kPointer:
    case Kind::kSlice:
      return true;
    default:
      return false;
  }
}

class Executor {
 public:
  Executor(const Template& set, const ExecuteOptions& opts, std::string* out)
      : set_(set), opts_(opts), out_(out), ctx_(opts.env, &opts.clock), base_size_(out->size()) {}

  void Run(const Tree& tree, const Value& data) {
    tree_ = &tree;
    top_name_ = tree.name;
    // Output is usually about as long as the template's text: grow the buffer once, not by
    // doubling through it.
    if (tree.source != nullptr) out_->reserve(out_->size() + tree.source->text.size());
    vars_.push_back({"$", data});
    Walk(data, tree.root.get());
    // html/template refuses a template that leaves its output inside a tag or attribute.
    if (opts_.escape_html && html_.state != HtmlContext::kText) {
      HtmlError(html_.state == HtmlContext::kError
                    ? html_.error
                    : "ends in a non-text context: " + html_.String());
    }
  }

 private:
  struct Variable {
    std::string_view name;
    Value value;
  };

  // ---- errors
  [[noreturn]] void Errorf(const std::string& msg) {
    std::string text;
    if (node_ == nullptr) {
      text = "template: " + tree_->name + ": " + msg;
    } else {
      std::string location, context;
      ErrorContext(*node_, &location, &context);
      text = "template: " + location + ": executing " + GoQuoteString(tree_->name) + " at <" +
             context + ">: " + msg;
    }
    throw ExecFailure{std::move(text)};
  }
  void At(const Node* n) { node_ = n; }
  // html/template names the template being executed, not the one whose text failed.
  [[noreturn]] void HtmlError(const std::string& msg) {
    throw ExecFailure{
        (top_name_.empty() ? "html/template: " : "html/template:" + top_name_ + ": ") + msg};
  }

  std::string Show(const Value& v) {
    std::string s;
    AppendValue(s, v, ctx_);
    return s;
  }

  // ---- variables
  void Push(std::string_view name, Value v) { vars_.push_back({name, std::move(v)}); }
  size_t Mark() const { return vars_.size(); }
  void Pop(size_t mark) { vars_.resize(mark); }
  void SetVar(std::string_view name, Value v) {
    for (size_t i = vars_.size(); i-- > frame_;) {
      if (vars_[i].name == name) {
        vars_[i].value = std::move(v);
        return;
      }
    }
    Errorf("undefined variable: " + std::string(name));
  }
  void SetTopVar(size_t n, Value v) { vars_[vars_.size() - n].value = std::move(v); }
  const Value& VarValue(std::string_view name) {
    for (size_t i = vars_.size(); i-- > frame_;) {
      if (vars_[i].name == name) return vars_[i].value;
    }
    Errorf("undefined variable: " + std::string(name));
  }

  void CheckOutput() {
    if (opts_.max_output_bytes != 0 && out_->size() - base_size_ > opts_.max_output_bytes) {
      Errorf("template output exceeds " + std::to_string(opts_.max_output_bytes) + " bytes");
    }
  }

  struct Recursion {
    explicit Recursion(Executor* e) : e(e) {
      if (++e->recursion_ > kMaxRecursion) {
        e->Errorf("exceeded maximum template depth (" + std::to_string(kMaxRecursion) + ")");
      }
    }
    ~Recursion() { --e->recursion_; }
    Executor* e;
  };

  // ---- walking
  Flow Walk(const Value& dot, const Node* node) {
    At(node);
    switch (node->type()) {
      case NodeType::kAction: {
        const auto* a = static_cast<const ActionNode*>(node);
        if (opts_.escape_html && a->pipe->decl.empty()) {
          PrintEscaped(dot, a);
          return Flow::kNormal;
        }
        Value val = EvalPipeline(dot, a->pipe.get());
        if (a->pipe->decl.empty()) PrintValue(node, val);
        return Flow::kNormal;
      }
      case NodeType::kBreak:
        return Flow::kBreak;
      case NodeType::kContinue:
        return Flow::kContinue;
      case NodeType::kComment:
        return Flow::kNormal;
      case NodeType::kIf:
      case NodeType::kWith:
        return WalkIfOrWith(dot, static_cast<const BranchNode*>(node));
      case NodeType::kList: {
        Recursion guard(this);
        for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
          const Flow f = Walk(dot, n.get());
          if (f != Flow::kNormal) return f;
        }
        return Flow::kNormal;
      }
      case NodeType::kRange:
        return WalkRange(dot, static_cast<const BranchNode*>(node));
      case NodeType::kTemplate:
        WalkTemplate(dot, static_cast<const TemplateNode*>(node));
        return Flow::kNormal;
      case NodeType::kText:
        if (opts_.escape_html) {
          html_ = EscapeHtmlText(html_, static_cast<const TextNode*>(node)->text, out_);
          if (html_.state == HtmlContext::kError) HtmlError(html_.error);
          CheckOutput();
          return Flow::kNormal;
        }
        *out_ += static_cast<const TextNode*>(node)->text;
        CheckOutput();
        return Flow::kNormal;
      default:
        Errorf("unknown node: " + node->String());
    }
  }

  Flow WalkIfOrWith(const Value& dot, const BranchNode* b) {
    const size_t mark = Mark();
    Value val = EvalPipeline(dot, b->pipe.get());
    Flow flow = Flow::kNormal;
    if (IsTrue(val)) {
      flow = Walk(b->type() == NodeType::kWith ? val : dot, b->list.get());
    } else if (b->else_list) {
      flow = Walk(dot, b->else_list.get());
    }
    Pop(mark);
    return flow;
  }

  Flow WalkRange(const Value& dot, const BranchNode* r) {
    At(r);
    const size_t outer = Mark();
    Value val = EvalPipeline(dot, r->pipe.get()).Indirect();
    const size_t mark = Mark();
    const auto& decl = r->pipe->decl;
    auto one = [&](const Value& index, const Value& elem) -> Flow {
      if (!decl.empty()) {
        if (r->pipe->is_assign) {
          SetVar(decl[0]->ident[0], decl.size() > 1 ? index : elem);
        } else {
          SetTopVar(1, elem);
        }
      }
      if (decl.size() > 1) {
        if (r->pipe->is_assign) {
          SetVar(decl[1]->ident[0], elem);
        } else {
          SetTopVar(2, index);
        }
      }
      const Flow f = Walk(elem, r->list.get());
      Pop(mark);
      return f;
    };
    bool ran = false;
    switch (val.kind()) {
      case Kind::kSlice: {
        const ListRep& l = val.list();
        for (size_t i = 0; i < l.size(); ++i) {
          ran = true;
          if (one(Value::Int(static_cast<int64_t>(i)), l.at(i)) == Flow::kBreak) break;
        }
        break;
      }
      case Kind::kMap: {
        const MapRep& m = val.map();
        for (size_t i = 0; i < m.size(); ++i) {
          ran = true;
          if (one(Value::StringWithOwner(m.key(i), &m), m.value(i)) == Flow::kBreak) break;
        }
        break;
      }
      case Kind::kInt: {
        if (decl.size() > 1) {
          Errorf("can't use " + Show(val) + " to iterate over more than one variable");
        }
        for (int64_t i = 0; i < val.as_int(); ++i) {
          ran = true;
          const Value v = Value::IntOfType(val.type(), i);
          if (one(v, v) == Flow::kBreak) break;
        }
        break;
      }
      case Kind::kInvalid:
        break;
      default:
        Errorf("range can't iterate over " + Show(val));
    }
    Flow flow = Flow::kNormal;
    if (!ran && r->else_list) flow = Walk(dot, r->else_list.get());
    Pop(outer);
    return flow;
  }

  void WalkTemplate(const Value& dot, const TemplateNode* t) {
    At(t);
    const Tree* tmpl = set_.Lookup(t->name);
    if (tmpl == nullptr) Errorf("template " + GoQuoteString(t->name) + " not defined");
    if (depth_ >= kMaxTemplateDepth) {
      Errorf("exceeded maximum template depth (" + std::to_string(kMaxTemplateDepth) + ")");
    }
    Value new_dot = EvalPipeline(dot, t->pipe.get());
    const Tree* saved_tree = tree_;
    const size_t saved_frame = frame_;
    frame_ = vars_.size();
    vars_.push_back({"$", new_dot});
    tree_ = tmpl;
    depth_++;
    Walk(new_dot, tmpl->root.get());
    depth_--;
    tree_ = saved_tree;
    vars_.resize(frame_);
    frame_ = saved_frame;
  }

  // ---- evaluation
  Value EvalPipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    Recursion guard(this);
    At(pipe);
    Value value;
    bool have = false;
    for (const auto& cmd : pipe->cmds) {
      value = EvalCommand(dot, cmd.get(), have ? &value : nullptr);
      have = true;
    }
    for (const auto& var : pipe->decl) {
      if (pipe->is_assign) {
        SetVar(var->ident[0], value);
      } else {
        Push(var->ident[0], value);
      }
    }
    return value;
  }

  void NotAFunction(const std::vector<NodePtr>& args, const Value* final) {
    if (args.size() > 1 || final != nullptr) {
      Errorf("can't give argument to non-function " + args[0]->String());
    }
  }

  Value EvalCommand(const Value& dot, const CommandNode* cmd, const Value* final) {
    const Node* first = cmd->args[0].get();
    switch (first->type()) {
      case NodeType::kField:
        return EvalFieldNode(dot, static_cast<const FieldNode*>(first), &cmd->args, final);
      case NodeType::kChain:
        return EvalChainNode(dot, static_cast<const ChainNode*>(first), &cmd->args, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, &cmd->args, final);
      case NodeType::kPipe:
        NotAFunction(cmd->args, final);
        return EvalPipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::kVariable:
        return EvalVariableNode(dot, static_cast<const VariableNode*>(first), &cmd->args, final);
      default:
        break;
    }
    At(first);
    NotAFunction(cmd->args, final);
    switch (first->type()) {
      case NodeType::kBool:
        return static_cast<const BoolNode*>(first)->as_value;
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        Errorf("nil is not a command");
      case NodeType::kNumber:
        return IdealConstant(static_cast<const NumberNode*>(first));
      case NodeType::kString:
        return static_cast<const StringNode*>(first)->as_value;
      default:
        Errorf("can't evaluate command " + GoQuoteString(first->String()));
    }
  }

  Value IdealConstant(const NumberNode* c) {
    At(c);
    if (c->is_complex) Errorf("complex constants are not supported: " + c->text);
    if (c->is_float && !IsHexInt(c->text) && c->text[0] != '\'' &&
        c->text.find_first_of(".eEpP") != std::string::npos) {
      return Value::Float(c->float64);
    }
    if (c->is_int) return Value::Int(c->int64);
    if (c->is_uint) Errorf(c->text + " overflows int");
    return Value();
  }

  Value EvalFieldNode(const Value& dot, const FieldNode* field, const std::vector<NodePtr>* args,
                      const Value* final) {
    At(field);
    return EvalFieldChain(dot, dot, field, field->ident, 0, args, final);
  }

  Value EvalChainNode(const Value& dot, const ChainNode* chain, const std::vector<NodePtr>* args,
                      const Value* final) {
    At(chain);
    if (chain->field.empty()) Errorf("internal error: no fields in evalChainNode");
    if (chain->node->type() == NodeType::kNil) {
      Errorf("indirection through explicit nil in " + chain->String());
    }
    Value pipe = EvalArg(dot, nullptr, chain->node.get());
    return EvalFieldChain(dot, pipe, chain, chain->field, 0, args, final);
  }

  Value EvalVariableNode(const Value& dot, const VariableNode* v, const std::vector<NodePtr>* args,
                         const Value* final) {
    At(v);
    Value value = VarValue(v->ident[0]);
    if (v->ident.size() == 1) {
      if (args) NotAFunction(*args, final);
      return value;
    }
    return EvalFieldChain(dot, value, v, v->ident, 1, args, final);
  }

  Value EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                       const std::vector<std::string>& ident, size_t from,
                       const std::vector<NodePtr>* args, const Value* final) {
    const size_t n = ident.size();
    for (size_t i = from; i + 1 < n; ++i) {
      receiver = EvalField(dot, ident[i], node, nullptr, nullptr, receiver);
    }
    return EvalField(dot, ident[n - 1], node, args, final, receiver);
  }

  Value EvalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd,
                     const std::vector<NodePtr>* args, const Value* final) {
    At(node);
    Callable c;
    if (const Function* f = set_.funcs().Find(node->ident)) {
      c.function = f;
      c.signature = &f->signature;
    } else if (auto b = FindBuiltin(node->ident)) {
      c.builtin = b;
      c.signature = &BuiltinSignature(*b);
    } else {
      Errorf(GoQuoteString(node->ident) + " is not a defined function");
    }
    return EvalCall(dot, c, cmd, node->ident, args, final);
  }

  Value EvalField(const Value& dot, const std::string& field_name, const Node* node,
                  const std::vector<NodePtr>* args, const Value* final, const Value& receiver) {
    if (!receiver.valid()) {
      if (set_.missing_key() == MissingKey::kError) {
        Errorf("nil data; no entry for key " + GoQuoteString(field_name));
      }
      return Value();
    }
    const Type* typ = receiver.type();
    if (const Method* m = typ->FindMethod(field_name)) {
      if (receiver.is_nil_pointer()) {
        Errorf("nil pointer evaluating " + typ->name() + "." + field_name);
      }
      Callable c;
      c.method = m;
      c.signature = &m->signature;
      c.receiver = receiver.Indirect();
      return EvalCall(dot, c, node, field_name, args, final);
    }
    const bool has_args = (args && args->size() > 1) || final != nullptr;
    if (receiver.kind() == Kind::kPointer) {
      const Type* elem = typ->elem();
      const bool has_field = elem->kind() == Kind::kStruct && elem->FieldIndex(field_name) >= 0;
      if (receiver.is_nil_pointer()) {
        if (has_field || elem->kind() != Kind::kStruct) {
          Errorf("nil pointer evaluating " + typ->name() + "." + field_name);
        }
        Errorf("can't evaluate field " + field_name + " in type " + typ->name());
      }
    }
    const Value v = receiver.Indirect();
    switch (v.kind()) {
      case Kind::kStruct: {
        const int i = v.type()->FieldIndex(field_name);
        if (i >= 0) {
          if (has_args) Errorf(field_name + " has arguments but cannot be invoked as function");
          return v.structure().field(static_cast<size_t>(i));
        }
        break;
      }
      case Kind::kMap: {
        if (has_args) Errorf(field_name + " is not a method but has arguments");
        Value result;
        if (v.map().Find(field_name, &result)) return result;
        switch (set_.missing_key()) {
          case MissingKey::kInvalid:
            return Value();
          case MissingKey::kZero:
            return Value::Zero(v.type()->elem());
          case MissingKey::kError:
            Errorf("map has no entry for key " + GoQuoteString(field_name));
        }
        break;
      }
      default:
        break;
    }
    Errorf("can't evaluate field " + field_name + " in type " + typ->name());
  }

  Value EvalCall(const Value& dot, const Callable& fn, const Node* node, const std::string& name,
                 const std::vector<NodePtr>* args_with_name, const Value* final) {
    // The first node names the function; the rest are its arguments.
    const size_t nargs =
        args_with_name && !args_with_name->empty() ? args_with_name->size() - 1 : 0;
    auto arg = [&](size_t i) { return (*args_with_name)[i + 1].get(); };
    const Signature& sig = *fn.signature;
    const size_t num_params = sig.params.size();
    const size_t num_in = nargs + (final ? 1 : 0);
    size_t num_fixed = nargs;
    if (sig.variadic) {
      num_fixed = num_params - 1;
      if (num_in < num_fixed) {
        Errorf("wrong number of args for " + name + ": want at least " +
               std::to_string(num_params - 1) + " got " + std::to_string(nargs));
      }
    } else if (num_in != num_params) {
      Errorf("wrong number of args for " + name + ": want " + std::to_string(num_params) + " got " +
             std::to_string(num_in));
    }

    const bool is_and = fn.builtin == Builtin::kAnd, is_or = fn.builtin == Builtin::kOr;
    if (is_and || is_or) {
      Value v;
      for (size_t i = 0; i < nargs; ++i) {
        v = EvalArg(dot, types::Any(), arg(i));
        if (IsTrue(v) == is_or) return v;
      }
      if (final) v = *final;
      return v;
    }

    // Inline room for the arguments of nearly every call: a call allocates nothing for them.
    boost::container::small_vector<Value, 6> argv;
    argv.reserve(num_in + 1);
    if (fn.builtin == Builtin::kCall) {
      // Go reports the callee by its expression.
      std::string callee;
      if (nargs == 0) {
        callee = final->kind() == Kind::kString ? std::string(final->as_string())
                                                : "<" + final->type()->name() + " Value>";
      } else {
        callee = arg(0)->String();
      }
      argv.push_back(Value::String(std::move(callee)));
    }
    size_t i = 0;
    for (; i < num_fixed && i < nargs; ++i) argv.push_back(EvalArg(dot, sig.params[i], arg(i)));
    if (sig.variadic) {
      const Type* elem = sig.params.back()->elem();
      for (; i < nargs; ++i) argv.push_back(EvalArg(dot, elem, arg(i)));
    }
    if (final) {
      const Type* t = sig.params.back();
      if (sig.variadic) t = num_in - 1 < num_fixed ? sig.params[num_in - 1] : t->elem();
      argv.push_back(ValidateType(*final, t));
    }

    const std::span<const Value> args(argv.data(), argv.size());
    Result<Value> result = fn.builtin    ? CallBuiltin(*fn.builtin, ctx_, args)
                           : fn.function ? fn.function->impl(ctx_, args)
                                         : fn.method->impl(ctx_, fn.receiver, args);
    if (!result.ok()) {
      At(node);
      Errorf("error calling " + name + ": " + result.message());
    }
    return std::move(result).value();
  }

  Value ValidateType(const Value& value, const Type* typ) {
    if (!value.valid()) {
      if (typ == nullptr) return Value();
      if (CanBeNil(typ)) return Value::Zero(typ);
      Errorf("invalid value; expected " + typ->name());
    }
    if (typ != nullptr && !AssignableTo(value.type(), typ)) {
      if (value.kind() == Kind::kPointer && AssignableTo(value.type()->elem(), typ)) {
        if (value.is_nil_pointer()) Errorf("dereference of nil pointer of type " + typ->name());
        return value.Indirect();
      }
      Errorf("wrong type for value; expected " + typ->name() + "; got " + value.type()->name());
    }
    return value;
  }

  Value EvalArg(const Value& dot, const Type* typ, const Node* n) {
    At(n);
    switch (n->type()) {
      case NodeType::kDot:
        return ValidateType(dot, typ);
      case NodeType::kNil:
        if (typ != nullptr && CanBeNil(typ)) return Value::Zero(typ);
        Errorf("cannot assign nil to " + (typ ? typ->name() : std::string("<nil>")));
      case NodeType::kField: {
        // Go passes the field as a one-element argument list: methods get no arguments.
        std::vector<NodePtr> const* none = nullptr;
        return ValidateType(EvalFieldNode(dot, static_cast<const FieldNode*>(n), none, nullptr),
                            typ);
      }
      case NodeType::kVariable:
        return ValidateType(
            EvalVariableNode(dot, static_cast<const VariableNode*>(n), nullptr, nullptr), typ);
      case NodeType::kPipe:
        return ValidateType(EvalPipeline(dot, static_cast<const PipeNode*>(n)), typ);
      case NodeType::kIdentifier:
        return ValidateType(
            EvalFunction(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr), typ);
      case NodeType::kChain:
        return ValidateType(EvalChainNode(dot, static_cast<const ChainNode*>(n), nullptr, nullptr),
                            typ);
      default:
        break;
    }
    switch (typ->kind()) {
      case Kind::kBool:
        if (n->type() == NodeType::kBool) {
          return Value::IntOfType(typ, static_cast<const BoolNode*>(n)->value);
        }
        Errorf("expected bool; found " + n->String());
      case Kind::kFloat:
        if (n->type() == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_float) {
          return Value::Float(static_cast<const NumberNode*>(n)->float64).WithType(typ);
        }
        Errorf("expected float; found " + n->String());
      case Kind::kInt:
        if (n->type() == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_int) {
          return Value::IntOfType(typ, static_cast<const NumberNode*>(n)->int64);
        }
        Errorf("expected integer; found " + n->String());
      case Kind::kInterface:
        return EvalEmptyInterface(dot, n);
      case Kind::kString:
        if (n->type() == NodeType::kString) {
          const auto* s = static_cast<const StringNode*>(n);
          return typ == types::String() ? s->as_value : s->as_value.WithType(typ);
        }
        Errorf("expected string; found " + n->String());
      default:
        break;
    }
    Errorf("can't handle " + n->String() + " for arg of type " + typ->name());
  }

  Value EvalEmptyInterface(const Value& dot, const Node* n) {
    At(n);
    switch (n->type()) {
      case NodeType::kBool:
        return static_cast<const BoolNode*>(n)->as_value;
      case NodeType::kDot:
        return dot;
      case NodeType::kNumber:
        return IdealConstant(static_cast<const NumberNode*>(n));
      case NodeType::kString:
        return static_cast<const StringNode*>(n)->as_value;
      default:
        break;
    }
    Errorf("can't handle assignment of " + n->String() + " to empty interface argument");
  }

  // fmt.Sprint of one value as html/template's escapers take it: a missing value or nil prints
  // nothing (Go skips untyped nil arguments), and its safe type says what content it is.
  void Stringify(const Value& v, std::string* s, HtmlContent* content) {
    *content = HtmlContent::kPlain;
    if (!v.valid()) return;
    const Value d = v.kind() == Kind::kPointer && !v.is_nil_pointer() ? v.Indirect() : v;
    if (d.type() != nullptr && d.kind() == Kind::kString)
      *content = ContentOfType(d.type()->name());
    AppendValue(*s, d, ctx_);
  }

  // An {{action}} under html/template: its pipeline, then the escapers of the context it is in
  // (see html_escape.h). A pipeline ending in `html` or `urlquery` that Go merges with an
  // equivalent escaper has that command applied as an escaper, on the value before it.
  void PrintEscaped(const Value& dot, const ActionNode* a) {
    const PipeNode* pipe = a->pipe.get();
    std::string_view last;
    const CommandNode* last_cmd = pipe->cmds.empty() ? nullptr : pipe->cmds.back().get();
    if (last_cmd != nullptr && last_cmd->args[0]->type() == NodeType::kIdentifier) {
      last = static_cast<const IdentifierNode*>(last_cmd->args[0].get())->ident;
    }
    // Go forbids html and urlquery anywhere but at the end of an escaped pipeline.
    for (size_t i = 0; i + 1 < pipe->cmds.size(); ++i) {
      const Node* first = pipe->cmds[i]->args[0].get();
      if (first->type() != NodeType::kIdentifier) continue;
      const std::string& id = static_cast<const IdentifierNode*>(first)->ident;
      if (id == "html" || id == "urlquery") {
        std::string location, context;
        ErrorContext(*a, &location, &context);
        throw ExecFailure{"html/template:" + location + ": predefined escaper \"" + id +
                          "\" disallowed in template"};
      }
    }
    bool merged = false;
    std::vector<HtmlEscaper> escapers = HtmlActionEscapers(&html_, last, &merged);
    if (html_.state == HtmlContext::kError) HtmlError(html_.error);
    std::string text;
    HtmlContent content = HtmlContent::kPlain;
    if (merged) {
      // The merged builtin runs as an escaper over what the pipeline computes before it.
      At(a);
      if (pipe->cmds.size() == 1) {
        // {{ html a b }}: the builtin's arguments, printed as fmt.Sprint prints them.
        const auto& args = last_cmd->args;
        bool prev_string = false;
        for (size_t i = 1; i < args.size(); ++i) {
          Value v = EvalArg(dot, types::Any(), args[i].get());
          const bool is_string = v.valid() && v.kind() == Kind::kString;
          if (i > 1 && !is_string && !prev_string) text += ' ';
          HtmlContent ignored;
          Stringify(v, &text, &ignored);
          prev_string = is_string;
        }
      } else {
        Value value;
        bool have = false;
        Recursion guard(this);
        for (size_t i = 0; i + 1 < pipe->cmds.size(); ++i) {
          value = EvalCommand(dot, pipe->cmds[i].get(), have ? &value : nullptr);
          have = true;
        }
        Stringify(value, &text, &content);
        content = HtmlContent::kPlain;  // the builtin prints it as text
      }
    } else {
      Value value = EvalPipeline(dot, pipe);
      At(a);
      if (!escapers.empty() && escapers.front() == HtmlEscaper::kJsVal && value.valid() &&
          value.kind() != Kind::kString) {
        // A non-string in a script: its JSON.
        auto json = MarshalJSON(value.kind() == Kind::kPointer ? value.Indirect() : value, ctx_);
        text = json.ok() ? JsValFromJson(*json) : " /* " + json.message() + " */null ";
        escapers.erase(escapers.begin());
      } else {
        Stringify(value, &text, &content);
      }
    }
    for (HtmlEscaper e : escapers) {
      text = ApplyHtmlEscaper(e, text, content);
      content = HtmlContent::kPlain;
    }
    *out_ += text;
    CheckOutput();
  }

  void PrintValue(const Node* n, const Value& v) {
    At(n);
    if (!v.valid()) {
      *out_ += "<no value>";
    } else if (v.kind() == Kind::kPointer && !v.is_nil_pointer()) {
      AppendValue(*out_, v.Indirect(), ctx_);
    } else {
      AppendValue(*out_, v, ctx_);
    }
    CheckOutput();
  }

  const Template& set_;
  const ExecuteOptions& opts_;
  std::string* out_;
  CallContext ctx_;
  size_t base_size_;
  const Tree* tree_ = nullptr;
  const Node* node_ = nullptr;
  // Inline room for the variables typical templates declare (an alert template's prelude alone
  // declares five), so that executing one allocates nothing for them.
  boost::container::small_vector<Variable, 16> vars_;
  size_t frame_ = 0;  // first variable of the executing template's frame
  int depth_ = 0;
  int recursion_ = 0;
  HtmlContext html_;      // where the output is, under html/template's escaping
  std::string top_name_;  // the template Execute was asked for
};

}  // namespace

Template::Template(FuncMap funcs, std::string name)
    : funcs_(std::make_shared<const FuncMap>(std::move(funcs))), name_(std::move(name)) {}

Template::Template(std::shared_ptr<const FuncMap> funcs, std::string name)
    : funcs_(funcs ? std::move(funcs) : std::make_shared<const FuncMap>()),
      name_(std::move(name)) {}

Status Template::Option(std::string_view option) {
  const size_t eq = option.find('=');
  if (eq == std::string_view::npos || option.substr(0, eq) != "missingkey") {
    return Error{"unrecognized option: " + std::string(option)};
  }
  const std::string_view v = option.substr(eq + 1);
  if (v == "invalid" || v == "default") {
    missing_key_ = MissingKey::kInvalid;
  } else if (v == "zero") {
    missing_key_ = MissingKey::kZero;
  } else if (v == "error") {
    missing_key_ = MissingKey::kError;
  } else {
    return Error{"unrecognized option: " + std::string(option)};
  }
  return Status::Ok();
}

void Template::set_delims(std::string left, std::string right) {
  parse_options_.left_delim = left.empty() ? "{{" : std::move(left);
  parse_options_.right_delim = right.empty() ? "}}" : std::move(right);
}

bool IsBuiltinFunction(std::string_view name) {
  return FindBuiltin(name).has_value();
}

Status Template::Parse(std::string_view name, std::string_view text) {
  if (name_.empty() && trees_.empty()) name_ = std::string(name);
  const FuncMap& funcs = *funcs_;
  auto has_function = [&funcs](std::string_view fn) {
    return funcs.Find(fn) != nullptr || IsBuiltinFunction(fn);
  };
  auto parsed = ParseText(name, text, parse_options_, has_function);
  if (!parsed.ok()) return parsed.error();
  for (auto& [tree_name, tree] : *parsed) {
    auto it = trees_.find(tree_name);
    if (it != trees_.end() && IsEmptyTree(tree->root.get())) continue;
    trees_[tree_name] = std::move(tree);
  }
  return Status::Ok();
}

std::vector<std::string> Template::Names() const {
  std::vector<std::string> names;
  for (const auto& [n, t] : trees_) names.push_back(n);
  return names;
}

const Tree* Template::Lookup(std::string_view name) const {
  auto it = trees_.find(name);
  return it == trees_.end() ? nullptr : it->second.get();
}

Status Template::Execute(std::string_view name, const Value& data, std::string* out,
                         const ExecuteOptions& opts) const {
  const Tree* tree = Lookup(name);
  if (tree == nullptr) {
    return Error{"template: no template " + GoQuoteString(name) + " associated with template " +
                 GoQuoteString(name_)};
  }
  try {
    Executor(*this, opts, out).Run(*tree, data);
  } catch (const ExecFailure& f) {
    return Error{f.message};
  }
  return Status::Ok();
}

Result<std::string> Template::ExecuteToString(std::string_view name, const Value& data,
                                              const ExecuteOptions& opts) const {
  std::string out;
  Status s = Execute(name, data, &out, opts);
  if (!s.ok()) return Error{s.message()};
  return out;
}

}  // namespace tocsin::tmpl
