export { applyMark, type MarkResult } from './apply-mark.js';
export { createPushApp, type PushApp, type PushDeps, type PushGatewayOptions } from './create-push-app.js';
export { decideDelivery, type DeliveryDecision } from './delivery-decision.js';
export { FairQueue } from './fair-queue.js';
export { LatencyStats, latencyStages, type LatencyReport, type LatencyStage } from './latency-stats.js';
export { createPushMetrics, type PushMetrics } from './push-metrics.js';
export { parsePushEnv, type PushConfig } from './parse-push-env.js';
export { quietUntil } from './quiet-hours.js';
export {
  assertCorsOrigins,
  corsOriginProblem,
  readCorsOrigins,
  subscriberCors,
  subscriberRoutePaths,
} from './subscriber-cors.js';
export { Throttle, type ThrottleOptions } from './throttle.js';
export {
  WebhookSender,
  type WebhookEndpoint,
  type WebhookOptions,
  type WebhookOutcome,
} from './webhook-sender.js';
export { signWebhook, verifyWebhook } from './webhook-signature.js';
