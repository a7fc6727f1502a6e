#include "examples/edge_service/metrics.h"

#include <string>

namespace tocsin::edge {
namespace {

using prometheus::Labels;

std::string S(std::string_view v) {
  return std::string(v);
}

// Bucket boundaries per histogram, chosen around each thresholds the rules test (1s and 0.5s
// for queue jobs, 300s for answers, 2s for the WhatsApp API, 10ms for Redis) so that
// histogram_quantile interpolates within a bucket that straddles them.
const Histogram::BucketBoundaries kQueueSeconds{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
const Histogram::BucketBoundaries kResponseSeconds{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600};
const Histogram::BucketBoundaries kApiSeconds{0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10};
const Histogram::BucketBoundaries kRedisSeconds{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                0.025,  0.05,  0.1,    0.25};
const Histogram::BucketBoundaries kConfidence{0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1};
const Histogram::BucketBoundaries kInquiryEuros{100e3, 200e3, 300e3, 500e3, 750e3, 1e6, 2e6, 5e6};

template <typename Builder>
auto& Register(Builder builder, std::string_view name, std::string_view help,
               prometheus::Registry& registry) {
  return builder.Name(S(name)).Help(S(help)).Register(registry);
}

}  // namespace

EdgeMetrics::EdgeMetrics(prometheus::Registry& registry) {
  using prometheus::BuildCounter;
  using prometheus::BuildGauge;
  using prometheus::BuildHistogram;

  // --- queue ---
  auto& messages = Register(BuildCounter(), "anclora_queue_messages_total",
                            "Messages added to the queue.", registry);
  auto& processed = Register(BuildCounter(), "anclora_queue_messages_processed_total",
                             "Queue messages processed successfully.", registry);
  auto& failed = Register(BuildCounter(), "anclora_queue_messages_failed_total",
                          "Queue messages whose processing failed.", registry);
  auto& duration = Register(BuildHistogram(), "anclora_queue_processing_duration_seconds",
                            "Time to process one queue message.", registry);
  auto& waiting = Register(BuildGauge(), "anclora_queue_waiting_messages",
                           "Messages waiting in the queue.", registry);
  for (size_t p = 0; p < kPriorities.size(); ++p) {
    for (size_t m = 0; m < kMessageTypes.size(); ++m) {
      queue_messages[p][m] =
          &messages.Add({{"priority", S(kPriorities[p])}, {"message_type", S(kMessageTypes[m])}});
      queue_duration[m][p] = &duration.Add(
          {{"message_type", S(kMessageTypes[m])}, {"priority", S(kPriorities[p])}}, kQueueSeconds);
    }
    queue_waiting[p] = &waiting.Add({{"priority", S(kPriorities[p])}});
  }
  for (size_t m = 0; m < kMessageTypes.size(); ++m) {
    queue_processed[m] = &processed.Add({{"message_type", S(kMessageTypes[m])}});
    for (size_t e = 0; e < kErrorTypes.size(); ++e) {
      queue_failed[m][e] =
          &failed.Add({{"message_type", S(kMessageTypes[m])}, {"error_type", S(kErrorTypes[e])}});
    }
  }
  queue_active = &Register(BuildGauge(), "anclora_queue_active_messages",
                           "Queue messages being processed.", registry)
                      .Add({});
  queue_dlq = &Register(BuildGauge(), "anclora_queue_dlq_messages",
                        "Messages in the dead-letter queue.", registry)
                   .Add({});
  auto& bulk = Register(BuildCounter(), "anclora_queue_bulk_operations_total",
                        "Bulk enqueue operations by batch size.", registry);
  for (size_t b = 0; b < kBatchSizeRanges.size(); ++b) {
    queue_bulk_operations[b] = &bulk.Add({{"batch_size_range", S(kBatchSizeRanges[b])}});
  }

  // --- analytics ---
  auto& sent = Register(BuildCounter(), "anclora_analytics_messages_sent_total",
                        "WhatsApp messages sent.", registry);
  auto& received = Register(BuildCounter(), "anclora_analytics_messages_received_total",
                            "WhatsApp messages received.", registry);
  for (size_t m = 0; m < kMessageTypes.size(); ++m) {
    for (size_t c = 0; c < kCampaigns.size(); ++c) {
      messages_sent[m][c] =
          &sent.Add({{"message_type", S(kMessageTypes[m])}, {"campaign_id", S(kCampaigns[c])}});
    }
    messages_received[m] = &received.Add({{"message_type", S(kMessageTypes[m])}});
  }
  messages_delivered = &Register(BuildCounter(), "anclora_analytics_messages_delivered_total",
                                 "Sent messages WhatsApp reported delivered.", registry)
                            .Add({});
  messages_read = &Register(BuildCounter(), "anclora_analytics_messages_read_total",
                            "Delivered messages WhatsApp reported read.", registry)
                       .Add({});
  auto& conversion_count = Register(BuildCounter(), "anclora_analytics_conversions_total",
                                    "Conversations that converted.", registry);
  // A counter of euros: the seed names it without `_total`, and the rules use that name.
  auto& conversion_value = Register(BuildCounter(), "anclora_analytics_conversion_value_euros",
                                    "Value of conversions in euros.", registry);
  for (size_t t = 0; t < kConversionTypes.size(); ++t) {
    for (size_t c = 0; c < kCampaigns.size(); ++c) {
      conversions[t][c] = &conversion_count.Add(
          {{"conversion_type", S(kConversionTypes[t])}, {"campaign_id", S(kCampaigns[c])}});
    }
    conversion_value_euros[t] =
        &conversion_value.Add({{"conversion_type", S(kConversionTypes[t])}});
  }
  active_conversations = &Register(BuildGauge(), "anclora_analytics_active_conversations",
                                   "Conversations active now.", registry)
                              .Add({});
  response_time = &Register(BuildHistogram(), "anclora_analytics_response_time_seconds",
                            "Time to answer a customer's message.", registry)
                       .Add({}, kResponseSeconds);
  auto& handoff = Register(BuildCounter(), "anclora_analytics_handoffs_total",
                           "Conversations handed over to a human agent.", registry);
  for (size_t r = 0; r < kHandoffReasons.size(); ++r) {
    handoffs[r] = &handoff.Add({{"reason", S(kHandoffReasons[r])}});
  }

  // --- WhatsApp ---
  auto& calls = Register(BuildCounter(), "anclora_whatsapp_api_calls_total",
                         "Calls to the WhatsApp API.", registry);
  auto& latency = Register(BuildHistogram(), "anclora_whatsapp_api_latency_seconds",
                           "Latency of WhatsApp API calls.", registry);
  for (size_t e = 0; e < kApiEndpoints.size(); ++e) {
    const Labels endpoint{{"endpoint", S(kApiEndpoints[e].path)},
                          {"method", S(kApiEndpoints[e].method)}};
    for (size_t s = 0; s < kStatusCodes.size(); ++s) {
      Labels labels = endpoint;
      labels["status_code"] = S(kStatusCodes[s]);
      api_calls[e][s] = &calls.Add(labels);
    }
    api_latency[e] = &latency.Add(endpoint, kApiSeconds);
  }
  active_instances = &Register(BuildGauge(), "anclora_whatsapp_active_instances",
                               "WhatsApp instances connected.", registry)
                          .Add({});
  auto& rate_limits = Register(BuildCounter(), "anclora_whatsapp_rate_limit_hits_total",
                               "WhatsApp API rate-limit answers.", registry);
  auto& webhook = Register(BuildCounter(), "anclora_whatsapp_webhooks_received_total",
                           "Webhooks received from WhatsApp.", registry);
  for (size_t i = 0; i < kInstances.size(); ++i) {
    rate_limit_hits[i] = &rate_limits.Add({{"instance_name", S(kInstances[i])}});
    for (size_t e = 0; e < kWebhookEvents.size(); ++e) {
      webhooks[e][i] =
          &webhook.Add({{"event_type", S(kWebhookEvents[e])}, {"instance_name", S(kInstances[i])}});
    }
  }

  // --- Redis ---
  auto& operations = Register(BuildCounter(), "anclora_redis_operations_total",
                              "Redis commands issued.", registry);
  auto& op_duration = Register(BuildHistogram(), "anclora_redis_operation_duration_seconds",
                               "Duration of Redis commands.", registry);
  for (size_t o = 0; o < kRedisOperations.size(); ++o) {
    for (size_t s = 0; s < kRedisStatuses.size(); ++s) {
      redis_operations[o][s] = &operations.Add(
          {{"operation", S(kRedisOperations[o])}, {"status", S(kRedisStatuses[s])}});
    }
    redis_duration[o] = &op_duration.Add({{"operation", S(kRedisOperations[o])}}, kRedisSeconds);
  }
  auto& connections = Register(BuildGauge(), "anclora_redis_connections",
                               "Redis connections of the pool by state.", registry);
  redis_connections_active = &connections.Add({{"state", "active"}});
  redis_connections_idle = &connections.Add({{"state", "idle"}});
  redis_up =
      &Register(BuildGauge(), "redis_up", "Whether Redis answers (redis_exporter).", registry)
           .Add({{"instance", S(kRedisInstance)}, {"job", S(kRedisJob)}});

  // --- bot ---
  auto& intent = Register(BuildCounter(), "anclora_bot_intents_total",
                          "Intents the bot recognised.", registry);
  auto& confidence = Register(BuildHistogram(), "anclora_bot_intent_confidence",
                              "Confidence of recognised intents.", registry);
  for (size_t i = 0; i < kIntents.size(); ++i) {
    intents[i] = &intent.Add({{"intent", S(kIntents[i])}});
    intent_confidence[i] = &confidence.Add({{"intent", S(kIntents[i])}}, kConfidence);
  }
  automated_responses = &Register(BuildCounter(), "anclora_bot_automated_responses_total",
                                  "Answers the bot sent without a human.", registry)
                             .Add({});

  // --- business ---
  auto& lead = Register(BuildCounter(), "anclora_business_leads_captured_total", "Leads captured.",
                        registry);
  for (size_t s = 0; s < kLeadSources.size(); ++s) {
    for (size_t q = 0; q < kLeadQualities.size(); ++q) {
      leads[s][q] = &lead.Add({{"source", S(kLeadSources[s])}, {"quality", S(kLeadQualities[q])}});
    }
  }
  auto& appointment = Register(BuildCounter(), "anclora_business_appointments_scheduled_total",
                               "Appointments scheduled.", registry);
  for (size_t t = 0; t < kAppointmentTypes.size(); ++t) {
    for (size_t s = 0; s < kLeadSources.size(); ++s) {
      appointments[t][s] =
          &appointment.Add({{"type", S(kAppointmentTypes[t])}, {"source", S(kLeadSources[s])}});
    }
  }
  property_inquiry_value =
      &Register(BuildHistogram(), "anclora_business_property_inquiry_value_euros",
                "Price of the properties customers ask about.", registry)
           .Add({}, kInquiryEuros);
  auto& pipeline = Register(BuildGauge(), "anclora_business_sales_pipeline",
                            "Opportunities by sales stage.", registry);
  for (size_t s = 0; s < kPipelineStages.size(); ++s) {
    sales_pipeline[s] = &pipeline.Add({{"stage", S(kPipelineStages[s])}});
  }

  // --- process and host ---
  heap_used_bytes = &Register(BuildGauge(), "nodejs_heap_size_used_bytes",
                              "Process heap size used from Node.js in bytes.", registry)
                         .Add({});
  eventloop_lag_seconds = &Register(BuildGauge(), "nodejs_eventloop_lag_seconds",
                                    "Lag of event loop in seconds.", registry)
                               .Add({});
  cpu_seconds = &Register(BuildCounter(), "process_cpu_seconds_total",
                          "Total user and system CPU time spent in seconds.", registry)
                     .Add({});
  auto& avail = Register(BuildGauge(), "node_filesystem_avail_bytes",
                         "Filesystem space available to non-root users in bytes.", registry);
  auto& size =
      Register(BuildGauge(), "node_filesystem_size_bytes", "Filesystem size in bytes.", registry);
  for (size_t f = 0; f < kFilesystems.size(); ++f) {
    const Labels labels{{"device", S(kFilesystems[f].device)},
                        {"mountpoint", S(kFilesystems[f].mountpoint)},
                        {"fstype", S(kFilesystems[f].fstype)}};
    filesystem_avail[f] = &avail.Add(labels);
    filesystem_size[f] = &size.Add(labels);
  }
}

}  // namespace tocsin::edge
