// Text trees drawn like the xlab/treeprint package that amtool uses (`.` at the top, then
// `├── `, `└── ` and `│` guides with no-break spaces), so `tocsin config routes` prints what amtool prints.
#pragma once

#include <string>
#include <vector>

namespace tocsin::cli {

struct TreeNode {
  std::string value;
  std::vector<TreeNode> children;
};

// The root's value on the first line, then its descendants; every line ends with '\n'.
std::string RenderTree(const TreeNode& root);

}  // namespace tocsin::cli
