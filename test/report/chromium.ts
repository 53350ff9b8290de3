/**
 * Opens a generated HTML file in Debian's headless chromium (playwright-core), offline, and records every console
 * error, page error and request, for the report tests. Without chromium the caller's test fails (never skips):
 * `.ci/run` installs it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface OpenedPage {
  readonly context: BrowserContext;
  readonly tab: Page;
  readonly url: string;
  readonly errors: string[];
  readonly requests: string[];
}

/** Writes `html` to `dir/name`, opens it in a fresh profile under `dir`, and waits for the load event. */
export async function openPage(html: string, dir: string, name: string): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does)`,
    );
  const file = join(dir, name);
  writeFileSync(file, html);
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const tab = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  tab.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  tab.on('pageerror', (e) => errors.push(e.message));
  tab.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await tab.goto(url, { waitUntil: 'load' });
  return { context, tab, url, errors, requests };
}
