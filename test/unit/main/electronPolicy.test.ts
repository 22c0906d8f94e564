import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataDirFlag, desktopDataDir } from '../../../src/main/desktop/args';
import { menuTemplate } from '../../../src/main/desktop/menu';
import { DOWNLOAD_CSP, rendererCsp } from '../../../src/main/security/csp';
import { isAllowedIpcSender, trustedRenderer } from '../../../src/main/security/ipcSender';
import {
  allowMainFrameNavigation,
  allowSubFrameNavigation,
  decideWindowOpen,
  isSafeExternalUrl,
} from '../../../src/main/security/navigation';
import { allowDevicePermission, allowPermissionCheck, allowPermissionRequest } from '../../../src/main/security/permissions';
import { REQUIRED_PREFERENCES, secureWebPreferences, webPreferencesProblems } from '../../../src/main/security/webPreferences';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...rest] = d.split(/\s+/);
        return [name, rest.join(' ')] as [string, string];
      }),
  );
}

describe('webPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');

  it('isolates and sandboxes the renderer with Node off and web security on', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
    expect(webPreferencesProblems(prefs)).toEqual([]);
  });

  it('names every weakening', () => {
    for (const key of Object.keys(REQUIRED_PREFERENCES) as Array<keyof typeof REQUIRED_PREFERENCES>) {
      const weakened = { ...prefs, [key]: !REQUIRED_PREFERENCES[key] };
      expect(webPreferencesProblems(weakened).join(), key).toContain(key);
    }
    const { contextIsolation: _omit, ...missing } = prefs;
    expect(webPreferencesProblems(missing).join()).toContain('contextIsolation');
    expect(webPreferencesProblems({ ...prefs, enableBlinkFeatures: 'CSSPaintAPI' }).join()).toContain('enableBlinkFeatures');
    expect(webPreferencesProblems({ ...prefs, preload: '/x/index.mjs' }).join()).toContain('CommonJS');
    expect(webPreferencesProblems({ ...prefs, disableBlinkFeatures: undefined }).join()).toContain('Auxclick');
  });
});

describe('Content-Security-Policy', () => {
  const csp = directives(rendererCsp());

  it('allows no inline or eval script, no plugins, no framing, no foreign connections', () => {
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(csp.get('form-action')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('frame-src')).toBe('blob: data:');
  });

  it('matches the meta tag in src/renderer/index.html directive for directive', () => {
    const html = readFileSync(path.join(ROOT, 'src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const fromMeta = directives(meta ?? '');
    for (const [name, value] of fromMeta) expect(csp.get(name), name).toBe(value);
    // frame-ancestors only works as a header; everything else must be in both.
    expect([...csp.keys()].filter((k) => !fromMeta.has(k))).toEqual(['frame-ancestors']);
  });

  it('opens up only for the dev server in development', () => {
    const dev = directives(rendererCsp({ devServerUrl: 'http://localhost:5173/' }));
    expect(dev.get('connect-src')).toBe("'self' http://localhost:5173 ws://localhost:5173");
    expect(dev.get('script-src')).toContain('http://localhost:5173');
    expect(dev.get('object-src')).toBe("'none'");
  });

  it('sandboxes downloads completely', () => {
    expect(DOWNLOAD_CSP).toContain("default-src 'none'");
    expect(DOWNLOAD_CSP).toContain('sandbox');
  });
});

describe('navigation and new windows', () => {
  it('never lets the main frame navigate', () => {
    for (const url of ['https://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'http://127.0.0.1:3000/']) {
      expect(allowMainFrameNavigation(url)).toBe(false);
    }
  });

  it('lets preview frames hold only blob:, data: and about: documents', () => {
    expect(allowSubFrameNavigation('blob:file:///1234')).toBe(true);
    expect(allowSubFrameNavigation('data:text/html,hi')).toBe(true);
    expect(allowSubFrameNavigation('about:srcdoc')).toBe(true);
    for (const url of ['https://evil.example', 'file:///etc/passwd', 'javascript:alert(1)', 'chrome://settings']) {
      expect(allowSubFrameNavigation(url), url).toBe(false);
    }
  });

  it('denies every new window, handing only safe http(s) URLs to the browser', () => {
    expect(decideWindowOpen('https://docs.example.com/a?b=c')).toEqual({ action: 'deny', openExternal: 'https://docs.example.com/a?b=c' });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternal: null });
  });

  it('openExternal accepts only plain http(s) URLs', () => {
    for (const url of ['https://example.com', 'http://127.0.0.1:8080/path?q=1#x', 'https://例え.jp/']) {
      expect(isSafeExternalUrl(url), url).toBe(true);
    }
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/etc/passwd',
      'https://user:pass@example.com/',
      'https://example.com/\nrm -rf',
      'https://example.com/ space',
      'not a url',
      '',
      `https://example.com/${'a'.repeat(9000)}`,
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('permissions', () => {
  it('refuses every permission request and check', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'pointerLock', 'hid', 'serial', 'usb', 'unknown']) {
      expect(allowPermissionRequest(p, 'file:///app/index.html'), p).toBe(false);
      expect(allowPermissionCheck(p, 'file://'), p).toBe(false);
    }
    for (const d of ['hid', 'serial', 'usb']) expect(allowDevicePermission(d)).toBe(false);
  });
});

describe('IPC sender check', () => {
  const html = path.join(ROOT, 'out/renderer/index.html');
  const fileUrl = pathToFileURL(html).href;
  const trusted = trustedRenderer({ rendererHtmlPath: html });

  it('accepts our own renderer page in the main frame, whatever its hash or query', () => {
    expect(isAllowedIpcSender({ url: fileUrl, isMainFrame: true }, trusted)).toBe(true);
    expect(isAllowedIpcSender({ url: `${fileUrl}#/webhooks`, isMainFrame: true }, trusted)).toBe(true);
    expect(isAllowedIpcSender({ url: `${fileUrl}?x=1`, isMainFrame: true }, trusted)).toBe(true);
  });

  it('refuses iframes, other files, web pages, gone frames', () => {
    expect(isAllowedIpcSender({ url: fileUrl, isMainFrame: false }, trusted)).toBe(false);
    expect(isAllowedIpcSender({ url: pathToFileURL(path.join(ROOT, 'out/renderer/other.html')).href, isMainFrame: true }, trusted)).toBe(false);
    expect(isAllowedIpcSender({ url: 'file:///tmp/evil.html', isMainFrame: true }, trusted)).toBe(false);
    expect(isAllowedIpcSender({ url: 'https://evil.example/', isMainFrame: true }, trusted)).toBe(false);
    expect(isAllowedIpcSender({ url: 'blob:file:///abc', isMainFrame: false }, trusted)).toBe(false);
    expect(isAllowedIpcSender({ url: 'about:blank', isMainFrame: true }, trusted)).toBe(false);
    expect(isAllowedIpcSender({ url: undefined, isMainFrame: true }, trusted)).toBe(false);
    expect(isAllowedIpcSender(null, trusted)).toBe(false);
  });

  it('in development trusts exactly the dev server origin', () => {
    const dev = trustedRenderer({ rendererHtmlPath: html, devServerUrl: 'http://localhost:5173' });
    expect(isAllowedIpcSender({ url: 'http://localhost:5173/', isMainFrame: true }, dev)).toBe(true);
    expect(isAllowedIpcSender({ url: 'http://localhost:5174/', isMainFrame: true }, dev)).toBe(false);
    expect(isAllowedIpcSender({ url: 'http://127.0.0.1:5173/', isMainFrame: true }, dev)).toBe(false);
    expect(isAllowedIpcSender({ url: fileUrl, isMainFrame: true }, dev)).toBe(false);
  });
});

describe('application menu', () => {
  const roles = (t: ReturnType<typeof menuTemplate>): string[] =>
    t.flatMap((item) => [item.role ?? '', ...(Array.isArray(item.submenu) ? item.submenu.map((s) => s.role ?? '') : [])]).filter(Boolean);

  it('has the standard roles (edit, reload, devtools, zoom, full screen, window, quit)', () => {
    const linux = roles(menuTemplate('linux', { openDataDir: () => undefined }));
    for (const r of ['editMenu', 'reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'windowMenu', 'quit']) {
      expect(linux, r).toContain(r);
    }
    expect(linux).not.toContain('appMenu');
    const mac = roles(menuTemplate('darwin', { openDataDir: () => undefined }));
    expect(mac[0]).toBe('appMenu');
    expect(mac).toContain('close');
  });

  it('opens the data folder from File', () => {
    let opened = 0;
    const file = menuTemplate('linux', { openDataDir: () => opened++ }).find((m) => m.label === 'File');
    const item = Array.isArray(file?.submenu) ? file.submenu.find((s) => s.label === 'Open Data Folder') : undefined;
    (item?.click as (() => void) | undefined)?.();
    expect(opened).toBe(1);
  });
});

describe('desktop data directory', () => {
  it('takes --data-dir, then SWITCHBOARD_DATA_DIR, then userData', () => {
    expect(dataDirFlag(['electron', '.', '--data-dir', '/d1'])).toBe('/d1');
    expect(dataDirFlag(['electron', '--data-dir=/d2'])).toBe('/d2');
    expect(dataDirFlag(['electron', '--data-dir', '--inspect'])).toBeUndefined();
    expect(dataDirFlag(['electron', '--no-sandbox'])).toBeUndefined();
    expect(desktopDataDir(['e', '--data-dir', '/flag'], { SWITCHBOARD_DATA_DIR: '/env' }, '/user')).toBe(path.resolve('/flag'));
    expect(desktopDataDir(['e'], { SWITCHBOARD_DATA_DIR: '/env' }, '/user')).toBe(path.resolve('/env'));
    expect(desktopDataDir(['e'], {}, '/user')).toBe('/user');
  });
});
