#include "engine/template/node.h"

#include <algorithm>

#include "engine/template/go_strconv.h"
#include "engine/template/unicode_text.h"

namespace tocsin::tmpl {

void VariableNode::WriteTo(std::string& out) const {
  for (size_t i = 0; i < ident.size(); ++i) {
    if (i > 0) out.push_back('.');
    out += ident[i];
  }
}

void CommandNode::WriteTo(std::string& out) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.push_back(' ');
    if (args[i]->type() == NodeType::kPipe) {
      out.push_back('(');
      args[i]->WriteTo(out);
      out.push_back(')');
      continue;
    }
    args[i]->WriteTo(out);
  }
}

void PipeNode::WriteTo(std::string& out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) out += ", ";
      decl[i]->WriteTo(out);
    }
    out += is_assign ? " = " : " := ";
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) out += " | ";
    cmds[i]->WriteTo(out);
  }
}

void ChainNode::WriteTo(std::string& out) const {
  if (node->type() == NodeType::kPipe) {
    out.push_back('(');
    node->WriteTo(out);
    out.push_back(')');
  } else {
    node->WriteTo(out);
  }
  for (const auto& f : field) out += "." + f;
}

void BranchNode::WriteTo(std::string& out) const {
  out += "{{";
  out += type() == NodeType::kIf ? "if" : type() == NodeType::kRange ? "range" : "with";
  out.push_back(' ');
  pipe->WriteTo(out);
  out += "}}";
  list->WriteTo(out);
  if (else_list) {
    out += "{{else}}";
    else_list->WriteTo(out);
  }
  out += "{{end}}";
}

void TemplateNode::WriteTo(std::string& out) const {
  out += "{{template ";
  out += GoQuoteString(name);
  if (pipe) {
    out.push_back(' ');
    pipe->WriteTo(out);
  }
  out += "}}";
}

bool IsEmptyTree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type()) {
    case NodeType::kComment:
      return true;
    case NodeType::kList:
      for (const auto& child : static_cast<const ListNode*>(n)->nodes) {
        if (!IsEmptyTree(child.get())) return false;
      }
      return true;
    case NodeType::kText:
      return GoTrimSpace(static_cast<const TextNode*>(n)->text).empty();
    default:
      return false;
  }
}

void ErrorContext(const Node& n, std::string* location, std::string* context) {
  const Source* src = n.source();
  const size_t pos = std::min(n.pos(), src->text.size());
  const std::string_view text = std::string_view(src->text).substr(0, pos);
  const size_t nl = text.rfind('\n');
  const size_t byte_num = nl == std::string_view::npos ? pos : pos - (nl + 1);
  const size_t line_num = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  *location = src->parse_name + ":" + std::to_string(line_num) + ":" + std::to_string(byte_num);
  *context = n.String();
}

}  // namespace tocsin::tmpl
