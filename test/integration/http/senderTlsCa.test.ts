import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echo, startHttps, type Started } from './servers';

// Certificate problems other than self-signed need a CA the client trusts: the CLI runs in its own
// process, so NODE_EXTRA_CA_CERTS can add a test CA made here with the real openssl binary.

const BIN = fileURLToPath(new URL('../../../bin/switchboard.js', import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-ca-'));
const f = (name: string): string => path.join(dir, name);

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function makeCa(): Promise<void> {
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Switchboard Test CA']);
  // A valid certificate for localhost/127.0.0.1, one for another name, and one that expired in 2020.
  for (const [name, cn, san] of [['good', 'localhost', 'DNS:localhost,IP:127.0.0.1'], ['other', 'example.test', 'DNS:example.test']] as const) {
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\n`);
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  }
  mkdirSync(f('db'));
  writeFileSync(f('db/index.txt'), '');
  writeFileSync(f('db/serial'), '01\n');
  writeFileSync(
    f('ca.cnf'),
    '[ ca ]\ndefault_ca = test\n[ test ]\ndir = .\ndatabase = ./db/index.txt\nnew_certs_dir = ./db\nserial = ./db/serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\n[ any ]\ncommonName = supplied\n',
  );
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'old.key', '-out', 'old.csr', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  await openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'old.csr', '-out', 'old.pem', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
}

function send(url: string): Promise<{ code: number; out: Record<string, unknown> }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'send', '--json', '--data-dir', f('data'), url],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: f('ca.pem') }, timeout: 30_000 },
      (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: JSON.parse(stdout) as Record<string, unknown> }),
    );
  });
}

const servers: Record<string, Started<https.Server>> = {};

beforeAll(async () => {
  await makeCa();
  for (const name of ['good', 'other', 'old']) {
    servers[name] = await startHttps({ key: readFileSync(f(`${name}.key`), 'utf8'), cert: readFileSync(f(`${name}.pem`), 'utf8') }, echo);
  }
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('TLS certificate problems, named', () => {
  it('accepts a certificate from a trusted CA, and says it verified', async () => {
    const r = await send(`https://localhost:${servers.good!.port}/ok`);
    expect(r.code).toBe(0);
    expect(r.out).toMatchObject({ status: 200, tlsVerified: true, tls: { authorized: true, subject: 'localhost', issuer: 'Switchboard Test CA' } });
  });

  it('names a host name mismatch', async () => {
    const r = await send(`https://localhost:${servers.other!.port}/`);
    expect(r.code).toBe(1);
    expect(r.out.error).toMatchObject({ code: 'HTTP_TLS_FAILED' });
    expect((r.out.error as { message: string }).message).toMatch(/does not match the host name/);
  });

  it('names an expired certificate', async () => {
    const r = await send(`https://localhost:${servers.old!.port}/`);
    expect(r.code).toBe(1);
    expect(r.out.error).toMatchObject({ code: 'HTTP_TLS_FAILED' });
    expect((r.out.error as { message: string }).message).toMatch(/expired/);
  });
});
