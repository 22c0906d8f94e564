import { useEffect } from 'react';
import { SplitPane } from '../../components/SplitPane';
import { CaptureDetail } from './CaptureDetail';
import { CaptureList } from './CaptureList';
import { CatcherSidebar } from './CatcherSidebar';
import { startWebhooks } from './store';
import './webhooks.css';

export default function Webhooks() {
  useEffect(() => startWebhooks(), []);
  return (
    <SplitPane
      storageKey="webhooks.sidebar"
      initial={280}
      min={200}
      max={480}
      first={<CatcherSidebar />}
      second={<SplitPane storageKey="webhooks.list" fraction initial={0.54} min={340} max={1400} first={<CaptureList />} second={<CaptureDetail />} />}
    />
  );
}
