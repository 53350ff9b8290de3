/**
 * Printed fix commands are safe to paste (issue 14, item 1; issue 20, item 4): every command is run through a
 * real bash with `aws` replaced by an argument printer on PATH. Each hostile value must arrive as exactly the
 * argument it was meant to be, and nothing else may run: no file appears but the redirections the tool wrote.
 * Run twice: as a script (bash reading the lines) and as a paste into an interactive bash with history
 * expansion on (`!` is special there).
 * Bash quoting: https://www.gnu.org/software/bash/manual/bash.html#Quoting
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accessPointCommand,
  accessPointPolicyCommands,
  assumeRoleCommand,
  bucketEncryptionCommand,
  bucketPolicyCommands,
  callerIdentityCommand,
  identityPolicyCommands,
  keyPolicyCommands,
  keyStateCommand,
  kmsGrantCommand,
  listPrefixCommand,
  newOrgPolicyCommands,
  orgPolicyCommands,
  originAccessControlCommand,
  ownershipCommand,
  presignCommand,
  quoteArg,
  reencryptObjectCommand,
  sseS3BucketEncryptionCommand,
  vpcEndpointCommands,
} from '../../lambdas/core/fix/commands';
import { explain } from '../core/checkers/helpers';
import { scenarioFiles } from '../scenarios/load';
import { type ArgvPrinter, argvPrinter } from './argv-printer';
import { HOSTILE, PWNED } from './hostile';

/** argv cannot carry a NUL byte (C strings), so no command can pass one: those strings are tried on renderers only. */
const VALUES = HOSTILE.filter((h) => !h.includes('\u0000'));

let printer: ArgvPrinter;
beforeAll(() => {
  printer = argvPrinter();
});
afterAll(() => printer.close());

const runInBash = (lines: readonly string[], interactive: boolean) => printer.run(lines, interactive);

/** The argv an option and its value must arrive as: `--opt=value` when the value starts with "-". */
const opt = (name: string, value: string): string[] =>
  value.startsWith('-') ? [`${name}=${value}`] : [name, value];

interface Case {
  readonly name: string;
  readonly commands: (h: string) => string[];
  /** Every aws invocation, in the order bash runs them (a command substitution runs before its command). */
  readonly argv: (h: string) => string[][];
  /** Files the commands redirect to. */
  readonly files: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'bucket policy (get to policy.json, put)',
    commands: (h) => bucketPolicyCommands(h),
    argv: (h) => [
      ['aws', 's3api', 'get-bucket-policy', ...opt('--bucket', h), '--query', 'Policy', '--output', 'text'],
      ['aws', 's3api', 'put-bucket-policy', ...opt('--bucket', h), '--policy', 'file://policy.json'],
    ],
    files: ['policy.json'],
  },
  {
    name: 'managed identity policy (new default version, the current one read by a command substitution)',
    commands: (h) =>
      identityPolicyCommands('arn:aws:iam::111122223333:role/App', {
        name: h,
        arn: h,
        source: 'identity-managed',
        document: {},
      } as never),
    argv: (h) => [
      [
        'aws',
        'iam',
        'get-policy',
        ...opt('--policy-arn', h),
        '--query',
        'Policy.DefaultVersionId',
        '--output',
        'text',
      ],
      [
        'aws',
        'iam',
        'get-policy-version',
        ...opt('--policy-arn', h),
        '--version-id',
        'v1',
        '--query',
        'PolicyVersion.Document',
      ],
      [
        'aws',
        'iam',
        'create-policy-version',
        ...opt('--policy-arn', h),
        '--policy-document',
        'file://policy.json',
        '--set-as-default',
      ],
    ],
    files: ['policy.json'],
  },
  {
    name: 'group inline policy',
    commands: (h) =>
      identityPolicyCommands(null, {
        name: `${h}/${h}`,
        arn: null,
        source: 'group-inline',
        document: {},
      } as never),
    argv: (h) => {
      // The group is the text before the first "/" of "<group>/<policy>".
      const full = `${h}/${h}`;
      const slash = full.indexOf('/');
      return [
        [
          'aws',
          'iam',
          'put-group-policy',
          ...opt('--group-name', full.slice(0, slash) || 'GROUP_NAME'),
          ...opt('--policy-name', slash > 0 ? full.slice(slash + 1) : full),
          '--policy-document',
          'file://policy.json',
        ],
      ];
    },
    files: [],
  },
  {
    name: 'inline role policy named by the policy',
    commands: (h) =>
      identityPolicyCommands('arn:aws:iam::111122223333:role/App', {
        name: h,
        arn: null,
        source: 'identity-inline',
        document: {},
      } as never),
    argv: (h) => [
      [
        'aws',
        'iam',
        'put-role-policy',
        '--role-name',
        'App',
        ...opt('--policy-name', h),
        '--policy-document',
        'file://policy.json',
      ],
    ],
    files: [],
  },
  {
    name: 'VPC endpoint policy',
    commands: (h) => vpcEndpointCommands(h),
    argv: (h) => [
      [
        'aws',
        'ec2',
        'describe-vpc-endpoints',
        ...opt('--vpc-endpoint-ids', h),
        '--query',
        'VpcEndpoints[0].PolicyDocument',
        '--output',
        'text',
      ],
      [
        'aws',
        'ec2',
        'modify-vpc-endpoint',
        ...opt('--vpc-endpoint-id', h),
        '--policy-document',
        'file://vpce-policy.json',
      ],
    ],
    files: ['vpce-policy.json'],
  },
  {
    name: 'KMS key policy',
    commands: (h) => keyPolicyCommands(h),
    argv: (h) => [
      [
        'aws',
        'kms',
        'get-key-policy',
        ...opt('--key-id', h),
        '--policy-name',
        'default',
        '--query',
        'Policy',
        '--output',
        'text',
      ],
      [
        'aws',
        'kms',
        'put-key-policy',
        ...opt('--key-id', h),
        '--policy-name',
        'default',
        '--policy',
        'file://key-policy.json',
      ],
    ],
    files: ['key-policy.json'],
  },
  {
    name: 'KMS grant with the S3 encryption context',
    commands: (h) => [kmsGrantCommand(h, h, 'kms:Decrypt', h)],
    argv: (h) => [
      [
        'aws',
        'kms',
        'create-grant',
        ...opt('--key-id', h),
        ...opt('--grantee-principal', h),
        '--operations',
        'Decrypt',
        '--constraints',
        `EncryptionContextSubset={aws:s3:arn=${h}}`,
      ],
    ],
    files: [],
  },
  {
    name: 'KMS key state',
    commands: (h) => [keyStateCommand(h, true), keyStateCommand(h, false)],
    argv: (h) => [
      ['aws', 'kms', 'cancel-key-deletion', ...opt('--key-id', h)],
      ['aws', 'kms', 'enable-key', ...opt('--key-id', h)],
    ],
    files: [],
  },
  {
    name: 'bucket default encryption',
    commands: (h) => [bucketEncryptionCommand(h)],
    argv: (h) => [
      [
        'aws',
        's3api',
        'put-bucket-encryption',
        ...opt('--bucket', h),
        '--server-side-encryption-configuration',
        '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"CUSTOMER_MANAGED_KEY_ARN"},"BucketKeyEnabled":true}]}',
      ],
    ],
    files: [],
  },
  {
    name: 'session policy (assume-role)',
    commands: (h) => [assumeRoleCommand(h, h)],
    argv: (h) => [
      [
        'aws',
        'sts',
        'assume-role',
        ...opt('--role-arn', h),
        ...opt('--role-session-name', h),
        '--policy',
        'file://session-policy.json',
      ],
    ],
    files: [],
  },
  {
    name: 'organization policy (describe to scp.json, update)',
    commands: (h) =>
      orgPolicyCommands({ name: h, arn: null, source: 'scp', document: {} } as never, 'scp.json'),
    argv: (h) => [
      [
        'aws',
        'organizations',
        'describe-policy',
        '--policy-id',
        `POLICY_ID_OF_${h}`,
        '--query',
        'Policy.Content',
        '--output',
        'text',
      ],
      [
        'aws',
        'organizations',
        'update-policy',
        '--policy-id',
        `POLICY_ID_OF_${h}`,
        '--content',
        'file://scp.json',
      ],
    ],
    files: ['scp.json'],
  },
  {
    name: 'new organization policy attached to a target',
    commands: (h) => newOrgPolicyCommands('SERVICE_CONTROL_POLICY', 's3-403-fix-scp', 'scp.json', h),
    argv: (h) => [
      [
        'aws',
        'organizations',
        'create-policy',
        '--type',
        'SERVICE_CONTROL_POLICY',
        '--name',
        's3-403-fix-scp',
        '--description',
        's3-403 fix',
        '--content',
        'file://scp.json',
      ],
      ['aws', 'organizations', 'attach-policy', '--policy-id', 'NEW_POLICY_ID', ...opt('--target-id', h)],
    ],
    files: [],
  },
  {
    name: 'access point policy and configuration',
    commands: (h) => [...accessPointPolicyCommands(h, h), accessPointCommand(h, h)],
    argv: (h) => [
      [
        'aws',
        's3control',
        'get-access-point-policy',
        ...opt('--account-id', h),
        ...opt('--name', h),
        '--query',
        'Policy',
        '--output',
        'text',
      ],
      [
        'aws',
        's3control',
        'put-access-point-policy',
        ...opt('--account-id', h),
        ...opt('--name', h),
        '--policy',
        'file://access-point-policy.json',
      ],
      ['aws', 's3control', 'get-access-point', ...opt('--account-id', h), ...opt('--name', h)],
    ],
    files: ['access-point-policy.json'],
  },
  {
    name: 'Object Ownership',
    commands: (h) => [ownershipCommand(h)],
    argv: (h) => [
      [
        'aws',
        's3api',
        'put-bucket-ownership-controls',
        ...opt('--bucket', h),
        '--ownership-controls',
        'Rules=[{ObjectOwnership=BucketOwnerEnforced}]',
      ],
    ],
    files: [],
  },
  {
    // CopyObject's x-amz-copy-source is the bucket, "/" and the URL-encoded key:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    name: 'object re-encrypted in place with SSE-S3, and SSE-S3 as the bucket default',
    commands: (h) => [reencryptObjectCommand('site-bucket', h), sseS3BucketEncryptionCommand(h)],
    argv: (h) => [
      [
        'aws',
        's3api',
        'copy-object',
        '--bucket',
        'site-bucket',
        ...opt('--key', h),
        '--copy-source',
        `site-bucket/${encodeURIComponent(h).replace(/%2F/g, '/')}`,
        '--server-side-encryption',
        'AES256',
        '--metadata-directive',
        'COPY',
      ],
      [
        'aws',
        's3api',
        'put-bucket-encryption',
        ...opt('--bucket', h),
        '--server-side-encryption-configuration',
        '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}',
      ],
    ],
    files: [],
  },
  {
    name: 'presigned URL for the bucket and key',
    commands: (h) => [presignCommand(h, h)],
    argv: (h) => [['aws', 's3', 'presign', `s3://${h}/${h}`, '--expires-in', '3600']],
    files: [],
  },
  {
    name: 'CloudFront Origin Access Control',
    commands: (h) => [originAccessControlCommand(h)],
    argv: (h) => [
      [
        'aws',
        'cloudfront',
        'create-origin-access-control',
        '--origin-access-control-config',
        `Name=${h}-oac,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3`,
      ],
    ],
    files: [],
  },
  {
    name: 'listing the prefix of a missing key',
    commands: (h) => [listPrefixCommand(h, h)],
    argv: (h) => [
      ['aws', 's3api', 'list-objects-v2', ...opt('--bucket', h), ...opt('--prefix', h), '--max-items', '20'],
    ],
    files: [],
  },
];

describe('printed commands through a real bash, aws replaced by an argument printer', () => {
  it('the printer records arguments exactly (a self-check with plain values)', () => {
    const run = runInBash([callerIdentityCommand(), ...bucketPolicyCommands('reports-bucket')], false);
    expect(run.calls).toEqual([
      ['sts', 'get-caller-identity'],
      ['s3api', 'get-bucket-policy', '--bucket', 'reports-bucket', '--query', 'Policy', '--output', 'text'],
      ['s3api', 'put-bucket-policy', '--bucket', 'reports-bucket', '--policy', 'file://policy.json'],
    ]);
    expect(run.files).toEqual(['policy.json']);
  });

  describe.each([
    ['a script', false],
    ['a paste into an interactive bash with history expansion', true],
  ])('as %s', (_how, interactive) => {
    it.each(CASES.map((c) => [c.name, c] as const))(
      '%s: every hostile value arrives as one literal argument and nothing else runs',
      (_name, c) => {
        const lines = VALUES.flatMap((h) => c.commands(h));
        const run = runInBash(lines, interactive);
        const expected = VALUES.flatMap((h) => c.argv(h).map((argv) => argv.slice(1)));
        expect(run.calls).toEqual(expected);
        expect(run.files).toEqual([...c.files]);
        expect(run.files).not.toContain(PWNED);
        if (!interactive) expect(run.stderr).toBe('');
      },
      30_000,
    );
  });
});

describe('every command of every scenario, with a hostile object key, through a real bash', () => {
  const key = `reports/$(touch ${PWNED})'\`touch ${PWNED}\`\n; touch ${PWNED} é 日本 *?/q3.csv`;
  const commands = scenarioFiles()
    .flatMap((f) => f.cases)
    .flatMap((c) => {
      const event = JSON.parse(JSON.stringify(c.event)) as Record<string, unknown>;
      const params = event.requestParameters as Record<string, unknown> | null;
      if (!params || typeof params.key !== 'string') return [];
      const original = params.key;
      params.key = key;
      for (const r of (event.resources as { ARN?: string }[] | undefined) ?? [])
        if (r.ARN?.endsWith(`/${original}`)) r.ARN = r.ARN.slice(0, -original.length) + key;
      try {
        return explain(event).finding.rootCauses.flatMap((rc) => rc.fix.commands);
      } catch {
        return []; // an event the snapshot cannot explain prints no command
      }
    });

  it('the scenarios print commands that carry the key', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.some((c) => c.includes('PWNED'))).toBe(true);
  });

  it('each runs as one aws call per command (and per substitution), the key arriving whole, nothing else running', () => {
    const run = runInBash(commands, false);
    expect(run.stderr).toBe('');
    expect(run.files.filter((f) => !/^[a-z-]+\.json$/.test(f))).toEqual([]);
    const substitutions = commands.reduce((n, c) => n + (c.match(/"\$\(aws /g)?.length ?? 0), 0);
    expect(run.calls).toHaveLength(commands.length + substitutions);
    // Wherever a fragment of the key arrives, the whole key arrives with it, in one argument.
    const torn = run.calls.flat().filter((arg) => arg.includes(PWNED) && !arg.includes(key));
    expect(torn).toEqual([]);
    expect(run.calls.flat().filter((arg) => arg.includes(key)).length).toBeGreaterThan(0);
  });
});

describe('quoteArg', () => {
  it('leaves plain arguments bare, so ordinary commands read as before', () => {
    expect(quoteArg('arn:aws:iam::111122223333:role/AppRole')).toBe('arn:aws:iam::111122223333:role/AppRole');
    expect(quoteArg('file://policy.json')).toBe('file://policy.json');
  });

  it("single-quotes shell syntax and writes a quote as '\\''", () => {
    expect(quoteArg('$(touch PWNED)')).toBe("'$(touch PWNED)'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
    expect(quoteArg('')).toBe("''");
    expect(quoteArg('~')).toBe("'~'");
  });

  it("prints no raw control, bidi or backtick character: they are \\xHH bytes in $'…'", () => {
    // eslint-disable-next-line no-control-regex -- looking for raw control characters
    const raw = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
    for (const h of VALUES) expect(quoteArg(h)).not.toMatch(raw);
    expect(quoteArg('a\nb')).toBe("$'a\\x0ab'");
    expect(quoteArg('`x`')).toBe("$'\\x60x\\x60'");
    expect(quoteArg('evil\u202egpj')).toBe("$'evil\\xe2\\x80\\xaegpj'");
  });
});

describe('every command the tool prints is built by lambdas/core/fix/commands.ts', () => {
  const root = join(__dirname, '..', '..');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  /** A template literal that starts an aws command line and interpolates a value. */
  const handBuilt = /`aws [^`]*\$\{[^`]*`/g;

  it('recognises a hand-built command line when one is present', () => {
    expect(
      "const c = `aws s3api list-objects-v2 --bucket ${b} --prefix '${k}'`;".match(handBuilt),
    ).toHaveLength(1);
  });

  it('no other file in lambdas/ writes an aws command line with an interpolated value', () => {
    const offenders = files(join(root, 'lambdas'))
      .filter((f) => !f.endsWith(join('fix', 'commands.ts')))
      .flatMap((f) =>
        (readFileSync(f, 'utf8').match(handBuilt) ?? []).map((m) => `${f.slice(root.length + 1)}: ${m}`),
      );
    expect(offenders).toEqual([]);
  });
});
