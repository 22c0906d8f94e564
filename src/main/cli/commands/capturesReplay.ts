import { parseArgs } from 'node:util';
import { createEngine } from '../../../engine';
import { toErrorShape } from '../../../shared/errors';
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
  const engine = await createEngine({ dataDir: resolveDataDir(o['data-dir']), door: 'cli' });
  let failed = false;
  try {
    if (flags.secrets.length) {
      for (const id of parsed.positionals) {
        const c = await engine.invoke('captures.get', { id });
        for (const s of flags.secrets) await engine.invoke('webhookTools.secrets.add', { catcherId: c.catcherId, scheme: s.scheme, secret: s.secret, ephemeral: true });
      }
    }
    const { results } = await engine.invoke('webhookTools.replay', {
      ids: parsed.positionals,
      ...(o.to ? { to: o.to } : {}),
      resign: !!o.resign,
      timeoutMs,
    });
    for (const r of results) {
      if (!r.outcome.ok) failed = true;
      if (o.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        continue;
      }
      const head = r.outcome.ok ? `${r.outcome.status}` : `ERROR ${r.outcome.error.code}: ${r.outcome.error.message}`;
      process.stdout.write(`${r.captureId} → ${r.url || '(no target)'}  ${head}  ${Math.round(r.outcome.durationMs)} ms\n`);
      if (r.resigned) process.stdout.write(`  ${r.resigned.ok ? 're-signed' : 'not re-signed'} (${r.resigned.scheme}): ${r.resigned.message}\n`);
    }
  } catch (err) {
    const e = toErrorShape(err);
    if (o.json) process.stdout.write(JSON.stringify({ error: { code: e.code, message: e.message } }) + '\n');
    else process.stderr.write(`switchboard captures replay: ${e.code}: ${e.message}\n`);
    failed = true;
  } finally {
    await engine.close();
  }
  return failed ? 1 : 0;
}
