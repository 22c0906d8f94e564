import { z } from 'zod';
import type { HeaderPairs } from './common';
import type { RequestAuth, RequestSpec, ResponseRecord } from './http';
import type { EngineErrorShape } from '../errors';

// The workspace (issue 7): collections kept as plain files, environments, cookie jar, history and
// import/export. Paths are POSIX-style and relative to the workspace folder; a request's path is
// its identity (no generated ids in the files, so diffs stay small and reviewable).

/** A variable as written in a scope. Secret values never go into workspace files. */
export interface VariableDef {
  name: string;
  value: string;
  enabled: boolean;
  secret?: boolean;
  description?: string;
}

/** Where a variable's value came from, lowest precedence first. */
export type VariableScope = 'global' | 'collection' | 'environment';
export const VARIABLE_SCOPES: readonly VariableScope[] = ['global', 'collection', 'environment'];

export interface Environment {
  name: string;
  variables: VariableDef[];
}

/** A folder or collection as held in memory (a collection is the top folder). */
export interface CollectionFolder {
  name: string;
  description?: string;
  items: CollectionItem[];
}

export interface CollectionRequest {
  name: string;
  description?: string;
  spec: RequestSpec;
}

export type CollectionItem =
  | ({ kind: 'folder' } & CollectionFolder)
  | ({ kind: 'request' } & CollectionRequest);

export interface Collection extends CollectionFolder {
  variables: VariableDef[];
  /** Auth inherited by requests whose own auth is 'none' is NOT applied implicitly; kept for export. */
  auth?: RequestAuth;
}

/** What an importer could not carry over; always shown to the user. */
export interface SkippedItem {
  /** Where in the source (e.g. "Users / Create user › pre-request script"). */
  where: string;
  reason: string;
}

export type ImportFormat = 'curl' | 'postman' | 'postman-environment' | 'insomnia' | 'har' | 'openapi' | 'switchboard';

export interface ImportResult {
  format: ImportFormat;
  collection: Collection;
  environments: Environment[];
  skipped: SkippedItem[];
}

// ---- As seen through the contract ----

export interface TreeRequest {
  kind: 'request';
  name: string;
  /** Workspace-relative path of the .request.json file: the request's identity. */
  path: string;
  method: string;
  url: string;
}

export interface TreeFolder {
  kind: 'folder';
  name: string;
  /** Workspace-relative folder path. */
  path: string;
  children: TreeNode[];
}

export type TreeNode = TreeFolder | TreeRequest;

export interface CollectionInfo {
  name: string;
  /** Folder name inside the workspace. */
  path: string;
  description?: string;
  variables: VariableView[];
  children: TreeNode[];
}

/** A variable as the UI sees it: secret values are never sent, only whether one is stored. */
export interface VariableView {
  name: string;
  /** Empty for secrets. */
  value: string;
  enabled: boolean;
  secret: boolean;
  /** For secrets: a value is available (secret box, SWITCHBOARD_VAR_*, secrets file). */
  hasValue: boolean;
  description?: string;
}

export interface EnvironmentInfo {
  name: string;
  variables: VariableView[];
}

export type SecretStorage = 'os-keychain' | 'plain-file' | 'env-only';

export interface WorkspaceInfo {
  /** Absolute folder path. */
  dir: string;
  name: string;
  globals: VariableView[];
  collections: CollectionInfo[];
  environments: EnvironmentInfo[];
  activeEnvironment: string | null;
  secretStorage: SecretStorage;
  /** Set when secrets are not encrypted at rest (no OS keychain); shown as a warning. */
  secretWarning: string | null;
  /** Files that could not be read (bad JSON…): listed, never silently dropped. */
  problems: SkippedItem[];
}

export interface SavedRequest {
  path: string;
  collection: string;
  name: string;
  description?: string;
  spec: RequestSpec;
}

/** One resolved variable with the scope that won and the scopes it shadows. */
export interface ResolvedVariable {
  name: string;
  scope: VariableScope;
  /** Null for secrets (the value stays in the engine). */
  value: string | null;
  secret: boolean;
  /** Lower-precedence scopes that also define it. */
  overrides: VariableScope[];
}

export interface CookieView {
  key: string;
  value: string;
  domain: string;
  path: string;
  /** ISO date, or null for a session cookie. */
  expires: string | null;
  secure: boolean;
  httpOnly: boolean;
  hostOnly: boolean;
  sameSite: string | null;
  creation: string | null;
}

export interface HistorySummary {
  id: string;
  /** ISO time the send started. */
  at: string;
  /** Local day key (YYYY-MM-DD, engine's time zone) for grouping. */
  day: string;
  method: string;
  url: string;
  status: number | null;
  /** Error code when the send failed. */
  errorCode: string | null;
  timeMs: number | null;
  responseBytes: number;
  source: string | null;
  name: string | null;
}

export interface HistoryEntry extends HistorySummary {
  /** The request as written (variables unresolved), so it can be resent with today's environment. */
  spec: RequestSpec;
  /** What went on the wire, when a response came. */
  sent: { method: string; url: string; headers: HeaderPairs; bodySize: number } | null;
  response: Omit<ResponseRecord, 'request'> | null;
  error: EngineErrorShape | null;
  /** Response body bytes kept (may be less than the body when it exceeded the per-entry cap). */
  bodyKept: number;
  bodyTruncated: boolean;
}

export type ExportFormat = 'curl' | 'postman' | 'har' | 'snippet';

// ---- Schemas ----

export const variableNameSchema = z.string().min(1).max(1000).regex(/^[^{}]+$/, 'Variable names cannot hold { or }.');

export const variableDefSchema = z.object({
  name: variableNameSchema,
  value: z.string().max(1024 * 1024).default(''),
  enabled: z.boolean().default(true),
  secret: z.boolean().optional(),
  description: z.string().max(10_000).optional(),
});

export const relPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.split('/').some((seg) => seg === '..' || seg === '') && !p.startsWith('/') && !p.includes('\\'), {
    message: 'Must be a relative path inside the workspace (no "..", no leading slash).',
  });
