import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUIRED_PREFERENCES, webPreferencesProblems } from '../../../src/main/security/webPreferences';
import { rendererCsp } from '../../../src/main/security/csp';
import type { InvokeReply } from '../../../src/shared/client';

/**
 * The Electron shell as wired (src/main/electron/app.ts and the preload), run against a recording
 * stand-in for the `electron` module: the binary cannot exist here, so it is the one thing faked.
 * The engine is real. Each lock is checked where it is installed: every window's webPreferences,
 * every WebContents' navigation and window-open handlers, every session's permission handlers and
 * CSP header, and the IPC handler's sender check.
 */

type Fn = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  class Emitter {
    readonly listeners = new Map<string, Fn[]>();
    on(name: string, f: Fn): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), f]);
      return this;
    }
    once(name: string, f: Fn): this {
      return this.on(name, f);
    }
    emit(name: string, ...args: unknown[]): void {
      for (const f of this.listeners.get(name) ?? []) f(...args);
    }
  }

  const app = new (class extends Emitter {
    sandboxEnabled = false;
    isPackaged = true;
    quitCalls = 0;
    enableSandbox() {
      this.sandboxEnabled = true;
    }
    requestSingleInstanceLock() {
      return true;
    }
    getPath() {
      return '/nonexistent-user-data';
    }
    whenReady() {
      return Promise.resolve();
    }
    quit() {
      this.quitCalls++;
    }
    exit() {}
  })();

  class FakeSession {
    permissionRequest: Fn | null = null;
    permissionCheck: Fn | null = null;
    devicePermission: Fn | null = null;
    displayMedia: Fn | null = null;
    headersReceived: Fn | null = null;
    webRequest = { onHeadersReceived: (f: Fn) => void (this.headersReceived = f) };
    setPermissionRequestHandler(f: Fn) {
      this.permissionRequest = f;
    }
    setPermissionCheckHandler(f: Fn) {
      this.permissionCheck = f;
    }
    setDevicePermissionHandler(f: Fn) {
      this.devicePermission = f;
    }
    setDisplayMediaRequestHandler(f: Fn) {
      this.displayMedia = f;
    }
  }

  class FakeWebContents extends Emitter {
    windowOpenHandler: Fn | null = null;
    readonly mainFrame = { url: '' };
    readonly sent: unknown[] = [];
    setWindowOpenHandler(f: Fn) {
      this.windowOpenHandler = f;
    }
    isDestroyed() {
      return false;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
  }

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    loaded: { file?: string; url?: string } = {};
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows() {
      return windows;
    }
    loadFile(file: string) {
      this.loaded = { file };
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.loaded = { url };
      return Promise.resolve();
    }
    show() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }

  const ipcMain = {
    handlers: new Map<string, Fn>(),
    handle(channel: string, f: Fn) {
      this.handlers.set(channel, f);
    },
    removeHandler(channel: string) {
      this.handlers.delete(channel);
    },
  };
  const opened: string[] = [];
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, Fn>();
  const rendererInvokes: unknown[][] = [];

  return {
    module: {
      app,
      BrowserWindow: FakeBrowserWindow,
      ipcMain,
      shell: {
        openExternal: (url: string) => {
          opened.push(url);
          return Promise.resolve();
        },
        openPath: () => Promise.resolve(''),
      },
      session: { defaultSession: new FakeSession() },
      Menu: { setApplicationMenu: () => undefined, buildFromTemplate: (t: unknown) => t },
      dialog: { showErrorBox: () => undefined },
      nativeTheme: { shouldUseDarkColors: false },
      safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void exposed.set(name, api) },
      ipcRenderer: {
        on: (channel: string, f: Fn) => void rendererListeners.set(channel, f),
        invoke: (...args: unknown[]) => {
          rendererInvokes.push(args);
          return Promise.resolve({ ok: true, result: 'from main' });
        },
      },
    },
    FakeSession,
    FakeWebContents,
    windows,
    opened,
    exposed,
    rendererListeners,
    rendererInvokes,
  };
});

vi.mock('electron', () => fake.module);

const { startDesktopApp } = await import('../../../src/main/electron/app');

const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-electron-shell-'));
const RENDERER_URL = pathToFileURL(path.resolve(import.meta.dirname, '../../../src/main/renderer/index.html')).href;

type Contents = InstanceType<typeof fake.FakeWebContents>;
type FakeSessionT = InstanceType<typeof fake.FakeSession>;

function navigationEvent(url: string, isMainFrame = true) {
  let prevented = false;
  return { url, isMainFrame, preventDefault: () => void (prevented = true), get prevented() { return prevented; } };
}

/** Fires `name` on a WebContents; true when a handler refused it. */
function refused(contents: Contents, name: string, url: string, isMainFrame = true): boolean {
  const event = navigationEvent(url, isMainFrame);
  contents.emit(name, event);
  return event.prevented;
}

function expectHardenedContents(contents: Contents): void {
  expect(contents.windowOpenHandler).not.toBeNull();
  expect(contents.windowOpenHandler?.({ url: 'https://docs.example.com/' })).toEqual({ action: 'deny' });
  expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
  expect(contents.windowOpenHandler?.({ url: 'ms-msdt:/id PCWDiagnostic' })).toEqual({ action: 'deny' });
  for (const url of ['https://evil.example/', RENDERER_URL, 'file:///etc/passwd', 'javascript:alert(1)']) {
    expect(refused(contents, 'will-navigate', url), url).toBe(true);
    expect(refused(contents, 'will-frame-navigate', url, true), url).toBe(true);
    expect(refused(contents, 'will-redirect', url, true), url).toBe(true);
  }
  expect(refused(contents, 'will-frame-navigate', 'https://evil.example/', false)).toBe(true);
  expect(refused(contents, 'will-frame-navigate', 'blob:file:///1', false)).toBe(false);
  expect(refused(contents, 'will-frame-navigate', 'about:srcdoc', false)).toBe(false);
  expect(refused(contents, 'will-attach-webview', 'https://evil.example/')).toBe(true);
}

function expectHardenedSession(s: FakeSessionT): void {
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb']) {
    const answers: unknown[] = [];
    s.permissionRequest?.({}, permission, (granted: unknown) => answers.push(granted), { requestingUrl: RENDERER_URL });
    expect(answers, permission).toEqual([false]);
    expect(s.permissionCheck?.({}, permission, 'file://'), permission).toBe(false);
  }
  expect(s.devicePermission?.({ deviceType: 'usb' })).toBe(false);
  const media: unknown[] = [];
  s.displayMedia?.({}, (answer: unknown) => media.push(answer));
  expect(media).toEqual([null]);
  // A page that brings its own weak CSP gets ours instead, whatever the header's case.
  let headers: Record<string, string[]> = {};
  s.headersReceived?.({ responseHeaders: { 'content-security-policy': ["script-src * 'unsafe-eval'"], 'Content-Type': ['text/html'] } }, (r: { responseHeaders: Record<string, string[]> }) => {
    headers = r.responseHeaders;
  });
  expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [rendererCsp()], 'X-Content-Type-Options': ['nosniff'] });
}

describe('Electron shell (with a stand-in electron module and a real engine)', () => {
  beforeAll(async () => {
    process.env.SWITCHBOARD_DATA_DIR = dataDir;
    startDesktopApp();
    await vi.waitFor(() => expect(fake.windows.length).toBe(1), { timeout: 15_000 });
  });

  afterAll(async () => {
    // Quitting closes the engine before the app goes.
    fake.module.app.emit('before-quit', { preventDefault: () => undefined });
    await vi.waitFor(() => expect(fake.module.app.quitCalls).toBeGreaterThan(0), { timeout: 10_000 });
    delete process.env.SWITCHBOARD_DATA_DIR;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sandboxes every renderer app-wide', () => {
    expect(fake.module.app.sandboxEnabled).toBe(true);
  });

  it('opens every window with the secure webPreferences and our built page', () => {
    expect(fake.windows.length).toBeGreaterThan(0);
    for (const win of fake.windows) {
      const prefs = win.options.webPreferences ?? {};
      expect(prefs).toMatchObject(REQUIRED_PREFERENCES);
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, experimentalFeatures: false });
      expect(prefs.enableBlinkFeatures).toBeUndefined();
      expect(webPreferencesProblems(prefs)).toEqual([]);
      expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
      expect(win.loaded).toEqual({ file: fileURLToPathSafe(RENDERER_URL) });
    }
  });

  it('locks navigation, new windows and <webview> on the window and on any later WebContents', () => {
    for (const win of fake.windows) expectHardenedContents(win.webContents);
    // Devtools, a future child view: whatever WebContents appears later gets the same handlers.
    const later = new fake.FakeWebContents();
    fake.module.app.emit('web-contents-created', {}, later);
    expectHardenedContents(later);
  });

  it('hands only safe http(s) links to the user\'s browser', async () => {
    await Promise.resolve();
    expect(fake.opened).toContain('https://docs.example.com/');
    expect(fake.opened.every((u) => u.startsWith('https://') || u.startsWith('http://'))).toBe(true);
    expect(fake.opened).not.toContain('file:///etc/passwd');
  });

  it('refuses every permission and forces the CSP on the default session and any new session', () => {
    expectHardenedSession(fake.module.session.defaultSession);
    const partition = new fake.FakeSession();
    fake.module.app.emit('session-created', partition);
    expectHardenedSession(partition);
  });

  it('answers IPC from our page in the main frame only', async () => {
    const handler = fake.module.ipcMain.handlers.get('switchboard:invoke');
    expect(handler).toBeDefined();
    const call = (event: unknown, command: unknown, params: unknown) => handler?.(event, command, params) as Promise<InvokeReply>;
    const main = { url: `${RENDERER_URL}#/webhooks` };
    const sender = { mainFrame: main };

    const ok = await call({ sender, senderFrame: main }, 'engine.info', {});
    expect(ok).toMatchObject({ ok: true, result: { dataDir, door: 'electron' } });

    const iframe = { url: 'about:srcdoc' };
    const forbidden = [
      { sender, senderFrame: iframe },
      { sender, senderFrame: { url: RENDERER_URL } }, // our URL, but not the main frame
      { sender: { mainFrame: { url: 'https://evil.example/' } }, senderFrame: null },
      { sender: { mainFrame: main }, senderFrame: undefined },
    ];
    for (const event of forbidden) {
      expect(await call(event, 'engine.info', {})).toEqual({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER', message: expect.any(String) as string } });
    }
    const navigatedAway = { url: 'https://evil.example/' };
    expect(await call({ sender: { mainFrame: navigatedAway }, senderFrame: navigatedAway }, 'engine.info', {})).toMatchObject({ ok: false, error: { code: 'IPC_FORBIDDEN_SENDER' } });

    // From our page, malformed calls come back as errors, never exceptions across IPC.
    expect(await call({ sender, senderFrame: main }, 42, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call({ sender, senderFrame: main }, 'engine.info', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call({ sender, senderFrame: main }, 'no.such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });
});

describe('preload bridge', () => {
  it('exposes exactly invoke and subscribe, never ipcRenderer or the IPC event', async () => {
    await import('../../../src/preload/index');
    expect([...fake.exposed.keys()]).toEqual(['switchboard']);
    const bridge = fake.exposed.get('switchboard') as { invoke: Fn; subscribe: Fn };
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);

    expect(await bridge.invoke('engine.info', {})).toEqual({ ok: true, result: 'from main' });
    expect(fake.rendererInvokes).toEqual([['switchboard:invoke', 'engine.info', {}]]);
    expect(await bridge.invoke(42, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(fake.rendererInvokes).toHaveLength(1);

    const got: unknown[][] = [];
    bridge.subscribe((...args: unknown[]) => got.push(args));
    const onEvents = fake.rendererListeners.get('switchboard:events');
    const ipcEvent = { sender: { send: () => undefined }, ports: [] };
    onEvents?.(ipcEvent, [{ type: 'engine.storeError', error: null }]);
    onEvents?.(ipcEvent, 'not an array');
    expect(got).toEqual([[[{ type: 'engine.storeError', error: null }]]]);
    expect(() => bridge.subscribe('not a function')).toThrow(TypeError);
  });
});

function fileURLToPathSafe(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}
