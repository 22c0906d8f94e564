import type { Timings } from '../../../../shared/model/http';
import { formatDuration } from '../../components/format';

const PHASES: Array<[keyof Timings, string, string]> = [
  ['socketWait', 'Socket wait', 'Waiting for a free socket (or the proxy tunnel)'],
  ['dns', 'DNS lookup', 'Resolving the host name'],
  ['tcp', 'TCP connect', 'Opening the connection'],
  ['tls', 'TLS handshake', 'Negotiating TLS'],
  ['send', 'Request sent', 'Writing the request head and body'],
  ['ttfb', 'Waiting (TTFB)', 'From the request sent to the response head'],
  ['download', 'Download', 'Receiving the body'],
];

/** One bar per phase, offset by the phases before it, as in browsers' devtools. */
export function Waterfall({ timings, label }: { timings: Timings; label?: string }) {
  const total = timings.total || 1;
  let offset = 0;
  return (
    <div className="rq-waterfall" aria-label={label ?? 'Timing'}>
      {PHASES.map(([key, name, help]) => {
        const ms = timings[key];
        const left = (offset / total) * 100;
        offset += ms;
        const width = Math.max((ms / total) * 100, ms > 0 ? 0.5 : 0);
        return (
          <div className="rq-wf-row" key={key} title={help} data-phase={key}>
            <span className="rq-wf-name">{name}</span>
            <span className="rq-wf-track">
              <span className={`rq-wf-bar rq-wf-${key}`} style={{ left: `${left}%`, width: `${width}%` }} />
            </span>
            <span className="rq-wf-ms mono">{ms > 0 ? formatDuration(ms) : '—'}</span>
          </div>
        );
      })}
      <div className="rq-wf-row rq-wf-total">
        <span className="rq-wf-name">Total</span>
        <span className="rq-wf-track" />
        <span className="rq-wf-ms mono" data-testid="timing-total">{formatDuration(timings.total)}</span>
      </div>
    </div>
  );
}
