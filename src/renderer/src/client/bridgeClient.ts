import {
  EngineClientError,
  type SwitchboardBridge,
} from '../../../shared/client';
import type { CommandInput, CommandName, CommandResult, EngineEvent } from '../../../shared/contract';
import type { ConnectionState, ObservableClient } from './connection';

declare global {
  interface Window {
    /** Present only inside the Electron shell (exposed by the preload). */
    switchboard?: SwitchboardBridge;
  }
}

/** The desktop client: the preload's narrow bridge, which never loses an error's code. */
export function createBridgeClient(bridge: SwitchboardBridge): ObservableClient {
  const open: ConnectionState = { status: 'open' };
  return {
    kind: 'electron',
    async invoke<N extends CommandName>(name: N, params: CommandInput<N>): Promise<CommandResult<N>> {
      const reply = await bridge.invoke(name, params);
      if (!reply.ok) throw new EngineClientError(reply.error);
      return reply.result as CommandResult<N>;
    },
    subscribe(listener: (events: EngineEvent[]) => void) {
      return bridge.subscribe(listener);
    },
    connection: () => open,
    onConnection: () => () => {},
    close: () => {},
  };
}
