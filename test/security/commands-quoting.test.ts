/**
 * Printed commands deliver their arguments literally, also for the values the hostile list does not combine: a
 * control character next to a quote or a backslash (written in ANSI-C quotes $'…'), text after an escaped byte that
 * looks like a hex digit, an empty value, a redirection target that needs quoting. And the command forms each
 * policy source gets (managed, group, user, role, organization policy) run as the AWS CLI expects them.
 * S3 object keys may hold any UTF-8 character, ASCII control characters included:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 * Bash ANSI-C quoting ($'…', \xHH takes one or two hex digits): https://www.gnu.org/software/bash/manual/bash.html#ANSI_002dC-Quoting
 */
import {
  aws,
  awsLine,
  identityPolicyCommands,
  kmsGrantCommand,
  listPrefixCommand,
  newOrgPolicyCommands,
  orgPolicyCommands,
  orgPolicyId,
  presignCommand,
  quoteArg,
  renderCommand,
  writePolicyFileHint,
} from '../../lambdas/core/fix/commands';
import type { NamedPolicy } from '../../lambdas/core/model';
import { type ArgvPrinter, argvPrinter } from './argv-printer';
import { HOSTILE, PWNED } from './hostile';

let printer: ArgvPrinter;
beforeAll(() => {
  printer = argvPrinter();
});
afterAll(() => printer.close());

/** Keys mixing control characters with the characters that must be escaped inside $'…'. */
const KEYS: readonly string[] = [
  "it's\nhere",
  "'\t'",
  'back\\slash\nnewline',
  '\\x41\u0007',
  '\\\n\\',
  "\\'\n'\\",
  '\u0001f',
  '\u0007ab',
  '\n2',
  "\u001b[0m's $(touch PWNED)",
  "`'`",
  '`touch PWNED`\\',
  "é\n日本 ' \\ *",
  "\u202e'\\",
  '\u2066!!\u2069',
  'a\n!!',
  `x\u0007!touch ${PWNED}`,
  "\u007f'",
];

describe.each([
  ['a script', false],
  ['a paste into an interactive bash with history expansion', true],
])('as %s', (_how, interactive) => {
  it('a key with control characters next to quotes and backslashes arrives as the key, byte for byte', () => {
    const run = printer.run(
      KEYS.map((k) => listPrefixCommand('reports-bucket', k)),
      interactive,
    );
    expect(run.calls).toEqual(
      KEYS.map((k) => [
        's3api',
        'list-objects-v2',
        '--bucket',
        'reports-bucket',
        '--prefix',
        k,
        '--max-items',
        '20',
      ]),
    );
    expect(run.files).toEqual([]);
    if (!interactive) expect(run.stderr).toBe('');
  });
});

describe('every hostile value, as the prefix to list, in one bash', () => {
  // argv cannot carry a NUL byte, so those values are left out (test/security/commands.test.ts tries them on renderers)
  const values = HOSTILE.filter((h) => !h.includes('\u0000'));

  it.each([
    ['a script', false],
    ['a paste into an interactive bash', true],
  ])('as %s: each arrives whole, nothing else runs', (_how, interactive) => {
    const run = printer.run(
      values.map((v) => listPrefixCommand('reports-bucket', v)),
      interactive,
    );
    expect(run.calls.map((c) => c.slice(4, -2))).toEqual(
      values.map((v) => (v.startsWith('-') ? [`--prefix=${v}`] : ['--prefix', v])),
    );
    expect(run.files).toEqual([]);
  });
});

describe('quoteArg writes no raw control character and escapes each byte as two hex digits', () => {
  it('a control byte followed by a hex digit stays two characters', () => {
    expect(quoteArg('\u0001f')).toBe("$'\\x01f'");
    expect(quoteArg("it's\n")).toBe("$'it\\'s\\x0a'");
    expect(quoteArg('a\\\n')).toBe("$'a\\\\\\x0a'");
    expect(quoteArg('é\u0007')).toBe("$'é\\x07'");
  });
});

describe('empty values and redirection targets', () => {
  it('an empty prefix arrives as one empty argument (list from the start of the bucket)', () => {
    const run = printer.run([listPrefixCommand('reports-bucket', '')], false);
    expect(run.calls).toEqual([
      ['s3api', 'list-objects-v2', '--bucket', 'reports-bucket', '--prefix', '', '--max-items', '20'],
    ]);
  });

  it('output goes to the named file even when its name needs quoting', () => {
    const file = `my policy $(touch ${PWNED}).json`;
    const run = printer.run([renderCommand(aws(['s3api', 'get-bucket-policy'], file))], false);
    expect(run.files).toEqual([file]);
    expect(run.calls).toEqual([['s3api', 'get-bucket-policy']]);
    expect(run.stderr).toBe('');
  });

  it('an organization policy read to a file and written back from it, the file name quoted', () => {
    const scp: NamedPolicy = { name: 'p-abc12345', source: 'scp', document: {} };
    const run = printer.run(orgPolicyCommands(scp, 'scp copy.json'), false);
    expect(run.files).toEqual(['scp copy.json']);
    expect(run.calls[1]).toEqual([
      'organizations',
      'update-policy',
      '--policy-id',
      'p-abc12345',
      '--content',
      'file://scp copy.json',
    ]);
  });

  it('awsLine without a target writes no file', () => {
    const run = printer.run([awsLine(['sts', 'get-caller-identity'])], false);
    expect(run.files).toEqual([]);
    expect(run.calls).toEqual([['sts', 'get-caller-identity']]);
  });
});

describe('option values that start with "-" are joined to their option (the AWS CLI would read an option)', () => {
  // https://github.com/aws/aws-cli/issues/1135
  it('joins only such values, keeps other values separate, and joins each option once', () => {
    const run = printer.run(
      [
        awsLine([
          's3api',
          'list-objects-v2',
          '--bucket',
          'b',
          '--prefix',
          '-x',
          '--start-after',
          '--y',
          '--z',
        ]),
      ],
      false,
    );
    expect(run.calls).toEqual([
      ['s3api', 'list-objects-v2', '--bucket', 'b', '--prefix=-x', '--start-after=--y', '--z'],
    ]);
  });

  it('a value that follows a command substitution is not joined to it', () => {
    const inner = aws(['iam', 'get-policy']);
    const run = printer.run(
      [awsLine(['iam', 'get-policy-version', '--version-id', { output: inner }, '-v'])],
      false,
    );
    expect(run.calls).toEqual([
      ['iam', 'get-policy'],
      ['iam', 'get-policy-version', '--version-id', 'v1', '-v'],
    ]);
  });
});

describe('the identity policy each kind of policy source is changed with', () => {
  const APP = 'arn:aws:iam::111122223333:role/team/AppRole';
  const ALICE = 'arn:aws:iam::111122223333:user/alice';
  const policy = (source: NamedPolicy['source'], name: string, arn?: string): NamedPolicy => ({
    name,
    source,
    document: {},
    ...(arn ? { arn } : {}),
  });
  const calls = (lines: string[]) => printer.run(lines, false).calls;

  it.each(['identity-managed', 'group-managed', 'permissions-boundary'] as const)(
    'a %s policy gets a new default version, read from its current one',
    (source) => {
      const arn = 'arn:aws:iam::111122223333:policy/ReportsRead';
      expect(calls(identityPolicyCommands(APP, policy(source, 'ReportsRead', arn)))).toEqual([
        ['iam', 'get-policy', '--policy-arn', arn, '--query', 'Policy.DefaultVersionId', '--output', 'text'],
        [
          'iam',
          'get-policy-version',
          '--policy-arn',
          arn,
          '--version-id',
          'v1',
          '--query',
          'PolicyVersion.Document',
        ],
        [
          'iam',
          'create-policy-version',
          '--policy-arn',
          arn,
          '--policy-document',
          'file://policy.json',
          '--set-as-default',
        ],
      ]);
    },
  );

  it('a managed policy whose ARN is not known is named by a placeholder to fill in', () => {
    expect(calls(identityPolicyCommands(APP, policy('identity-managed', 'ReportsRead')))[0]).toContain(
      'POLICY_ARN_OF_ReportsRead',
    );
  });

  it('a group inline policy "<group>/<policy>" is put on that group', () => {
    expect(calls(identityPolicyCommands(ALICE, policy('group-inline', 'analysts/ReadReports')))).toEqual([
      [
        'iam',
        'put-group-policy',
        '--group-name',
        'analysts',
        '--policy-name',
        'ReadReports',
        '--policy-document',
        'file://policy.json',
      ],
    ]);
  });

  it('a group inline policy without its group names a placeholder group', () => {
    for (const name of ['ReadReports', '/ReadReports'])
      expect(calls(identityPolicyCommands(ALICE, policy('group-inline', name)))).toEqual([
        [
          'iam',
          'put-group-policy',
          '--group-name',
          'GROUP_NAME',
          '--policy-name',
          name,
          '--policy-document',
          'file://policy.json',
        ],
      ]);
  });

  it('an inline policy of a user is put with put-user-policy, of a role with put-role-policy', () => {
    expect(calls(identityPolicyCommands(ALICE, policy('identity-inline', 'alice-s3')))).toEqual([
      [
        'iam',
        'put-user-policy',
        '--user-name',
        'alice',
        '--policy-name',
        'alice-s3',
        '--policy-document',
        'file://policy.json',
      ],
    ]);
    expect(calls(identityPolicyCommands(APP, null, 'my-fix'))).toEqual([
      [
        'iam',
        'put-role-policy',
        '--role-name',
        'AppRole',
        '--policy-name',
        'my-fix',
        '--policy-document',
        'file://policy.json',
      ],
    ]);
    expect(calls(identityPolicyCommands(APP, null))[0]).toContain('s3-403-fix');
  });

  it('a caller whose role or user is not known is named by a placeholder', () => {
    expect(calls(identityPolicyCommands(null, null))).toEqual([
      [
        'iam',
        'put-role-policy',
        '--role-name',
        'PRINCIPAL_NAME',
        '--policy-name',
        's3-403-fix',
        '--policy-document',
        'file://policy.json',
      ],
    ]);
  });
});

describe('organization policies are named by their policy id (p-…)', () => {
  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_Policy.html (Id pattern ^p-[0-9a-zA-Z_]{8,128}$)
  const p = (name: string, arn?: string): NamedPolicy => ({
    name,
    source: 'scp',
    document: {},
    ...(arn ? { arn } : {}),
  });

  it("takes the organization's own policy id first (a snapshot SCP with an Id and no ARN)", () => {
    expect(orgPolicyId({ ...p('DenyReports'), id: 'p-DenyReports' })).toBe('p-DenyReports');
    // what is not a policy id (p- and letters, digits or _) is not passed on as one
    expect(orgPolicyId({ ...p('DenyReports'), id: 'p-x; rm -rf ~' })).toBe('POLICY_ID_OF_DenyReports');
  });

  it('takes the id from the policy ARN, else from a name that is an id, else a placeholder', () => {
    expect(
      orgPolicyId(
        p(
          'DenyRegions',
          'arn:aws:organizations::123456789012:policy/o-exampleorg/service_control_policy/p-Ab12cd34',
        ),
      ),
    ).toBe('p-Ab12cd34');
    expect(orgPolicyId(p('p-FullAWSAccess'))).toBe('p-FullAWSAccess');
    expect(orgPolicyId(p('DenyRegions'))).toBe('POLICY_ID_OF_DenyRegions');
    expect(orgPolicyId(p('xp-abc12345'))).toBe('POLICY_ID_OF_xp-abc12345');
    expect(orgPolicyId(p('p-abc12345 copy'))).toBe('POLICY_ID_OF_p-abc12345 copy');
    expect(orgPolicyId(p('DenyRegions', 'arn:aws:organizations::123456789012:policy/p-abc12345/extra'))).toBe(
      'POLICY_ID_OF_DenyRegions',
    );
  });

  it('a new policy is created with its type, then attached to the target', () => {
    expect(
      printer.run(
        newOrgPolicyCommands('RESOURCE_CONTROL_POLICY', 'fix-rcp', 'rcp.json', 'ou-ab12-workloads'),
        false,
      ).calls,
    ).toEqual([
      [
        'organizations',
        'create-policy',
        '--type',
        'RESOURCE_CONTROL_POLICY',
        '--name',
        'fix-rcp',
        '--description',
        's3-403 fix',
        '--content',
        'file://rcp.json',
      ],
      ['organizations', 'attach-policy', '--policy-id', 'NEW_POLICY_ID', '--target-id', 'ou-ab12-workloads'],
    ]);
  });
});

describe('other commands', () => {
  it('a KMS grant names the operation without its kms: prefix, as create-grant expects', () => {
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html (Operations: Decrypt, GenerateDataKey, …)
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const run = printer.run(
      [
        kmsGrantCommand(
          key,
          'arn:aws:iam::111122223333:role/AppRole',
          'kms:GenerateDataKey',
          'arn:aws:s3:::b/k',
        ),
        kmsGrantCommand(key, 'r', 'Decrypt', 'a'),
      ],
      false,
    );
    expect(run.calls.map((c) => c[c.indexOf('--operations') + 1])).toEqual(['GenerateDataKey', 'Decrypt']);
  });

  it('a presigned URL for a key not known names a placeholder, and takes its expiry in seconds', () => {
    const run = printer.run(
      [presignCommand('reports-bucket', null), presignCommand('reports-bucket', 'k', 60)],
      false,
    );
    expect(run.calls).toEqual([
      ['s3', 'presign', 's3://reports-bucket/KEY', '--expires-in', '3600'],
      ['s3', 'presign', 's3://reports-bucket/k', '--expires-in', '60'],
    ]);
  });

  it('the hint before a policy command names the file to edit, as a shell comment that runs nothing', () => {
    const hint = writePolicyFileHint('key-policy.json');
    expect(hint).toContain('key-policy.json');
    const run = printer.run([hint], false);
    expect(run.calls).toEqual([]);
    expect(run.stderr).toBe('');
  });
});
