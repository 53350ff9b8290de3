/**
 * `explain` on the records other AWS tools print (see test/core/event/other-tools.test.ts): the findings of
 * `aws cloudtrail lookup-events` output and of `aws logs filter-log-events` output are those of the records
 * themselves.
 */
import { run } from '../../lambdas/cli';
import { DELETE_DENIED, IP_DENIED, occurrence } from './logs';
import { memoryIo, SNAPSHOT } from './memory-io';

async function explain(text: string): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ files: { 'in.json': text } });
  const code = await run(['explain', '--event', 'in.json', '--snapshot', SNAPSHOT, '--format', 'json'], io);
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

const RECORDS = [occurrence(IP_DENIED, 1), occurrence(DELETE_DENIED, 2)];

describe('explain on the output of other AWS tools', () => {
  it('aws cloudtrail lookup-events and aws logs filter-log-events give the findings of the records', async () => {
    const direct = await explain(JSON.stringify({ Records: RECORDS }));
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.out)).toHaveLength(2);
    const lookup = await explain(
      JSON.stringify({
        Events: RECORDS.map((r) => ({
          EventId: r.eventID,
          EventName: r.eventName,
          EventSource: r.eventSource,
          CloudTrailEvent: JSON.stringify(r),
        })),
      }),
    );
    const logs = await explain(
      JSON.stringify({
        events: RECORDS.map((r, i) => ({
          logStreamName: '111122223333_CloudTrail_us-east-1',
          timestamp: i,
          message: JSON.stringify(r),
          eventId: String(i),
        })),
        searchedLogStreams: [],
      }),
    );
    for (const r of [lookup, logs]) expect(r).toEqual({ code: 0, out: direct.out, err: '' });
  });
});

describe('files written by Windows PowerShell 5.1 (UTF-16LE with a byte order mark)', () => {
  // its `>` writes UTF-16LE: https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_character_encoding
  const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

  it('explain reads a log saved that way as the same findings', async () => {
    const text = JSON.stringify({ Records: RECORDS });
    const io = memoryIo({ files: { 'in.json': utf16(text) } });
    const code = await run(['explain', '--event', 'in.json', '--snapshot', SNAPSHOT, '--format', 'json'], io);
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe((await explain(text)).out);
  });

  it('simulate --requests reads a request file saved that way', async () => {
    const line = JSON.stringify({
      principal: 'arn:aws:iam::111122223333:role/App',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::my-bucket/reports/q3.csv',
    });
    const outOf = async (file: string | Buffer): Promise<string> => {
      const io = memoryIo({ files: { 'r.jsonl': file } });
      expect(await run(['simulate', '--snapshot', SNAPSHOT, '--requests', 'r.jsonl'], io)).toBe(0);
      return io.stdoutText();
    };
    const plain = await outOf(`${line}\n${line}\n`);
    expect(plain.split('\n')).toHaveLength(3);
    expect(await outOf(utf16(`${line}\r\n${line}\r\n`))).toBe(plain);
  });
});
