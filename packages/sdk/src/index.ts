/**
 * @aether/sdk: the Aether client for browsers and Node. No kernel import: it speaks the wire protocol
 * over the platform's WebSocket, with contract types generated from the registry.
 */
export { AetherClient, type AetherClientOptions, type ConnectionState, type Envelope, type EventHandler, type RequestOptions, type SubscribeOptions, type Subscription } from './client.ts';
export { AetherError, type AetherErrorCode, LOCAL_ERROR_CODES, type LocalErrorCode, WIRE_ERROR_CODES, type WireErrorCode, isAetherError } from './errors.ts';
export { type BackoffOptions, backoffDelay } from './backoff.ts';
export type { ContractTopic, Contracts, ReplyOf, RequestOf } from './contracts.generated.ts';
export { type WebSocketFactory, type WebSocketLike, wsUrlOf } from './socket.ts';
export { ackTopicOf, errorTopicOf, matchesPattern } from './topics.ts';
