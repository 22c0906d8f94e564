import type { CommandName, CommandParams, CommandResult, EngineEvent } from '../shared/contract';
import type { CatcherApi } from './catcher/hooks';

/** Limits every listener obeys; all configurable through createEngine. */
export interface EngineLimits {
  /** Default body cap for new catchers (bytes). */
  catcherBodyLimit: number;
  /** Time allowed to receive request headers before 408. */
  headersTimeoutMs: number;
  /** Time allowed for a whole request before 408. */
  requestTimeoutMs: number;
  /** Max header bytes before 431. */
  maxHeaderSize: number;
  /** WebSocket maxPayload (bytes). */
  wsMaxPayload: number;
  /** Tunnel open timeout. */
  tunnelOpenTimeoutMs: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  catcherBodyLimit: 10 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxHeaderSize: 16 * 1024,
  wsMaxPayload: 16 * 1024 * 1024,
  tunnelOpenTimeoutMs: 10_000,
};

export type Handler<N extends CommandName> = (params: CommandParams<N>) => Promise<CommandResult<N>>;
export type Handlers = { [N in CommandName]?: Handler<N> };

/** One feature area of the engine (catchers, tunnels, sockets, …). */
export interface Service {
  handlers: Handlers;
  /** Stop every socket, timer and file handle the service owns. */
  close(): Promise<void>;
}

export interface ServiceContext {
  dataDir: string;
  limits: EngineLimits;
  door: 'electron' | 'web' | 'cli' | 'test';
  /** Start the catchers that were running when the data directory was last used (default true). */
  restoreCatchers?: boolean;
  emit(event: EngineEvent): void;
}

/** What earlier services offer later ones (and in-process doors): `createXService(ctx, deps)`. */
export interface EngineDeps {
  catchers: CatcherApi;
}
