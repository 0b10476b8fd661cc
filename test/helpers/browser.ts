/**
 * Real Chromium for the dashboard tests (Debian's /usr/bin/chromium through playwright-core), with
 * a fresh profile that is removed afterwards, and a folder for screenshots kept as test artifacts.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from './temp.js';

export const CHROMIUM = process.env['LOOP_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page, for a final check. */
  errors: string[];
  /** Responses with a status of 400 or more, as "<status> <path>". */
  failed: string[];
}

export async function launchChromium(t: TestContext, viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const profile = tempDir(null, 'loop-chromium-');
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const errors: string[] = [];
  const failed: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed requests are in `failed`, where a test can say which it expects.
    if (message.type() === 'error' && !/^Failed to load resource|^WebSocket connection to .* failed/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors, failed };
}

/** Where screenshots go: $LOOP_TEST_ARTIFACTS/<name>, default <tmp>/loop-test-artifacts/<name>; kept after the test. */
export function artifactsDir(name: string): string {
  const dir = join(process.env['LOOP_TEST_ARTIFACTS'] ?? join(tmpdir(), 'loop-test-artifacts'), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
