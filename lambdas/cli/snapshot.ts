/** `s3-403 snapshot`: capture the SNAPSHOT.md format from the live account, with a progress bar on a terminal. */
import { jsonText, safeText } from '../core/render/safe';
import cliProgress from 'cli-progress';
import { EXIT, UsageError } from './errors';
import { writeOutput } from './files';
import type { CliIo } from './io';
import { liveOptions, loadLiveAws, requireCredentials, type LiveAws, type LiveOptions } from './live';

export interface SnapshotOptions {
  readonly bucket: string[];
  readonly principal: string[];
  readonly allIam: boolean;
  readonly out: string;
  readonly profile?: string;
  readonly region?: string;
}

type Progress = { update(done: number, total: number, label: string): void; stop(): void };

function progressBar(io: CliIo): Progress | null {
  const stream = io.progressStream;
  if (!stream) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'capturing [{bar}] {value}/{total} {label}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
        return;
      }
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function summary(out: string, opts: SnapshotOptions, problems: readonly string[]): string {
  const what = [
    `${opts.bucket.length} bucket${opts.bucket.length === 1 ? '' : 's'}`,
    `${opts.principal.length} principal${opts.principal.length === 1 ? '' : 's'}`,
  ];
  if (opts.allIam) what.push('all IAM');
  const head = `s3-403: wrote ${out === '-' ? 'the snapshot to stdout' : out} (${what.join(', ')})`;
  if (problems.length === 0) return `${head}; everything was read\n`;
  return `${head}; ${problems.length} item${problems.length === 1 ? '' : 's'} could not be read (unknown in the snapshot):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`;
}

/** IAM names of the principals (roles and users), whose changes CloudTrail records in us-east-1. */
function principalName(arn: string): string | null {
  return (
    /^arn:[^:]+:(?:iam|sts)::\d{12}:(?:role|user|assumed-role)\/(?:.*\/)?([^/]+?)(?:\/[^/]+)?$/.exec(
      arn,
    )?.[1] ?? null
  );
}

/**
 * Adds the access-control changes of the last 7 days (issue 9) for the captured buckets and principals, as
 * `recentChanges` in the LookupEvents shape, so that `explain --snapshot` can say what changed, offline.
 */
async function withRecentChanges(
  aws: LiveAws,
  live: LiveOptions,
  opts: SnapshotOptions,
  result: { snapshot: unknown; problems: string[] },
): Promise<unknown> {
  const source = aws.changeSource?.(live);
  if (!source?.snapshotChanges || !result.snapshot || typeof result.snapshot !== 'object')
    return result.snapshot;
  const region = live.region ?? 'us-east-1';
  const targets = [
    ...opts.bucket.map((name) => ({ name, accountId: null, region })),
    ...opts.principal.flatMap((arn) => {
      const name = principalName(arn);
      return name ? [{ name, accountId: null, region: 'us-east-1' }] : [];
    }),
  ];
  const { events, problems } = await source.snapshotChanges({ targets, until: new Date() });
  result.problems.push(...problems);
  return { ...(result.snapshot as Record<string, unknown>), recentChanges: events };
}

export async function snapshotCommand(opts: SnapshotOptions, io: CliIo): Promise<number> {
  if (opts.bucket.length === 0 && opts.principal.length === 0 && !opts.allIam) {
    throw new UsageError('snapshot needs at least one --bucket NAME (or --principal ARN, or --all-iam)');
  }
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live, 'snapshot');
  const bar = progressBar(io);
  let result: { snapshot: unknown; problems: string[] };
  try {
    result = await aws.captureSnapshot({
      ...live,
      buckets: opts.bucket,
      principals: opts.principal,
      allIam: opts.allIam,
      ...(bar
        ? {
            onProgress: (done: number, total: number, label: string) =>
              bar.update(done, total, safeText(label)),
          }
        : {}),
    });
  } finally {
    bar?.stop();
  }
  const snapshot = await withRecentChanges(aws, live, opts, result);
  await writeOutput(io, opts.out, `${jsonText(snapshot, 2)}\n`);
  io.stderr(summary(opts.out, opts, result.problems));
  return EXIT.ok;
}
