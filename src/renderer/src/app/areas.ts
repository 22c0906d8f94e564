import type { ComponentType } from 'react';
import type { IconName } from '../components/Icon';
import type { AreaId } from './appStore';
import Webhooks from '../features/webhooks';
import Requests from '../features/requests';
import Sockets from '../features/sockets';
import Settings from '../features/settings';

export interface Area {
  id: AreaId;
  label: string;
  icon: IconName;
  /** Ctrl/Cmd + this digit opens the area. */
  digit: string;
  View: ComponentType;
}

// The area registry: one line per area; each view is features/<area>/index.tsx.
export const areas: Area[] = [
  { id: 'webhooks', label: 'Webhooks', icon: 'webhook', digit: '1', View: Webhooks },
  { id: 'requests', label: 'Requests', icon: 'send', digit: '2', View: Requests },
  { id: 'sockets', label: 'WebSockets', icon: 'socket', digit: '3', View: Sockets },
  { id: 'settings', label: 'Settings', icon: 'settings', digit: ',', View: Settings },
];
