import type { CatcherSettings, CatcherState } from '../../../../shared/model/catcher';
import { engine } from '../../client/instance';
import { downloadBlob } from '../../components/clipboard';
import { explainError } from '../../components/errorHints';
import { toast } from '../../components/toastStore';
import { filterParams, useWebhooks } from './store';

// Commands that the views trigger; failures become toasts with what to do.

export async function startCatcher(c: CatcherState): Promise<void> {
  try {
    await engine().invoke('catchers.start', { id: c.id });
  } catch (err) {
    toast.error(`Could not start “${c.name}”: ${explainError(err)}`);
  }
}

export async function stopCatcher(c: CatcherState): Promise<void> {
  try {
    await engine().invoke('catchers.stop', { id: c.id });
  } catch (err) {
    toast.error(`Could not stop “${c.name}”: ${explainError(err)}`);
  }
}

/** Throws with an explained message so the dialog can show it next to the fields. */
export async function createCatcher(settings: CatcherSettings): Promise<CatcherState> {
  try {
    const created = await engine().invoke('catchers.create', { ...settings, start: true });
    useWebhooks.getState().selectCatcher(created.id);
    await useWebhooks.getState().reloadCatchers();
    return created;
  } catch (err) {
    throw new Error(explainError(err), { cause: err });
  }
}

export async function updateCatcher(id: string, settings: Partial<CatcherSettings>): Promise<CatcherState> {
  try {
    const updated = await engine().invoke('catchers.update', { id, settings });
    await useWebhooks.getState().reloadCatchers();
    return updated;
  } catch (err) {
    throw new Error(explainError(err), { cause: err });
  }
}

export async function deleteCatcher(id: string, deleteCaptures: boolean): Promise<void> {
  try {
    await engine().invoke('catchers.delete', { id, deleteCaptures });
    await useWebhooks.getState().reloadCatchers();
    if (deleteCaptures) await useWebhooks.getState().reloadCaptures();
  } catch (err) {
    throw new Error(explainError(err), { cause: err });
  }
}

export async function clearCaptures(): Promise<void> {
  const { catcherId } = useWebhooks.getState();
  try {
    const r = await engine().invoke('captures.clear', catcherId ? { catcherId } : {});
    useWebhooks.getState().select(null);
    await useWebhooks.getState().reloadCaptures();
    toast.info(`Cleared ${r.removed.toLocaleString()} ${r.removed === 1 ? 'capture' : 'captures'}`);
  } catch (err) {
    toast.error(`Could not clear: ${explainError(err)}`);
  }
}

/** HAR 1.2 of the given captures, or of everything the current filter matches. */
export async function exportHar(ids?: string[]): Promise<void> {
  try {
    const r = await engine().invoke('captures.exportHar', ids ? { ids } : filterParams());
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    downloadBlob(r.har, `switchboard-${stamp}.har`, 'application/json');
    toast.success(`Exported ${r.count.toLocaleString()} ${r.count === 1 ? 'capture' : 'captures'} as HAR`);
  } catch (err) {
    toast.error(`Export failed: ${explainError(err)}`);
  }
}
