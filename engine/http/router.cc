#include "engine/http/router.h"

#include <algorithm>

namespace tocsin::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.starts_with('/')) path.remove_prefix(1);
  for (;;) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Go's path.Clean for a rooted path: one slash between segments, no "." segments, ".." taking
// away the segment before it (never going above the root), no trailing slash.
std::string CleanPath(std::string_view path) {
  std::vector<std::string_view> kept;
  for (std::string_view segment : SplitPath(path)) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  if (kept.empty()) return "/";
  std::string out;
  for (std::string_view segment : kept) {
    out += '/';
    out += segment;
  }
  return out;
}

// Whether CleanPath would leave `path` as it is: the common case, checked without allocating.
bool IsCleanPath(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') return false;
  for (size_t start = 1; start <= path.size();) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if ((segment.empty() && end < path.size()) || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Responder::operator()(Response response) const {
  if (state_) state_->Send(std::move(response));
}

void Router::Handle(std::string method, std::string pattern, Handler handler) {
  HandleAsync(
      std::move(method), std::move(pattern),
      [h = std::move(handler)](Request request, Responder respond) { respond(h(request)); });
}

void Router::HandleAsync(std::string method, std::string pattern, AsyncHandler handler) {
  Route r;
  r.method = std::move(method);
  for (std::string_view s : SplitPath(pattern)) r.segments.emplace_back(s);
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

void Router::HandleUnmatched(std::string prefix, UnmatchedHandler handler) {
  subtrees_.push_back(Subtree{std::move(prefix), std::move(handler)});
}

bool Router::HasRoute(std::string_view method, std::string_view pattern) const {
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const Route& r) { return r.method == method && r.pattern == pattern; });
}

Router::Match Router::Find(std::string_view method, std::string_view raw_path) const {
  for (const Subtree& t : subtrees_) {
    if (!raw_path.starts_with(t.prefix)) continue;
    Match m = IsCleanPath(raw_path) ? FindRoute(method, raw_path)
                                    : FindRoute(method, CleanPath(raw_path));
    if (m.handler == nullptr && !m.bad_path) m.unmatched = &t.handler;
    return m;
  }
  return FindRoute(method, raw_path);
}

Router::Match Router::FindRoute(std::string_view method, std::string_view raw_path) const {
  Match m;
  const std::vector<std::string_view> segments = SplitPath(raw_path);
  const Route* get_route = nullptr;
  std::vector<std::pair<std::string, std::string>> get_params;
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& want = r.segments[i];
      if (IsParam(want)) {
        if (segments[i].empty()) {
          ok = false;
          break;
        }
        auto value = PercentDecode(segments[i], false);
        if (!value.ok()) {
          m.bad_path = true;
          return m;
        }
        params.emplace_back(want.substr(1, want.size() - 2), std::move(*value));
      } else {
        auto decoded = PercentDecode(segments[i], false);
        ok = decoded.ok() && *decoded == want;
      }
    }
    if (!ok) continue;
    if (r.method == method) {
      m.handler = &r.handler;
      m.params = std::move(params);
      return m;
    }
    if (r.method == "GET" && method == "HEAD" && get_route == nullptr) {
      get_route = &r;
      get_params = std::move(params);
    }
    m.allowed.push_back(r.method);
  }
  if (get_route != nullptr) {
    m.handler = &get_route->handler;
    m.params = std::move(get_params);
    return m;
  }
  std::sort(m.allowed.begin(), m.allowed.end());
  m.allowed.erase(std::unique(m.allowed.begin(), m.allowed.end()), m.allowed.end());
  std::vector<std::string> allowed = m.allowed;
  if (std::binary_search(allowed.begin(), allowed.end(), "GET")) {
    allowed.insert(std::upper_bound(allowed.begin(), allowed.end(), "HEAD"), "HEAD");
  }
  for (const std::string& a : allowed) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += a;
  }
  return m;
}

void Router::WrapAll(const std::function<AsyncHandler(AsyncHandler)>& wrap) {
  for (Route& r : routes_) r.handler = wrap(std::move(r.handler));
}

}  // namespace tocsin::http
