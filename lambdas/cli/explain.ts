/**
 * `s3-403 explain`: every denial in the inputs, explained from a snapshot or the live account.
 *
 * Inputs are read as streams, one record at a time (lambdas/core/event/stream.ts): memory grows with the
 * denials kept (and, with --group or html, with the distinct problems), never with the records read.
 * Denials are filtered (--bucket, --principal, --since, --until, --error-code) before they are analysed;
 * identical denials share one analysis (./explainer.ts). Findings are written as they are decided (text,
 * json, slack, sns), or grouped into one report at the end (--group, --format html).
 * An input that turns out unusable is named on stderr (one line) and the others are still read; the exit
 * status is then 2, and the output is still complete for what was read.
 */
import type { ChangeSource, KmsDenialSource } from '../adapters/explain';
import { InputError, isDenial, toAccessRequest } from '../core/event';
import { streamRecords } from '../core/event/stream';
import { SkipTally } from './skipped';
import { aboveProgress, progressLine } from './progress';
import { jsonText, safeText } from '../core/render/safe';
import type { AccessRequest, Finding } from '../core/model';
import { keyOf, problemKey } from '../core/problem-key';
import { isFiltering, matchesFilter, NO_FILTER, parseTime, type DenialFilter } from '../core/report/filter';
import { Grouper, noDenialText } from '../core/report/group';
import { renderSlack } from '../core/render/slack';
import { renderSns } from '../core/render/sns';
import { renderFinding, textRule } from '../core/render/text';
import { describeFailure, EXIT, fileError, UsageError } from './errors';
import { Explainer, type ExplainSource } from './explainer';
import { loadSnapshotView, writeOutput } from './files';
import { renderGroupsText } from './group-text';
import { renderHtml } from './html';
import { resolveInputs, type InputSource } from './inputs';
import { useColor, type CliIo } from './io';
import { liveOptions, loadLiveAws, requireCredentials } from './live';
import { writeFixes, type FixCandidate } from './write-fixes';

export const EXPLAIN_FORMATS = ['text', 'json', 'slack', 'sns', 'html'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

/** Environment variable for the size cap when --max-json-bytes is not given. */
export const MAX_JSON_BYTES_ENV = 'S3_403_MAX_JSON_BYTES';

export interface ExplainOptions {
  readonly event: readonly string[];
  readonly trailBucket?: string;
  readonly prefix?: string;
  readonly snapshot?: string;
  readonly format: ExplainFormat;
  readonly out?: string;
  readonly group?: boolean;
  readonly verbose?: boolean;
  readonly bucket?: readonly string[];
  readonly principal?: readonly string[];
  readonly errorCode?: readonly string[];
  readonly since?: string;
  readonly until?: string;
  readonly writeFixes?: string;
  readonly maxJsonBytes?: string;
  readonly profile?: string;
  readonly region?: string;
}

/** Machine formats are JSON arrays, one element per finding, in input order ([] when there is none). */
function machineItem(f: Finding, format: 'json' | 'slack' | 'sns'): unknown {
  return format === 'json' ? f : format === 'slack' ? renderSlack(f) : renderSns(f);
}

/**
 * One element of a pretty-printed JSON array, indented as the array would indent it: the array of one element,
 * without its brackets (no second pass over the text to indent it).
 */
const arrayElement = (v: unknown): string => {
  const wrapped = jsonText([v], 2);
  return wrapped.slice(2, -2);
};

/** Where findings go as they are decided, or as one report at the end. */
interface Sink {
  add(finding: Finding, request: AccessRequest): void;
  /** The rest of the output; null when there is nothing to print (every input failed). */
  end(counts: { records: number; denials: number; filteredOut: number; readAny: boolean }): string | null;
}

/** text / json / slack / sns without --group: each finding is written as soon as it is decided. */
function streamingSink(
  format: 'text' | 'json' | 'slack' | 'sns',
  emit: (s: string) => void,
  color: boolean,
  verbose: boolean,
): Sink {
  let started = false;
  return {
    add(f) {
      if (format === 'text') {
        emit(`${started ? `\n\n${textRule(color)}\n\n` : ''}${renderFinding(f, { color, verbose })}`);
      } else {
        emit(`${started ? ',\n' : '[\n'}${arrayElement(machineItem(f, format))}`);
      }
      started = true;
    },
    end({ readAny, filteredOut }) {
      if (started) return format === 'text' ? '\n' : '\n]\n';
      if (!readAny) return null;
      return format === 'text' ? `${noDenialText(filteredOut)}\n` : '[]\n';
    },
  };
}

/** --group (text, json) and html: one report at the end. */
function reportSink(
  format: ExplainFormat,
  grouper: Grouper<AccessRequest>,
  color: boolean,
  verbose: boolean,
  meta: { inputs: readonly string[]; filter: DenialFilter; now: Date },
): Sink {
  return {
    add(f, request) {
      grouper.add(f, request);
    },
    end({ records, denials, filteredOut, readAny }) {
      if (!readAny) return null;
      const report = grouper.report(records, denials, filteredOut);
      if (format === 'html') return renderHtml(report, grouper.times, meta);
      if (format === 'json') return `${jsonText(report, 2)}\n`;
      if (format === 'text') return renderGroupsText(report, { color, verbose });
      // slack / sns --group: the payload of each group's finding, most frequent first
      return `${jsonText(
        report.groups.map((g) => machineItem(g.finding, format)),
        2,
      )}\n`;
    },
  };
}

function filterOf(opts: ExplainOptions, now: Date): DenialFilter {
  const time = (flag: string, text: string | undefined): Date | null => {
    if (text === undefined) return null;
    const t = parseTime(text, now);
    if (!t)
      throw new UsageError(
        `${flag} ${JSON.stringify(text)}: expected an ISO 8601 time (2026-11-20T10:00:00Z) or a duration before now (90m, 24h, 7d)`,
      );
    return t;
  };
  let filter: DenialFilter = {
    ...NO_FILTER,
    buckets: opts.bucket ?? [],
    principals: opts.principal ?? [],
    errorCodes: opts.errorCode ?? [],
    since: time('--since', opts.since),
    until: time('--until', opts.until),
  };
  // --trail-bucket without --since: the hour before --until (or now)
  if (opts.trailBucket !== undefined && filter.since === null)
    filter = { ...filter, since: new Date((filter.until ?? now).getTime() - 3600_000) };
  if (filter.since && filter.until && filter.since > filter.until)
    throw new UsageError('--since is after --until: no denial can match');
  return filter;
}

/** --max-json-bytes N (or S3_403_MAX_JSON_BYTES), a positive integer; suffixes K, M, G (binary) allowed. */
export function parseSize(text: string, where: string): number {
  const m = /^(\d+)\s*([kmg]i?b?)?$/i.exec(text.trim());
  const n = m ? Number(m[1]) * (m[2] ? 1024 ** ('kmg'.indexOf(m[2][0]!.toLowerCase()) + 1) : 1) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(
      `${where} ${JSON.stringify(text)}: expected a positive number of bytes, e.g. 2G or 500M`,
    );
  return n;
}

/** --max-json-bytes, else S3_403_MAX_JSON_BYTES (explain and preflight). */
export function maxJsonBytesOf(
  opts: { readonly maxJsonBytes?: string },
  env: CliIo['env'],
): number | undefined {
  if (opts.maxJsonBytes !== undefined) return parseSize(opts.maxJsonBytes, '--max-json-bytes');
  const fromEnv = env[MAX_JSON_BYTES_ENV];
  return fromEnv ? parseSize(fromEnv, MAX_JSON_BYTES_ENV) : undefined;
}

/**
 * The live account could not be opened (no credentials, a profile that does not exist). It is opened on the first
 * denial (a log without one needs no account), so this is met while an input is read, but it is no problem of that
 * input: the command stops with this one line (exit 2) instead of repeating it for every input left.
 */
class AccountUnavailable extends UsageError {}

async function liveSource(io: CliIo, opts: ExplainOptions): Promise<ExplainSource> {
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live);
  const changes = aws.changeSource?.(live);
  const simulator = aws.simulator?.(live);
  return {
    view: new aws.AwsAccountView(live),
    explain: {
      ...(changes ? { changes } : {}),
      ...(changes && 'kmsDenial' in changes ? { kmsDenials: changes as ChangeSource & KmsDenialSource } : {}),
      ...(simulator ? { simulator } : {}),
    },
  };
}

function validate(opts: ExplainOptions): void {
  if (opts.event.length === 0 && opts.trailBucket === undefined)
    throw new UsageError(
      'explain needs --event FILE (repeatable: files, folders, - for stdin) or --trail-bucket NAME',
    );
  if (opts.prefix !== undefined && opts.trailBucket === undefined)
    throw new UsageError('--prefix needs --trail-bucket NAME');
  if (opts.event.includes('-') && opts.snapshot === '-')
    throw new UsageError('--event and --snapshot cannot both be - (stdin)');
  if (opts.format === 'html' && opts.verbose)
    throw new UsageError('--verbose applies to text output, not html');
}

/**
 * The CloudTrail log files of --trail-bucket/--prefix in the filter's window (default: the last `defaultMs`), read
 * with the live credentials (explain and preflight).
 */
export async function trailInputs(
  io: CliIo,
  opts: {
    readonly trailBucket?: string;
    readonly prefix?: string;
    readonly profile?: string;
    readonly region?: string;
  },
  filter: DenialFilter,
  defaultMs = 3600_000,
): Promise<InputSource[]> {
  if (opts.trailBucket === undefined) return [];
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live);
  if (!aws.s3Client) throw new UsageError('--trail-bucket needs the AWS SDK S3 client');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const trail = require('./trail') as typeof import('./trail');
  return trail.trailInputs(aws.s3Client(live), {
    bucket: opts.trailBucket,
    prefix: opts.prefix ?? '',
    since: filter.since ?? new Date(io.now().getTime() - defaultMs),
    until: filter.until ?? io.now(),
  });
}

export async function explainCommand(opts: ExplainOptions, io: CliIo): Promise<number> {
  validate(opts);
  const now = io.now();
  const filter = filterOf(opts, now);
  const maxJsonBytes = maxJsonBytesOf(opts, io.env);
  // Every path is checked, and a snapshot validated, before anything is read or printed.
  const sources = [
    ...(await resolveInputs(io, opts.event, filter)),
    ...(await trailInputs(io, opts, filter)),
  ];
  const snapshotView = opts.snapshot !== undefined ? await loadSnapshotView(io, opts.snapshot) : null;
  const explainer = new Explainer(async () => {
    if (snapshotView) return { view: snapshotView, explain: {} };
    try {
      return await liveSource(io, opts);
    } catch (e) {
      throw e instanceof UsageError ? new AccountUnavailable(e.message) : e;
    }
  });

  const color = useColor(io);
  const toFile = opts.out !== undefined && opts.out !== '-';
  const buffered: string[] = [];
  const emit = (s: string): void => void (toFile ? buffered.push(s) : io.stdout(s));
  const grouped = opts.group === true || opts.format === 'html';
  const grouper = new Grouper<AccessRequest>();
  const sink = grouped
    ? reportSink(opts.format, grouper, color, opts.verbose === true, {
        inputs: sources.map((s) => s.name),
        filter,
        now,
      })
    : streamingSink(opts.format as 'text' | 'json' | 'slack' | 'sns', emit, color, opts.verbose === true);
  const fixes = new Map<string, FixCandidate>();

  let records = 0;
  let denials = 0;
  let filteredOut = 0;
  let failed = 0;
  const filtering = isFiltering(filter);
  // on a terminal, unless findings are written to it as they come: records read and denials so far
  const progress = progressLine(
    io,
    'explain: {value} records read, {denials} denials ({input}, {duration_formatted})',
    io.isTTY && !grouped && !toFile,
    { denials: 0, input: '' },
  );
  const err = aboveProgress(io, progress);
  const skipped = new SkipTally(err);
  for (const [n, source] of sources.entries()) {
    progress?.update(records, {
      input: sources.length > 1 ? `input ${n + 1} of ${sources.length}` : safeText(source.name),
    });
    try {
      for await (const record of streamRecords(source.open(), source.name, {
        ...(maxJsonBytes ? { maxJsonBytes } : {}),
        onSkip: skipped.onSkip,
      })) {
        records += 1;
        if (progress !== null && records % 1000 === 0) progress.update(records);
        if (!isDenial(record)) continue;
        const request = toAccessRequest(record);
        if (filtering && !matchesFilter(request, filter)) {
          filteredOut += 1;
          continue;
        }
        denials += 1;
        const finding = await explainer.explain(request);
        progress?.update(records, { denials });
        sink.add(finding, request);
        if (
          opts.writeFixes !== undefined &&
          finding.rootCauses.some((c) => c.fix.verified && c.fix.policyPatch)
        ) {
          const key = keyOf(problemKey(finding));
          if (!fixes.has(key)) fixes.set(key, { finding, request });
        }
      }
      skipped.endInput(source.name);
    } catch (e) {
      // no credentials (or no such profile): no input can be explained, so one line and stop
      if (
        e instanceof AccountUnavailable ||
        (!(e instanceof InputError || e instanceof UsageError) && !isFsError(e))
      ) {
        progress?.stop();
        throw e;
      }
      failed += 1;
      skipped.forgetInput();
      err.stderr(`${describeFailure(isFsError(e) ? fileError(source.name, e) : e).line}\n`);
    }
  }
  progress?.stop();
  skipped.end();
  const rest = sink.end({ records, denials, filteredOut, readAny: failed < sources.length });
  if (rest !== null) emit(rest);
  if (toFile && rest !== null) await writeOutput(io, opts.out!, buffered.join(''));
  if (toFile && rest !== null && opts.format === 'html')
    io.stderr(
      `s3-403: wrote ${opts.out} (${grouper.size} problem${grouper.size === 1 ? '' : 's'}, ${denials} denial${denials === 1 ? '' : 's'})\n`,
    );
  if (opts.writeFixes !== undefined) await writeFixes(io, opts.writeFixes, [...fixes.values()], explainer);
  return failed > 0 ? EXIT.usage : EXIT.ok;
}

const isFsError = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && /^E[A-Z]+$/.test(String((err as NodeJS.ErrnoException).code ?? ''));
