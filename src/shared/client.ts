import type { EngineErrorShape, ErrorCode } from './errors';
import type { CommandInput, CommandName, CommandResult, EngineEvent } from './contract';

/**
 * What the renderer (and any other consumer) talks to. Implementations: the preload bridge
 * (desktop), a WebSocket client (web door), and the engine itself in-process (CLI, tests).
 * Events arrive in batches: doors coalesce them (~16 ms) so bursts never flood a listener.
 */
export interface EngineClient {
  invoke<N extends CommandName>(name: N, params: CommandInput<N>): Promise<CommandResult<N>>;
  subscribe(listener: (events: EngineEvent[]) => void): () => void;
}

/** Reply envelope used by the preload bridge and the web door: errors never lose their code. */
export type InvokeReply = { ok: true; result: unknown } | { ok: false; error: EngineErrorShape };

/**
 * `window.switchboard`, exposed by the preload with contextBridge. Deliberately tiny: one invoke,
 * one subscribe; no channel names, no ipcRenderer, no event objects.
 */
export interface SwitchboardBridge {
  invoke(command: string, params: unknown): Promise<InvokeReply>;
  subscribe(listener: (events: EngineEvent[]) => void): () => void;
}

/** What EngineClient.invoke rejects with. */
export class EngineClientError extends Error {
  readonly code: ErrorCode;
  readonly detail?: unknown;
  constructor(shape: EngineErrorShape) {
    super(shape.message);
    this.name = 'EngineClientError';
    this.code = shape.code;
    this.detail = shape.detail;
  }
}

/**
 * Web door wire protocol (WebSocket at /api/ws, same origin, token cookie or ?token=):
 *   client → server  { id: number, command: string, params: unknown }
 *   server → client  { id: number, ok: true, result } | { id: number, ok: false, error: EngineErrorShape }
 *                    { type: 'events', events: EngineEvent[] }   (batched, ~16 ms)
 */
export type WebDoorRequest = { id: number; command: string; params: unknown };
export type WebDoorMessage = ({ id: number } & InvokeReply) | { type: 'events'; events: EngineEvent[] };
