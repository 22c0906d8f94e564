import fs from 'node:fs/promises';
import type { z } from 'zod';
import { SwitchboardError } from '../../shared/errors';
import { normalizeHex, validateWsMessage, type wsMessageSchema } from '../../shared/model/sockets';

export type ParsedWsMessage = z.output<typeof wsMessageSchema>;

/** The bytes to put on the wire, and whether they go as a binary frame. */
export async function encodeMessage(msg: ParsedWsMessage, maxFileBytes: number): Promise<{ data: Buffer; binary: boolean }> {
  if (msg.format === 'file') {
    let data: Buffer;
    try {
      const stat = await fs.stat(msg.path);
      if (!stat.isFile()) throw new Error('not a regular file');
      if (stat.size > maxFileBytes) {
        throw new SwitchboardError('FILE_READ_FAILED', `${msg.path} is ${stat.size} bytes, over the ${maxFileBytes}-byte message limit.`);
      }
      data = await fs.readFile(msg.path);
    } catch (err) {
      if (err instanceof SwitchboardError) throw err;
      throw new SwitchboardError('FILE_READ_FAILED', `Cannot read ${msg.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { data, binary: !msg.asText };
  }
  const problem = validateWsMessage(msg.format, msg.data);
  if (problem) throw new SwitchboardError('WS_INVALID_PAYLOAD', problem);
  switch (msg.format) {
    case 'text':
    case 'json':
      return { data: Buffer.from(msg.data, 'utf8'), binary: false };
    case 'hex':
      return { data: Buffer.from(normalizeHex(msg.data), 'hex'), binary: true };
    case 'base64':
      return { data: Buffer.from(msg.data.replace(/\s/g, ''), 'base64'), binary: true };
  }
}

/** Close reasons are limited to 123 bytes of UTF-8 by the protocol (125 minus the code). */
export function checkCloseReason(reason: string): void {
  if (Buffer.byteLength(reason) > 123) {
    throw new SwitchboardError('WS_INVALID_CLOSE_CODE', `The close reason is ${Buffer.byteLength(reason)} bytes; at most 123 bytes fit in a close frame.`);
  }
}
