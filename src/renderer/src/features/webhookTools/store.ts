import { create } from 'zustand';
import type { CommandInput } from '../../../../shared/contract';
import type { ToolsConfigView } from '../../../../shared/contract/webhookTools';
import type { CaptureSummary } from '../../../../shared/model/catcher';
import type { SignatureStatus } from '../../../../shared/model/webhookTools';
import { engine, errorText } from '../../client/instance';
import { loadPref, savePref } from '../../components/persist';
import { toast } from '../../components/toastStore';

// Webhook-tool state for the UI: per-catcher configs (kept fresh by events) and the extra list
// filters (signature status, status class, time range) that switch the list to webhookTools.search.

export type StatusClass = '' | '2xx' | '3xx' | '4xx' | '5xx';

export interface ToolFilters {
  signature: '' | SignatureStatus;
  status: StatusClass;
  /** datetime-local strings (local time), empty = open. */
  from: string;
  to: string;
  duplicates: 'any' | 'only' | 'exclude';
}

export const NO_TOOL_FILTERS: ToolFilters = { signature: '', status: '', from: '', to: '', duplicates: 'any' };

interface ToolsState {
  configs: Record<string, ToolsConfigView>;
  configErrors: Record<string, string>;
  filters: ToolFilters;
  loadConfig(catcherId: string): Promise<ToolsConfigView | null>;
  setFilters(patch: Partial<ToolFilters>): void;
}

let onFiltersChanged: (() => void) | null = null;
/** The list store registers its reload here (keeps the dependency one-way). */
export function onToolFiltersChanged(fn: () => void): void {
  onFiltersChanged = fn;
}

export const useTools = create<ToolsState>((set) => ({
  configs: {},
  configErrors: {},
  filters: { ...NO_TOOL_FILTERS, ...loadPref<Partial<ToolFilters>>('webhookTools:filters', {}) },
  async loadConfig(catcherId) {
    try {
      const config = await engine().invoke('webhookTools.config.get', { catcherId });
      set((s) => ({ configs: { ...s.configs, [catcherId]: config } }));
      return config;
    } catch (err) {
      set((s) => ({ configErrors: { ...s.configErrors, [catcherId]: errorText(err) } }));
      return null;
    }
  },
  setFilters(patch) {
    set((s) => {
      const filters = { ...s.filters, ...patch };
      savePref('webhookTools:filters', filters);
      return { filters };
    });
    onFiltersChanged?.();
  },
}));

export function toolFiltersActive(f: ToolFilters = useTools.getState().filters): boolean {
  return f.signature !== '' || f.status !== '' || f.from !== '' || f.to !== '' || f.duplicates !== 'any';
}

function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** Extra params for webhookTools.search from the tool filters. */
export function toolSearchParams(): Partial<CommandInput<'webhookTools.search'>> {
  const f = useTools.getState().filters;
  const from = isoOf(f.from);
  const to = isoOf(f.to);
  return {
    ...(f.signature ? { signatureStatuses: [f.signature] } : {}),
    ...(f.status ? { statuses: [f.status] } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    duplicates: f.duplicates,
  };
}

/**
 * The list's query: captures.list when only the basic filters are on, webhookTools.search when a
 * tool filter is on. Same result shape, same paging parameters.
 */
export async function listCaptures(
  params: { catcherId?: string; text?: string; methods?: string[]; beforeSeq?: number; newest?: boolean; limit?: number },
): Promise<{ items: CaptureSummary[]; total: number }> {
  if (!toolFiltersActive()) return engine().invoke('captures.list', params);
  return engine().invoke('webhookTools.search', { ...params, ...toolSearchParams() });
}

/** Same decision for one live capture (summary fields only). */
export function matchesToolFilters(c: CaptureSummary): boolean {
  const f = useTools.getState().filters;
  if (f.signature && (c.signatureStatus ?? 'unsigned') !== f.signature) return false;
  if (f.status && Math.floor(c.responseStatus / 100) !== Number(f.status[0])) return false;
  if (f.duplicates === 'only' && !c.duplicateOf) return false;
  if (f.duplicates === 'exclude' && c.duplicateOf) return false;
  const t = Date.parse(c.receivedAt);
  const from = isoOf(f.from);
  const to = isoOf(f.to);
  if (from && t < Date.parse(from)) return false;
  if (to && t > Date.parse(to)) return false;
  return true;
}

/** Keep configs fresh; call once when the Webhooks area mounts. */
export function startTools(): () => void {
  return engine().subscribe((events) => {
    for (const ev of events) {
      if (ev.type === 'webhookTools.config') useTools.setState((s) => ({ configs: { ...s.configs, [ev.config.catcherId]: ev.config } }));
    }
  });
}

/** Save part of a catcher's tool config; a toast says why when it is refused. */
export async function updateToolsConfig(params: CommandInput<'webhookTools.config.update'>): Promise<boolean> {
  try {
    const next = await engine().invoke('webhookTools.config.update', params);
    useTools.setState((s) => ({ configs: { ...s.configs, [next.catcherId]: next } }));
    return true;
  } catch (err) {
    toast.error(errorText(err));
    return false;
  }
}
