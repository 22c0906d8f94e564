import path from 'node:path';
import { parseArgs } from 'node:util';
import { toCapture } from '../../../engine/catcher/view';
import { CaptureStore } from '../../../engine/store/captureStore';
import { seqFromId } from '../../../engine/store/codec';
import { ToolsConfigStore } from '../../../engine/webhookTools/configStore';
import { joinTarget } from '../../../engine/webhookTools/relay';
import { sendReplay } from '../../../engine/webhookTools/replay';
import { PLAIN_SECRET_BOX } from '../../../engine/webhookTools/secretBox';
import { toErrorShape } from '../../../shared/errors';
import type { ReplayResult } from '../../../shared/model/webhookTools';
import { resolveDataDir } from '../../dataDir';
import { parseToolFlags } from '../webhookToolsFlags';

const HELP = `Usage: switchboard captures replay ID [ID…] [--to URL] [--resign] [--data-dir D] [--json]

Send stored captures again: exact body bytes, method and headers (Host and Content-Length recomputed).

Options:
      --to URL        Where to send (default: the catcher's forward target + the capture's path)
      --resign        Re-sign with a fresh timestamp using the catcher's stored secret for the
                      detected scheme (Stripe, GitHub, Slack, Shopify, Standard Webhooks/Svix,
                      Twilio, Paddle; Discord cannot be re-signed without its private key)
      --secret SCHEME:SECRET  Use this secret for --resign (this run only; repeatable)
      --timeout MS    Per-request timeout (default 30000)
      --json          One JSON object per capture: {captureId,url,resigned,outcome}
      --data-dir DIR  Engine data directory
  -h, --help          This help

Exit status: 0 when every replay got a response, 1 when any failed, 2 for bad usage.
`;

export async function capturesReplayCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        secret: { type: 'string', multiple: true },
        resign: { type: 'boolean' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`switchboard captures replay: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  const o = parsed.values;
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    process.stderr.write(`switchboard captures replay: give at least one capture ID\n\n${HELP}`);
    return 2;
  }
  const timeoutMs = o.timeout === undefined ? 30_000 : Number(o.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    process.stderr.write('switchboard captures replay: --timeout is a whole number of milliseconds, at least 100\n');
    return 2;
  }
  let flags;
  try {
    flags = parseToolFlags({ secret: o.secret });
  } catch (err) {
    process.stderr.write(`switchboard captures replay: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  // Read-only, like `captures list`: works while a catcher (desktop, serve, catch) owns the store.
  const dataDir = resolveDataDir(o['data-dir']);
  const store = await CaptureStore.open(path.join(dataDir, 'captures'), { readOnly: true });
  const tools = new ToolsConfigStore(dataDir, PLAIN_SECRET_BOX);
  let failed = false;
  try {
    for (const id of parsed.positionals) {
      const seq = seqFromId(id);
      const stored = seq === null ? null : await store.get(seq);
      let result: ReplayResult;
      if (seq === null || !stored) {
        result = { captureId: id, url: '', resigned: null, outcome: { ok: false, error: { code: 'NOT_FOUND', message: `No capture with id ${id}.` }, durationMs: 0 } };
      } else {
        const capture = toCapture(stored);
        const body = (await store.readBody(seq)) ?? Buffer.alloc(0);
        const target = tools.get(capture.catcherId).forward.target;
        const secrets = [
          ...flags.secrets.map((s, i) => ({ id: `cli${i}`, scheme: s.scheme, label: `--secret ${s.scheme}`, secret: s.secret })),
          ...tools.secretsFor(capture.catcherId),
        ];
        if (!o.to && !target) {
          result = { captureId: id, url: '', resigned: null, outcome: { ok: false, error: { code: 'FORWARD_NOT_CONFIGURED', message: `Capture ${id}'s catcher has no forward target: give --to URL.` }, durationMs: 0 } };
        } else {
          let url = o.to ?? '';
          try {
            if (!url) url = joinTarget(target, capture.url);
            result = await sendReplay(
              { captureId: id, method: capture.method, headers: capture.headers, body, url, resign: !!o.resign, secrets, timeoutMs, nowSeconds: Math.floor(Date.now() / 1000) },
              null,
            );
          } catch (err) {
            result = { captureId: id, url, resigned: null, outcome: { ok: false, error: toErrorShape(err), durationMs: 0 } };
          }
        }
      }
      print(result);
    }
  } finally {
    await store.close();
  }

  function print(r: ReplayResult): void {
    if (!r.outcome.ok) failed = true;
    if (o.json) {
      process.stdout.write(JSON.stringify(r) + '\n');
      return;
    }
    const head = r.outcome.ok ? `${r.outcome.status}` : `ERROR ${r.outcome.error.code}: ${r.outcome.error.message}`;
    process.stdout.write(`${r.captureId} → ${r.url || '(no target)'}  ${head}  ${Math.round(r.outcome.durationMs)} ms\n`);
    if (r.resigned) process.stdout.write(`  ${r.resigned.ok ? 're-signed' : 'not re-signed'} (${r.resigned.scheme}): ${r.resigned.message}\n`);
    else if (o.resign && r.outcome.ok) process.stdout.write('  not re-signed: no signature header detected\n');
  }
  return failed ? 1 : 0;
}
