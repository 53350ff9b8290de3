/**
 * `explain --format html` in a real headless Chromium (Debian's chromium package, driven by playwright-core):
 * the page loads with no console error and no network request, shows the groups table and the timeline,
 * a finding expands, hostile strings from the request stay text, and a screenshot is written to
 * test/artifacts/report.png for review. `.ci/run` installs chromium when it is missing; without it this test
 * fails (it is not skipped).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { run } from '../../lambdas/cli';
import { openPage } from './chromium';
import { DELETE_DENIED, IP_DENIED, logFile, occurrence, tempDir } from '../cli/logs';
import { memoryIo, SNAPSHOT } from '../cli/memory-io';

const ARTIFACTS = join(__dirname, '../artifacts');
const HOSTILE_KEY = `x"><img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\u202e`;

async function report(): Promise<string> {
  const hostile = occurrence(IP_DENIED, 700, 900, {
    requestParameters: { ...(IP_DENIED['requestParameters'] as object), key: HOSTILE_KEY },
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::my-bucket/${HOSTILE_KEY}` }],
  });
  const records = [
    ...Array.from({ length: 120 }, (_, i) => occurrence(IP_DENIED, i, i * 25)),
    ...Array.from({ length: 30 }, (_, i) => occurrence(DELETE_DENIED, 1000 + i, 600 + i * 60)),
    hostile,
  ];
  const io = memoryIo({ files: { 'log.json': logFile(records) } });
  const code = await run(
    ['explain', '--event', 'log.json', '--snapshot', SNAPSHOT, '--format', 'html', '--out', 'report.html'],
    io,
  );
  expect(io.stderrText()).toBe('s3-403: wrote report.html (3 problems, 151 denials)\n');
  expect(code).toBe(0);
  return io.written.get('report.html')!;
}

describe('the HTML report in headless Chromium', () => {
  const tmp = tempDir();
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
    tmp.cleanup();
  });

  it('loads with no console error and no request, shows the groups and the timeline, and a finding expands', async () => {
    const html = await report();
    expect(html).not.toContain('<img src=x');
    // a bidi override shows as an escape, as in the terminal (no key reads backwards)
    expect(html).not.toContain('\u202e');
    expect(html).toContain('\\u202E');
    const opened = await openPage(html, tmp.dir, 'report.html');
    context = opened.context;
    const { tab, url, errors, requests } = opened;

    expect(await tab.locator('#summary').innerText()).toMatch(
      /^151 records read, 151 denials, 3 distinct problems/,
    );
    const rows = tab.locator('#groups tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toMatch(/120\s+bucket-policy-explicit-deny/);
    expect(await rows.nth(1).innerText()).toMatch(/30\s+identity-policy-explicit-deny/);
    expect(await tab.locator('#timeline rect').count()).toBeGreaterThan(1);

    const first = tab.locator('#g1');
    expect(await first.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    await first.locator('summary').click();
    expect(await first.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    await expect(first.locator('.checks').isVisible()).resolves.toBe(true);
    expect(await first.innerText()).toContain('Fix');
    await tab.locator('#groups a[href="#g2"]').click();
    expect(await tab.locator('#g2').evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);

    // hostile text stays text: no injected element ran or exists
    expect(await tab.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await tab.locator('script').count()).toBe(1);
    expect(await tab.locator('img').count()).toBe(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await tab.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  }, 60_000);
});
