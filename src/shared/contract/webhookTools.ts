import { z } from 'zod';
import { defineCommand, type CommandMap } from './define';
import { headerPairs, idSchema } from '../model/common';
import type { CaptureSummary } from '../model/catcher';
import {
  SIGNATURE_SCHEMES,
  SIGNATURE_STATUSES,
  type CatcherToolsConfig,
  type ReplayResult,
  type SecretStorageKind,
  type SignatureResult,
  type SignatureStatus,
} from '../model/webhookTools';

export const schemeSchema = z.enum(SIGNATURE_SCHEMES);

const keyMatcherSchema = z.object({
  name: z.string().min(1).max(1024),
  kind: z.enum(['contains', 'equals', 'regex', 'exists']),
  value: z.string().max(64 * 1024).default(''),
});

export const mockRuleSchema = z.object({
  id: idSchema,
  name: z.string().max(200).default(''),
  enabled: z.boolean().default(true),
  methods: z.array(z.string().min(1).max(32)).max(32).default([]),
  pathGlob: z.string().max(4096).default(''),
  headers: z.array(keyMatcherSchema).max(100).default([]),
  query: z.array(keyMatcherSchema).max(100).default([]),
  body: z
    .object({
      kind: z.enum(['contains', 'regex', 'json']),
      path: z.string().max(1024).optional(),
      value: z.string().max(1024 * 1024).default(''),
    })
    .nullable()
    .default(null),
  response: z.object({
    status: z.number().int().min(100).max(599).default(200),
    headers: headerPairs.default([['Content-Type', 'application/json']]),
    body: z.string().max(10 * 1024 * 1024).default(''),
    delayMs: z.number().int().min(0).max(60_000).default(0),
  }),
});

const forwardSchema = z.object({
  /** Empty turns forwarding off. */
  target: z.string().max(4096),
  answerMode: z.enum(['configured', 'target']),
  timeoutMs: z.number().int().min(100).max(300_000),
});

export type ToolsConfigView = CatcherToolsConfig & { secretStorage: SecretStorageKind };

export const searchSchema = z
  .object({
    catcherId: idSchema.optional(),
    /** Case-insensitive substring over method, url, headers and body. */
    text: z.string().max(10_000).optional(),
    /** Substring over "Name: value" header lines. */
    header: z.string().max(10_000).optional(),
    /** Substring over the decoded query string. */
    query: z.string().max(10_000).optional(),
    /** Substring over the body (UTF-8 view). */
    body: z.string().max(10_000).optional(),
    methods: z.array(z.string().min(1).max(32)).max(64).optional(),
    /** Exact statuses answered, or classes like "2xx". */
    statuses: z.array(z.union([z.number().int().min(100).max(599), z.enum(['1xx', '2xx', '3xx', '4xx', '5xx'])])).max(100).optional(),
    signatureStatuses: z.array(z.enum(SIGNATURE_STATUSES as [SignatureStatus, ...SignatureStatus[]])).max(5).optional(),
    /** ISO 8601 bounds on receivedAt, inclusive. */
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    duplicates: z.enum(['any', 'only', 'exclude']).default('any'),
    afterSeq: z.number().int().min(0).optional(),
    beforeSeq: z.number().int().min(0).optional(),
    newest: z.boolean().default(false),
    limit: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();

export const webhookToolCommands = {
  'webhookTools.config.get': defineCommand<ToolsConfigView>()(z.object({ catcherId: idSchema }).strict()),
  'webhookTools.config.update': defineCommand<ToolsConfigView>()(
    z
      .object({
        catcherId: idSchema,
        tolerances: z.partialRecord(schemeSchema, z.number().int().min(0).max(10 * 365 * 86_400)).optional(),
        publicUrl: z.string().max(4096).optional(),
        forward: forwardSchema.partial().optional(),
        rules: z.array(mockRuleSchema).max(1000).optional(),
      })
      .strict(),
  ),
  'webhookTools.secrets.add': defineCommand<ToolsConfigView>()(
    z
      .object({
        catcherId: idSchema,
        scheme: schemeSchema,
        secret: z.string().min(1).max(4096),
        label: z.string().max(200).optional(),
        /** Keep in memory only (CLI). */
        ephemeral: z.boolean().default(false),
      })
      .strict(),
  ),
  'webhookTools.secrets.remove': defineCommand<ToolsConfigView>()(z.object({ catcherId: idSchema, secretId: idSchema }).strict()),
  /** Verify (again) with the current secrets; the capture's annotation is updated. */
  'webhookTools.verify': defineCommand<SignatureResult>()(z.object({ captureId: idSchema }).strict()),
  /** Send captures again: to `to`, or to each catcher's forward target when absent. */
  'webhookTools.replay': defineCommand<{ results: ReplayResult[] }>()(
    z
      .object({
        ids: z.array(idSchema).min(1).max(1000),
        to: z.string().max(4096).optional(),
        /** Re-sign with a fresh timestamp using the catcher's secret for the detected scheme. */
        resign: z.boolean().default(false),
        edits: z
          .object({
            method: z.string().min(1).max(32).optional(),
            headers: headerPairs.optional(),
            bodyBase64: z.string().max(200 * 1024 * 1024).optional(),
          })
          .strict()
          .optional(),
        timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
      })
      .strict(),
  ),
  /** Filtered list over summaries, headers and bodies; scans in slices so the engine stays responsive. */
  'webhookTools.search': defineCommand<{ items: CaptureSummary[]; total: number; scanned: number }>()(searchSchema),
} satisfies CommandMap;

export type WebhookToolEvent = { type: 'webhookTools.config'; config: ToolsConfigView };
