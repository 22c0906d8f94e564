import type { Engine } from '../../engine';
import type { InvokeReply } from '../../shared/client';
import { toErrorShape } from '../../shared/errors';
import { isAllowedIpcSender, type IpcSenderInfo, type TrustedRenderer } from '../security/ipcSender';

/**
 * The body of the one IPC handler ('switchboard:invoke'): checks who is calling, hands the call
 * to engine.invoke (which validates params against the contract), and always answers with an
 * InvokeReply. It never throws: an exception crossing IPC would lose its error code.
 */
export function createInvokeHandler(engine: Pick<Engine, 'invoke'>, trusted: TrustedRenderer) {
  return async (sender: IpcSenderInfo | null, command: unknown, params: unknown): Promise<InvokeReply> => {
    if (!isAllowedIpcSender(sender, trusted)) {
      return { ok: false, error: { code: 'IPC_FORBIDDEN_SENDER', message: 'This frame may not call Switchboard.' } };
    }
    if (typeof command !== 'string' || command.length === 0 || command.length > 200) {
      return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'The command name must be a non-empty string.' } };
    }
    try {
      const result: unknown = await engine.invoke(command as never, params);
      return { ok: true, result };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  };
}
