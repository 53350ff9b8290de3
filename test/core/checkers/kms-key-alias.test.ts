/**
 * kms-key-access when the key is named by an alias name or a bare key id: AWS KMS resolves such a reference in the
 * caller's account, never in the bucket owner's.
 *  - https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html (KMSMasterKeyID): "If you
 *    use a KMS key alias instead, then AWS KMS resolves the key within the requester's account. This behavior can
 *    result in data that's encrypted with a KMS key that belongs to the requester, and not the bucket owner."
 *  - https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html (KeyId): "To specify a KMS key in a
 *    different AWS account, you must use the key ARN or alias ARN."
 *  - https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id):
 *    "If the KMS key doesn't exist in the same account that's issuing the command, you must use the full Key ARN".
 * UploaderRole uploads into drop-bucket of account A; from account B (cross-account) or from A itself.
 */
import { analyze } from '../../../lambdas/core/analyze';
import { known, unknown, type RequestFacts } from '../../../lambdas/core/model';
import { causeOf, explain } from './helpers';
import { A, B, doc, recordFor, roleArn, type Stmt, viewOf } from '../world';

const BUCKET = 'drop-bucket';
const KEY_ID = '1111aaaa-2222-3333-4444-555566667777';
const KEY_A = `arn:aws:kms:us-east-1:${A}:key/${KEY_ID}`;
const KEY_B = `arn:aws:kms:us-east-1:${B}:key/2222bbbb-3333-4444-5555-666677778888`;
const VIA_S3 = { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } };
const trustAccount = (account: string): Stmt => ({
  Sid: 'EnableIAM',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${account}:root` },
  Action: 'kms:*',
  Resource: '*',
});
const allowRole = (role: string): Stmt => ({
  Sid: 'Uploader',
  Effect: 'Allow',
  Principal: { AWS: role },
  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
  Resource: '*',
});
const keyEntry = (account: string, alias: string, ...statements: Stmt[]) => ({
  KeyPolicy: doc(trustAccount(account), ...statements),
  Grants: [],
  Aliases: [alias],
  KeyManager: 'CUSTOMER',
  KeyState: 'Enabled',
});

interface Setup {
  /** The caller's account: B (cross-account) or A. */
  readonly caller?: string;
  /** The bucket's default KMS key reference (null: SSE-S3 default). */
  readonly defaultKey?: string | null;
  /** Whether key A's policy names the uploader role. */
  readonly keyAllowsUploader?: boolean;
  /** Key B (in the caller's account B) under the same alias, allowing or not. */
  readonly callerKey?: 'none' | 'allows' | 'refuses';
  /** The request's SSE headers. */
  readonly headers?: Record<string, string>;
  /** Whether the facts carry key A at all. */
  readonly withKeyA?: boolean;
  /** The default encryption's algorithm (aws:kms unless said) and S3 Bucket Key (on unless said). */
  readonly algorithm?: string;
  readonly bucketKey?: boolean;
}

/** The facts with the key policy of one key not read (AccessDenied). */
function withUnreadKeyPolicy(facts: RequestFacts, arn: string): RequestFacts {
  const key = facts.kmsKeys[arn];
  if (key?.status !== 'known') throw new Error(`key ${arn} missing`);
  return {
    ...facts,
    kmsKeys: { ...facts.kmsKeys, [arn]: known({ ...key.value, keyPolicy: unknown('accessDenied') }) },
  };
}

function upload(s: Setup = {}) {
  const caller = s.caller ?? B;
  const uploader = roleArn(caller, 'UploaderRole');
  const kmsKeys: Record<string, Record<string, unknown>> = {};
  if (s.withKeyA !== false)
    kmsKeys[KEY_A] = keyEntry(A, 'alias/data-key', ...(s.keyAllowsUploader ? [allowRole(uploader)] : []));
  if (s.callerKey && s.callerKey !== 'none')
    kmsKeys[KEY_B] = keyEntry(
      B,
      'alias/data-key',
      ...(s.callerKey === 'allows' ? [allowRole(roleArn(B, 'UploaderRole'))] : []),
    );
  const view = viewOf({
    roles: [
      {
        account: caller,
        name: 'UploaderRole',
        statements: [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
          // same account: the key policy trusts the account, and IAM must allow the key's use
          ...(caller === A || s.callerKey === 'allows'
            ? [{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' }]
            : [{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_A }]),
        ],
      },
    ],
    buckets: {
      [BUCKET]: {
        account: A,
        policy: [
          {
            Sid: 'PartnerUploads',
            Effect: 'Allow',
            Principal: { AWS: roleArn(B, 'UploaderRole') },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${BUCKET}/*`,
          },
        ],
        encryption:
          s.defaultKey === null
            ? { algorithm: 'AES256' }
            : {
                algorithm: s.algorithm ?? 'aws:kms',
                key: s.defaultKey ?? 'alias/data-key',
                bucketKey: s.bucketKey ?? true,
              },
      },
    },
    kmsKeys,
  });
  return explain(
    recordFor({
      account: caller,
      role: 'UploaderRole',
      bucket: BUCKET,
      key: 'in/batch.csv',
      eventName: 'PutObject',
      params: s.headers ?? {},
    }),
    view,
  );
}

const ARN_DEFAULT = `aws s3api put-bucket-encryption --bucket ${BUCKET} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"${KEY_A}"},"BucketKeyEnabled":true}]}'`;

describe("a bucket default alias name or key id, cross-account: KMS resolves it in the caller's account (API_ServerSideEncryptionByDefault)", () => {
  it("(a) alias/x of a key in the bucket's account: the new explanation, and the key-ARN default as the fix, verified, not a key-policy Allow", () => {
    const { finding } = upload({ keyAllowsUploader: true });
    const c = causeOf(finding, 'kms-key-access');
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(
      `KMS resolved alias/data-key in the caller's account ${B}, not in the bucket owner's account ${A}`,
    );
    expect(c.explanation).toBe(
      `The default encryption of bucket ${BUCKET} (account ${A}) names the KMS key by its alias name alias/data-key. S3 calls kms:GenerateDataKey with that reference on the caller's behalf, and AWS KMS resolves a bare key id or alias name in the caller's account (${B}), never in another account: only a key ARN or alias ARN names a key of another account. The facts hold no key alias/data-key of account ${B}: there KMS finds no such key, or one the caller may not use; in the bucket owner's account ${A} alias/data-key is ${KEY_A}, which KMS does not use for this caller. S3 reports the failed KMS call as Access Denied. The key comes from the bucket's default encryption; the object itself was not inspected.`,
    );
    expect(c.evidence[0]).toEqual({
      layer: 'kms-key-policy',
      detail: `key reference alias/data-key (from bucket-default) is a bare alias name: KMS resolves it in the caller's account ${B}, not in the bucket owner's account ${A} (where it names ${KEY_A})`,
    });
    expect(c.fix).toEqual({
      summary: `Set the default encryption of bucket ${BUCKET} to the key ARN ${KEY_A} instead of alias/data-key, so that KMS uses the bucket owner's key whoever uploads; its key policy already lets the caller call kms:GenerateDataKey through S3.`,
      commands: [ARN_DEFAULT],
      policyPatch: { layer: 'kms', bucketEncryption: { bucket: BUCKET, KMSMasterKeyID: KEY_A } },
      verified: true,
    });
    // no key-policy statement for the caller in the bucket account's key: that key is not the one KMS looked up
    expect(JSON.stringify(c.fix)).not.toContain('put-key-policy');
  });

  it("(a) when the bucket owner's key policy does not name the caller either: the key ARN and the key-policy change, verified together", () => {
    const c = causeOf(upload().finding, 'kms-key-access');
    expect(c.title).toBe(
      `KMS resolved alias/data-key in the caller's account ${B}, not in the bucket owner's account ${A}`,
    );
    expect(c.fix.summary).toBe(
      `Set the default encryption of bucket ${BUCKET} to the key ARN ${KEY_A} instead of alias/data-key, so that KMS uses the bucket owner's key whoever uploads; and allow ${roleArn(B, 'UploaderRole')} to call kms:GenerateDataKey on the key through S3 in the key policy.`,
    );
    expect(c.fix.commands[0]).toBe(ARN_DEFAULT);
    expect(c.fix.commands[1]).toContain(`aws kms get-key-policy --key-id ${KEY_A}`);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'kms',
      bucketEncryption: { bucket: BUCKET, KMSMasterKeyID: KEY_A },
      keyPolicy: {
        addStatement: {
          Principal: { AWS: roleArn(B, 'UploaderRole') },
          Action: 'kms:GenerateDataKey',
          Resource: KEY_A,
          Condition: VIA_S3,
        },
      },
    });
    expect(c.fix.verified).toBe(true);
  });

  it('(b) a bare key id of a key in the bucket account: the same explanation and key-ARN fix', () => {
    const c = causeOf(upload({ defaultKey: KEY_ID, keyAllowsUploader: true }).finding, 'kms-key-access');
    expect(c.title).toBe(
      `KMS resolved ${KEY_ID} in the caller's account ${B}, not in the bucket owner's account ${A}`,
    );
    expect(c.explanation).toContain(`names the KMS key by its key id ${KEY_ID}.`);
    expect(c.fix.commands).toEqual([ARN_DEFAULT]);
    expect(c.fix.verified).toBe(true);
  });

  it("the caller's account holds its own key of that alias, which refuses the caller: that key is named, the fix is still the bucket owner's key ARN", () => {
    const c = causeOf(upload({ keyAllowsUploader: true, callerKey: 'refuses' }).finding, 'kms-key-access');
    expect(c.explanation).toContain(
      `There it names ${KEY_B}, which the caller may not use for kms:GenerateDataKey; in the bucket owner's account ${A} alias/data-key is ${KEY_A}`,
    );
    expect(c.fix.commands).toEqual([ARN_DEFAULT]);
  });

  it("the caller's own key of that alias lets it encrypt: KMS succeeds with the caller's key, so the key is not the cause", () => {
    const { finding } = upload({ keyAllowsUploader: true, callerKey: 'allows' });
    expect(finding.checks.find((x) => x.layer === 'kms-key-access')?.status).toBe('pass');
  });

  it("the bucket owner's key policy was not read: the key-ARN fix, saying that its use by the caller is not known (unverified)", () => {
    const { request, facts } = upload({ keyAllowsUploader: true });
    const unread = withUnreadKeyPolicy(facts, KEY_A);
    const c = causeOf(analyze(request, unread), 'kms-key-access');
    expect(c.fix.summary).toBe(
      `Set the default encryption of bucket ${BUCKET} to the key ARN ${KEY_A} instead of alias/data-key, so that KMS uses the bucket owner's key whoever uploads; whether that key lets the caller call kms:GenerateDataKey is not known (its key policy, grants or the caller's IAM policies could not be read).`,
    );
    expect(c.fix.commands).toEqual([ARN_DEFAULT]);
    expect(c.fix.verified).toBe(false);
  });

  it("the key the alias names in the bucket's account is not in the facts: the cause stays, the fix says how to find the key ARN (unverified)", () => {
    const c = causeOf(upload({ withKeyA: false }).finding, 'kms-key-access');
    expect(c.confidence).toBe('likely');
    expect(c.explanation).not.toContain('in the bucket owner');
    expect(c.evidence[0]).toEqual({
      layer: 'kms-key-policy',
      detail: `key reference alias/data-key (from bucket-default) is a bare alias name: KMS resolves it in the caller's account ${B}, not in the bucket owner's account ${A}`,
    });
    expect(c.fix.summary).toBe(
      `Set the default encryption of bucket ${BUCKET} to the full key ARN of the bucket owner's key (arn:aws:kms:us-east-1:${A}:key/…) instead of alias/data-key: the facts do not tell which key alias/data-key names in account ${A} (aws kms describe-key, run with that account's credentials, does).`,
    );
    expect(c.fix.commands).toEqual([
      'aws kms describe-key --key-id alias/data-key --query KeyMetadata.Arn --output text',
      `aws s3api put-bucket-encryption --bucket ${BUCKET} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"BUCKET_OWNER_KEY_ARN"},"BucketKeyEnabled":true}]}'`,
    ]);
    expect(c.fix.verified).toBe(false);
  });
});

describe('the fix keeps the bucket default as it is, but for the key ARN (API_ServerSideEncryptionByDefault)', () => {
  it('a dual-layer (aws:kms:dsse) default without an S3 Bucket Key stays dual-layer and without one', () => {
    const c = causeOf(
      upload({ keyAllowsUploader: true, algorithm: 'aws:kms:dsse', bucketKey: false }).finding,
      'kms-key-access',
    );
    expect(c.fix.commands).toEqual([
      `aws s3api put-bucket-encryption --bucket ${BUCKET} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms:dsse","KMSMasterKeyID":"${KEY_A}"},"BucketKeyEnabled":false}]}'`,
    ]);
    expect(c.fix.verified).toBe(true);
  });

  it("the key of that alias in the caller's account whose key policy was not read: named, and whether the caller may use it is said to be unknown", () => {
    const { request, facts } = upload({ keyAllowsUploader: true, callerKey: 'refuses' });
    const unread = withUnreadKeyPolicy(facts, KEY_B);
    const c = causeOf(analyze(request, unread), 'kms-key-access');
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toContain(
      `There it names ${KEY_B}, and whether the caller may use it for kms:GenerateDataKey is not known; in the bucket owner's account ${A} alias/data-key is ${KEY_A}, which KMS does not use for this caller.`,
    );
  });
});

describe('what does not change', () => {
  it('(c) the same alias default, same-account upload: the key alias/x names is evaluated as before', () => {
    // UploaderRole of A: the key policy trusts A (IAM decides) and the role's IAM allows the key: no KMS cause
    const allowed = upload({ caller: A });
    expect(allowed.finding.checks.find((x) => x.layer === 'kms-key-access')).toEqual({
      layer: 'kms-key-access',
      status: 'pass',
      detail: `the caller may use kms:GenerateDataKey on ${KEY_A}`,
    });
  });

  it('(d) a full key ARN in the default, cross-account: the key policy is the cause, as before', () => {
    const c = causeOf(upload({ defaultKey: KEY_A }).finding, 'kms-key-access');
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(
      `${roleArn(B, 'UploaderRole')} may not call kms:GenerateDataKey on KMS key ${KEY_A}`,
    );
    expect(c.fix.summary).toBe(
      `Allow ${roleArn(B, 'UploaderRole')} to call kms:GenerateDataKey on the key through S3 in the key policy.`,
    );
    expect(c.fix.verified).toBe(true);
  });
});

describe('a request header naming the key by alias, cross-account (API_PutObject x-amz-server-side-encryption-aws-kms-key-id)', () => {
  const headers = {
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': 'alias/data-key',
  };

  it("the bucket owner's account holds that alias: the caller is told to send the key ARN (not verified: the header is the caller's)", () => {
    const c = causeOf(
      upload({ defaultKey: null, keyAllowsUploader: true, headers }).finding,
      'kms-key-access',
    );
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toMatch(
      /^The request header x-amz-server-side-encryption-aws-kms-key-id names the KMS key/,
    );
    expect(c.fix.summary).toBe(
      `Send the key ARN ${KEY_A} in x-amz-server-side-encryption-aws-kms-key-id (AWS CLI --ssekms-key-id) instead of alias/data-key, so that KMS uses the bucket owner's key; its key policy already lets the caller call kms:GenerateDataKey through S3.`,
    );
    expect(c.fix.verified).toBe(false);
  });

  it("the caller's own key of that alias refuses it: confirmed (the record's header and the facts decide), and the key ARN to send", () => {
    const c = causeOf(
      upload({ defaultKey: null, keyAllowsUploader: true, callerKey: 'refuses', headers }).finding,
      'kms-key-access',
    );
    expect(c.confidence).toBe('confirmed');
    expect(c.explanation).toBe(
      `The request header x-amz-server-side-encryption-aws-kms-key-id names the KMS key by its alias name alias/data-key. S3 calls kms:GenerateDataKey with that reference on the caller's behalf, and AWS KMS resolves a bare key id or alias name in the caller's account (${B}), never in another account: only a key ARN or alias ARN names a key of another account. There it names ${KEY_B}, which the caller may not use for kms:GenerateDataKey; in the bucket owner's account ${A} alias/data-key is ${KEY_A}, which KMS does not use for this caller. S3 reports the failed KMS call as Access Denied.`,
    );
    expect(c.evidence[0]).toEqual({
      layer: 'kms-key-policy',
      detail: `key reference alias/data-key (from request) is a bare alias name: KMS resolves it in the caller's account ${B}, not in the bucket owner's account ${A} (where it names ${KEY_A})`,
    });
    expect(c.fix).toEqual({
      summary: `Send the key ARN ${KEY_A} in x-amz-server-side-encryption-aws-kms-key-id (AWS CLI --ssekms-key-id) instead of alias/data-key, so that KMS uses the bucket owner's key; its key policy already lets the caller call kms:GenerateDataKey through S3.`,
      commands: [],
      policyPatch: {
        layer: 'kms',
        requestHeader: { 'x-amz-server-side-encryption-aws-kms-key-id': KEY_A },
      },
      verified: false,
    });
  });

  it("the bucket owner's key does not name the caller either: the key ARN to send and the key-policy change, never verified (the header is the caller's)", () => {
    const c = causeOf(upload({ defaultKey: null, headers }).finding, 'kms-key-access');
    expect(c.fix.summary).toBe(
      `Send the key ARN ${KEY_A} in x-amz-server-side-encryption-aws-kms-key-id (AWS CLI --ssekms-key-id) instead of alias/data-key, so that KMS uses the bucket owner's key; and allow ${roleArn(B, 'UploaderRole')} to call kms:GenerateDataKey on the key through S3 in the key policy.`,
    );
    expect(c.fix.commands[0]).toContain(`aws kms get-key-policy --key-id ${KEY_A}`);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'kms',
      requestHeader: { 'x-amz-server-side-encryption-aws-kms-key-id': KEY_A },
    });
    expect(c.fix.verified).toBe(false);
  });

  it("the bucket owner's account holds no key of that alias: the caller's own key is the one meant, and the caller is not told KMS looked in the wrong account", () => {
    const c = causeOf(
      upload({ defaultKey: null, withKeyA: false, callerKey: 'refuses', headers }).finding,
      'kms-key-access',
    );
    expect(c.title).toBe(
      `${roleArn(B, 'UploaderRole')} may not call kms:GenerateDataKey on KMS key ${KEY_B}`,
    );
  });
});
