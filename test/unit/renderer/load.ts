// Renderer modules are type-checked by the web project (DOM lib), which the node project that
// checks tests cannot include. Loading them through a non-literal specifier keeps the two
// projects apart; the shapes below restate the functions under test.
export function loadRenderer<T>(relative: string): Promise<T> {
  return import(new URL(`../../../src/renderer/src/${relative}`, import.meta.url).href) as Promise<T>;
}

export interface BodyDecode {
  detectKind(contentType: string | null, bytes: Uint8Array): string;
  parseForm(text: string): Array<[string, string]>;
  parseQuery(url: string): Array<[string, string]>;
  prettyJson(text: string): string | null;
  contentTypeParam(contentType: string | null, param: string): string | null;
  looksLikeText(bytes: Uint8Array): boolean;
  parseMultipart(
    bytes: Uint8Array,
    boundary: string,
  ): Array<{ name: string | null; filename: string | null; contentType: string | null; size: number; body: Uint8Array }> | null;
}

export interface Format {
  formatBytes(n: number): string;
  formatDuration(ms: number): string;
  formatRelative(iso: string, now?: number): string;
  middleEllipsis(text: string, max: number): string;
}

export interface Curl {
  shellQuote(s: string): string;
  toCurl(capture: unknown, baseUrl: string, body: Uint8Array | null, bodyFileName?: string): string;
}

export type ConnState = { status: string; attempt?: number; reason?: string };
export interface WsClientModule {
  createWebSocketClient(options: { url: string; baseDelayMs?: number; maxDelayMs?: number; queueTimeoutMs?: number; WebSocketImpl?: unknown }): {
    invoke(name: string, params: unknown): Promise<unknown>;
    subscribe(listener: (events: unknown[]) => void): () => void;
    connection(): ConnState;
    onConnection(listener: (s: ConnState) => void): () => void;
    close(): void;
  };
}
