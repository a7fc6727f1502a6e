// JSON responses from nlohmann values. Kept apart from response.h so that only the modules that
// build JSON pay for nlohmann's header.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/http/response.h"

namespace tocsin::http {

inline Response JsonResponse(int status, const nlohmann::json& value) {
  // Invalid UTF-8 in strings is replaced rather than thrown on: a handler never fails to answer.
  return Response::Json(status,
                        value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace tocsin::http
