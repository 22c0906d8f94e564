import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppSession } from './harness';

// The app shell through the real web door: connection, status bar, rail, shortcuts, themes,
// and what the user sees when the engine goes away.
describe('app shell', () => {
  let app: AppSession;

  beforeAll(async () => {
    app = await openApp({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('connects and shows the data directory in the status bar', async () => {
    const bar = app.page.getByTestId('status-bar');
    await expect.poll(() => bar.textContent()).toContain(app.server.dataDir);
    expect(await bar.textContent()).toMatch(/\d+ captures? stored/);
  });

  it('moves between areas with the rail and with Ctrl+digit, and remembers the last one', async () => {
    const { page } = app;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.keyboard.press('Control+1');
    await expect.poll(() => page.getByRole('main').getAttribute('aria-label')).toBe('Webhooks');
    await page.keyboard.press('Control+3');
    await expect.poll(() => page.getByRole('main').getAttribute('aria-label')).toBe('WebSockets');
    await page.reload();
    await expect.poll(() => page.getByRole('main').getAttribute('aria-label')).toBe('WebSockets');
    await page.keyboard.press('Control+1');
  });

  it('switches theme in Settings and back to following the OS', async () => {
    const { page } = app;
    const theme = () => page.evaluate<string>('document.documentElement.dataset.theme');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect.poll(theme).toBe('dark');
    await app.screenshot('settings-1280x800-dark');
    await page.getByRole('radio', { name: 'Follow the system' }).click();
    await expect.poll(theme).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Webhooks', exact: true }).click();
    expect(app.errors).toEqual([]);
  });

  it('says so in the status bar when the engine goes away', async () => {
    await app.server.stop();
    await expect
      .poll(() => app.page.getByTestId('engine-state').textContent(), { timeout: 15_000 })
      .toMatch(/Engine unreachable|Connecting/);
    await app.screenshot('status-disconnected-1280x800-light');
  });
});
