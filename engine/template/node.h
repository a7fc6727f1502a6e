// The parse tree, as Go's text/template/parse builds it. Every node keeps its byte position in
// the parsed text, and prints back as Go prints it: execution errors quote the node
// (`executing "t" at <.Labels.foo>: ...`) and locate it by line and column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/value.h"

namespace tocsin::tmpl {

// The text one Parse call read, shared by every tree it produced.
struct Source {
  std::string parse_name;  // the name given to Parse (Go's Tree.ParseName)
  std::string text;
};

enum class NodeType {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kElse,
  kEnd,
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kComment,
  kBreak,
  kContinue,
};

class Node {
 public:
  Node(NodeType type, size_t pos, const Source* source) : type_(type), pos_(pos), source_(source) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeType type() const { return type_; }
  size_t pos() const { return pos_; }
  const Source* source() const { return source_; }
  std::string String() const {
    std::string s;
    WriteTo(s);
    return s;
  }
  virtual void WriteTo(std::string& out) const = 0;

 private:
  NodeType type_;
  size_t pos_;
  const Source* source_;
};

using NodePtr = std::unique_ptr<Node>;

class ListNode final : public Node {
 public:
  ListNode(size_t pos, const Source* s) : Node(NodeType::kList, pos, s) {}
  void WriteTo(std::string& out) const override {
    for (const auto& n : nodes) n->WriteTo(out);
  }
  std::vector<NodePtr> nodes;
};

class TextNode final : public Node {
 public:
  TextNode(size_t pos, const Source* s, std::string text)
      : Node(NodeType::kText, pos, s), text(std::move(text)) {}
  void WriteTo(std::string& out) const override { out += text; }
  std::string text;
};

class CommentNode final : public Node {
 public:
  CommentNode(size_t pos, const Source* s, std::string text)
      : Node(NodeType::kComment, pos, s), text(std::move(text)) {}
  void WriteTo(std::string& out) const override { out += "{{" + text + "}}"; }
  std::string text;
};

class VariableNode final : public Node {
 public:
  VariableNode(size_t pos, const Source* s, std::vector<std::string> ident)
      : Node(NodeType::kVariable, pos, s), ident(std::move(ident)) {}
  void WriteTo(std::string& out) const override;
  std::vector<std::string> ident;  // "$x", then field names
};

class CommandNode final : public Node {
 public:
  CommandNode(size_t pos, const Source* s) : Node(NodeType::kCommand, pos, s) {}
  void WriteTo(std::string& out) const override;
  std::vector<NodePtr> args;
};

class PipeNode final : public Node {
 public:
  PipeNode(size_t pos, const Source* s, int line) : Node(NodeType::kPipe, pos, s), line(line) {}
  void WriteTo(std::string& out) const override;
  int line;
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

class ActionNode final : public Node {
 public:
  ActionNode(size_t pos, const Source* s, int line, std::unique_ptr<PipeNode> pipe)
      : Node(NodeType::kAction, pos, s), line(line), pipe(std::move(pipe)) {}
  void WriteTo(std::string& out) const override {
    out += "{{";
    pipe->WriteTo(out);
    out += "}}";
  }
  int line;
  std::unique_ptr<PipeNode> pipe;
};

class IdentifierNode final : public Node {
 public:
  IdentifierNode(size_t pos, const Source* s, std::string ident)
      : Node(NodeType::kIdentifier, pos, s), ident(std::move(ident)) {}
  void WriteTo(std::string& out) const override { out += ident; }
  std::string ident;
};

class DotNode final : public Node {
 public:
  DotNode(size_t pos, const Source* s) : Node(NodeType::kDot, pos, s) {}
  void WriteTo(std::string& out) const override { out += "."; }
};

class NilNode final : public Node {
 public:
  NilNode(size_t pos, const Source* s) : Node(NodeType::kNil, pos, s) {}
  void WriteTo(std::string& out) const override { out += "nil"; }
};

class FieldNode final : public Node {
 public:
  FieldNode(size_t pos, const Source* s, std::vector<std::string> ident)
      : Node(NodeType::kField, pos, s), ident(std::move(ident)) {}
  void WriteTo(std::string& out) const override {
    for (const auto& id : ident) out += "." + id;
  }
  std::vector<std::string> ident;
};

class ChainNode final : public Node {
 public:
  ChainNode(size_t pos, const Source* s, NodePtr node)
      : Node(NodeType::kChain, pos, s), node(std::move(node)) {}
  void WriteTo(std::string& out) const override;
  NodePtr node;
  std::vector<std::string> field;
};

class BoolNode final : public Node {
 public:
  BoolNode(size_t pos, const Source* s, bool v)
      : Node(NodeType::kBool, pos, s), value(v), as_value(Value::Bool(v)) {}
  void WriteTo(std::string& out) const override { out += value ? "true" : "false"; }
  bool value;
  Value as_value;
};

// A number literal, stored under every type that can represent it (Go's ideal constants).
class NumberNode final : public Node {
 public:
  NumberNode(size_t pos, const Source* s, std::string text)
      : Node(NodeType::kNumber, pos, s), text(std::move(text)) {}
  void WriteTo(std::string& out) const override { out += text; }
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  double imag = 0;  // imaginary part of a complex literal
  std::string text;
};

class StringNode final : public Node {
 public:
  StringNode(size_t pos, const Source* s, std::string quoted, std::string text)
      : Node(NodeType::kString, pos, s), quoted(std::move(quoted)), text(std::move(text)) {
    as_value = Value::StringRef(this->text);  // the node outlives every execution of its tree
  }
  void WriteTo(std::string& out) const override { out += quoted; }
  std::string quoted;
  std::string text;
  Value as_value;
};

// {{end}} and {{else}} exist only while parsing.
class EndNode final : public Node {
 public:
  EndNode(size_t pos, const Source* s) : Node(NodeType::kEnd, pos, s) {}
  void WriteTo(std::string& out) const override { out += "{{end}}"; }
};

class ElseNode final : public Node {
 public:
  ElseNode(size_t pos, const Source* s, int line) : Node(NodeType::kElse, pos, s), line(line) {}
  void WriteTo(std::string& out) const override { out += "{{else}}"; }
  int line;
};

// if, range and with.
class BranchNode final : public Node {
 public:
  BranchNode(NodeType type, size_t pos, const Source* s, int line)
      : Node(type, pos, s), line(line) {}
  void WriteTo(std::string& out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // null when absent
};

class TemplateNode final : public Node {
 public:
  TemplateNode(size_t pos, const Source* s, int line, std::string name)
      : Node(NodeType::kTemplate, pos, s), line(line), name(std::move(name)) {}
  void WriteTo(std::string& out) const override;
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
};

class BreakNode final : public Node {
 public:
  BreakNode(NodeType type, size_t pos, const Source* s, int line)
      : Node(type, pos, s), line(line) {}
  void WriteTo(std::string& out) const override {
    out += type() == NodeType::kBreak ? "{{break}}" : "{{continue}}";
  }
  int line;
};

// One named template: a {{define}}d body or the top level of a parsed text.
struct Tree {
  std::string name;
  std::shared_ptr<const Source> source;
  std::unique_ptr<ListNode> root;
};

// Go's parse.IsEmptyTree: nothing but spaces and comments.
bool IsEmptyTree(const Node* n);

// "name:line:col" and the node's text, as Go's Tree.ErrorContext reports them.
void ErrorContext(const Node& n, std::string* location, std::string* context);

}  // namespace tocsin::tmpl
