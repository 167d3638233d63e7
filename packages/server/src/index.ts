/**
 * @aether/server: aetherd's transports (HTTP, WebSocket, REST, JSON-RPC, the local socket) over the
 * kernel. Transport only: every call goes through the kernel's ingress.
 */
export { type AetherServer, type ServerDeps, SOCKET_FILE, startServer } from './server.ts';
export { type ServerOptions, type ServerOptionsInput, ServerOptionsSchema, serverOptionsFrom } from './options.ts';
export { runDaemon, type DaemonIo } from './daemon/run-daemon.ts';
export { DAEMON_USAGE } from './daemon/daemon-flags.ts';
export { restPathOf, topicOfRestPath } from './http/topic-path.ts';
export { openApiDocument } from './openapi/openapi.ts';
