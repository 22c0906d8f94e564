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
