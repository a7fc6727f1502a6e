#include "engine/cli/tree_printer.h"

namespace tocsin::cli {
namespace {

constexpr int kIndent = 3;
// amtool's tree library draws the vertical guide followed by two no-break spaces and a space;
// copy-pasted trees keep their shape in tools that collapse ordinary spaces.
constexpr const char* kGuide = "│\u00a0\u00a0 ";

// `last_at_level[i]` tells whether the ancestor at depth i was the last of its siblings, which
// decides between a vertical guide and blank space in front of deeper lines.
void RenderChildren(const std::vector<TreeNode>& nodes, std::vector<bool>& last_at_level,
                    std::string& out) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    const bool last = i + 1 == nodes.size();
    std::string prefix;
    for (bool ended : last_at_level)
      prefix += ended ? std::string(kIndent + 1, ' ') : std::string(kGuide);
    out += prefix + (last ? "└── " : "├── ");
    // A multi-line value continues under its own guide.
    const std::string& v = nodes[i].value;
    const std::string pad =
        prefix + (last ? std::string(kIndent + 1, ' ') : std::string(kGuide));
    for (size_t pos = 0;;) {
      const size_t nl = v.find('\n', pos);
      out += v.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      out += '\n';
      if (nl == std::string::npos) break;
      out += pad;
      pos = nl + 1;
    }
    last_at_level.push_back(last);
    RenderChildren(nodes[i].children, last_at_level, out);
    last_at_level.pop_back();
  }
}

}  // namespace

std::string RenderTree(const TreeNode& root) {
  std::string out = root.value + "\n";
  std::vector<bool> last_at_level;
  RenderChildren(root.children, last_at_level, out);
  return out;
}

}  // namespace tocsin::cli
