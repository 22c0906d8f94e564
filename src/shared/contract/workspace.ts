import { z } from 'zod';
import { defineCommand, type CommandMap } from './define';
import { idSchema } from '../model/common';
import { requestSpecSchema, type ResponseRecord } from '../model/http';
import {
  relPathSchema,
  variableDefSchema,
  variableNameSchema,
  type CookieView,
  type HistoryEntry,
  type HistorySummary,
  type ImportFormat,
  type ResolvedVariable,
  type SavedRequest,
  type SkippedItem,
  type WorkspaceInfo,
} from '../model/workspace';

// The workspace (issue 7). One workspace folder is open at a time (the last one is reopened when
// the engine starts). Requests are named by their workspace-relative file path. History and the
// cookie jar live in the engine's data directory, never in the workspace folder.

const dirSchema = z.string().min(1).max(4096);
const nameSchema = z.string().trim().min(1).max(200);
const collectionSchema = z.string().min(1).max(1000);

const importFormatSchema = z.enum(['curl', 'postman', 'postman-environment', 'insomnia', 'har', 'openapi']);

export const SNIPPET_TARGETS = [
  { id: 'shell:curl', label: 'cURL' },
  { id: 'javascript:fetch', label: 'JavaScript fetch' },
  { id: 'node:fetch', label: 'Node.js fetch' },
  { id: 'node:axios', label: 'Node.js axios' },
  { id: 'node:native', label: 'Node.js http' },
  { id: 'python:requests', label: 'Python requests' },
  { id: 'go:native', label: 'Go net/http' },
  { id: 'java:okhttp', label: 'Java OkHttp' },
  { id: 'csharp:httpclient', label: 'C# HttpClient' },
  { id: 'php:guzzle', label: 'PHP Guzzle' },
  { id: 'ruby:native', label: 'Ruby Net::HTTP' },
  { id: 'rust:reqwest', label: 'Rust reqwest' },
  { id: 'shell:httpie', label: 'HTTPie' },
  { id: 'powershell:restmethod', label: 'PowerShell' },
] as const;

export type SnippetTarget = (typeof SNIPPET_TARGETS)[number]['id'];
const snippetTargetSchema = z.enum(SNIPPET_TARGETS.map((t) => t.id) as [SnippetTarget, ...SnippetTarget[]]);

export interface ImportPreview {
  format: ImportFormat;
  name: string;
  requests: number;
  folders: number;
  environments: string[];
  skipped: SkippedItem[];
}

export interface HistoryQuery {
  /** Case-insensitive: URL, method, status code, request name, response body text. */
  text?: string;
  method?: string;
  /** A status code, or a class like "4xx". */
  status?: string;
}

const historyQuerySchema = z
  .object({
    text: z.string().max(10_000).optional(),
    method: z.string().max(64).optional(),
    status: z.string().max(8).optional(),
    limit: z.number().int().min(1).max(10_000).default(500),
    /** Only entries sent before this id (paging, newest first). */
    before: idSchema.optional(),
  })
  .strict();

const cookieSchema = z
  .object({
    key: z.string().min(1).max(4096),
    value: z.string().max(1024 * 1024),
    domain: z.string().min(1).max(1024),
    path: z.string().max(4096).default('/'),
    /** ISO date; absent for a session cookie. */
    expires: z.string().max(100).nullable().default(null),
    secure: z.boolean().default(false),
    httpOnly: z.boolean().default(false),
    sameSite: z.enum(['strict', 'lax', 'none']).nullable().default(null),
  })
  .strict();

export const workspaceCommands = {
  /** Opens (and with `create`, makes) a folder as the workspace. A collection folder opens its parent. */
  'workspace.open': defineCommand<WorkspaceInfo>()(z.object({ dir: dirSchema, create: z.boolean().default(false) }).strict()),
  'workspace.close': defineCommand<{ ok: true }>()(z.object({}).strict()),
  /** The open workspace, or null. */
  'workspace.get': defineCommand<WorkspaceInfo | null>()(z.object({}).strict()),
  'workspace.request.read': defineCommand<SavedRequest>()(z.object({ path: relPathSchema }).strict()),
  /**
   * Saves a request. With `path`, overwrites that file (keeping it where it is); otherwise creates
   * `<slug>.request.json` in `collection`/`folder` and adds it to the folder order.
   */
  'workspace.request.save': defineCommand<SavedRequest>()(
    z
      .object({
        path: relPathSchema.optional(),
        collection: collectionSchema.optional(),
        folder: relPathSchema.optional(),
        name: nameSchema,
        description: z.string().max(100_000).optional(),
        spec: requestSpecSchema,
      })
      .strict(),
  ),
  'workspace.request.delete': defineCommand<{ ok: true }>()(z.object({ path: relPathSchema }).strict()),
  'workspace.request.rename': defineCommand<SavedRequest>()(z.object({ path: relPathSchema, name: nameSchema }).strict()),
  'workspace.collection.create': defineCommand<WorkspaceInfo>()(z.object({ name: nameSchema }).strict()),
  'workspace.collection.update': defineCommand<WorkspaceInfo>()(
    z
      .object({
        collection: collectionSchema,
        name: nameSchema.optional(),
        description: z.string().max(100_000).optional(),
        variables: z.array(variableDefSchema).max(10_000).optional(),
      })
      .strict(),
  ),
  'workspace.collection.delete': defineCommand<WorkspaceInfo>()(z.object({ collection: collectionSchema }).strict()),
  'workspace.folder.create': defineCommand<WorkspaceInfo>()(
    z.object({ collection: collectionSchema, parent: relPathSchema.optional(), name: nameSchema }).strict(),
  ),
  'workspace.folder.delete': defineCommand<WorkspaceInfo>()(z.object({ path: relPathSchema }).strict()),
  /** Creates or replaces an environment. Secret values given here go to the secret store, never the file. */
  'workspace.environment.save': defineCommand<WorkspaceInfo>()(
    z
      .object({
        name: nameSchema,
        /** When renaming: the old name. */
        previousName: nameSchema.optional(),
        variables: z.array(variableDefSchema).max(10_000),
      })
      .strict(),
  ),
  'workspace.environment.delete': defineCommand<WorkspaceInfo>()(z.object({ name: nameSchema }).strict()),
  'workspace.environment.activate': defineCommand<WorkspaceInfo>()(z.object({ name: nameSchema.nullable() }).strict()),
  'workspace.globals.save': defineCommand<WorkspaceInfo>()(z.object({ variables: z.array(variableDefSchema).max(10_000) }).strict()),
  /**
   * Resolved variables for a collection (or none) with the active environment: which scope won,
   * and which names of `spec` are unresolved. Secret values are never returned.
   */
  'workspace.variables': defineCommand<{ variables: ResolvedVariable[]; unresolved: string[]; missingSecrets: string[] }>()(
    z
      .object({
        collection: collectionSchema.optional(),
        spec: requestSpecSchema.optional(),
        /** Use this environment instead of the active one (null: none). */
        environment: nameSchema.nullable().optional(),
      })
      .strict(),
  ),
  /**
   * Sends through the HTTP sender with the workspace's variables (global < collection < active
   * environment < `variables`) and cookie jar; recorded in history.
   */
  'workspace.send': defineCommand<ResponseRecord>()(
    z
      .object({
        spec: requestSpecSchema,
        collection: collectionSchema.optional(),
        variables: z.record(variableNameSchema, z.string().max(1024 * 1024)).optional(),
        /** Use this environment instead of the active one (null: none). */
        environment: nameSchema.nullable().optional(),
        requestId: z.string().min(1).max(200).optional(),
        source: z.string().max(50).optional(),
      })
      .strict(),
  ),

  'history.list': defineCommand<{ items: HistorySummary[]; total: number; bytes: number; limitBytes: number }>()(historyQuerySchema),
  'history.get': defineCommand<HistoryEntry>()(z.object({ id: idSchema }).strict()),
  /** Stored response body bytes (base64) in ranges. */
  'history.body': defineCommand<{ base64: string; offset: number; total: number }>()(
    z
      .object({ id: idSchema, offset: z.number().int().min(0).default(0), length: z.number().int().min(0).max(64 * 1024 * 1024).default(1024 * 1024) })
      .strict(),
  ),
  'history.delete': defineCommand<{ ok: true }>()(z.object({ id: idSchema }).strict()),
  'history.clear': defineCommand<{ removed: number }>()(z.object({}).strict()),
  /** Sends the entry's request again (variables resolved with today's environment). */
  'history.resend': defineCommand<ResponseRecord>()(z.object({ id: idSchema, requestId: z.string().min(1).max(200).optional() }).strict()),
  /** HAR 1.2 of the given entries, or of all that match the query. */
  'history.exportHar': defineCommand<{ har: string; count: number }>()(
    z.object({ ids: z.array(idSchema).max(100_000).optional(), text: z.string().max(10_000).optional() }).strict(),
  ),

  'cookies.list': defineCommand<CookieView[]>()(z.object({ domain: z.string().max(1024).optional() }).strict()),
  'cookies.set': defineCommand<CookieView>()(cookieSchema),
  'cookies.delete': defineCommand<{ removed: number }>()(
    z.object({ domain: z.string().min(1).max(1024), path: z.string().max(4096), key: z.string().min(1).max(4096) }).strict(),
  ),
  'cookies.clear': defineCommand<{ removed: number }>()(z.object({ domain: z.string().max(1024).optional() }).strict()),

  /** Parses without writing anything: what would be imported and what would be skipped. */
  'import.preview': defineCommand<ImportPreview>()(
    z.object({ text: z.string().min(1).max(64 * 1024 * 1024), format: importFormatSchema.optional() }).strict(),
  ),
  /** Imports into the open workspace as a new collection folder (environments too). */
  'import.run': defineCommand<{ format: ImportFormat; collection: string | null; environments: string[]; skipped: SkippedItem[]; info: WorkspaceInfo }>()(
    z
      .object({
        text: z.string().min(1).max(64 * 1024 * 1024),
        format: importFormatSchema.optional(),
        name: nameSchema.optional(),
      })
      .strict(),
  ),
  /** A request as cURL or a code snippet (variables resolved unless `raw`). */
  'export.request': defineCommand<{ text: string; language: string }>()(
    z
      .object({
        spec: requestSpecSchema,
        target: snippetTargetSchema.default('shell:curl'),
        collection: collectionSchema.optional(),
        /** Keep {{variables}} as written instead of resolving them. */
        raw: z.boolean().default(false),
      })
      .strict(),
  ),
  /** A collection as Postman v2.1 JSON; `skipped` lists what Postman cannot hold. */
  'export.collection': defineCommand<{ text: string; filename: string; skipped: SkippedItem[] }>()(
    z.object({ collection: collectionSchema }).strict(),
  ),
} satisfies CommandMap;

export type WorkspaceEvent =
  /** The workspace changed: saved here or edited outside (git pull). Refetch with workspace.get. */
  | { type: 'workspace.changed'; dir: string | null; external: boolean; paths: string[] }
  | { type: 'history.added'; entry: HistorySummary }
  | { type: 'history.removed'; ids: string[] | 'all' }
  | { type: 'cookies.changed' };
