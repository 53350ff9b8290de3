/**
 * The AWS CLI commands that apply a change to each kind of policy. The patched document goes to a
 * local file (file://…) so the command stays copy-pasteable.
 *
 * Every command is built as an argument list (`ShellCommand`) and turned into text in one place,
 * `renderCommand`, which quotes each argument with `quoteArg` for bash (and any POSIX shell with `$'…'`, such
 * as zsh). Redirections and command substitutions the tool composes are part of the model (`stdout`, `output`),
 * never concatenated text, so a key, bucket, ARN or policy name can only ever be one literal argument.
 * test/security/commands.test.ts runs the printed commands through a real bash with an argument printer.
 */
import type { BucketEncryption, NamedPolicy } from '../model';
import { UNSAFE_CHAR } from '../render/safe';
import { iamKind, iamName } from './patch';

/** One argument: literal text, or the standard output of another command (`"$(…)"`). */
export type Arg = string | { readonly output: ShellCommand };

export interface ShellCommand {
  readonly argv: readonly Arg[];
  /** Write standard output to this file (`> file`). */
  readonly stdout?: string;
}

const UTF8 = new TextEncoder();
/** Characters that never need quoting in bash. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** Characters written as `\xHH` inside `$'…'`: control and bidi characters, and the backtick (Slack code). */
const ESCAPED = new RegExp(`${UNSAFE_CHAR.source}|\``);

/**
 * One argument as bash reads it back literally: bare when it holds only plain characters; in single quotes
 * (`'` written as `'\''`) otherwise; in ANSI-C quotes `$'…'` with UTF-8 bytes as `\xHH` when it holds a
 * control, bidi or backtick character, so a printed command never carries a raw control character.
 * https://www.gnu.org/software/bash/manual/bash.html#Quoting
 */
export function quoteArg(arg: string): string {
  if (arg === '') return "''";
  if (PLAIN.test(arg)) return arg;
  if (!ESCAPED.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  let out = '';
  for (const ch of arg) {
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ESCAPED.test(ch))
      for (const b of UTF8.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `$'${out}'`;
}

function renderArg(arg: Arg): string {
  return typeof arg === 'string' ? quoteArg(arg) : `"$(${renderCommand(arg.output)})"`;
}

/** The command line: each argument quoted, then the redirection. */
export function renderCommand(cmd: ShellCommand): string {
  const line = cmd.argv.map(renderArg).join(' ');
  return cmd.stdout === undefined ? line : `${line} > ${quoteArg(cmd.stdout)}`;
}

/**
 * `aws <argv…>`. An option value that starts with "-" is joined to its option (`--prefix=-x`): the AWS CLI's
 * argument parser would take it for an option (https://github.com/aws/aws-cli/issues/1135).
 */
export function aws(argv: readonly Arg[], stdout?: string): ShellCommand {
  const out: Arg[] = ['aws'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (typeof a === 'string' && a.startsWith('--') && typeof next === 'string' && next.startsWith('-')) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return stdout === undefined ? { argv: out } : { argv: out, stdout };
}

/** `aws <argv…>` as printed text. */
export const awsLine = (argv: readonly Arg[], stdout?: string): string => renderCommand(aws(argv, stdout));

export function bucketPolicyCommands(bucket: string): string[] {
  return [
    awsLine(
      ['s3api', 'get-bucket-policy', '--bucket', bucket, '--query', 'Policy', '--output', 'text'],
      'policy.json',
    ),
    awsLine(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', 'file://policy.json']),
  ];
}

/** Commands that write an identity policy of `principalArn`: the existing one (`policy`) or a new inline one. */
export function identityPolicyCommands(
  principalArn: string | null,
  policy: NamedPolicy | null,
  newName = 's3-403-fix',
): string[] {
  const name = iamName(principalArn) ?? 'PRINCIPAL_NAME';
  const kind = iamKind(principalArn);
  if (
    policy &&
    (policy.source === 'identity-managed' ||
      policy.source === 'group-managed' ||
      policy.source === 'permissions-boundary')
  ) {
    const arn = policy.arn ?? `POLICY_ARN_OF_${policy.name}`;
    const defaultVersion = aws([
      'iam',
      'get-policy',
      '--policy-arn',
      arn,
      '--query',
      'Policy.DefaultVersionId',
      '--output',
      'text',
    ]);
    return [
      awsLine(
        [
          'iam',
          'get-policy-version',
          '--policy-arn',
          arn,
          '--version-id',
          { output: defaultVersion },
          '--query',
          'PolicyVersion.Document',
        ],
        'policy.json',
      ),
      awsLine([
        'iam',
        'create-policy-version',
        '--policy-arn',
        arn,
        '--policy-document',
        'file://policy.json',
        '--set-as-default',
      ]),
    ];
  }
  if (policy && policy.source === 'group-inline') {
    // The snapshot and live views name group inline policies "<group>/<policy>".
    const slash = policy.name.indexOf('/');
    const group = slash > 0 ? policy.name.slice(0, slash) : 'GROUP_NAME';
    const name = slash > 0 ? policy.name.slice(slash + 1) : policy.name;
    return [
      awsLine([
        'iam',
        'put-group-policy',
        '--group-name',
        group,
        '--policy-name',
        name,
        '--policy-document',
        'file://policy.json',
      ]),
    ];
  }
  const policyName = policy?.name ?? newName;
  const [verb, option] =
    kind === 'user' ? ['put-user-policy', '--user-name'] : ['put-role-policy', '--role-name'];
  return [
    awsLine([
      'iam',
      verb,
      option,
      name,
      '--policy-name',
      policyName,
      '--policy-document',
      'file://policy.json',
    ]),
  ];
}

export function vpcEndpointCommands(endpointId: string): string[] {
  return [
    awsLine(
      [
        'ec2',
        'describe-vpc-endpoints',
        '--vpc-endpoint-ids',
        endpointId,
        '--query',
        'VpcEndpoints[0].PolicyDocument',
        '--output',
        'text',
      ],
      'vpce-policy.json',
    ),
    awsLine([
      'ec2',
      'modify-vpc-endpoint',
      '--vpc-endpoint-id',
      endpointId,
      '--policy-document',
      'file://vpce-policy.json',
    ]),
  ];
}

export function keyPolicyCommands(keyArn: string): string[] {
  return [
    awsLine(
      [
        'kms',
        'get-key-policy',
        '--key-id',
        keyArn,
        '--policy-name',
        'default',
        '--query',
        'Policy',
        '--output',
        'text',
      ],
      'key-policy.json',
    ),
    awsLine([
      'kms',
      'put-key-policy',
      '--key-id',
      keyArn,
      '--policy-name',
      'default',
      '--policy',
      'file://key-policy.json',
    ]),
  ];
}

export function kmsGrantCommand(keyArn: string, grantee: string, operation: string, s3Arn: string): string {
  return awsLine([
    'kms',
    'create-grant',
    '--key-id',
    keyArn,
    '--grantee-principal',
    grantee,
    '--operations',
    operation.replace(/^kms:/, ''),
    '--constraints',
    `EncryptionContextSubset={aws:s3:arn=${s3Arn}}`,
  ]);
}

/** `aws kms enable-key` or `aws kms cancel-key-deletion` for a key that is not Enabled. */
export function keyStateCommand(keyArn: string, pendingDeletion: boolean): string {
  return awsLine(['kms', pendingDeletion ? 'cancel-key-deletion' : 'enable-key', '--key-id', keyArn]);
}

const ENCRYPTION = {
  'customer-managed-key':
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"CUSTOMER_MANAGED_KEY_ARN"},"BucketKeyEnabled":true}]}',
  'sse-s3': '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}',
} as const;

/**
 * Default bucket encryption: with a customer managed key (the ARN left for the reader to fill in), or with S3
 * managed keys (SSE-S3: no KMS call for new objects).
 */
export function bucketEncryptionCommand(
  bucket: string,
  kind: keyof typeof ENCRYPTION = 'customer-managed-key',
): string {
  return putBucketEncryption(bucket, ENCRYPTION[kind]);
}

/** `aws s3api put-bucket-encryption` of one bucket with a configuration (JSON text), quoted once by awsLine. */
function putBucketEncryption(bucket: string, configuration: string): string {
  return awsLine([
    's3api',
    'put-bucket-encryption',
    '--bucket',
    bucket,
    '--server-side-encryption-configuration',
    configuration,
  ]);
}

/**
 * put-bucket-encryption with SSE-C allowed (BlockedEncryptionTypes NONE). The call replaces the configuration, so the
 * bucket's current default rule is kept when it is known; else the command says to fill it in.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
 */
export function sseCUnblockCommand(bucket: string, current: BucketEncryption | null | undefined): string {
  const byDefault =
    current === undefined
      ? { SSEAlgorithm: 'CURRENT_ALGORITHM' }
      : current === null
        ? { SSEAlgorithm: 'AES256' }
        : {
            SSEAlgorithm: current.algorithm,
            ...(current.kmsKeyId !== null ? { KMSMasterKeyID: current.kmsKeyId } : {}),
          };
  const rule = {
    ApplyServerSideEncryptionByDefault: byDefault,
    ...(current?.bucketKeyEnabled ? { BucketKeyEnabled: true } : {}),
    BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
  };
  return putBucketEncryption(bucket, JSON.stringify({ Rules: [rule] }));
}

/**
 * Default bucket encryption with SSE-KMS under one key named by its full key ARN: the form AWS KMS resolves in the
 * key's own account whoever uploads (an alias name or bare key id resolves in the requester's account):
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html (KMSMasterKeyID).
 * The algorithm (aws:kms or aws:kms:dsse) and the S3 Bucket Key setting are kept as they are.
 */
export function kmsBucketEncryptionCommand(
  bucket: string,
  keyArn: string,
  algorithm: string,
  bucketKeyEnabled: boolean,
): string {
  const rule = {
    ApplyServerSideEncryptionByDefault: {
      SSEAlgorithm: algorithm === 'aws:kms:dsse' ? algorithm : 'aws:kms',
      KMSMasterKeyID: keyArn,
    },
    BucketKeyEnabled: bucketKeyEnabled,
  };
  return putBucketEncryption(bucket, JSON.stringify({ Rules: [rule] }));
}

/** The key ARN a key id or alias name stands for in the account whose credentials run the command. */
export function describeKeyArnCommand(keyId: string): string {
  return awsLine([
    'kms',
    'describe-key',
    '--key-id',
    keyId,
    '--query',
    'KeyMetadata.Arn',
    '--output',
    'text',
  ]);
}

/** `--bucket B --key K [--version-id V]`: arguments, quoted once by awsLine. */
export function versionArgs(bucket: string | null, key: string | null, versionId: string | null): string[] {
  return [
    '--bucket',
    bucket ?? 'BUCKET',
    '--key',
    key ?? 'KEY',
    ...(versionId ? ['--version-id', versionId] : []),
  ];
}

/** Default bucket encryption with S3 managed keys (SSE-S3). */
export const sseS3BucketEncryptionCommand = (bucket: string): string =>
  bucketEncryptionCommand(bucket, 'sse-s3');

/**
 * Re-encrypts one object in place with SSE-S3 (a copy onto itself that changes only the encryption, metadata kept).
 * The copy source is URL-encoded, as CopyObject requires:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (x-amz-copy-source)
 */
export function reencryptObjectCommand(bucket: string, key: string): string {
  const source = `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
  return awsLine([
    's3api',
    'copy-object',
    '--bucket',
    bucket,
    '--key',
    key,
    '--copy-source',
    source,
    '--server-side-encryption',
    'AES256',
    '--metadata-directive',
    'COPY',
  ]);
}

/** A new session of the role with a session policy read from session-policy.json. */
export function assumeRoleCommand(roleArn: string, sessionName: string): string {
  return awsLine([
    'sts',
    'assume-role',
    '--role-arn',
    roleArn,
    '--role-session-name',
    sessionName,
    '--policy',
    'file://session-policy.json',
  ]);
}

/** The policy id (p-…) of an organization policy, from its ARN or name. */
export function orgPolicyId(policy: NamedPolicy): string {
  if (policy.id !== undefined && /^p-[0-9a-z_]+$/i.test(policy.id)) return policy.id;
  const fromArn = policy.arn ? /(p-[0-9a-z_]+)$/i.exec(policy.arn)?.[1] : undefined;
  if (fromArn) return fromArn;
  return /^p-[0-9a-z_]+$/i.test(policy.name) ? policy.name : `POLICY_ID_OF_${policy.name}`;
}

export function orgPolicyCommands(policy: NamedPolicy, file: string): string[] {
  const id = orgPolicyId(policy);
  return [
    awsLine(
      [
        'organizations',
        'describe-policy',
        '--policy-id',
        id,
        '--query',
        'Policy.Content',
        '--output',
        'text',
      ],
      file,
    ),
    awsLine(['organizations', 'update-policy', '--policy-id', id, '--content', `file://${file}`]),
  ];
}

/** A new organization policy of `type`, attached to `target` (its id, or a placeholder). */
export function newOrgPolicyCommands(type: string, name: string, file: string, target: string): string[] {
  return [
    awsLine([
      'organizations',
      'create-policy',
      '--type',
      type,
      '--name',
      name,
      '--description',
      's3-403 fix',
      '--content',
      `file://${file}`,
    ]),
    awsLine(['organizations', 'attach-policy', '--policy-id', 'NEW_POLICY_ID', '--target-id', target]),
  ];
}

export function accessPointPolicyCommands(accountId: string, name: string): string[] {
  return [
    awsLine(
      [
        's3control',
        'get-access-point-policy',
        '--account-id',
        accountId,
        '--name',
        name,
        '--query',
        'Policy',
        '--output',
        'text',
      ],
      'access-point-policy.json',
    ),
    awsLine([
      's3control',
      'put-access-point-policy',
      '--account-id',
      accountId,
      '--name',
      name,
      '--policy',
      'file://access-point-policy.json',
    ]),
  ];
}

export function accessPointCommand(accountId: string, name: string): string {
  return awsLine(['s3control', 'get-access-point', '--account-id', accountId, '--name', name]);
}

export function ownershipCommand(bucket: string): string {
  return awsLine([
    's3api',
    'put-bucket-ownership-controls',
    '--bucket',
    bucket,
    '--ownership-controls',
    'Rules=[{ObjectOwnership=BucketOwnerEnforced}]',
  ]);
}

export function presignCommand(bucket: string, key: string | null, seconds = 3600): string {
  return awsLine(['s3', 'presign', `s3://${bucket}/${key ?? 'KEY'}`, '--expires-in', String(seconds)]);
}

/** The CloudFront origin access identities of the account (CloudTrail does not record which one asked). */
export function originAccessIdentitiesCommand(): string {
  return awsLine(['cloudfront', 'list-cloud-front-origin-access-identities']);
}

/** CloudFront Origin Access Control for serving `bucket` privately. */
export function originAccessControlCommand(bucket: string): string {
  return awsLine([
    'cloudfront',
    'create-origin-access-control',
    '--origin-access-control-config',
    `Name=${bucket}-oac,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3`,
  ]);
}

/** The first keys under the denied key's prefix (or the key itself), to spot a typo. */
export function listPrefixCommand(bucket: string, prefix: string): string {
  return awsLine(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix, '--max-items', '20']);
}

/** Which identity the current credentials belong to. */
export function callerIdentityCommand(): string {
  return awsLine(['sts', 'get-caller-identity']);
}

export function writePolicyFileHint(file: string): string {
  return `# add the statement shown in policyPatch to ${file}, then run the next command`;
}
