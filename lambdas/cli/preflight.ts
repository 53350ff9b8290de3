/**
 * `s3-403 preflight` (issue 18, docs/CLI.md Preflight): replay recorded S3 traffic against the account before
 * and after proposed policy documents replace the current ones, and list who the change would lock out
 * (exit 4), who it would newly let in, and what cannot be told.
 *
 * Traffic: `--events` (files, folders, - for stdin; the same inputs as `explain --event`) and / or
 * `--trail-bucket NAME --since 7d` (the trail's log objects, streamed from S3 as `explain` does). The account:
 * `--snapshot FILE`, or the live account. Every proposed document is read and checked (JSON, a policy the
 * engine can parse, a target the snapshot knows) before any traffic is read.
 */
import { jsonText } from '../core/render/safe';
import { basename } from 'node:path';
import { decodePolicyDocument } from '../adapters/snapshot/policy-document';
import type { SnapshotView } from '../adapters/snapshot';
import type { AccountView } from '../adapters/types';
import { InputError } from '../core/event';
import { streamRecordTexts } from '../core/event/requests';
import { SkipTally } from './skipped';
import { parsePolicy } from '../core/policy';
import { Replay } from '../core/preflight/replay';
import { identityTarget, isOrgTarget, type Proposal, type ProposalKind } from '../core/preflight/substitute';
import { renderPreflightText } from '../core/preflight/text';
import type { PreflightReport } from '../core/preflight/types';
import { NO_FILTER, parseTime, type DenialFilter } from '../core/report/filter';
import { describeFailure, EXIT, fileError, UsageError } from './errors';
import { maxJsonBytesOf, trailInputs } from './explain';
import { loadSnapshotView, readText, writeOutput } from './files';
import { resolveInputs, type InputSource } from './inputs';
import type { CliIo } from './io';
import { liveOptions, loadLiveAws, requireCredentials } from './live';
import { ownValue } from '../core/own';
import { renderPreflightHtml } from './preflight-html';

/** Exit status when the change would deny a request that is allowed today (docs/CLI.md). */
export const EXIT_NEWLY_DENIED = 4;

/** --trail-bucket without --since reads the last day. */
const TRAIL_DEFAULT_MS = 24 * 3600_000;

export const PREFLIGHT_FORMATS = ['text', 'json', 'html'] as const;

export interface PreflightOptions {
  readonly snapshot?: string;
  readonly events: readonly string[];
  readonly trailBucket?: string;
  readonly prefix?: string;
  readonly since?: string;
  readonly until?: string;
  readonly bucket?: readonly string[];
  readonly principal?: readonly string[];
  readonly bucketPolicy?: readonly string[];
  readonly identityPolicy?: readonly string[];
  readonly scp?: readonly string[];
  readonly rcp?: readonly string[];
  readonly vpcEndpointPolicy?: readonly string[];
  readonly bucketAbac?: readonly string[];
  readonly blockedEncryption?: readonly string[];
  readonly mfaDelete?: readonly string[];
  readonly format: (typeof PREFLIGHT_FORMATS)[number];
  readonly out?: string;
  readonly verbose?: boolean;
  readonly maxJsonBytes?: string;
  readonly profile?: string;
  readonly region?: string;
}

const FLAGS: Readonly<Record<ProposalKind, string>> = {
  'bucket-policy': '--bucket-policy',
  'identity-policy': '--identity-policy',
  scp: '--scp',
  rcp: '--rcp',
  'vpc-endpoint-policy': '--vpc-endpoint-policy',
  'bucket-abac': '--bucket-abac',
  'blocked-encryption': '--blocked-encryption',
  'mfa-delete': '--mfa-delete',
};

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const VPCE_ID = /^vpce-[0-9a-f]{8,17}$/;
const ORG_POLICY = /^(p-[0-9a-z_]{8,128}|arn:aws[a-z-]*:organizations::\d{12}:policy\/.+)$/;

/** `TARGET=FILE`, split at the last `=` (IAM names may hold `=`; a file name with `=` must be renamed). */
function splitSpec(kind: ProposalKind, spec: string): { target: string; name: string | null; file: string } {
  const i = spec.lastIndexOf('=');
  const flag = FLAGS[kind];
  if (i <= 0 || i === spec.length - 1)
    throw new UsageError(`${flag} ${JSON.stringify(spec)}: expected TARGET=FILE (e.g. ${example(kind)})`);
  const left = spec.slice(0, i);
  const hash = left.indexOf('#');
  return {
    target: hash < 0 ? left : left.slice(0, hash),
    name: hash < 0 ? null : left.slice(hash + 1),
    file: spec.slice(i + 1),
  };
}

function example(kind: ProposalKind): string {
  switch (kind) {
    case 'bucket-policy':
      return 'my-bucket=new-policy.json';
    case 'identity-policy':
      return 'arn:aws:iam::111122223333:policy/ReadReports=new.json';
    case 'scp':
    case 'rcp':
      return 'p-examplepolicyid=new.json';
    case 'vpc-endpoint-policy':
      return 'vpce-0a1b2c3d4e5f60718=new.json';
    case 'bucket-abac':
      return 'my-bucket=Enabled';
    case 'blocked-encryption':
      return 'my-bucket=SSE-C';
    case 'mfa-delete':
      return 'my-bucket=Enabled';
  }
}

/** The target of one proposal, checked for its kind; `#NAME` only where a name is meaningful. */
function checkTarget(kind: ProposalKind, target: string, name: string | null, spec: string): void {
  const flag = FLAGS[kind];
  const bad = (what: string): never => {
    throw new UsageError(`${flag} ${JSON.stringify(spec)}: ${what} (e.g. ${example(kind)})`);
  };
  if (name !== null && name === '') bad('the name after # is empty');
  switch (kind) {
    case 'bucket-policy':
    case 'bucket-abac':
    case 'blocked-encryption':
    case 'mfa-delete':
      if (!BUCKET_NAME.test(target)) bad(`${JSON.stringify(target)} is not a bucket name`);
      if (name !== null)
        bad(
          `a bucket has one ${kind === 'bucket-abac' ? 'ABAC status' : kind === 'blocked-encryption' ? 'set of blocked encryption types' : kind === 'mfa-delete' ? 'MFA delete status' : 'policy'}: no #NAME`,
        );
      return;
    case 'identity-policy': {
      const t = identityTarget(target);
      if (t === null) bad(`${JSON.stringify(target)} is not an IAM managed policy, user, role or group ARN`);
      if (t?.type === 'managed' && /:iam::aws:policy\//.test(target))
        bad(
          'an AWS managed policy cannot be changed; name the user, role or group to propose an inline policy for it',
        );
      if (t?.type === 'managed' && name !== null) bad('a managed policy ARN takes no #NAME');
      return;
    }
    case 'scp':
    case 'rcp':
      if (!ORG_POLICY.test(target) && !isOrgTarget(target))
        bad(
          `${JSON.stringify(target)} is neither a policy id (p-…) or ARN, nor a root (r-…), OU (ou-…) or account id to attach a new policy to`,
        );
      if (!isOrgTarget(target) && name !== null)
        bad('#NAME is for a new policy attached to a root, OU or account');
      return;
    case 'vpc-endpoint-policy':
      if (!VPCE_ID.test(target)) bad(`${JSON.stringify(target)} is not a VPC endpoint id`);
      if (name !== null) bad('a VPC endpoint has one policy: no #NAME');
      return;
  }
}

type SettingKind = 'bucket-abac' | 'blocked-encryption' | 'mfa-delete';

/**
 * The bucket settings a proposal gives on the command line (`BUCKET=VALUE`, not a file): each one's values (matched
 * without regard to case), what the value is called in a refusal, and the document the proposal carries.
 *  - `--bucket-abac`: put-bucket-abac --abac-status Status=….
 *  - `--blocked-encryption`: BlockedEncryptionTypes.EncryptionType (put-bucket-encryption; SSE-C is the only type S3
 *    can block: https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html).
 *  - `--mfa-delete`: the MFADelete of the bucket's versioning configuration (put-bucket-versioning,
 *    https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html).
 */
const SETTING_VALUES: Readonly<
  Record<
    SettingKind,
    { values: readonly string[]; what: string; document: (v: string) => Record<string, unknown> }
  >
> = {
  'bucket-abac': { values: ['Enabled', 'Disabled'], what: 'the status is', document: (v) => ({ Status: v }) },
  'blocked-encryption': {
    values: ['SSE-C', 'NONE'],
    what: 'the blocked type is',
    document: (v) => ({ EncryptionType: [v] }),
  },
  'mfa-delete': {
    values: ['Enabled', 'Disabled'],
    what: 'MFA delete is',
    document: (v) => ({ MFADelete: v }),
  },
};

/** The proposals that set a bucket setting to a value given on the command line, not a document read from a file. */
const isSetting = (kind: ProposalKind): kind is SettingKind => Object.hasOwn(SETTING_VALUES, kind);

/** A bucket setting's proposal: `BUCKET=VALUE`, one of the setting's values. */
function settingProposal(kind: SettingKind, spec: string): Proposal {
  const { target, name, file: given } = splitSpec(kind, spec);
  checkTarget(kind, target, name, spec);
  const { values, what, document } = SETTING_VALUES[kind];
  const value = values.find((v) => v.toLowerCase() === given.toLowerCase());
  if (value === undefined)
    throw new UsageError(
      `${FLAGS[kind]} ${JSON.stringify(spec)}: ${what} ${values.join(' or ')}, not ${JSON.stringify(given)} (e.g. ${example(kind)})`,
    );
  return { kind, target, name: value, document: document(value), label: `${FLAGS[kind]} ${spec}` };
}

async function readProposal(io: CliIo, kind: ProposalKind, spec: string): Promise<Proposal> {
  if (isSetting(kind)) return settingProposal(kind, spec);
  const { target, name, file } = splitSpec(kind, spec);
  checkTarget(kind, target, name, spec);
  const { text } = await readText(io, file);
  const decoded = decodePolicyDocument(text);
  if (!decoded.ok) throw new UsageError(`${file}: ${decoded.problem}`);
  const policyName = name ?? basename(file).replace(/\.json$/i, '');
  try {
    parsePolicy({ name: policyName, source: sourceOf(kind), document: decoded.value });
  } catch (err) {
    throw new UsageError(`${file}: not a usable policy: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { kind, target, name: policyName, document: decoded.value, label: `${FLAGS[kind]} ${spec}` };
}

function sourceOf(kind: Exclude<ProposalKind, SettingKind>) {
  switch (kind) {
    case 'bucket-policy':
      return 'bucket-policy' as const;
    case 'identity-policy':
      return 'identity-inline' as const;
    case 'scp':
      return 'scp' as const;
    case 'rcp':
      return 'rcp' as const;
    case 'vpc-endpoint-policy':
      return 'vpc-endpoint-policy' as const;
  }
}

export async function readProposals(io: CliIo, opts: PreflightOptions): Promise<Proposal[]> {
  const specs: [ProposalKind, readonly string[] | undefined][] = [
    ['bucket-policy', opts.bucketPolicy],
    ['identity-policy', opts.identityPolicy],
    ['scp', opts.scp],
    ['rcp', opts.rcp],
    ['vpc-endpoint-policy', opts.vpcEndpointPolicy],
    ['bucket-abac', opts.bucketAbac],
    ['blocked-encryption', opts.blockedEncryption],
    ['mfa-delete', opts.mfaDelete],
  ];
  const out: Proposal[] = [];
  const seen = new Set<string>();
  for (const [kind, list] of specs)
    for (const spec of list ?? []) {
      const p = await readProposal(io, kind, spec);
      const key = `${kind}|${p.target}|${kind === 'identity-policy' ? p.name : ''}`;
      if (seen.has(key))
        throw new UsageError(
          `${FLAGS[kind]} names ${p.target} twice: give one ${kind === 'bucket-abac' ? 'status' : isSetting(kind) ? 'value' : 'document'} for it`,
        );
      seen.add(key);
      out.push(p);
    }
  if (out.length === 0)
    throw new UsageError(
      'preflight needs at least one proposed change: --bucket-policy BUCKET=FILE, --identity-policy ARN=FILE, --scp ID=FILE, --rcp ID=FILE, --vpc-endpoint-policy ID=FILE, --bucket-abac BUCKET=Enabled|Disabled, --blocked-encryption BUCKET=SSE-C|NONE or --mfa-delete BUCKET=Enabled|Disabled',
    );
  return out;
}

/**
 * Snapshot mode: every target must be something the snapshot describes (a typo must not pass as "nothing
 * breaks"). SCP / RCP ids are resolved to the names the snapshot gives the policy.
 */
export function resolveAgainstSnapshot(view: SnapshotView, proposals: readonly Proposal[]): Proposal[] {
  const s = view.snapshot;
  const index = view.index;
  return proposals.map((p) => {
    const missing = (what: string): never => {
      throw new UsageError(`${p.label}: the snapshot has no ${what}`);
    };
    switch (p.kind) {
      case 'bucket-policy':
      case 'bucket-abac':
      case 'blocked-encryption':
      case 'mfa-delete':
        if (!index.buckets.has(p.target)) missing(`bucket ${p.target}`);
        return p;
      case 'vpc-endpoint-policy':
        if (!ownValue(s.vpcEndpoints, p.target)) missing(`VPC endpoint ${p.target}`);
        return p;
      case 'identity-policy': {
        const t = identityTarget(p.target)!;
        if (t.type === 'managed') {
          if (!index.managedPolicyDocument(p.target)) missing(`managed policy ${p.target}`);
          return p;
        }
        const account = index.accounts.get(t.accountId);
        const byName =
          t.type === 'user'
            ? account?.usersByName
            : t.type === 'role'
              ? account?.rolesByName
              : account?.groupsByName;
        if (!byName?.has(t.name)) missing(`${t.type} ${t.name} in account ${t.accountId}`);
        return p;
      }
      case 'scp':
      case 'rcp': {
        const org = s.organization;
        const list = p.kind === 'scp' ? org?.serviceControlPolicies : org?.resourceControlPolicies;
        if (isOrgTarget(p.target)) {
          const known =
            index.accounts.has(p.target) ||
            [...index.accounts.values()].some((a) => a.account.organizationPath?.includes(p.target));
          if (!known) missing(`root, OU or account ${p.target} on any account's organization path`);
          return p;
        }
        const found = (list ?? []).find(
          (x) =>
            x.Id === p.target || x.Arn === p.target || x.Name === p.target || x.Arn?.endsWith(`/${p.target}`),
        );
        if (!found) missing(`${p.kind === 'scp' ? 'SCP' : 'RCP'} ${p.target}`);
        const aliases = [found?.Id, found?.Name, found?.Arn].filter(
          (x): x is string => !!x && x !== p.target,
        );
        return aliases.length > 0 ? { ...p, aliases } : p;
      }
    }
  });
}

function filterOf(opts: PreflightOptions, now: Date): DenialFilter {
  const time = (flag: string, v: string | undefined): Date | null => {
    if (v === undefined) return null;
    const t = parseTime(v, now);
    if (t === null)
      throw new UsageError(
        `${flag} ${JSON.stringify(v)}: expected ISO 8601 (2026-11-20T10:00:00Z) or 90m / 24h / 7d`,
      );
    return t;
  };
  const until = time('--until', opts.until);
  // --trail-bucket without --since: the day before --until (or now)
  const since =
    time('--since', opts.since) ??
    (opts.trailBucket !== undefined ? new Date((until ?? now).getTime() - TRAIL_DEFAULT_MS) : null);
  if (since && until && since > until) throw new UsageError('--since is after --until');
  return { ...NO_FILTER, buckets: opts.bucket ?? [], principals: opts.principal ?? [], since, until };
}

async function liveView(io: CliIo, opts: PreflightOptions): Promise<AccountView> {
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live);
  return new aws.AwsAccountView(live);
}

const isFsError = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && /^E[A-Z]+$/.test(String((err as NodeJS.ErrnoException).code ?? ''));

/** Replays every source; an unusable one is named on stderr and the others are still read. */
export async function replaySources(
  io: CliIo,
  replay: Replay,
  sources: readonly InputSource[],
  maxJsonBytes: number | undefined,
): Promise<number> {
  let failed = 0;
  const skipped = new SkipTally(io);
  for (const source of sources) {
    try {
      for await (const item of streamRecordTexts(source.open(), source.name, {
        ...(maxJsonBytes ? { maxJsonBytes } : {}),
        onSkip: skipped.onSkip,
      })) {
        const pending =
          item.kind === 'text' ? replay.text(item, source.name, skipped.onSkip) : replay.record(item.record);
        if (pending) await pending;
      }
      skipped.endInput(source.name);
    } catch (err) {
      if (!(err instanceof InputError || err instanceof UsageError) && !isFsError(err)) throw err;
      failed += 1;
      skipped.forgetInput();
      io.stderr(`${describeFailure(isFsError(err) ? fileError(source.name, err) : err).line}\n`);
    }
  }
  skipped.end();
  return failed;
}

export function render(
  report: PreflightReport,
  opts: PreflightOptions,
  meta: { inputs: string[]; now: Date },
): string {
  if (opts.format === 'json') return `${jsonText(report, 2)}\n`;
  if (opts.format === 'html') return renderPreflightHtml(report, meta);
  return renderPreflightText(report, { verbose: opts.verbose === true });
}

export async function preflightCommand(opts: PreflightOptions, io: CliIo): Promise<number> {
  if (opts.events.length === 0 && opts.trailBucket === undefined)
    throw new UsageError(
      'preflight needs the traffic: --events LOG... (files, folders, - for stdin) or --trail-bucket NAME',
    );
  if (opts.prefix !== undefined && opts.trailBucket === undefined)
    throw new UsageError('--prefix needs --trail-bucket NAME');
  if (opts.events.includes('-') && opts.snapshot === '-')
    throw new UsageError('--events and --snapshot cannot both be - (stdin)');
  if (opts.format === 'html' && opts.verbose)
    throw new UsageError('--verbose applies to text output, not html');
  const now = io.now();
  const filter = filterOf(opts, now);
  const maxJsonBytes = maxJsonBytesOf(opts, io.env);
  let proposals = await readProposals(io, opts);
  const snapshotView = opts.snapshot !== undefined ? await loadSnapshotView(io, opts.snapshot) : null;
  if (snapshotView) proposals = resolveAgainstSnapshot(snapshotView, proposals);
  const sources = [
    ...(await resolveInputs(io, opts.events, filter)),
    ...(await trailInputs(io, opts, filter, TRAIL_DEFAULT_MS)),
  ];
  const view: AccountView = snapshotView ?? (await liveView(io, opts));

  const replay = new Replay({ view, proposals, verbose: opts.verbose === true, filter });
  const failed = await replaySources(io, replay, sources, maxJsonBytes);
  const report = replay.report();
  for (const c of report.changes)
    if (c.reached.requests === 0)
      io.stderr(
        `s3-403: ${c.change} reaches no request in the traffic replayed (nothing to compare for it)\n`,
      );
  const output = render(report, opts, { inputs: sources.map((s) => s.name), now });
  const toFile = opts.out !== undefined && opts.out !== '-';
  if (toFile) {
    await writeOutput(io, opts.out!, output);
    io.stderr(
      `s3-403: wrote ${opts.out} (${report.newlyDenied.length} newly denied, ${report.newlyAllowed.length} newly allowed, ${report.unknown.length} unknown)\n`,
    );
  } else io.stdout(output);
  if (report.newlyDenied.length > 0) return EXIT_NEWLY_DENIED;
  return failed > 0 ? EXIT.usage : EXIT.ok;
}
