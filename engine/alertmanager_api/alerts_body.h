// The two decoders behind DecodePostableAlerts (api_models.h), exposed so that tests can hold
// them against each other.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alertmanager_api/api_models.h"

namespace tocsin::alertmanager_api::internal {

// The body Prometheus sends — an array of objects holding only `labels` and `annotations`
// (objects of strings), `startsAt`, `endsAt` (valid times) and `generatorURL` (strings), every
// alert with `labels` — decoded with simdjson's On-Demand API. Any other body, valid or not,
// gives nullopt, and the full decoder decides; whenever this one gives alerts they are the ones
// the full decoder gives.
std::optional<std::vector<alerting::PostableAlert>> DecodePlainPostableAlerts(
    std::string_view body);

// The full decoder (nlohmann's SAX parser): every body, with Alertmanager's errors.
Decoded<std::vector<alerting::PostableAlert>> DecodePostableAlertsFully(std::string_view body);

// The pairs moved into a vector of exactly their size (the alert keeps it); `pairs` keeps its
// capacity for the next alert, so that decoding one costs one allocation per label set.
std::vector<Label> ExactCopy(std::vector<Label>& pairs);

}  // namespace tocsin::alertmanager_api::internal
