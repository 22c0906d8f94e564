/**
 * Every error that crosses a door is `{ code, message, detail? }` with a stable code from this table.
 * This file is the single place where codes are documented; add new ones here with a line saying
 * when they happen. Messages are for people ("port 4000 is taken — pick another or use 0 for a free
 * one"); codes are for programs and never change meaning.
 */
export const ERROR_CODES = {
  // Generic
  VALIDATION_FAILED: 'Command parameters did not match the schema; detail lists the issues.',
  UNKNOWN_COMMAND: 'The command name is not part of the contract.',
  NOT_FOUND: 'The object named by an id does not exist (catcher, capture, connection, …).',
  INTERNAL: 'An unexpected failure inside the engine; the message carries the cause.',
  ENGINE_CLOSED: 'The engine has been closed and accepts no more commands.',
  // Catcher
  CATCHER_PORT_IN_USE: 'The requested port is taken by another process.',
  CATCHER_PORT_DENIED: 'The OS refused the port (privileged port or not permitted).',
  CATCHER_LISTEN_FAILED: 'The catcher could not listen for another reason (bad host, …).',
  CATCHER_NOT_RUNNING: 'The operation needs a running catcher.',
  // Store
  STORE_WRITE_FAILED: 'A capture could not be made durable (disk full, permissions); the sender got 503.',
  STORE_CORRUPT: 'A store file could not be read; the damaged tail was skipped.',
  STORE_LOCKED: 'Another running Switchboard process (desktop, serve or CLI) uses this data directory; close it or pick another --data-dir.',
  // Tunnel
  TUNNEL_UNREACHABLE: 'The tunnel server could not be reached (DNS, refused, TLS).',
  TUNNEL_TIMEOUT: 'The tunnel did not come online within the configured time.',
  TUNNEL_REJECTED: 'The tunnel server answered with an error (subdomain taken, bad request).',
  TUNNEL_CLOSED: 'The tunnel was closed by the user.',
  // WebSocket
  WS_HANDSHAKE_FAILED: 'The server did not accept the WebSocket upgrade; detail has status and body.',
  WS_NOT_OPEN: 'The connection is not open, so nothing can be sent on it.',
  WS_INVALID_PAYLOAD: 'The message to send is not valid (bad JSON, hex or base64).',
  WS_SERVER_PORT_IN_USE: 'The WebSocket server port is taken.',
  WS_INVALID_URL: 'The WebSocket URL cannot be parsed or is not ws://, wss://, http:// or https://.',
  WS_CONNECT_FAILED: 'The TCP/TLS connection for a WebSocket failed (refused, DNS, TLS, reset); the message says which.',
  WS_HANDSHAKE_TIMEOUT: 'The server did not complete the WebSocket upgrade within the handshake timeout.',
  WS_PROTOCOL_ERROR: 'The peer broke the WebSocket protocol (bad frame, invalid UTF-8, oversized message, …); the connection was closed with the matching code.',
  WS_INVALID_CLOSE_CODE: 'A close code that may not be sent (only 1000–1003, 1007–1014, 3000–4999), or a reason over 123 bytes.',
  WS_PING_TIMEOUT: 'No pong arrived for a ping within the timeout.',
  WS_SERVER_LISTEN_FAILED: 'The WebSocket server could not listen (permission, bad host, …).',
  WS_SERVER_NOT_RUNNING: 'The operation needs a running WebSocket server.',
  WS_CLIENT_NOT_OPEN: 'The server-side client is not connected any more.',
  // HTTP sender
  HTTP_INVALID_URL: 'The URL cannot be parsed or uses an unsupported scheme.',
  HTTP_DNS_FAILED: 'The host name could not be resolved.',
  HTTP_CONNECTION_REFUSED: 'Nothing accepted the connection on that host and port.',
  HTTP_CONNECTION_RESET: 'The peer reset the connection.',
  HTTP_TIMEOUT: 'No complete response within the configured timeout.',
  HTTP_CANCELLED: 'The request was cancelled by the user.',
  HTTP_TLS_FAILED: 'The TLS handshake failed; the message names the certificate problem.',
  HTTP_TOO_MANY_REDIRECTS: 'More redirects than the configured maximum.',
  HTTP_PROXY_FAILED: 'The HTTP proxy refused or failed the request.',
  HTTP_FAILED: 'Any other transport failure; the message carries the cause.',
  // Files / workspace
  FILE_READ_FAILED: 'A file named by the user could not be read.',
  FILE_WRITE_FAILED: 'A file could not be written.',
  IMPORT_UNSUPPORTED: 'The file is not in a format Switchboard can import.',
  IMPORT_INVALID: 'The file looks like a known format but is malformed.',
  WORKSPACE_NOT_OPEN: 'A workspace command was given while no workspace folder is open.',
  VARIABLES_UNRESOLVED: 'A request (switchboard run) or a WebSocket connection (ws.connect: URL, headers, subprotocols) uses {{variables}} that no scope defines; nothing was sent. detail.names lists them.',
  // Webhook tools
  SECRET_INVALID: 'A signing secret has the wrong shape for its scheme (whsec_ base64, Discord hex key, …).',
  RESIGN_UNSUPPORTED: 'Re-signing is impossible for this scheme (Discord needs its private key) or no secret is set.',
  FORWARD_NOT_CONFIGURED: 'Replay to "the forward target" was asked but the catcher has none.',
  RULE_INVALID: 'A mock rule cannot be used (bad regex, bad glob); the message names the rule.',
  // Web door
  WEB_UNAUTHORIZED: 'Missing or wrong token.',
  WEB_FORBIDDEN_HOST: 'Host header is not loopback/localhost (DNS rebinding defence).',
  WEB_FORBIDDEN_ORIGIN: 'Origin is not the web door itself.',
  // Desktop shell
  IPC_FORBIDDEN_SENDER: 'An IPC call came from a frame that is not the Switchboard window itself (an iframe, a navigated page); it was refused.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The wire shape of an error. */
export interface EngineErrorShape {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

/** Thrown inside the engine and doors; serialised with `toErrorShape`. */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly detail?: unknown;
  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.detail = detail;
  }
}

export function isErrorShape(value: unknown): value is EngineErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

export function toErrorShape(err: unknown): EngineErrorShape {
  if (err instanceof SwitchboardError) {
    return err.detail === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, detail: err.detail };
  }
  if (isErrorShape(err)) return { code: err.code, message: err.message, detail: err.detail };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}
