import { z } from 'zod';
import { defineCommand } from './define';
import { idSchema } from '../model/common';
import { catcherSettingsSchema, type Capture, type CaptureSummary, type CatcherState } from '../model/catcher';

const filterSchema = z.object({
  catcherId: idSchema.optional(),
  /** Case-insensitive substring over method, url, headers and body text. */
  text: z.string().max(10_000).optional(),
  methods: z.array(z.string().min(1).max(32)).max(64).optional(),
});

export const catcherCommands = {
  'catchers.list': defineCommand<CatcherState[]>()(z.object({}).strict()),
  /** Create (and by default start) a catcher. */
  'catchers.create': defineCommand<CatcherState>()(
    catcherSettingsSchema.extend({ start: z.boolean().default(true) }).strict(),
  ),
  'catchers.update': defineCommand<CatcherState>()(
    z.object({ id: idSchema, settings: catcherSettingsSchema.partial() }).strict(),
  ),
  'catchers.start': defineCommand<CatcherState>()(z.object({ id: idSchema }).strict()),
  'catchers.stop': defineCommand<CatcherState>()(z.object({ id: idSchema }).strict()),
  'catchers.delete': defineCommand<{ ok: true }>()(
    z.object({ id: idSchema, deleteCaptures: z.boolean().default(false) }).strict(),
  ),

  /** Oldest first. `beforeSeq`/`afterSeq` page through; `limit` caps the page. */
  'captures.list': defineCommand<{ items: CaptureSummary[]; total: number }>()(
    filterSchema
      .extend({
        afterSeq: z.number().int().min(0).optional(),
        beforeSeq: z.number().int().min(0).optional(),
        /** Take the newest `limit` matches instead of the oldest. */
        newest: z.boolean().default(false),
        limit: z.number().int().min(1).max(10_000).default(500),
      })
      .strict(),
  ),
  'captures.get': defineCommand<Capture>()(z.object({ id: idSchema }).strict()),
  /** Body bytes, base64, in ranges so huge bodies never cross a door whole. */
  'captures.body': defineCommand<{ base64: string; offset: number; total: number }>()(
    z
      .object({
        id: idSchema,
        offset: z.number().int().min(0).default(0),
        length: z.number().int().min(0).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
      })
      .strict(),
  ),
  'captures.clear': defineCommand<{ removed: number }>()(
    z.object({ catcherId: idSchema.optional() }).strict(),
  ),
  /** HAR 1.2 JSON text of the given captures (all matching the filter when ids is absent). */
  'captures.exportHar': defineCommand<{ har: string; count: number }>()(
    filterSchema.extend({ ids: z.array(idSchema).max(1_000_000).optional() }).strict(),
  ),
};

export type CatcherEvent =
  | { type: 'catcher.state'; catcher: CatcherState }
  | { type: 'catcher.removed'; id: string }
  | { type: 'capture.new'; capture: CaptureSummary }
  /** A capture gained annotations after it was stored (forward result, …). */
  | { type: 'capture.updated'; capture: CaptureSummary }
  | { type: 'captures.cleared'; catcherId: string | null };
