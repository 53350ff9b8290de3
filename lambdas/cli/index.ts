/**
 * The `s3-403` command line (docs/CLI.md): explain, simulate, snapshot.
 * `run` parses argv, runs one command and returns the exit status; every failure is one line on stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import { version } from '../../package.json';
import { collectContext } from './context';
import { describeFailure, EXIT, UsageError } from './errors';
import { EXPLAIN_FORMATS, explainCommand, MAX_JSON_BYTES_ENV, type ExplainOptions } from './explain';
import { useColor, withSafeStderr, type CliIo } from './io';
import { PREFLIGHT_FORMATS, preflightCommand, type PreflightOptions } from './preflight';
import { DECISIONS, simulateCommand, type ExpectedDecision } from './simulate';
import { snapshotCommand } from './snapshot';

export type { CliIo } from './io';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * A value option given twice is an error naming it (commander would silently keep the last one).
 * Repeatable options (collected into a list) are named in `repeatable`.
 */
function singleValued(cmd: Command, repeatable: readonly string[] = []): Command {
  const seen = new Set<string>();
  for (const option of cmd.options) {
    if (option.isBoolean() || repeatable.includes(option.long ?? '')) continue;
    cmd.on(`option:${option.name()}`, () => {
      if (seen.has(option.long ?? '')) throw new UsageError(`${option.long} was given twice: give it once`);
      seen.add(option.long ?? '');
    });
  }
  return cmd;
}

const EXPLAIN_EXAMPLE = `
Examples:
  $ s3-403 explain --event denied.json --snapshot snapshot.json
  $ s3-403 explain --event trail-log.json.gz --snapshot snapshot.json --format json
  $ s3-403 explain --event AWSLogs/ --since 24h --bucket my-bucket --group --snapshot snapshot.json
  $ s3-403 explain --event logs/ --format html --out report.html --write-fixes fixes/
  $ s3-403 explain --trail-bucket my-trail-logs --since 90m --group --profile prod
  $ s3-403 explain --event - --profile prod --region eu-west-1 < event.json

--event (repeatable) is one CloudTrail record, an EventBridge event, an SQS batch, a CloudTrail log file
(gzipped or not), the output of aws cloudtrail lookup-events or aws logs filter-log-events, a folder (every
*.json and *.json.gz below it), or - for stdin; any size, read as a stream. Values that are not records
(digest files, Insights events, anything else) are counted or named on stderr.
Without --snapshot the live account is read with the default AWS credential chain.
json, slack and sns print a JSON array, one element per denial ([] when there is none); with --group, one
report {records, denials, groups[]} (json) or one entry per distinct problem (text), most frequent first.
--since/--until take ISO 8601 (2026-11-20T10:00:00Z) or a duration before now (90m, 24h, 7d); --principal
takes an ARN or a glob (* and ?). --max-json-bytes (or ${MAX_JSON_BYTES_ENV}) caps the JSON one input may
expand to (default 2G). An unusable input is named on stderr and the others are still read (exit 2).`;

const SIMULATE_EXAMPLE = `
Examples:
  $ s3-403 simulate --snapshot snapshot.json --principal arn:aws:iam::111122223333:role/App \\
      --action s3:GetObject --resource arn:aws:s3:::my-bucket/reports/q3.csv \\
      --context aws:SourceIp=198.51.100.7 --expect allowed
  $ s3-403 simulate --snapshot snapshot.json --requests requests.jsonl > decisions.jsonl

--requests FILE holds one {"principal", "action", "resource", "context"} object a line (an optional "expect"
per line); the output is one simulation object a line, written as soon as it is decided: the decision, the
layers and the statements that decided ("rootCauses": []); --explain adds the root causes and verified fixes
of each denial and the near-miss statements. A bad line is named by its number on stderr and the others are
still simulated; the exit status is then 2. Keys the snapshot determines (principal tags, org id, resource
account) are filled from it; aws:SecureTransport defaults to true; other keys are absent. Without --snapshot
the live account is read, as explain does.
Exit status 3 when --expect (or a line's "expect") differs from the decision.`;

const PREFLIGHT_EXAMPLE = `
Examples:
  $ s3-403 preflight --snapshot snapshot.json --events AWSLogs/ --bucket-policy my-bucket=new-policy.json
  $ s3-403 preflight --snapshot snapshot.json --events trail.json.gz \\
      --identity-policy arn:aws:iam::111122223333:policy/ReadReports=read-reports-v3.json --format json
  $ s3-403 preflight --trail-bucket my-trail-logs --since 7d --scp p-examplepolicyid=scp.json --profile audit

Replays every S3 request in the traffic (allowed and denied alike) against the account before and after the
proposed documents replace the current ones, and lists the requests the change would deny (with the root
cause explain gives), newly allow, or cannot decide. Identical requests are decided once and counted.
What each TARGET means:
  --bucket-policy BUCKET=FILE        the bucket policy of BUCKET
  --identity-policy POLICY-ARN=FILE  that customer managed policy, wherever it is attached
  --identity-policy USER/ROLE/GROUP-ARN[#NAME]=FILE  its inline policy NAME (default: FILE's base name)
  --scp / --rcp POLICY-ID=FILE       that policy (p-…, its ARN or name), wherever it is attached
  --scp / --rcp r-…|ou-…|ACCOUNT[#NAME]=FILE  a new policy attached there
  --vpc-endpoint-policy VPCE-ID=FILE the policy of that VPC endpoint
  --bucket-abac BUCKET=Enabled|Disabled  ABAC on BUCKET: which requests its tags would then deny or allow
  --blocked-encryption BUCKET=SSE-C|NONE  block (or allow) SSE-C uploads on BUCKET: which recorded uploads break
  --mfa-delete BUCKET=Enabled|Disabled  MFA delete on BUCKET: which recorded version deletes and versioning changes break
Each option is repeatable; several changes are replayed together. Without --snapshot the live account is
read; --trail-bucket without --since reads the last 24 hours.
Exit status 4 when anything is newly denied (a CI gate), 2 for unusable arguments or input, else 0.`;

const SNAPSHOT_EXAMPLE = `
Examples:
  $ s3-403 snapshot --bucket my-bucket --principal arn:aws:iam::111122223333:role/App --out snapshot.json
  $ s3-403 snapshot --bucket a --bucket b --all-iam --profile audit --region eu-west-1 --out snap.json

Writes the format of SNAPSHOT.md; what could not be read is listed on stderr and left out (unknown).`;

function program(io: CliIo, setCode: (code: number) => void): Command {
  const color = useColor(io);
  const root = new Command('s3-403')
    .description(
      'Explains Amazon S3 403 AccessDenied errors: the layer, the statement, the condition and a verified fix.',
    )
    .version(version, '--version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => undefined, // errors are printed by run(), as one line
      getOutHasColors: () => color,
      getErrHasColors: () => false,
    })
    .addHelpText(
      'after',
      '\nExample:\n  $ s3-403 explain --event denied.json --snapshot snapshot.json\n\nRun "s3-403 <command> --help" for the options of a command.',
    )
    .showSuggestionAfterError(true);

  const explain = root
    .command('explain')
    .description('explain every denied S3 request in CloudTrail records, events, log files or folders')
    .option(
      '--event <file>',
      'CloudTrail record, EventBridge event, log file (gzipped or not) or folder; - for stdin (repeatable)',
      collect,
    )
    .option(
      '--trail-bucket <name>',
      "live: read the trail's log objects of the time window from this S3 bucket",
    )
    .option('--prefix <prefix>', "with --trail-bucket: the trail's S3 key prefix (before AWSLogs/)")
    .option('--snapshot <file>', 'read account facts from this snapshot instead of the live account')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPLAIN_FORMATS]).default('text'))
    .option('--out <file>', 'write the output to FILE instead of stdout (html: the report page)')
    .option('--group', 'one entry per distinct problem with its count, most frequent first')
    .option('--verbose', 'text: every check and detail (default: the compact form)')
    .option('--bucket <name>', 'only denials on this bucket (repeatable)', collect)
    .option(
      '--principal <arn>',
      'only denials of this principal: an ARN or a glob with * and ? (repeatable)',
      collect,
    )
    .option('--since <time>', 'only denials at or after TIME: ISO 8601, or 90m / 24h / 7d before now')
    .option('--until <time>', 'only denials at or before TIME: ISO 8601, or 90m / 24h / 7d before now')
    .option(
      '--error-code <code>',
      'only denials with this error code, e.g. AccessDenied (repeatable)',
      collect,
    )
    .option('--write-fixes <dir>', 'write each verified policy fix to DIR: the patched document and apply.sh')
    .option(
      '--max-json-bytes <bytes>',
      `cap on the JSON one input may expand to (default 2G; or ${MAX_JSON_BYTES_ENV})`,
    )
    .option('--profile <name>', 'AWS profile for the live account (default: AWS_PROFILE)')
    .option('--region <region>', 'AWS region for the live account (default: AWS_REGION)')
    .addHelpText('after', EXPLAIN_EXAMPLE)
    .action(async (o: Omit<ExplainOptions, 'event'> & { event?: string[] }) => {
      setCode(await explainCommand({ ...o, event: o.event ?? [] }, io));
    });
  singleValued(explain, ['--event', '--bucket', '--principal', '--error-code']);

  const simulate = root
    .command('simulate')
    .description('would this request be allowed, and why? (the same engine, a hypothetical request)')
    .option('--principal <arn>', 'IAM user, role, assumed-role session ARN, account id, or *')
    .option('--action <action>', 'S3 action, e.g. s3:GetObject')
    .option('--resource <arn>', 'bucket, object or access point ARN')
    .option(
      '--context <key=value>',
      'condition key and value (repeatable; a repeated key is multi-valued)',
      collectContext,
    )
    .option('--requests <file>', 'batch: one JSON request a line; prints one simulation a line')
    .option(
      '--explain',
      'batch: also the root causes and verified fixes of each denied request, and the near-miss statements',
    )
    .option('--snapshot <file>', 'the account snapshot to evaluate against (default: the live account)')
    .option('--profile <name>', 'AWS profile for the live account (default: AWS_PROFILE)')
    .option('--region <region>', 'AWS region for the live account (default: AWS_REGION)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(
      new Option('--expect <decision>', 'exit with status 3 when the decision differs').choices([
        ...DECISIONS,
      ]),
    )
    .addHelpText('after', SIMULATE_EXAMPLE)
    .action(
      async (
        o: {
          principal?: string;
          action?: string;
          resource?: string;
          context?: Record<string, string | string[]>;
          requests?: string;
          snapshot?: string;
          format: 'text' | 'json';
          expect?: ExpectedDecision;
          explain?: boolean;
          profile?: string;
          region?: string;
        },
        cmd: Command,
      ) => {
        setCode(
          await simulateCommand({ ...o, formatGiven: cmd.getOptionValueSource('format') !== 'default' }, io),
        );
      },
    );

  singleValued(simulate, ['--context']);

  const preflight = root
    .command('preflight')
    .description(
      'before a policy change ships: replay recorded traffic against it and list who it would lock out',
    )
    .option('--snapshot <file>', 'read account facts from this snapshot instead of the live account')
    .option(
      '--events <log...>',
      'recorded traffic: CloudTrail log files (gzipped or not), folders, records; - for stdin (repeatable)',
    )
    .option(
      '--trail-bucket <name>',
      "live: read the trail's log objects of the time window from this S3 bucket",
    )
    .option('--prefix <prefix>', "with --trail-bucket: the trail's S3 key prefix (before AWSLogs/)")
    .option('--since <time>', 'only requests at or after TIME: ISO 8601, or 90m / 24h / 7d before now')
    .option('--until <time>', 'only requests at or before TIME: ISO 8601, or 90m / 24h / 7d before now')
    .option('--bucket <name>', 'only requests on this bucket (repeatable)', collect)
    .option(
      '--principal <arn>',
      'only requests of this principal: an ARN or a glob with * and ? (repeatable)',
      collect,
    )
    .option('--bucket-policy <bucket=file>', 'proposed bucket policy of BUCKET (repeatable)', collect)
    .option(
      '--identity-policy <arn=file>',
      'proposed managed policy, or inline policy of a user/role/group (repeatable)',
      collect,
    )
    .option(
      '--scp <id=file>',
      'proposed SCP content (p-…), or a new SCP attached to r-…/ou-…/account (repeatable)',
      collect,
    )
    .option(
      '--rcp <id=file>',
      'proposed RCP content (p-…), or a new RCP attached to r-…/ou-…/account (repeatable)',
      collect,
    )
    .option('--vpc-endpoint-policy <id=file>', 'proposed policy of VPC endpoint ID (repeatable)', collect)
    .option(
      '--bucket-abac <bucket=status>',
      'proposed ABAC status of BUCKET, Enabled or Disabled: its tags as aws:ResourceTag (repeatable)',
      collect,
    )
    .option(
      '--blocked-encryption <bucket=type>',
      'proposed blocked encryption type of BUCKET, SSE-C or NONE: which uploads specifying SSE-C it refuses (repeatable)',
      collect,
    )
    .option(
      '--mfa-delete <bucket=status>',
      'proposed MFA delete of BUCKET, Enabled or Disabled: which version deletes and versioning changes only the root user with its MFA could make (repeatable)',
      collect,
    )
    .addOption(
      new Option('--format <format>', 'output format').choices([...PREFLIGHT_FORMATS]).default('text'),
    )
    .option('--out <file>', 'write the output to FILE instead of stdout')
    .option('--verbose', 'text and json: also list the requests denied before and after; text: every item')
    .option(
      '--max-json-bytes <bytes>',
      `cap on the JSON one input may expand to (default 2G; or ${MAX_JSON_BYTES_ENV})`,
    )
    .option('--profile <name>', 'AWS profile for the live account (default: AWS_PROFILE)')
    .option('--region <region>', 'AWS region for the live account (default: AWS_REGION)')
    .addHelpText('after', PREFLIGHT_EXAMPLE)
    .action(async (o: Omit<PreflightOptions, 'events'> & { events?: string[] }) => {
      setCode(await preflightCommand({ ...o, events: o.events ?? [] }, io));
    });
  singleValued(preflight, [
    '--events',
    '--bucket',
    '--principal',
    '--bucket-policy',
    '--identity-policy',
    '--scp',
    '--rcp',
    '--vpc-endpoint-policy',
    '--bucket-abac',
    '--blocked-encryption',
    '--mfa-delete',
  ]);

  const snapshot = root
    .command('snapshot')
    .description('capture the access-control configuration of buckets and principals from the live account')
    .option('--bucket <name>', 'bucket to capture (repeatable)', collect)
    .option('--principal <arn>', 'IAM user or role to capture (repeatable)', collect)
    .option('--all-iam', 'capture the whole GetAccountAuthorizationDetails output')
    .requiredOption('--out <file>', 'where to write the snapshot; - for stdout')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .option('--region <region>', 'AWS region (default: AWS_REGION)')
    .addHelpText('after', SNAPSHOT_EXAMPLE)
    .action(
      async (o: {
        bucket?: string[];
        principal?: string[];
        allIam?: boolean;
        out: string;
        profile?: string;
        region?: string;
      }) => {
        const opts = {
          ...o,
          bucket: o.bucket ?? [],
          principal: o.principal ?? [],
          allIam: o.allIam === true,
        };
        setCode(await snapshotCommand(opts, io));
      },
    );
  singleValued(snapshot, ['--bucket', '--principal']);

  return root;
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/** Runs the command line; returns the exit status (0, 1, 2, 3 or 4). Never throws. */
export async function run(argv: readonly string[], given: CliIo): Promise<number> {
  const io = withSafeStderr(given);
  let code: number = EXIT.ok;
  try {
    const cli = program(io, (c) => (code = c));
    if (argv.length === 0) {
      io.stderr(cli.helpInformation());
      return EXIT.usage;
    }
    await cli.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (HELP_CODES.has(err.code)) return EXIT.ok;
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      io.stderr(
        `s3-403: ${err.message
          .replace(/^error: /, '')
          .replace(/\s+/g, ' ')
          .trim()}\n`,
      );
      return EXIT.usage;
    }
    const failure = describeFailure(err);
    io.stderr(`${failure.line}\n`);
    return failure.code;
  }
}
