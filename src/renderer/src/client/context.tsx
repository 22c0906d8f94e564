import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ConnectionState, ObservableClient } from './connection';

const ClientContext = createContext<ObservableClient | null>(null);

export function ClientProvider({ client, children }: { client: ObservableClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): ObservableClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}

export function useConnection(): ConnectionState {
  const client = useClient();
  const [state, setState] = useState(client.connection());
  useEffect(() => {
    setState(client.connection());
    return client.onConnection(setState);
  }, [client]);
  return state;
}
