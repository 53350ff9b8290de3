/**
 * `preflight --format html` in a real headless Chromium (Debian's chromium package, driven by playwright-core), as
 * test/report/html.test.ts does for `explain`: the page loads with no console error and no network request,
 * shows the newly denied requests with their cause, a request's details expand, hostile strings from the
 * traffic stay text, and a screenshot is written to test/artifacts/preflight.png for review. Without chromium
 * this test fails (it is not skipped).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { run } from '../../lambdas/cli';
import { openPage } from './chromium';
import { trafficRecord } from '../../scripts/bench/preflight-traffic';
import { tempDir } from '../cli/logs';
import { memoryIo } from '../cli/memory-io';

const ARTIFACTS = join(__dirname, '../artifacts');
const EXAMPLE = join(__dirname, '../../examples/preflight');
const HOSTILE_KEY = `x"><img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\u202e`;

async function page(): Promise<string> {
  const hostile = trafficRecord(15, 20) as Record<string, unknown>; // alice from home
  const records = [
    ...Array.from({ length: 40 }, (_, i) => trafficRecord(i, 40)),
    {
      ...hostile,
      requestParameters: { bucketName: 'reports-bucket', key: HOSTILE_KEY },
      resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::reports-bucket/${HOSTILE_KEY}` }],
    },
  ];
  const io = memoryIo({ files: { 'traffic.json': JSON.stringify({ Records: records }) } });
  const code = await run(
    [
      'preflight',
      '--snapshot',
      join(EXAMPLE, 'snapshot.json'),
      '--events',
      'traffic.json',
      '--bucket-policy',
      `reports-bucket=${join(EXAMPLE, 'proposed-bucket-policy.json')}`,
      '--format',
      'html',
      '--out',
      'preflight.html',
    ],
    io,
  );
  expect(code).toBe(4);
  expect(io.stderrText()).toMatch(
    /^s3-403: wrote preflight\.html \(\d+ newly denied, 0 newly allowed, 0 unknown\)\n$/,
  );
  return io.written.get('preflight.html')!;
}

describe('the preflight HTML page in headless Chromium', () => {
  const tmp = tempDir();
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
    tmp.cleanup();
  });

  it('loads with no console error and no request, lists the newly denied with their cause, and details expand', async () => {
    const html = await page();
    expect(html).not.toContain('<img src=x');
    // a bidi override shows as an escape, as in the terminal (no key reads backwards)
    expect(html).not.toContain('\u202e');
    expect(html).toContain('\\u202E');
    const opened = await openPage(html, tmp.dir, 'preflight.html');
    context = opened.context;
    const { tab, url, errors, requests } = opened;

    expect(await tab.locator('#summary').innerText()).toMatch(
      /^41 recorded S3 requests \(\d+ distinct\) replayed: 31 requests newly denied, 0 requests newly allowed, 0 requests unknown\.$/,
    );
    const rows = tab.locator('#newly-denied tbody tr');
    expect(await rows.count()).toBeGreaterThan(2);
    expect(await rows.nth(0).innerText()).toMatch(/bucket-policy-explicit-deny/);
    expect(await tab.locator('#newly-allowed').innerText()).toBe('None.');

    const first = tab.locator('#newly-denied-1');
    expect(await first.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    await first.locator('summary').click();
    expect(await first.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    expect(await first.innerText()).toContain('DenyOutsideOffice');

    // hostile text stays text: nothing injected ran or exists
    expect(await tab.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await tab.locator('script').count()).toBe(0);
    expect(await tab.locator('img').count()).toBe(0);
    expect(html).toContain('&lt;img src=x');

    mkdirSync(ARTIFACTS, { recursive: true });
    await tab.screenshot({ path: join(ARTIFACTS, 'preflight.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  }, 60_000);
});
