// The body Prometheus posts to /api/v2/alerts, decoded with simdjson's On-Demand API: the body is
// indexed with SIMD instructions (chosen for the CPU at run time, UTF-8 validated on the way)
// and read in place, so the only copies are the label names and values the alerts keep.
// nlohmann's lexer, which copies every character of the body into its token and its error
// context, was a quarter of the server's time per posted alert.
//
// Only the shape Prometheus sends is read here; anything else (unknown fields, nulls, numbers,
// malformed JSON, invalid times, an alert without labels) is left to the full decoder, which
// gives Alertmanager's errors, so that both decoders always agree.
#include <simdjson.h>

#include "engine/alertmanager_api/alerts_body.h"

namespace tocsin::alertmanager_api::internal {
namespace {

namespace ondemand = simdjson::ondemand;

// The state one thread reuses between requests: simdjson's parser keeps its index and string
// buffers, sized by the largest body it has read, and the copy of the body with the padding
// simdjson reads past its end.
struct Scratch {
  ondemand::parser parser;
  std::string padded_body;
  std::vector<Label> labels, annotations;
};

// Bodies above this get a scratch of their own, freed after the request, so that a large POST
// does not leave its buffers held by the server thread: simdjson's index and string buffers
// plus the padded copy come to ~7 times the body, so the kept scratch stays under ~0.5 MiB.
// A batch of 64 alerts from Prometheus is ~25 KiB.
constexpr size_t kReusedScratchBytes = 64 * 1024;

// Appends the pairs of a label set whose values are all strings; false for anything else.
bool ReadLabelSet(ondemand::value& value, std::vector<Label>& pairs) {
  ondemand::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return false;
  for (auto member : object) {
    ondemand::field field;
    std::string_view name, text;
    if (std::move(member).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(name) != simdjson::SUCCESS) {
      return false;
    }
    // The name's view stays valid: simdjson appends each unescaped string to its buffer.
    if (field.value().get_string().get(text) != simdjson::SUCCESS) return false;
    pairs.push_back({std::string(name), std::string(text)});
  }
  return true;
}

bool ReadTime(ondemand::value& value, TimestampMs& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  auto t = ParseApiTime(text);
  if (!t.ok()) return false;
  out = *t;
  return true;
}

bool ReadAlert(ondemand::value& element, Scratch& scratch, alerting::PostableAlert& alert) {
  ondemand::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) return false;
  scratch.labels.clear();
  scratch.annotations.clear();
  bool has_labels = false;
  for (auto member : object) {
    ondemand::field field;
    std::string_view key;
    if (std::move(member).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return false;
    }
    bool ok = false;
    if (key == "labels") {
      ok = ReadLabelSet(field.value(), scratch.labels);
      has_labels = true;
    } else if (key == "annotations") {
      ok = ReadLabelSet(field.value(), scratch.annotations);
    } else if (key == "startsAt") {
      ok = ReadTime(field.value(), alert.starts_at);
    } else if (key == "endsAt") {
      ok = ReadTime(field.value(), alert.ends_at);
    } else if (key == "generatorURL") {
      std::string_view url;
      ok = field.value().get_string().get(url) == simdjson::SUCCESS;
      if (ok) alert.generator_url.assign(url);
    }
    if (!ok) return false;  // an unknown field too: the full decoder checks its JSON
  }
  if (!has_labels) return false;
  alert.labels = Labels::FromVector(ExactCopy(scratch.labels));
  alert.annotations = alerting::MakeAnnotations(ExactCopy(scratch.annotations));
  return true;
}

std::optional<std::vector<alerting::PostableAlert>> Decode(std::string_view body,
                                                           Scratch& scratch) {
  std::string& padded = scratch.padded_body;
  if (padded.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
    padded.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  }
  padded.assign(body);
  ondemand::document document;
  if (scratch.parser.iterate(padded.data(), padded.size(), padded.capacity()).get(document) !=
      simdjson::SUCCESS) {
    return std::nullopt;
  }
  ondemand::array array;
  if (document.get_array().get(array) != simdjson::SUCCESS) return std::nullopt;
  std::vector<alerting::PostableAlert> alerts;
  for (auto element : array) {
    ondemand::value value;
    if (std::move(element).get(value) != simdjson::SUCCESS) return std::nullopt;
    if (!ReadAlert(value, scratch, alerts.emplace_back())) return std::nullopt;
  }
  // Anything but white space after the array is trailing garbage.
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::nullopt;
  return alerts;
}

}  // namespace

std::optional<std::vector<alerting::PostableAlert>> DecodePlainPostableAlerts(
    std::string_view body) {
  if (body.size() > kReusedScratchBytes) {
    Scratch own;
    return Decode(body, own);
  }
  thread_local Scratch scratch;
  return Decode(body, scratch);
}

}  // namespace tocsin::alertmanager_api::internal
