#include "engine/template/go_regexp.h"

#include <re2/re2.h>

#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/template/go_strconv.h"
#include "engine/template/unicode_text.h"
#include "storage/base/go_regexp_error.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

// A small cache of compiled expressions, least recently used dropped first.
class RegexpCache {
 public:
  static RegexpCache& Get() {
    static RegexpCache* cache = new RegexpCache();
    return *cache;
  }

  std::shared_ptr<const RE2> Find(std::string_view pattern) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(std::string(pattern));
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  void Add(std::string pattern, std::shared_ptr<const RE2> re) {
    std::lock_guard<std::mutex> lock(mu_);
    if (index_.count(pattern)) return;
    order_.emplace_front(pattern, std::move(re));
    index_[std::move(pattern)] = order_.begin();
    if (order_.size() > kCapacity) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  static constexpr size_t kCapacity = 512;
  using Entry = std::pair<std::string, std::shared_ptr<const RE2>>;
  std::mutex mu_;
  std::list<Entry> order_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// Go's extract: a group name or number after '$', with or without braces.
bool Extract(std::string_view str, std::string_view* name, int* num, std::string_view* rest) {
  if (str.empty()) return false;
  bool brace = false;
  if (str[0] == '{') {
    brace = true;
    str.remove_prefix(1);
  }
  size_t i = 0;
  while (i < str.size()) {
    size_t next = i;
    const char32_t r = DecodeRune(str, next);
    if (!IsGoLetter(r) && !IsGoDigit(r) && r != '_') break;
    i = next;
  }
  if (i == 0) return false;
  *name = str.substr(0, i);
  if (brace) {
    if (i >= str.size() || str[i] != '}') return false;
    i++;
  }
  *num = 0;
  for (char c : *name) {
    if (c < '0' || c > '9' || *num >= 100000000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;
  *rest = str.substr(i);
  return true;
}

}  // namespace

Result<GoRegexp> GoRegexp::Compile(std::string_view pattern) {
  GoRegexp r;
  r.re_ = RegexpCache::Get().Find(pattern);
  if (r.re_) return r;
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    return Error{GoRegexpError(*re)};
  }
  RegexpCache::Get().Add(std::string(pattern), re);
  r.re_ = std::move(re);
  return r;
}

bool GoRegexp::MatchString(std::string_view s) const {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re_);
}

std::string GoRegexp::ReplaceAllString(std::string_view src, std::string_view repl) const {
  const int ngroups = re_->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(static_cast<size_t>(ngroups));
  const re2::StringPiece text(src.data(), src.size());
  const auto& names = re_->NamedCapturingGroups();
  std::string out;
  size_t last_match_end = 0;
  size_t search_pos = 0;
  auto group = [&](int i, std::string& dst) {
    if (i >= 0 && i < ngroups && m[static_cast<size_t>(i)].data() != nullptr) {
      dst.append(m[static_cast<size_t>(i)].data(), m[static_cast<size_t>(i)].size());
    }
  };
  while (search_pos <= src.size()) {
    if (!re_->Match(text, search_pos, src.size(), RE2::UNANCHORED, m.data(), ngroups)) break;
    const size_t a0 = static_cast<size_t>(m[0].data() - src.data());
    const size_t a1 = a0 + m[0].size();
    out.append(src.substr(last_match_end, a0 - last_match_end));
    // Not for an empty match right after the previous match (Go's rule).
    if (a1 > last_match_end || a0 == 0) {
      std::string_view t = repl;
      while (!t.empty()) {
        const size_t dollar = t.find('$');
        if (dollar == std::string_view::npos) break;
        out.append(t.substr(0, dollar));
        t.remove_prefix(dollar + 1);
        if (!t.empty() && t[0] == '$') {
          out.push_back('$');
          t.remove_prefix(1);
          continue;
        }
        std::string_view name, rest;
        int num = 0;
        if (!Extract(t, &name, &num, &rest)) {
          out.push_back('$');
          continue;
        }
        t = rest;
        if (num >= 0) {
          group(num, out);
        } else {
          auto it = names.find(std::string(name));
          if (it != names.end()) group(it->second, out);
        }
      }
      out.append(t);
    }
    last_match_end = a1;
    // Advance past this match; always advance at least one character.
    size_t width = 0;
    if (search_pos < src.size()) {
      size_t next = search_pos;
      DecodeRune(src, next);
      width = next - search_pos;
    }
    if (search_pos + width > a1) {
      search_pos += width;
    } else if (search_pos + 1 > a1) {
      search_pos++;
    } else {
      search_pos = a1;
    }
  }
  out.append(src.substr(last_match_end));
  return out;
}

std::string MustCompilePanicMessage(std::string_view pattern, std::string_view error) {
  // Built by appending: GCC 12's -Wrestrict misfires on `"`" + std::string(...)` at -O2.
  std::string out = "regexp: Compile(";
  if (GoCanBackquote(pattern)) {
    out.push_back('`');
    out.append(pattern);
    out.push_back('`');
  } else {
    out.append(GoQuoteString(pattern));
  }
  out.append("): ");
  out.append(error);
  return out;
}

}  // namespace tocsin::tmpl
