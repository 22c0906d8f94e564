import { z } from 'zod';
import { defineCommand } from './define';
import { idSchema } from '../model/common';
import { requestSpecSchema, type ResponseRecord } from '../model/http';

// The HTTP sender (issue 5). Bodies never cross a door whole: `http.send` answers with a
// ResponseRecord whose `id` names the body kept by the engine; read it with `http.responseBody`.

const requestIdSchema = z.string().min(1).max(200);

export const httpCommands = {
  /**
   * Send a request. Rejects with an HTTP_* error (see errors.ts). `requestId` (chosen by the caller)
   * lets `http.cancel` stop it in flight and tags `http.progress` events.
   */
  'http.send': defineCommand<ResponseRecord>()(
    z
      .object({
        spec: requestSpecSchema,
        variables: z.record(z.string().max(1000), z.string().max(1024 * 1024)).optional(),
        requestId: requestIdSchema.optional(),
      })
      .strict(),
  ),
  'http.cancel': defineCommand<{ cancelled: boolean }>()(z.object({ requestId: requestIdSchema }).strict()),
  /** A range of the body: `decoded` (default) after gzip/deflate/br, otherwise the bytes as on the wire. */
  'http.responseBody': defineCommand<{ base64: string; offset: number; total: number }>()(
    z
      .object({
        id: idSchema,
        offset: z.number().int().min(0).default(0),
        length: z.number().int().min(0).max(64 * 1024 * 1024).default(1024 * 1024),
        decoded: z.boolean().default(true),
      })
      .strict(),
  ),
  /** Write the whole body to a file on the engine's machine. */
  'http.saveBody': defineCommand<{ path: string; bytes: number }>()(
    z.object({ id: idSchema, path: z.string().min(1).max(4096), decoded: z.boolean().default(true) }).strict(),
  ),
  /** Forget a response body (tab closed); later reads fail with NOT_FOUND. */
  'http.discardBody': defineCommand<{ ok: true }>()(z.object({ id: idSchema }).strict()),
};

export type HttpEvent =
  /** Throttled (~10/s) while a response body downloads; `total` is Content-Length when known. */
  { type: 'http.progress'; requestId: string; received: number; total: number | null };
