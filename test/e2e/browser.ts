import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ROOT, type TestHost } from '../helpers/host.js';

export const CHROMIUM = process.env.ANNEX_CHROMIUM ?? '/usr/bin/chromium';
/** Why browser tests are skipped on this machine, or null. */
export const SKIP_REASON = fs.existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
export const SHOTS = path.join(ROOT, 'test-results', 'e2e');

/** Builds the admin app when host/app/dist is missing or older than its sources. */
export function ensureAppBuilt(): void {
  const dist = path.join(ROOT, 'host', 'app', 'dist', 'index.html');
  const newest = (dir: string): number =>
    Math.max(
      ...fs
        .readdirSync(dir, { withFileTypes: true })
        .map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)),
    );
  if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newest(path.join(ROOT, 'host', 'app', 'src'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'host', 'app', 'build.mjs')], { stdio: 'pipe' });
}

let chromium: Promise<Browser> | undefined;

/** What a test file gets from `launch()`: pages of its own, all closed by `close()`. */
export interface E2EBrowser {
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** A second "browser" (its own cookies and storage), closed with the rest. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * The worker's one Chromium, started on first use and kept for the next file (test files of the
 * parallel project share a worker process): starting Chromium cost more than most files' tests.
 * Each page gets a fresh context as `Browser.newPage` does (no cookies or storage carried over).
 */
export async function launch(): Promise<E2EBrowser> {
  chromium ??= startChromium();
  const browser = await chromium;
  const contexts = new Set<BrowserContext>();
  const newContext = async (options?: BrowserContextOptions) => {
    const context = await browser.newContext(options);
    contexts.add(context);
    return context;
  };
  return {
    newContext,
    newPage: async (options) => (await newContext(options)).newPage(),
    async close() {
      await Promise.all([...contexts].map((c) => c.close()));
      contexts.clear();
    },
  };
}

async function startChromium(): Promise<Browser> {
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // A crashed Chromium is started again for the next file instead of failing every later one.
  browser.on('disconnected', () => (chromium = undefined));
  return browser;
}

/** A page whose console errors and page errors are collected (the test decides what is expected). */
export async function openPage(browser: E2EBrowser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  return { page, errors };
}

export interface AppSession {
  browser: E2EBrowser;
  page: Page;
  errors: string[];
}

/** The start every browser test shares: a page of its own (errors collected), logged in as the admin unless `login: false`. */
export async function openApp(t: TestHost, options: { login?: boolean } = {}): Promise<AppSession> {
  const browser = await launch();
  const { page, errors } = await openPage(browser);
  if (options.login !== false) await login(page, t);
  return { browser, page, errors };
}

/**
 * A full-page screenshot of a step into test-results/e2e when ANNEX_E2E_SHOTS is set (55 of them
 * cost a run about 4.5 s of CPU, and nothing reads them but a person looking at the app).
 */
export async function shot(page: Page, name: string): Promise<void> {
  if (!process.env.ANNEX_E2E_SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export async function login(page: Page, t: TestHost): Promise<void> {
  await page.goto(`${t.url}/admin/login`);
  await page.fill('input[name=email]', 'admin@example.com');
  await page.fill('input[name=password]', 'admin-password');
  await page.click('[data-test=login-submit]');
  await page.waitForURL('**/admin/content**');
  await page.waitForSelector('.module-bar [data-module=content]');
}

/** Marks the window: the mark surviving proves no full page load happened in between. */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __annexMark: number }).__annexMark = 4242));
}
export async function windowMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __annexMark?: number }).__annexMark === 4242);
}

/**
 * Client-side navigation through the app's router (no page load). A page with unsaved changes
 * asks before it is left (the item page's guard): this answers "Discard changes", as a test that
 * moves on means to; `keepGuard` returns with the question open instead.
 */
export async function navigate(page: Page, to: string, options: { keepGuard?: boolean } = {}): Promise<void> {
  const push = () =>
    page.evaluate(async (path) => {
      const failure = (await (
        window as unknown as { __annex: { router: { push(p: string): Promise<unknown> } } }
      ).__annex.router.push(path)) as { type?: number } | undefined;
      // vue-router's NavigationFailureType.aborted: a guard said no.
      return failure?.type === 4;
    }, to);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!(await push()) || options.keepGuard) return;
    // A save still on its way leaves the page itself (the question then goes with it): push again.
    const discard = page.locator('[data-test=discard-changes] button');
    const asked = await discard
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (!asked) continue;
    await discard.click();
    await page.waitForURL((url) => url.pathname.endsWith(to.split('?')[0]!));
    return;
  }
}

/** `expect.poll` with a timeout that tolerates a loaded CI machine (the default is 1 s). */
export function eventually<T>(fn: () => Promise<T> | T, options: { timeout?: number; interval?: number } = {}) {
  return expect.poll(fn, { timeout: 15_000, interval: 50, ...options });
}
