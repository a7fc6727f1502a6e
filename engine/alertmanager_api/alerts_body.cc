// POST /api/v2/alerts bodies decoded straight into PostableAlerts with nlohmann's SAX interface:
// this is the hot path of alert ingestion over HTTP (Prometheus posts every alert again on each
// resend), and building a JSON document first cost as much as storing the alerts.
//
// The outcome is the one Go's encoding/json and go-openapi give: a syntax error anywhere wins
// over type errors (Go checks the whole body before decoding); otherwise the first type error;
// otherwise a missing `labels` (a 422).
//
// The body Prometheus sends takes the simdjson path first (alerts_body_plain.cc), which is
// several times faster than nlohmann's lexer; this SAX decoder handles every other body.
#include "engine/alertmanager_api/alerts_body.h"

#include <nlohmann/json.hpp>

#include "engine/alertmanager_api/api_models.h"
#include "engine/alertmanager_api/body_errors.h"
#include "engine/alertmanager_api/go_json_value.h"

namespace tocsin::alertmanager_api {
namespace {

using internal::ExactCopy;
using internal::ParseFailure;
using internal::TypeMismatch;
using internal::ValueTypeMismatch;

constexpr std::string_view kBody = "alerts";

// PostableAlert's generated UnmarshalJSON decodes each alert twice: first into this anonymous
// struct (annotations, endsAt, startsAt), then as a models.Alert (labels, generatorURL). Go's
// type errors name those types, and an error in the first pass wins over one in the second.
constexpr std::string_view kFirstPassType =
    "struct { Annotations models.LabelSet \"json:\\\"annotations,omitempty\\\"\"; EndsAt "
    "strfmt.DateTime \"json:\\\"endsAt,omitempty\\\"\"; StartsAt strfmt.DateTime "
    "\"json:\\\"startsAt,omitempty\\\"\" }";

class AlertsHandler final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<alerting::PostableAlert> alerts;
  std::vector<bool> has_labels;  // per alert: a non-null `labels`
  std::optional<BodyError> syntax_error;
  std::optional<BodyError> type_error;

  bool null() override { return Scalar("null", nullptr); }
  bool boolean(bool) override { return Scalar("bool", nullptr); }
  bool number_integer(number_integer_t) override { return Scalar("number", nullptr); }
  bool number_unsigned(number_unsigned_t) override { return Scalar("number", nullptr); }
  bool number_float(number_float_t, const string_t&) override { return Scalar("number", nullptr); }
  bool string(string_t& s) override { return Scalar("string", &s); }
  bool binary(binary_t&) override { return Scalar("string", nullptr); }

  bool start_object(std::size_t) override {
    if (skip_ > 0) return ++skip_, true;
    switch (where_) {
      case Where::kTop:
        TypeError(ValueTypeMismatch(kBody, "object", "models.PostableAlerts"));
        return Skip();
      case Where::kArray:
        current_ = {};
        labels_.clear();
        annotations_.clear();
        current_has_labels_ = false;
        first_pass_error_.reset();
        second_pass_error_.reset();
        first_pass_aborted_ = false;
        where_ = Where::kAlert;
        return true;
      case Where::kAlert:
        if (field_ == Field::kLabels || field_ == Field::kAnnotations) {
          if (field_ == Field::kLabels) current_has_labels_ = true;
          where_ = Where::kLabelSet;
          return true;
        }
        FieldMismatch("object");
        return Skip();
      case Where::kLabelSet:
        LabelMismatch("object");
        return Skip();
    }
    return true;
  }

  bool end_object() override {
    if (skip_ > 0) return --skip_, true;
    if (where_ == Where::kLabelSet) {
      where_ = Where::kAlert;
    } else if (where_ == Where::kAlert) {
      current_.labels = Labels::FromVector(ExactCopy(labels_));
      current_.annotations = alerting::MakeAnnotations(ExactCopy(annotations_));
      alerts.push_back(std::move(current_));
      // Go stops at the first alert that fails to decode.
      if (first_pass_error_) {
        TypeError(std::move(*first_pass_error_));
      } else if (second_pass_error_) {
        TypeError(std::move(*second_pass_error_));
      }
      has_labels.push_back(current_has_labels_);
      where_ = Where::kArray;
    }
    return true;
  }

  bool start_array(std::size_t) override {
    if (skip_ > 0) return ++skip_, true;
    switch (where_) {
      case Where::kTop:
        where_ = Where::kArray;
        return true;
      case Where::kArray:
        TypeError(ValueTypeMismatch(kBody, "array", kFirstPassType));
        return Skip();
      case Where::kAlert:
        FieldMismatch("array");
        return Skip();
      case Where::kLabelSet:
        LabelMismatch("array");
        return Skip();
    }
    return true;
  }

  bool end_array() override {
    if (skip_ > 0) return --skip_, true;
    if (where_ == Where::kArray) where_ = Where::kTop;
    return true;
  }

  bool key(string_t& k) override {
    if (skip_ > 0) return true;
    if (where_ == Where::kAlert) {
      field_ = k == "labels"         ? Field::kLabels
               : k == "annotations"  ? Field::kAnnotations
               : k == "startsAt"     ? Field::kStartsAt
               : k == "endsAt"       ? Field::kEndsAt
               : k == "generatorURL" ? Field::kGeneratorUrl
                                     : Field::kOther;
    } else if (where_ == Where::kLabelSet) {
      label_name_ = k;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    syntax_error = ParseFailure(kBody, internal::JsonErrorText(e.what()));
    return false;
  }

 private:
  enum class Where { kTop, kArray, kAlert, kLabelSet };
  enum class Field { kOther, kLabels, kAnnotations, kStartsAt, kEndsAt, kGeneratorUrl };

  bool Skip() {
    skip_ = 1;
    return true;
  }
  void TypeError(BodyError e) {
    if (!type_error) type_error = std::move(e);
  }
  std::string_view FieldName() const {
    switch (field_) {
      case Field::kLabels:
        return "Alert.labels";
      case Field::kAnnotations:
        return ".annotations";  // the anonymous first-pass struct has no name
      case Field::kStartsAt:
        return ".startsAt";
      case Field::kEndsAt:
        return ".endsAt";
      case Field::kGeneratorUrl:
        return "Alert.generatorURL";
      case Field::kOther:
        break;
    }
    return "";
  }
  std::string_view FieldType() const {
    switch (field_) {
      case Field::kLabels:
      case Field::kAnnotations:
        return "models.LabelSet";
      case Field::kStartsAt:
      case Field::kEndsAt:
        return "string";  // strfmt.DateTime decodes its JSON as a Go string first
      default:
        return "string";
    }
  }
  // An error in a field of the current alert, kept by decoding pass.
  void FieldError(BodyError e) {
    const bool first_pass =
        field_ == Field::kAnnotations || field_ == Field::kStartsAt || field_ == Field::kEndsAt;
    auto& slot = first_pass ? first_pass_error_ : second_pass_error_;
    if (!slot) slot = std::move(e);
  }
  void FieldMismatch(std::string_view kind) {
    if (field_ == Field::kOther) return;  // unknown fields are ignored, whatever they hold
    FieldError(TypeMismatch(kBody, kind, FieldName(), FieldType()));
  }
  void LabelMismatch(std::string_view kind) {
    // Go names the map field, not the key.
    FieldError(TypeMismatch(kBody, kind, FieldName(), "string"));
  }

  // A scalar value; `s` is its text when it is a string.
  bool Scalar(std::string_view kind, std::string* s) {
    if (skip_ > 0) return true;
    const bool is_null = kind == "null";
    switch (where_) {
      case Where::kTop:
        // `null` decodes into an empty list, as in Go.
        if (!is_null) TypeError(ValueTypeMismatch(kBody, kind, "models.PostableAlerts"));
        return true;
      case Where::kArray:
        if (is_null) {
          alerts.emplace_back();
          has_labels.push_back(false);
        } else {
          TypeError(ValueTypeMismatch(kBody, kind, kFirstPassType));
        }
        return true;
      case Where::kAlert:
        if (is_null) return true;
        if (s == nullptr) {
          FieldMismatch(kind);
          return true;
        }
        StringField(*s);
        return true;
      case Where::kLabelSet: {
        auto& target = field_ == Field::kLabels ? labels_ : annotations_;
        // Copies, not moves, of the parser's string: it keeps its buffer for the next token
        // instead of growing a new one character by character.
        if (is_null) {
          target.push_back({label_name_, std::string()});
        } else if (s != nullptr) {
          target.push_back({label_name_, *s});
        } else {
          LabelMismatch(kind);
        }
        label_name_.clear();
        return true;
      }
    }
    return true;
  }

  void StringField(std::string& s) {
    switch (field_) {
      case Field::kStartsAt:
      case Field::kEndsAt: {
        auto t = ParseApiTime(s);
        if (!t.ok()) {
          // strfmt's error aborts the first pass, over a type error it had saved.
          if (!first_pass_aborted_) first_pass_error_.reset();
          FieldError(ParseFailure(kBody, t.message()));
          first_pass_aborted_ = true;
        } else {
          (field_ == Field::kStartsAt ? current_.starts_at : current_.ends_at) = *t;
        }
        break;
      }
      case Field::kGeneratorUrl:
        current_.generator_url = s;  // a copy: see Scalar
        break;
      case Field::kLabels:
      case Field::kAnnotations:
        FieldMismatch("string");
        break;
      case Field::kOther:
        break;
    }
  }

  Where where_ = Where::kTop;
  Field field_ = Field::kOther;
  int skip_ = 0;  // > 0: inside a value being skipped, at this nesting depth
  alerting::PostableAlert current_;
  bool current_has_labels_ = false;
  std::optional<BodyError> first_pass_error_, second_pass_error_;
  bool first_pass_aborted_ = false;
  std::vector<Label> labels_, annotations_;
  std::string label_name_;
};

}  // namespace

namespace internal {

std::vector<Label> ExactCopy(std::vector<Label>& pairs) {
  std::vector<Label> out(std::make_move_iterator(pairs.begin()),
                         std::make_move_iterator(pairs.end()));
  pairs.clear();
  return out;
}

Decoded<std::vector<alerting::PostableAlert>> DecodePostableAlertsFully(std::string_view body) {
  Decoded<std::vector<alerting::PostableAlert>> out;
  // go-openapi's JSON consumer: Go's syntax errors, only the first value read, a blank body
  // is a missing one.
  const internal::GoJsonValue value = internal::ReadGoJsonValue(body);
  if (value.kind == internal::GoJsonValue::Kind::kEmpty) {
    out.error = internal::Required(kBody);
    return out;
  }
  if (value.kind == internal::GoJsonValue::Kind::kError) {
    out.error = ParseFailure(kBody, value.message);
    return out;
  }
  body = body.substr(0, value.end);
  // Go reads invalid UTF-8 and lone surrogates in strings as U+FFFD; nlohmann refuses them.
  const std::optional<std::string> repaired = internal::ReplaceInvalidStringText(body);
  if (repaired) body = *repaired;
  AlertsHandler handler;
  nlohmann::json::sax_parse(body.begin(), body.end(), &handler);
  if (handler.syntax_error) {
    out.error = std::move(handler.syntax_error);
    return out;
  }
  if (handler.type_error) {
    out.error = std::move(handler.type_error);
    return out;
  }
  for (size_t i = 0; i < handler.has_labels.size(); ++i) {
    if (!handler.has_labels[i]) {
      out.error = internal::Required(std::to_string(i) + ".labels");
      return out;
    }
  }
  out.value = std::move(handler.alerts);
  return out;
}

}  // namespace internal

Decoded<std::vector<alerting::PostableAlert>> DecodePostableAlerts(std::string_view body) {
  if (auto plain = internal::DecodePlainPostableAlerts(body)) {
    Decoded<std::vector<alerting::PostableAlert>> out;
    out.value = std::move(*plain);
    return out;
  }
  return internal::DecodePostableAlertsFully(body);
}

}  // namespace tocsin::alertmanager_api
