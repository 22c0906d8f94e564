import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envVarName, SecretStore } from '../../../src/engine/workspace/secrets';
import type { SecretBox } from '../../../src/engine/webhookTools/secretBox';

// A stand-in for Electron's safeStorage (the Electron binary cannot run here): reversible, and
// visibly not plain text, so the test can tell what reached the disk.
const FAKE_KEYCHAIN: SecretBox = {
  kind: 'os-encrypted',
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse().toString('base64'),
  decrypt: (data) => Buffer.from(data, 'base64').reverse().toString('utf8'),
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'sb-secrets-'));
  dirs.push(d);
  return d;
}

describe('secret variables', () => {
  it('names environment variables predictably', () => {
    expect(envVarName('api-token')).toBe('SWITCHBOARD_VAR_API_TOKEN');
    expect(envVarName('db.password')).toBe('SWITCHBOARD_VAR_DB_PASSWORD');
  });

  it('stores values through the secret box only, and reports no warning with an OS keychain', async () => {
    const d = tmp();
    const file = path.join(d, 'secrets.json');
    const store = new SecretStore(file, { box: FAKE_KEYCHAIN, env: {} });
    store.load(null);
    expect(store.storage).toBe('os-keychain');
    expect(store.warning).toBeNull();
    await store.set('environment:Prod', 'token', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    const again = new SecretStore(file, { box: FAKE_KEYCHAIN, env: {} });
    again.load(null);
    expect(again.get('environment:Prod', 'token')).toBe('hunter2');
    expect(again.get('environment:Dev', 'token')).toBeUndefined();
    await again.retain('environment:Prod', new Set());
    expect(again.get('environment:Prod', 'token')).toBeUndefined();
  });

  it('lets SWITCHBOARD_VAR_* win over a secrets file, which wins over the box; warns when plain', async () => {
    const d = tmp();
    const ws = path.join(d, 'ws');
    mkdirSync(ws);
    const secretsFile = path.join(d, 'local.secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ token: 'from-file', other: 'file-other' }));
    const plain: SecretBox = { kind: 'plain', encrypt: (p) => Buffer.from(p).toString('base64'), decrypt: (s) => Buffer.from(s, 'base64').toString() };
    const store = new SecretStore(path.join(d, 's.json'), { box: plain, env: { SWITCHBOARD_VAR_TOKEN: 'from-env' }, secretsFile });
    store.load(ws);
    await store.set('global', 'token', 'from-box');
    await store.set('global', 'third', 'box-third');
    expect(store.get('global', 'token')).toBe('from-env');
    expect(store.get('global', 'other')).toBe('file-other');
    expect(store.get('global', 'third')).toBe('box-third');
    expect(store.storage).toBe('plain-file');
    expect(store.warning).toMatch(/unencrypted/);
  });

  it('refuses a secrets file inside the workspace (it could be committed) and says so', () => {
    const d = tmp();
    const inside = path.join(d, '.secrets.env');
    writeFileSync(inside, 'token=x\n');
    const store = new SecretStore(path.join(d, 'data', 's.json'), { box: FAKE_KEYCHAIN, env: {}, secretsFile: inside });
    store.load(d);
    expect(store.get('global', 'token')).toBeUndefined();
    expect(store.warning).toMatch(/inside the workspace folder/);
  });

  it('treats a value the keychain cannot decrypt (another machine) as unset', async () => {
    const d = tmp();
    const file = path.join(d, 's.json');
    const store = new SecretStore(file, { box: FAKE_KEYCHAIN, env: {} });
    store.load(null);
    await store.set('global', 'k', 'v');
    const broken: SecretBox = { ...FAKE_KEYCHAIN, decrypt: () => { throw new Error('wrong key'); } };
    const other = new SecretStore(file, { box: broken, env: {} });
    other.load(null);
    expect(other.get('global', 'k')).toBeUndefined();
  });
});
