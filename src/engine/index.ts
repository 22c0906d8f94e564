import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { commands, isCommandName, type CommandName, type CommandParams, type CommandResult, type EngineEvent } from '../shared/contract';
import { SwitchboardError } from '../shared/errors';
import { DEFAULT_LIMITS, type EngineDeps, type EngineLimits, type Handlers, type Service, type ServiceContext } from './service';
import { createCatcherService } from './catcher/service';
import { createHttpService } from './http/service';
import { fastHttpSendParams } from './http/fastParams';
import { createTunnelService } from './tunnel/service';
import { createSocketService } from './sockets/service';
import { createWorkspaceService } from './workspace/service';
import { createWebhookToolsService, type SecretBox } from './webhookTools/service';
import { catcherPort } from './webhookTools/catcherAdapter';

export type { EngineDeps, EngineLimits } from './service';

/** Fast params checks per command (see http/fastParams.ts); null means "ask zod". */
const fastParams: { [N in CommandName]?: (params: unknown) => CommandParams<N> | null } = {
  'http.send': fastHttpSendParams,
};

export interface EngineOptions {
  dataDir: string;
  limits?: Partial<EngineLimits>;
  door?: ServiceContext['door'];
  /** False for one-off CLI runs: saved catchers stay stopped (default true). */
  restoreCatchers?: boolean;
  /** How webhook signing secrets are kept at rest; the Electron shell passes safeStorage. Default: plain. */
  secretBox?: SecretBox;
}

export interface Engine {
  readonly dataDir: string;
  readonly limits: EngineLimits;
  /** Validates `params` against the contract schema, then runs the command. Rejects with SwitchboardError. */
  invoke<N extends CommandName>(name: N, params: unknown): Promise<CommandResult<N>>;
  /** Every event, synchronously as it happens; doors batch before sending. */
  on(listener: (event: EngineEvent) => void): () => void;
  /** Service APIs for in-process users (CLI, tests) and for services created after the catchers. */
  readonly deps: EngineDeps;
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const listeners = new Set<(event: EngineEvent) => void>();
  const ctx: ServiceContext = {
    dataDir,
    limits,
    door: options.door ?? 'test',
    restoreCatchers: options.restoreCatchers ?? true,
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A faulty listener must not break capture or the other listeners.
        }
      }
    },
  };

  // Order matters: later services may use earlier ones (tunnels expose catchers, …).
  const services: Service[] = [];
  const catchers = await createCatcherService(ctx);
  services.push(catchers);
  const deps: EngineDeps = { catchers: catchers.api };
  const http = await createHttpService(ctx);
  services.push(http);
  // The workspace comes later (it uses http); sockets read its variables when a connection starts.
  let workspaceVariables: (() => Record<string, string>) | null = null;
  const sockets = await createSocketService(ctx, { variables: () => workspaceVariables?.() ?? {} });
  services.push(sockets);
  const tunnels = await createTunnelService(ctx, {
    resolveWsServer: sockets.api.resolveServer,
    listCatchers: async () => (await catchers.handlers['catchers.list']?.({})) ?? [],
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  services.push(tunnels);
  const webhookTools = await createWebhookToolsService(ctx, {
    catcher: catcherPort(catchers),
    sender: http.api,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...(options.secretBox ? { secretBox: options.secretBox } : {}),
  });
  services.push(webhookTools);

  const workspace = await createWorkspaceService(ctx, { http: http.api, ...(options.secretBox ? { secretBox: options.secretBox } : {}) });
  services.push(workspace);
  workspaceVariables = () => workspace.api.variables();

  const handlers: Handlers = {};
  for (const service of services) Object.assign(handlers, service.handlers);
  let closed = false;

  const engine: Engine = {
    dataDir,
    limits,
    deps,
    invoke(name, params) {
      // Hot commands first try a hand-written check that only accepts what zod accepts (and builds
      // the same output); then the handler's promise is returned as is, without an async frame of
      // its own. Anything else, every rejection included, goes through zod below.
      if (!closed && isCommandName(name)) {
        const handler = handlers[name] as ((p: unknown) => Promise<CommandResult<typeof name>>) | undefined;
        const fast = handler ? fastParams[name]?.(params) : undefined;
        if (handler && fast) {
          try {
            return handler(fast);
          } catch (err) {
            return Promise.reject(err instanceof Error ? err : new Error(String(err)));
          }
        }
      }
      return invokeChecked(name, params);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const service of [...services].reverse()) {
        await service.close().catch(() => undefined);
      }
      listeners.clear();
    },
  };
  return engine;

  async function invokeChecked<N extends CommandName>(name: N, params: unknown): Promise<CommandResult<N>> {
    if (closed) throw new SwitchboardError('ENGINE_CLOSED', 'The engine is closed.');
    if (!isCommandName(name)) throw new SwitchboardError('UNKNOWN_COMMAND', `Unknown command: ${String(name)}`);
    const handler = handlers[name] as ((p: unknown) => Promise<CommandResult<typeof name>>) | undefined;
    const parsed = commands[name].params.safeParse(params ?? {});
    if (!parsed.success) {
      throw new SwitchboardError(
        'VALIDATION_FAILED',
        `Invalid parameters for ${name}: ${parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ')}`,
        parsed.error.issues,
      );
    }
    if (!handler) throw new SwitchboardError('UNKNOWN_COMMAND', `Command not implemented: ${name}`);
    return handler(parsed.data);
  }
}
