import type { CatcherState } from '../../../../shared/model/catcher';
import { TunnelLine } from './TunnelLine';

/** The tunnel line under a catcher in the Webhooks sidebar. */
export function CatcherTunnel({ catcher }: { catcher: CatcherState }) {
  return <TunnelLine target={{ kind: 'catcher', id: catcher.id }} label={catcher.name} running={catcher.status === 'running'} localHostPlaceholder={catcher.host} />;
}
