import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const config = JSON.parse(readFileSync(path.join(ROOT, 'electron-builder.json'), 'utf8')) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('packaging (electron-builder.json)', () => {
  it('flips the security fuses at package time', () => {
    expect(config.electronFuses).toEqual({
      // No ELECTRON_RUN_AS_NODE: the signed binary cannot be used as a plain Node interpreter.
      runAsNode: false,
      enableCookieEncryption: true,
      // NODE_OPTIONS / --inspect would let anyone who can start the app inject code into main.
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
  });

  it('ships only the app\'s build output (not the CLI bundle), and `npm run package` builds first', () => {
    expect(config.files).toEqual(['out/**/*', '!out/cli/**', 'package.json']);
    expect(pkg.scripts.package).toBe('electron-vite build && electron-builder --config electron-builder.json');
  });

  it('is valid against electron-builder\'s own configuration schema', () => {
    const builderLib = createRequire(createRequire(path.join(ROOT, 'package.json')).resolve('app-builder-lib/package.json'));
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
    // app-builder-lib validates with its own ajv (v8); the same validator here.
    const Ajv = builderLib('ajv') as new (options: object) => { validate(schema: object, data: unknown): boolean; errorsText(): string };
    const ajv = new Ajv({ allErrors: true, strict: false });
    const ok = ajv.validate(schema, config);
    expect(ok, ajv.errorsText()).toBe(true);
  });
});
