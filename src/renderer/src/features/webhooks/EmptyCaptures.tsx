import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { startCatcher } from './actions';
import { sampleCurl } from './curl';
import { useWebhooks } from './store';

/** Teaches: the catcher's URL and a curl command whose request will appear right here. */
export function EmptyCaptures() {
  const catchers = useWebhooks((s) => s.catchers);
  const catcherId = useWebhooks((s) => s.catcherId);
  const loaded = useWebhooks((s) => s.catchersLoaded);
  const catcher = catchers.find((c) => c.id === catcherId) ?? (catchers.length === 1 ? catchers[0] : undefined);
  if (!loaded) return null;
  if (!catcher) {
    return (
      <div className="empty">
        <Icon name="webhook" size={32} />
        <h3>No captures yet</h3>
        <p>{catchers.length === 0 ? 'Create a catcher on the left to get a URL that records every request.' : 'Requests sent to any catcher appear here live.'}</p>
      </div>
    );
  }
  if (!catcher.url) {
    return (
      <div className="empty">
        <Icon name="webhook" size={32} />
        <h3>“{catcher.name}” is stopped</h3>
        <p>Start it to get a URL; requests sent to it will appear here as they arrive.</p>
        <button type="button" className="btn primary" onClick={() => void startCatcher(catcher)}>
          <Icon name="play" size={14} /> Start
        </button>
      </div>
    );
  }
  const cmd = sampleCurl(catcher.url);
  return (
    <div className="empty wh-empty-live" data-testid="empty-catcher">
      <span className="wh-waiting">
        <span className="wh-dot wh-dot-running" /> Waiting for requests…
      </span>
      <p>Send anything to this URL — any method, any path — and it appears here live:</p>
      <div className="wh-empty-url">
        <span className="mono truncate">{catcher.url}</span>
        <CopyButton text={catcher.url} label="Copy URL" what="URL" />
      </div>
      <p>Try it from a terminal:</p>
      <div className="wh-empty-cmd">
        <pre className="mono" data-testid="sample-curl">{cmd}</pre>
        <CopyButton text={cmd} label="Copy command" what="Command" />
      </div>
    </div>
  );
}
