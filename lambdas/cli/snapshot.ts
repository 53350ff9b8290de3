/** `s3-403 snapshot`: capture the SNAPSHOT.md format from the live account, with a progress bar on a terminal. */
import cliProgress from 'cli-progress';
import { EXIT, UsageError } from './errors';
import { writeOutput } from './files';
import type { CliIo } from './io';
import { liveOptions, loadLiveAws, requireCredentials } from './live';

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

export async function snapshotCommand(opts: SnapshotOptions, io: CliIo): Promise<number> {
  if (opts.bucket.length === 0 && opts.principal.length === 0 && !opts.allIam) {
    throw new UsageError('snapshot needs at least one --bucket NAME (or --principal ARN, or --all-iam)');
  }
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live);
  const bar = progressBar(io);
  let result: { snapshot: unknown; problems: string[] };
  try {
    result = await aws.captureSnapshot({
      ...live,
      buckets: opts.bucket,
      principals: opts.principal,
      allIam: opts.allIam,
      ...(bar
        ? { onProgress: (done: number, total: number, label: string) => bar.update(done, total, label) }
        : {}),
    });
  } finally {
    bar?.stop();
  }
  await writeOutput(io, opts.out, `${JSON.stringify(result.snapshot, null, 2)}\n`);
  io.stderr(summary(opts.out, opts, result.problems));
  return EXIT.ok;
}
