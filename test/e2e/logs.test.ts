import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { skipWithout } from '../helpers/requires.js';
import { writeEndpoint } from '../helpers/write-extension.js';
import { type AppSession, ensureAppBuilt, eventually, navigate, openApp, SKIP_REASON, shot } from './browser.js';

// Settings → Logs: the host's log lines in the admin app, over the logs stream (docs/realtime.md).
describe.skipIf(skipWithout('Chromium', SKIP_REASON))('Settings → Logs in a real browser', () => {
  let t: TestHost;
  let app: AppSession;

  beforeAll(async () => {
    ensureAppBuilt();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-e2e-logs-'));
    const ext = writeEndpoint(root, 'noisy', '', {
      raw: `export default (router, { logger }) => {
  router.get('/', (req, res) => {
    logger.warn({ marker: req.query.m }, 'warned by ' + req.query.m);
    logger.error({ marker: req.query.m }, 'failed by ' + req.query.m);
    res.send('ok');
  });
};
`,
    });
    t = await startHost({
      extensions: [ext],
      env: { WEBSOCKETS_ENABLED: 'true', WEBSOCKETS_HEARTBEAT_ENABLED: 'false', LOG_LEVEL: 'warn' },
    });
    app = await openApp(t);
  });
  afterAll(async () => {
    await app?.browser.close();
    await t?.close();
  });

  it('follows the log lines as they are written, at the chosen level, and shows a line’s details', async () => {
    const { page, errors } = app;
    await navigate(page, '/settings/logs');
    await eventually(() => page.locator('[data-test=logs-state]').textContent()).toBe('following');
    await page.selectOption('[data-test=logs-level]', 'warn');
    await new Promise((r) => setTimeout(r, 200));
    await t.api('GET', '/noisy?m=first');
    const first = page.locator('[data-test=log-line]', { hasText: 'warned by first' });
    await eventually(() => first.count()).toBe(1);
    expect(await first.getAttribute('data-level')).toBe('warn');
    await first.click();
    await eventually(() => page.locator('.log-details').textContent()).toContain('"marker": "first"');

    // At `error` only errors arrive.
    await page.selectOption('[data-test=logs-level]', 'error');
    await new Promise((r) => setTimeout(r, 200));
    await t.api('GET', '/noisy?m=second');
    await eventually(() => page.locator('[data-test=log-line]', { hasText: 'failed by second' }).count()).toBe(1);
    expect(await page.locator('[data-test=log-line]', { hasText: 'warned by second' }).count()).toBe(0);
    await shot(page, 'logs');
    expect(errors).toEqual([]);
  });

  it('tells the hosts of a cluster apart once lines of several arrived: a column and a filter by host', async () => {
    const { page, errors } = app;
    // The page's socket goes through to the host; the test adds a line as another host's would come.
    let toPage: ((text: string) => void) | undefined;
    await page.routeWebSocket(/\/websocket\/logs/, (ws) => {
      ws.connectToServer();
      toPage = (text) => ws.send(text);
    });
    await page.goto(`${t.url}/admin/settings/logs`);
    await eventually(() => page.locator('[data-test=logs-state]').textContent()).toBe('following');
    // The page shows `following` once its socket is open; the host may apply its subscription a
    // moment later (a busy machine): the line is written again until one arrives.
    const own = page.locator('[data-test=log-line]', { hasText: 'warned by own' });
    await eventually(async () => {
      if ((await own.count()) === 0) await t.api('GET', '/noisy?m=own');
      return own.count();
    }).toBeGreaterThan(0);
    expect(await page.locator('[data-test=logs-host]').count()).toBe(0);
    toPage!(
      JSON.stringify({
        type: 'logs',
        data: { level: 40, time: new Date().toISOString(), msg: 'from the other host' },
        uid: 'otherhost-1234',
      }),
    );
    await page.locator('[data-test=logs-host]').waitFor();
    await page.selectOption('[data-test=logs-host]', { label: 'otherhos' });
    await eventually(() => page.locator('[data-test=log-line]').allTextContents()).toEqual([
      expect.stringContaining('from the other host'),
    ]);
    await page.selectOption('[data-test=logs-host]', '');
    await eventually(() => own.count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
