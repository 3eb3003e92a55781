export { createGateway } from './create-gateway.js';
export type {
  DeliverOptions,
  Gateway,
  GatewayOptions,
  GatewayStats,
  InboxSource,
  InboxSummary,
  MarkFrame,
  StateDelivery,
  SubscriberRef,
  UpgradeSource,
} from './create-gateway.js';
export { GatewayError, type GatewayErrorCode } from './gateway-error.js';
export { mintSubscriberToken } from './mint-subscriber-token.js';
export type { MintedSubscriberToken, MintSubscriberTokenOptions } from './mint-subscriber-token.js';
export { verifySubscriberToken, type VerifySubscriberTokenOptions } from './verify-subscriber-token.js';
export type { TokenSecret } from './token-secret.js';
