/** `npm start` part 3: scripts/local-run.ts drives the real handler end to end, offline. */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRun } from '../../scripts/local-run';
import { cloudTrailRecord, eventBridgeEvent, snapshotJson } from './fixtures';

describe('local-run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-run-'));
    const events = join(dir, 'events');
    mkdirSync(events);
    writeFileSync(
      join(events, 'a-denied.json'),
      JSON.stringify(eventBridgeEvent(cloudTrailRecord({ eventId: 'a' }))),
    );
    writeFileSync(
      join(events, 'b-other-role.json'),
      JSON.stringify(eventBridgeEvent(cloudTrailRecord({ eventId: 'b', role: 'App1' }))),
    );
    writeFileSync(
      join(events, 'c-allowed.json'),
      JSON.stringify(eventBridgeEvent(cloudTrailRecord({ eventId: 'c', errorCode: null }))),
    );
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshotJson));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('alerts once per problem through SNS and the loopback Slack webhook, then counts the replayed batch', async () => {
    const lines: string[] = [];
    const result = await localRun({
      eventsDir: join(dir, 'events'),
      snapshotFile: join(dir, 'snapshot.json'),
      print: (l) => lines.push(l),
    });
    expect(result).toEqual({
      events: 3,
      alerts: 2,
      counted: 2,
      skipped: 1,
      failedMessages: 0,
      slackPosts: 2,
      snsPublishes: 2,
    });
    const out = lines.join('\n');
    expect(out).toContain(
      'SNS       subject: S3 403: AppRole GetObject corp-data - bucket policy Deny DenyNonOfficeIPs',
    );
    expect(out).toContain('- bucket-policy-explicit-deny [confirmed]');
    expect(out).toContain('Slack     text: S3 403: App1 GetObject on corp-data');
    expect(out).toContain('dedup     2 repeat(s) counted; 0 new alert(s), 0 Slack post(s)');
  });

  it('runs on the bundled examples (or the test fixtures when they are absent) without a failed message', async () => {
    const result = await localRun({ print: () => undefined });
    expect(result.events).toBeGreaterThan(0);
    expect(result.failedMessages).toBe(0);
    expect(result.slackPosts).toBe(result.alerts);
    expect(result.snsPublishes).toBe(result.alerts);
  });
});
