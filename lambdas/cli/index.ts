/**
 * The `s3-403` command line (docs/CLI.md): explain, simulate, snapshot.
 * `run` parses argv, runs one command and returns the exit status; every failure is one line on stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import { collectContext } from './context';
import { describeFailure, EXIT } from './errors';
import { EXPLAIN_FORMATS, explainCommand, type ExplainFormat } from './explain';
import { useColor, type CliIo } from './io';
import { DECISIONS, simulateCommand, type ExpectedDecision } from './simulate';
import { snapshotCommand } from './snapshot';

export type { CliIo } from './io';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const EXPLAIN_EXAMPLE = `
Examples:
  $ s3-403 explain --event denied.json --snapshot snapshot.json
  $ s3-403 explain --event trail-log.json.gz --snapshot snapshot.json --format json
  $ s3-403 explain --event - --profile prod --region eu-west-1 < event.json

FILE is one CloudTrail record, an EventBridge event, a CloudTrail log file (gzipped or not), or - for stdin.
Without --snapshot the live account is read with the default AWS credential chain.
json, slack and sns print a JSON array, one element per denial ([] when there is none).`;

const SIMULATE_EXAMPLE = `
Examples:
  $ s3-403 simulate --snapshot snapshot.json --principal arn:aws:iam::111122223333:role/App \\
      --action s3:GetObject --resource arn:aws:s3:::my-bucket/reports/q3.csv \\
      --context aws:SourceIp=198.51.100.7 --expect allowed
  $ s3-403 simulate --snapshot snapshot.json --requests requests.jsonl > decisions.jsonl

--requests FILE holds one {"principal", "action", "resource", "context"} object a line (an optional "expect"
per line); the output is one simulation object a line. Keys the snapshot determines (principal tags, org id,
resource account) are filled from it; aws:SecureTransport defaults to true; other keys are absent.
Exit status 3 when --expect (or a line's "expect") differs from the decision.`;

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

  root
    .command('explain')
    .description('explain every denied S3 request in a CloudTrail record, EventBridge event or log file')
    .requiredOption(
      '--event <file>',
      'CloudTrail record, EventBridge event or log file (gzipped or not); - for stdin',
    )
    .option('--snapshot <file>', 'read account facts from this snapshot instead of the live account')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPLAIN_FORMATS]).default('text'))
    .option('--profile <name>', 'AWS profile for the live account (default: AWS_PROFILE)')
    .option('--region <region>', 'AWS region for the live account (default: AWS_REGION)')
    .addHelpText('after', EXPLAIN_EXAMPLE)
    .action(
      async (o: {
        event: string;
        snapshot?: string;
        format: ExplainFormat;
        profile?: string;
        region?: string;
      }) => {
        setCode(await explainCommand(o, io));
      },
    );

  root
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
    .requiredOption('--snapshot <file>', 'the account snapshot to evaluate against')
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
          snapshot: string;
          format: 'text' | 'json';
          expect?: ExpectedDecision;
        },
        cmd: Command,
      ) => {
        setCode(
          await simulateCommand({ ...o, formatGiven: cmd.getOptionValueSource('format') !== 'default' }, io),
        );
      },
    );

  root
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

  return root;
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/** Runs the command line; returns the exit status (0, 1, 2 or 3). Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
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
