// Routing by method and path. Patterns are literal segments and {name} segments, each matching
// one non-empty path segment ("/api/v2/silence/{id}", "/api/v1/label/{name}/values"); a
// parameter's value is percent-decoded after matching, so an encoded '/' stays in the value.
// A path that matches a pattern under another method gets 405 with an Allow header; a GET route
// also answers HEAD. An API mounted under a prefix can answer its own unmatched paths
// (HandleUnmatched), as Alertmanager's go-openapi router does with JSON errors. Handlers run on the
// server's io_context: long work should be handed to another thread and answered through the
// Responder of an async route.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/http/request.h"
#include "engine/http/response.h"

namespace tocsin::http {

// Delivers the response of an async handler. Call it exactly once, from any thread; a Responder
// dropped without being called answers 500, so a request never hangs.
class Responder {
 public:
  struct State {
    virtual ~State() = default;
    virtual void Send(Response response) = 0;
  };
  explicit Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void operator()(Response response) const;

 private:
  std::shared_ptr<State> state_;
};

using Handler = std::function<Response(const Request&)>;
using AsyncHandler = std::function<void(Request, Responder)>;
// Answers a request that matched no route: `allowed` holds the methods registered for its path
// (sorted, without the implicit HEAD), empty when the path is unknown.
using UnmatchedHandler = std::function<Response(std::string_view method, std::string_view raw_path,
                                                const std::vector<std::string>& allowed)>;

class Router {
 public:
  void Handle(std::string method, std::string pattern, Handler handler);
  void HandleAsync(std::string method, std::string pattern, AsyncHandler handler);
  // Requests whose path starts with `prefix` ("/api/v2/") are matched after cleaning the path as
  // Go's path.Clean does (no trailing slash, no empty, "." or ".." segments), and those that
  // match no route are answered by `handler` instead of the server's plain-text 404 and 405.
  void HandleUnmatched(std::string prefix, UnmatchedHandler handler);

  struct Match {
    const AsyncHandler* handler = nullptr;  // null: no route
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;      // for 405: the methods the path does accept, "GET, HEAD, POST"
    bool bad_path = false;  // a parameter was not valid percent-encoding
    // No route: the prefix's own answer, if the path is under one, and the methods for it.
    const UnmatchedHandler* unmatched = nullptr;
    std::vector<std::string> allowed;
  };
  // `raw_path` is the path as sent (still percent-encoded).
  Match Find(std::string_view method, std::string_view raw_path) const;
  bool HasRoute(std::string_view method, std::string_view pattern) const;
  // Replaces every handler registered so far by wrap(handler): one place to put something
  // around all of them (the engine lets none run once it has stopped).
  void WrapAll(const std::function<AsyncHandler(AsyncHandler)>& wrap);

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for parameters
    AsyncHandler handler;
  };
  struct Subtree {
    std::string prefix;
    UnmatchedHandler handler;
  };
  Match FindRoute(std::string_view method, std::string_view raw_path) const;

  std::vector<Route> routes_;
  std::vector<Subtree> subtrees_;
};

}  // namespace tocsin::http
