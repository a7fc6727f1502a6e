// How composite values are stored in columns: JSON text, so that people reading the file with
// the sqlite3 shell (and SQLite's json_* functions) see plain, readable values.
//   labels, annotations   {"alertname":"X","severity":"page"}   (sorted by name)
//   string lists          ["a","b"]
//   fingerprints          ["0123456789abcdef", ...]              (16 hex digits, as Alertmanager)
//   silence matchers      [{"name":..,"value":..,"isRegex":false,"isEqual":true}]   (api/v2)
// Decoders fail with an Error naming what could not be read, so a damaged row is reported,
// never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/sqlite/records.h"

namespace tocsin::sqlite {

std::string EncodeLabels(const Labels& labels);
Result<Labels> DecodeLabels(std::string_view json);

std::string EncodeStrings(const std::vector<std::string>& values);
Result<std::vector<std::string>> DecodeStrings(std::string_view json);

std::string FingerprintHex(uint64_t fp);
Result<uint64_t> ParseFingerprintHex(std::string_view hex);
std::string EncodeFingerprints(const std::vector<uint64_t>& fps);
Result<std::vector<uint64_t>> DecodeFingerprints(std::string_view json);

std::string EncodeSilenceMatchers(const std::vector<SilenceMatcher>& matchers);
Result<std::vector<SilenceMatcher>> DecodeSilenceMatchers(std::string_view json);

}  // namespace tocsin::sqlite
