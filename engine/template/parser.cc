#include "engine/template/parser.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "engine/template/go_strconv.h"
#include "engine/template/lexer.h"

namespace tocsin::tmpl {

namespace {

constexpr size_t kMaxPipelineCmds = 100000;

struct ParseFailure {
  std::string message;
};

bool Contains(std::string_view s, std::string_view chars) {
  return s.find_first_of(chars) != std::string_view::npos;
}

// Go's Tree during parsing. Defines and blocks are parsed by the same object with the per-tree
// state (variables in scope, range depth, the action being parsed) saved and restored around
// them, since they share the lexer.
class Parser {
 public:
  Parser(std::shared_ptr<const Source> source, const ParseOptions& opts,
         const std::function<bool(std::string_view)>& has_function, TreeSet* set)
      : source_(std::move(source)),
        src_(source_.get()),
        lex_(src_->text, opts.left_delim, opts.right_delim, opts.parse_comments),
        opts_(opts),
        has_function_(has_function),
        set_(set) {
    lex_.set_break_ok(!has_function_("break"));
    lex_.set_continue_ok(!has_function_("continue"));
  }

  void ParseTopLevel(const std::string& name) {
    TreeState outer = StartTree(name);
    auto root = std::make_unique<ListNode>(Peek().pos, src_);
    while (Peek().type != ItemType::kEOF) {
      if (Peek().type == ItemType::kLeftDelim) {
        Item delim = Next();
        if (NextNonSpace().type == ItemType::kDefine) {
          ParseDefinition();
          continue;
        }
        Backup2(std::move(delim));
      }
      NodePtr n = TextOrAction();
      if (n->type() == NodeType::kEnd || n->type() == NodeType::kElse) {
        Errorf("unexpected " + n->String());
      }
      root->nodes.push_back(std::move(n));
    }
    AddTree(name, std::move(root));
    EndTree(std::move(outer));
  }

 private:
  struct TreeState {
    std::string name;
    std::vector<std::string> vars;
    int action_line = 0;
    int range_depth = 0;
    int depth = 0;
  };

  TreeState StartTree(std::string name) {
    TreeState saved = std::move(state_);
    state_ = TreeState{};
    state_.name = std::move(name);
    state_.vars = {"$"};
    return saved;
  }
  void EndTree(TreeState saved) { state_ = std::move(saved); }

  // ---- tokens
  Item Next() {
    if (peek_count_ > 0) {
      peek_count_--;
    } else {
      token_[0] = lex_.Next();
    }
    return token_[peek_count_];
  }
  void Backup() { peek_count_++; }
  void Backup2(Item t1) {
    token_[1] = std::move(t1);
    peek_count_ = 2;
  }
  void Backup3(Item t2, Item t1) {
    token_[1] = std::move(t1);
    token_[2] = std::move(t2);
    peek_count_ = 3;
  }
  const Item& Peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = lex_.Next();
    return token_[0];
  }
  Item NextNonSpace() {
    for (;;) {
      Item t = Next();
      if (t.type != ItemType::kSpace) return t;
    }
  }
  Item PeekNonSpace() {
    Item t = NextNonSpace();
    Backup();
    return t;
  }

  // ---- errors
  [[noreturn]] void Errorf(const std::string& msg) {
    throw ParseFailure{"template: " + src_->parse_name + ":" + std::to_string(token_[0].line) +
                       ": " + msg};
  }
  [[noreturn]] void Unexpected(const Item& token, std::string_view context) {
    if (token.type == ItemType::kError) {
      std::string extra;
      if (state_.action_line != 0 && state_.action_line != token.line) {
        extra =
            " in action started at " + src_->parse_name + ":" + std::to_string(state_.action_line);
        if (token.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
      }
      Errorf(token.String() + extra);
    }
    Errorf("unexpected " + token.String() + " in " + std::string(context));
  }
  Item Expect(ItemType expected, std::string_view context) {
    Item t = NextNonSpace();
    if (t.type != expected) Unexpected(t, context);
    return t;
  }

  // ---- trees
  void AddTree(const std::string& name, std::unique_ptr<ListNode> root) {
    auto it = set_->find(name);
    if (it == set_->end() || IsEmptyTree(it->second->root.get())) {
      auto tree = std::make_shared<Tree>();
      tree->name = name;
      tree->source = source_;
      tree->root = std::move(root);
      (*set_)[name] = std::move(tree);
      return;
    }
    if (!IsEmptyTree(root.get())) {
      Errorf("template: multiple definition of template " + GoQuoteString(name));
    }
  }

  void ParseDefinition() {
    const char* context = "define clause";
    Item name = NextNonSpace();
    if (name.type != ItemType::kString && name.type != ItemType::kRawString) {
      Unexpected(name, context);
    }
    auto unquoted = GoUnquote(name.val);
    if (!unquoted.ok()) Errorf(unquoted.message());
    TreeState outer = StartTree(*unquoted);
    Expect(ItemType::kRightDelim, context);
    auto [list, end] = ItemList();
    if (end->type() != NodeType::kEnd) {
      Errorf("unexpected " + end->String() + " in " + context);
    }
    AddTree(state_.name, std::move(list));
    EndTree(std::move(outer));
  }

  std::pair<std::unique_ptr<ListNode>, NodePtr> ItemList() {
    auto list = std::make_unique<ListNode>(PeekNonSpace().pos, src_);
    while (PeekNonSpace().type != ItemType::kEOF) {
      NodePtr n = TextOrAction();
      if (n->type() == NodeType::kEnd || n->type() == NodeType::kElse) {
        return {std::move(list), std::move(n)};
      }
      list->nodes.push_back(std::move(n));
    }
    Errorf("unexpected EOF");
  }

  NodePtr TextOrAction() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kText:
        return std::make_unique<TextNode>(token.pos, src_, std::move(token.val));
      case ItemType::kLeftDelim: {
        state_.action_line = token.line;
        NodePtr n = Action();
        state_.action_line = 0;
        return n;
      }
      case ItemType::kComment:
        return std::make_unique<CommentNode>(token.pos, src_, std::move(token.val));
      default:
        Unexpected(token, "input");
    }
  }

  NodePtr Action() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kBlock:
        return BlockControl();
      case ItemType::kBreak:
      case ItemType::kContinue:
        return BreakControl(token);
      case ItemType::kElse:
        return ElseControl();
      case ItemType::kEnd:
        return EndControl();
      case ItemType::kIf:
        return Control(NodeType::kIf);
      case ItemType::kRange:
        return Control(NodeType::kRange);
      case ItemType::kTemplate:
        return TemplateControl();
      case ItemType::kWith:
        return Control(NodeType::kWith);
      default:
        break;
    }
    Backup();
    const Item& first = Peek();
    const size_t pos = first.pos;
    const int line = first.line;
    return std::make_unique<ActionNode>(pos, src_, line,
                                        Pipeline("command", ItemType::kRightDelim));
  }

  NodePtr BreakControl(const Item& keyword) {
    const bool is_break = keyword.type == ItemType::kBreak;
    Item t = NextNonSpace();
    if (t.type != ItemType::kRightDelim) Unexpected(t, is_break ? "{{break}}" : "{{continue}}");
    if (state_.range_depth == 0) {
      Errorf(is_break ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
    }
    return std::make_unique<BreakNode>(is_break ? NodeType::kBreak : NodeType::kContinue,
                                       keyword.pos, src_, keyword.line);
  }

  std::unique_ptr<PipeNode> Pipeline(std::string_view context, ItemType end) {
    const Item first = PeekNonSpace();
    auto pipe = std::make_unique<PipeNode>(first.pos, src_, first.line);
  decls:
    if (Item v = PeekNonSpace(); v.type == ItemType::kVariable) {
      Next();
      Item after_variable = Peek();
      const Item next = PeekNonSpace();
      if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
        pipe->is_assign = next.type == ItemType::kAssign;
        NextNonSpace();
        pipe->decl.push_back(MakeVariable(v.pos, v.val));
        state_.vars.push_back(v.val);
      } else if (next.type == ItemType::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(MakeVariable(v.pos, v.val));
        state_.vars.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          const ItemType t = PeekNonSpace().type;
          if (t == ItemType::kVariable || t == ItemType::kRightDelim ||
              t == ItemType::kRightParen) {
            goto decls;
          }
          Errorf("range can only initialize variables");
        }
        Errorf("too many declarations in " + std::string(context));
      } else if (after_variable.type == ItemType::kSpace) {
        Backup3(std::move(v), std::move(after_variable));
      } else {
        Backup2(std::move(v));
      }
    }
    for (;;) {
      Item token = NextNonSpace();
      if (token.type == end) {
        CheckPipeline(*pipe, context);
        return pipe;
      }
      switch (token.type) {
        case ItemType::kBool:
        case ItemType::kCharConstant:
        case ItemType::kComplex:
        case ItemType::kDot:
        case ItemType::kField:
        case ItemType::kIdentifier:
        case ItemType::kNumber:
        case ItemType::kNil:
        case ItemType::kRawString:
        case ItemType::kString:
        case ItemType::kVariable:
        case ItemType::kLeftParen:
          Backup();
          pipe->cmds.push_back(Command());
          if (pipe->cmds.size() > kMaxPipelineCmds) Errorf("pipeline too long");
          break;
        default:
          Unexpected(token, context);
      }
    }
  }

  void CheckPipeline(const PipeNode& pipe, std::string_view context) {
    if (pipe.cmds.empty()) Errorf("missing value for " + std::string(context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->type()) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          Errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default:
          break;
      }
    }
  }

  struct Control3 {
    std::unique_ptr<PipeNode> pipe;
    std::unique_ptr<ListNode> list, else_list;
  };

  NodePtr Control(NodeType type) {
    if (++state_.depth > kMaxParseDepth) Errorf("max expression depth exceeded");
    const std::string_view context = type == NodeType::kIf      ? "if"
                                     : type == NodeType::kRange ? "range"
                                                                : "with";
    const size_t vars_mark = state_.vars.size();
    auto pipe = Pipeline(context, ItemType::kRightDelim);
    if (type == NodeType::kRange) state_.range_depth++;
    auto [list, next] = ItemList();
    if (type == NodeType::kRange) state_.range_depth--;
    std::unique_ptr<ListNode> else_list;
    if (next->type() == NodeType::kElse) {
      if (type == NodeType::kIf && Peek().type == ItemType::kIf) {
        Next();
        else_list = std::make_unique<ListNode>(next->pos(), src_);
        else_list->nodes.push_back(Control(NodeType::kIf));
      } else if (type == NodeType::kWith && Peek().type == ItemType::kWith) {
        Next();
        else_list = std::make_unique<ListNode>(next->pos(), src_);
        else_list->nodes.push_back(Control(NodeType::kWith));
      } else {
        auto [elist, enext] = ItemList();
        if (enext->type() != NodeType::kEnd) Errorf("expected end; found " + enext->String());
        else_list = std::move(elist);
      }
    }
    state_.vars.resize(vars_mark);
    state_.depth--;
    auto branch = std::make_unique<BranchNode>(type, pipe->pos(), src_, pipe->line);
    branch->pipe = std::move(pipe);
    branch->list = std::move(list);
    branch->else_list = std::move(else_list);
    return branch;
  }

  NodePtr EndControl() {
    return std::make_unique<EndNode>(Expect(ItemType::kRightDelim, "end").pos, src_);
  }

  NodePtr ElseControl() {
    const Item peek = PeekNonSpace();
    if (peek.type == ItemType::kIf || peek.type == ItemType::kWith) {
      return std::make_unique<ElseNode>(peek.pos, src_, peek.line);
    }
    Item t = Expect(ItemType::kRightDelim, "else");
    return std::make_unique<ElseNode>(t.pos, src_, t.line);
  }

  std::string TemplateName(const Item& token, std::string_view context) {
    if (token.type != ItemType::kString && token.type != ItemType::kRawString) {
      Unexpected(token, context);
    }
    auto s = GoUnquote(token.val);
    if (!s.ok()) Errorf(s.message());
    return *s;
  }

  NodePtr BlockControl() {
    const char* context = "block clause";
    const Item token = NextNonSpace();
    std::string name = TemplateName(token, context);
    auto pipe = Pipeline(context, ItemType::kRightDelim);
    TreeState outer = StartTree(name);
    auto [list, end] = ItemList();
    if (end->type() != NodeType::kEnd) {
      Errorf("unexpected " + end->String() + " in " + context);
    }
    AddTree(name, std::move(list));
    EndTree(std::move(outer));
    auto node = std::make_unique<TemplateNode>(token.pos, src_, token.line, std::move(name));
    node->pipe = std::move(pipe);
    return node;
  }

  NodePtr TemplateControl() {
    const char* context = "template clause";
    const Item token = NextNonSpace();
    std::string name = TemplateName(token, context);
    std::unique_ptr<PipeNode> pipe;
    if (NextNonSpace().type != ItemType::kRightDelim) {
      Backup();
      pipe = Pipeline(context, ItemType::kRightDelim);
    }
    auto node = std::make_unique<TemplateNode>(token.pos, src_, token.line, std::move(name));
    node->pipe = std::move(pipe);
    return node;
  }

  std::unique_ptr<CommandNode> Command() {
    auto cmd = std::make_unique<CommandNode>(PeekNonSpace().pos, src_);
    for (;;) {
      PeekNonSpace();
      if (NodePtr operand = Operand()) cmd->args.push_back(std::move(operand));
      Item token = Next();
      if (token.type == ItemType::kSpace) continue;
      if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
        Backup();
      } else if (token.type != ItemType::kPipe) {
        Unexpected(token, "operand");
      }
      break;
    }
    if (cmd->args.empty()) Errorf("empty command");
    return cmd;
  }

  NodePtr Operand() {
    NodePtr node = Term();
    if (!node) return nullptr;
    if (Peek().type == ItemType::kField) {
      auto chain = std::make_unique<ChainNode>(Peek().pos, src_, nullptr);
      std::vector<std::string> fields;
      while (Peek().type == ItemType::kField) fields.push_back(Next().val.substr(1));
      switch (node->type()) {
        case NodeType::kField: {
          auto* f = static_cast<FieldNode*>(node.get());
          std::vector<std::string> ident = f->ident;
          ident.insert(ident.end(), fields.begin(), fields.end());
          return std::make_unique<FieldNode>(chain->pos(), src_, std::move(ident));
        }
        case NodeType::kVariable: {
          auto* v = static_cast<VariableNode*>(node.get());
          std::vector<std::string> ident = v->ident;
          ident.insert(ident.end(), fields.begin(), fields.end());
          return std::make_unique<VariableNode>(chain->pos(), src_, std::move(ident));
        }
        case NodeType::kBool:
        case NodeType::kString:
        case NodeType::kNumber:
        case NodeType::kNil:
        case NodeType::kDot:
          Errorf("unexpected . after term " + GoQuoteString(node->String()));
        default:
          chain->node = std::move(node);
          chain->field = std::move(fields);
          return chain;
      }
    }
    return node;
  }

  NodePtr Term() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kIdentifier:
        if (!opts_.skip_func_check && !has_function_(token.val)) {
          Errorf("function " + GoQuoteString(token.val) + " not defined");
        }
        return std::make_unique<IdentifierNode>(token.pos, src_, std::move(token.val));
      case ItemType::kDot:
        return std::make_unique<DotNode>(token.pos, src_);
      case ItemType::kNil:
        return std::make_unique<NilNode>(token.pos, src_);
      case ItemType::kVariable:
        return UseVar(token.pos, token.val);
      case ItemType::kField: {
        std::vector<std::string> ident;
        SplitFields(std::string_view(token.val).substr(1), &ident);
        return std::make_unique<FieldNode>(token.pos, src_, std::move(ident));
      }
      case ItemType::kBool:
        return std::make_unique<BoolNode>(token.pos, src_, token.val == "true");
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kNumber:
        return NewNumber(token);
      case ItemType::kLeftParen: {
        if (state_.depth >= kMaxParseDepth) Errorf("max expression depth exceeded");
        state_.depth++;
        auto pipe = Pipeline("parenthesized pipeline", ItemType::kRightParen);
        state_.depth--;
        return pipe;
      }
      case ItemType::kString:
      case ItemType::kRawString: {
        auto s = GoUnquote(token.val);
        if (!s.ok()) Errorf(s.message());
        return std::make_unique<StringNode>(token.pos, src_, token.val, std::move(*s));
      }
      default:
        Backup();
        return nullptr;
    }
  }

  static void SplitFields(std::string_view s, std::vector<std::string>* out) {
    size_t start = 0;
    for (;;) {
      const size_t dot = s.find('.', start);
      out->emplace_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
      if (dot == std::string_view::npos) return;
      start = dot + 1;
    }
  }

  std::unique_ptr<VariableNode> MakeVariable(size_t pos, std::string_view name) {
    std::vector<std::string> ident;
    SplitFields(name, &ident);
    return std::make_unique<VariableNode>(pos, src_, std::move(ident));
  }

  NodePtr UseVar(size_t pos, std::string_view name) {
    auto v = MakeVariable(pos, name);
    for (const auto& var : state_.vars) {
      if (var == v->ident[0]) return v;
    }
    Errorf("undefined variable " + GoQuoteString(v->ident[0]));
  }

  NodePtr NewNumber(const Item& token) {
    const std::string& text = token.val;
    auto n = std::make_unique<NumberNode>(token.pos, src_, text);
    if (token.type == ItemType::kCharConstant) {
      std::string_view rest = std::string_view(text).substr(1);
      auto r = GoUnquoteChar(rest, text[0]);
      if (!r.ok()) Errorf(r.message());
      if (rest != "'") Errorf("malformed character constant: " + text);
      n->int64 = *r;
      n->uint64 = *r;
      n->float64 = *r;
      n->is_int = n->is_uint = n->is_float = true;
      return n;
    }
    if (token.type == ItemType::kComplex) {
      // "re+imi": split at the sign that starts the imaginary part.
      size_t split = std::string::npos;
      for (size_t i = text.size() - 1; i > 0; --i) {
        if ((text[i] == '+' || text[i] == '-') && text[i - 1] != 'e' && text[i - 1] != 'E' &&
            text[i - 1] != 'p' && text[i - 1] != 'P') {
          split = i;
          break;
        }
      }
      if (split == std::string::npos) Errorf("expected integer");
      auto re = ParseGoFloat(text.substr(0, split));
      auto im = ParseGoFloat(text.substr(split, text.size() - split - 1));
      if (!re.ok()) Errorf(re.message());
      if (!im.ok()) Errorf(im.message());
      n->is_complex = true;
      n->float64 = *re;
      n->imag = *im;
      SimplifyComplex(*n);
      return n;
    }
    if (!text.empty() && text.back() == 'i') {
      auto f = ParseGoFloat(std::string_view(text).substr(0, text.size() - 1));
      if (f.ok()) {
        n->is_complex = true;
        n->float64 = 0;
        n->imag = *f;
        SimplifyComplex(*n);
        return n;
      }
    }
    auto u = ParseGoUint(text);
    if (u.ok()) {
      n->is_uint = true;
      n->uint64 = *u;
    }
    auto i = ParseGoInt(text);
    if (i.ok()) {
      n->is_int = true;
      n->int64 = *i;
      if (*i == 0) {
        n->is_uint = true;
        n->uint64 = u.ok() ? *u : 0;
      }
    }
    if (n->is_int) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->int64);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->uint64);
    } else {
      auto f = ParseGoFloat(text);
      if (f.ok()) {
        if (!Contains(text, ".eEpP")) Errorf("integer overflow: " + GoQuoteString(text));
        n->is_float = true;
        n->float64 = *f;
        SetIntegralParts(*n);
      }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) {
      Errorf("illegal number syntax: " + GoQuoteString(text));
    }
    return n;
  }

  // A float that is integral also counts as an integer literal (1e3 can be an int argument).
  static void SetIntegralParts(NumberNode& n) {
    const double f = n.float64;
    if (!n.is_int && std::isfinite(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
        static_cast<double>(static_cast<int64_t>(f)) == f) {
      n.is_int = true;
      n.int64 = static_cast<int64_t>(f);
    }
    if (!n.is_uint && std::isfinite(f) && f >= 0 && f < 18446744073709551616.0 &&
        static_cast<double>(static_cast<uint64_t>(f)) == f) {
      n.is_uint = true;
      n.uint64 = static_cast<uint64_t>(f);
    }
  }

  static void SimplifyComplex(NumberNode& n) {
    n.is_float = n.imag == 0;
    if (n.is_float) SetIntegralParts(n);
  }

  std::shared_ptr<const Source> source_;
  const Source* src_;
  Lexer lex_;
  const ParseOptions& opts_;
  const std::function<bool(std::string_view)>& has_function_;
  TreeSet* set_;
  Item token_[3];
  int peek_count_ = 0;
  TreeState state_;
};

}  // namespace

Result<TreeSet> ParseText(std::string_view name, std::string_view text, const ParseOptions& opts,
                          const std::function<bool(std::string_view)>& has_function) {
  auto source = std::make_shared<Source>();
  source->parse_name = std::string(name);
  source->text = std::string(text);
  TreeSet set;
  try {
    Parser parser(source, opts, has_function, &set);
    parser.ParseTopLevel(std::string(name));
  } catch (const ParseFailure& f) {
    return Error{f.message};
  }
  return set;
}

}  // namespace tocsin::tmpl
