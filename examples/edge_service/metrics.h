// The anclora service's metrics as prometheus-cpp families: every metric of the metrics table in
// shared/spec/alert-rules.md, with its type, name and labels, and bucket boundaries fitted to
// what each histogram measures. Every label child the simulation uses is created up front (at 0),
// as a well-behaved exporter does, so that rate() sees a series' first increase and the model
// updates a metric through a pointer instead of a label look-up.
//
// The label values are the vocabularies below; the tables index them in the same order.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstddef>
#include <string_view>

namespace tocsin::edge {

inline constexpr std::array<std::string_view, 3> kPriorities{"high", "normal", "low"};
inline constexpr std::array<std::string_view, 4> kMessageTypes{"text", "media", "template",
                                                               "interactive"};
inline constexpr std::array<std::string_view, 4> kErrorTypes{"timeout", "validation",
                                                             "whatsapp_api", "redis"};
inline constexpr std::array<std::string_view, 4> kBatchSizeRanges{"1-10", "11-100", "101-1000",
                                                                  "1000+"};
inline constexpr std::array<std::string_view, 3> kCampaigns{"none", "primavera_2026",
                                                            "reactivacion_leads"};
inline constexpr std::array<std::string_view, 3> kConversionTypes{"visit_booked", "rental", "sale"};
inline constexpr std::array<std::string_view, 4> kHandoffReasons{
    "solicitud_cliente", "baja_confianza", "consulta_compleja", "queja"};
struct ApiEndpoint {
  std::string_view path;
  std::string_view method;
};
inline constexpr std::array<ApiEndpoint, 4> kApiEndpoints{
    {{"/messages", "POST"}, {"/media", "POST"}, {"/contacts", "GET"}, {"/instance/status", "GET"}}};
inline constexpr std::array<std::string_view, 5> kStatusCodes{"200", "400", "429", "500", "503"};
inline constexpr std::array<std::string_view, 3> kInstances{"anclora-ventas", "anclora-alquiler",
                                                            "anclora-soporte"};
inline constexpr std::array<std::string_view, 3> kWebhookEvents{"message", "status", "presence"};
inline constexpr std::array<std::string_view, 6> kRedisOperations{"brpop", "lpush", "get",
                                                                  "set",   "hset",  "expire"};
inline constexpr std::array<std::string_view, 2> kRedisStatuses{"ok", "error"};
inline constexpr std::array<std::string_view, 6> kIntents{"buscar_propiedad", "agendar_visita",
                                                          "consultar_precio", "hablar_con_agente",
                                                          "saludo",           "otro"};
inline constexpr std::array<std::string_view, 3> kLeadSources{"whatsapp", "portal_inmobiliario",
                                                              "campana"};
inline constexpr std::array<std::string_view, 3> kLeadQualities{"caliente", "templado", "frio"};
inline constexpr std::array<std::string_view, 3> kAppointmentTypes{"visita_presencial",
                                                                   "videollamada", "llamada"};
inline constexpr std::array<std::string_view, 5> kPipelineStages{"lead", "contactado", "visita",
                                                                 "oferta", "cerrado"};
struct Filesystem {
  std::string_view device;
  std::string_view mountpoint;
  std::string_view fstype;
  double size_bytes;
};
// The root disk and Redis's data disk are what HighDiskUsage watches; /run and the container
// overlay are the kinds it ignores (the overlay is nearly full, to show that).
inline constexpr std::array<Filesystem, 4> kFilesystems{{
    {"/dev/sda1", "/", "ext4", 50.0 * (1ull << 30)},
    {"/dev/sdb1", "/var/lib/redis", "ext4", 20.0 * (1ull << 30)},
    {"tmpfs", "/run", "tmpfs", 800.0 * (1ull << 20)},
    {"overlay", "/var/lib/docker/overlay2", "overlay", 40.0 * (1ull << 30)},
}};
inline constexpr std::string_view kRedisInstance = "redis:6379";
inline constexpr std::string_view kRedisJob = "redis";
inline constexpr size_t kRedisPoolSize = 20;

template <typename T, size_t N>
using Row = std::array<T*, N>;
template <typename T, size_t N, size_t M>
using Table = std::array<std::array<T*, M>, N>;

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Histogram;

class EdgeMetrics {
 public:
  // Registers every family on `registry`, which must outlive this object.
  explicit EdgeMetrics(prometheus::Registry& registry);
  EdgeMetrics(const EdgeMetrics&) = delete;
  EdgeMetrics& operator=(const EdgeMetrics&) = delete;

  // --- queue (BullMQ on Redis) ---
  Table<Counter, kPriorities.size(), kMessageTypes.size()> queue_messages;  // [priority][type]
  Row<Counter, kMessageTypes.size()> queue_processed;
  Table<Counter, kMessageTypes.size(), kErrorTypes.size()> queue_failed;      // [type][error]
  Table<Histogram, kMessageTypes.size(), kPriorities.size()> queue_duration;  // [type][priority]
  Row<Gauge, kPriorities.size()> queue_waiting;
  Gauge* queue_active;
  Gauge* queue_dlq;
  Row<Counter, kBatchSizeRanges.size()> queue_bulk_operations;

  // --- analytics ---
  Table<Counter, kMessageTypes.size(), kCampaigns.size()> messages_sent;  // [type][campaign]
  Row<Counter, kMessageTypes.size()> messages_received;
  Counter* messages_delivered;
  Counter* messages_read;
  Table<Counter, kConversionTypes.size(), kCampaigns.size()> conversions;  // [type][campaign]
  Row<Counter, kConversionTypes.size()> conversion_value_euros;
  Gauge* active_conversations;
  Histogram* response_time;
  Row<Counter, kHandoffReasons.size()> handoffs;

  // --- WhatsApp ---
  Table<Counter, kApiEndpoints.size(), kStatusCodes.size()> api_calls;  // [endpoint][status]
  Row<Histogram, kApiEndpoints.size()> api_latency;
  Gauge* active_instances;
  Row<Counter, kInstances.size()> rate_limit_hits;
  Table<Counter, kWebhookEvents.size(), kInstances.size()> webhooks;  // [event][instance]

  // --- Redis ---
  Table<Counter, kRedisOperations.size(), kRedisStatuses.size()> redis_operations;
  Row<Histogram, kRedisOperations.size()> redis_duration;
  Gauge* redis_connections_active;
  Gauge* redis_connections_idle;
  Gauge* redis_up;  // redis_exporter's, with its own instance and job labels

  // --- bot ---
  Row<Counter, kIntents.size()> intents;
  Row<Histogram, kIntents.size()> intent_confidence;
  Counter* automated_responses;

  // --- business ---
  Table<Counter, kLeadSources.size(), kLeadQualities.size()> leads;            // [source][quality]
  Table<Counter, kAppointmentTypes.size(), kLeadSources.size()> appointments;  // [type][source]
  Histogram* property_inquiry_value;
  Row<Gauge, kPipelineStages.size()> sales_pipeline;

  // --- process and host (Node.js default metrics, node_exporter) ---
  Gauge* heap_used_bytes;
  Gauge* eventloop_lag_seconds;
  Counter* cpu_seconds;
  Row<Gauge, kFilesystems.size()> filesystem_avail;
  Row<Gauge, kFilesystems.size()> filesystem_size;
};

}  // namespace tocsin::edge
