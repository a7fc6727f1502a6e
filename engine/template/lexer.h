// The template lexer: Go's text/template/parse lexer, token for token, so that positions, line
// numbers and error messages match what Go reports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::tmpl {

enum class ItemType {
  kError,         // the value is the error text
  kBool,          // true or false
  kChar,          // a printable ASCII character: ',' and other punctuation
  kCharConstant,  // 'x'
  kComment,       // /* ... */ (only when comments are asked for)
  kComplex,       // 1+2i
  kAssign,        // =
  kDeclare,       // :=
  kEOF,
  kField,       // .Name
  kIdentifier,  // a function name
  kLeftDelim,   // {{
  kLeftParen,   // (
  kNumber,      //
  kPipe,        // |
  kRawString,   // `...`
  kRightDelim,  // }}
  kRightParen,  // )
  kSpace,       // a run of spaces between arguments
  kString,      // "..."
  kText,        // text outside actions
  kVariable,    // $ or $name
  // Keywords follow.
  kKeyword,
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  size_t pos = 0;              // byte offset of the item in the input
  std::string val;             // the item's text (or error message)
  int line = 0;                // line number at the start of the item
  std::string String() const;  // as Go's parser quotes items in its errors
};

class Lexer {
 public:
  Lexer(std::string_view input, std::string_view left_delim, std::string_view right_delim,
        bool emit_comments);
  // Whether {{break}} / {{continue}} are keywords (not when a function of that name exists).
  void set_break_ok(bool ok) { break_ok_ = ok; }
  void set_continue_ok(bool ok) { continue_ok_ = ok; }

  // The next item; after EOF or an error, EOF forever.
  Item Next();

 private:
  enum class State {
    kText,
    kLeftDelim,
    kComment,
    kRightDelim,
    kInsideAction,
    kSpace,
    kIdentifier,
    kField,
    kVariable,
    kChar,
    kNumber,
    kQuote,
    kRawQuote,
    kDone
  };
  static constexpr char32_t kEof = static_cast<char32_t>(-1);

  char32_t NextRune();
  char32_t Peek();
  void Backup();
  Item Emit(ItemType t);
  void Ignore();
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  Item Errorf(std::string msg);
  bool AtTerminator();
  std::pair<bool, bool> AtRightDelim();  // (at delimiter, with trim marker)
  bool ScanNumber();
  // One state step: sets *emitted when it produced an item.
  Item Step(bool* emitted);
  Item LexFieldOrVariable(ItemType t, bool* emitted);

  std::string_view input_;
  std::string_view left_;
  std::string_view right_;
  bool emit_comments_;
  bool break_ok_ = true;
  bool continue_ok_ = true;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  int paren_depth_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  State state_ = State::kText;
};

// Go's %#U of a rune: U+0029 ')'.
std::string FormatRuneU(char32_t r);

}  // namespace tocsin::tmpl
