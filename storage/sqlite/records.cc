#include "storage/sqlite/records.h"

#include <array>
#include <utility>

namespace tocsin::sqlite {

namespace {

template <typename E, size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view s) {
  for (const auto& [e, name] : table) {
    if (name == s) return e;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "unknown";
}

// These names are stored in the database file: changing one needs a migration.
constexpr std::array<std::pair<AlertState, std::string_view>, 3> kAlertStates{{
    {AlertState::kInactive, "inactive"},
    {AlertState::kPending, "pending"},
    {AlertState::kFiring, "firing"},
}};

constexpr std::array<std::pair<HistoryKind, std::string_view>, 8> kHistoryKinds{{
    {HistoryKind::kPending, "pending"},
    {HistoryKind::kFiring, "firing"},
    {HistoryKind::kResolved, "resolved"},
    {HistoryKind::kInactive, "inactive"},
    {HistoryKind::kSilenced, "silenced"},
    {HistoryKind::kUnsilenced, "unsilenced"},
    {HistoryKind::kInhibited, "inhibited"},
    {HistoryKind::kUninhibited, "uninhibited"},
}};

constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 7> kDeliveryStatuses{{
    {DeliveryStatus::kSuccess, "success"},
    {DeliveryStatus::kRetrying, "retrying"},
    {DeliveryStatus::kFailed, "failed"},
    {DeliveryStatus::kPermanentFailure, "permanent_failure"},
    {DeliveryStatus::kLogged, "logged"},
    {DeliveryStatus::kSkipped, "skipped"},
    {DeliveryStatus::kRefused, "refused"},
}};

}  // namespace

std::string_view AlertStateName(AlertState s) {
  return NameOf(kAlertStates, s);
}
std::optional<AlertState> ParseAlertState(std::string_view s) {
  return Lookup(kAlertStates, s);
}

std::string_view HistoryKindName(HistoryKind k) {
  return NameOf(kHistoryKinds, k);
}
std::optional<HistoryKind> ParseHistoryKind(std::string_view s) {
  return Lookup(kHistoryKinds, s);
}

std::string_view DeliveryStatusName(DeliveryStatus s) {
  return NameOf(kDeliveryStatuses, s);
}
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view s) {
  return Lookup(kDeliveryStatuses, s);
}

}  // namespace tocsin::sqlite
