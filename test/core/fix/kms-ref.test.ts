/**
 * Where AWS KMS resolves the key reference of a call S3 makes for the caller:
 *  - a key ARN or alias ARN names its account; a bare key id or alias name is resolved in the caller's account,
 *    never in another: https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html (KeyId: "To
 *    specify a KMS key in a different AWS account, you must use the key ARN or alias ARN"),
 *    https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html
 *  - S3 default encryption with an alias: "AWS KMS resolves the key within the requester's account"
 *    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html, KMSMasterKeyID)
 */
import type { KmsKeyFacts, RequestFacts } from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import { kmsBucketEncryptionCommand } from '../../../lambdas/core/fix/commands';
import { findKmsKey, resolveKmsKey } from '../../../lambdas/core/fix/input';
import { isAwsS3Alias, isBareKmsRef, kmsRefAccount, parseKmsKeyRef } from '../../../lambdas/core/fix/kms-ref';
import { explain } from '../checkers/helpers';
import { A, B, recordFor, viewOf } from '../world';

const ID = '1111aaaa-2222-3333-4444-555566667777';
const KEY_A = `arn:aws:kms:us-east-1:${A}:key/${ID}`;
const KEY_B = `arn:aws:kms:us-east-1:${B}:key/2222bbbb-3333-4444-5555-666677778888`;

const keyFacts = (arn: string, accountId: string, aliases: string[]): KmsKeyFacts => ({
  arn,
  accountId,
  keyPolicy: known({ name: 'default', source: 'kms-key-policy', document: { Statement: [] } }),
  grants: known([]),
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  aliases,
});

/** PartnerRole of account B uploads to reports-bucket of account A: the request and its facts. */
function upload(): { request: Parameters<typeof resolveKmsKey>[0]; facts: RequestFacts } {
  const view = viewOf({
    roles: [{ account: B, name: 'PartnerRole', statements: [] }],
    buckets: { 'reports-bucket': { account: A } },
  });
  return explain(
    recordFor({
      account: B,
      role: 'PartnerRole',
      bucket: 'reports-bucket',
      key: 'in/x.csv',
      eventName: 'PutObject',
    }),
    view,
  );
}

describe('parseKmsKeyRef: the four ways to name a KMS key (API_GenerateDataKey KeyId)', () => {
  it.each([
    [KEY_A, 'key-arn', ID, A],
    [`arn:aws:kms:us-east-1:${B}:alias/data-key`, 'alias-arn', 'alias/data-key', B],
    [ID, 'key-id', ID, null],
    ['mrk-1234abcd12ab34cd56ef1234567890ab', 'key-id', 'mrk-1234abcd12ab34cd56ef1234567890ab', null],
    ['alias/data-key', 'alias-name', 'alias/data-key', null],
  ])('%s is a %s', (ref, form, name, arnAccount) => {
    expect(parseKmsKeyRef(ref)).toEqual({ ref, form, name, arnAccount });
    expect(isBareKmsRef(ref)).toBe(arnAccount === null);
  });
});

describe('parseKmsKeyRef: ARNs of every partition, and only whole ARNs', () => {
  // ARN format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (partition aws, aws-cn, aws-us-gov)
  it.each(['aws-cn', 'aws-us-gov'])('a key ARN of partition %s names its account', (partition) => {
    const ref = `arn:${partition}:kms:us-gov-west-1:${B}:key/${ID}`;
    expect(parseKmsKeyRef(ref)).toEqual({ ref, form: 'key-arn', name: ID, arnAccount: B });
  });

  it('text around an ARN is not an ARN: the whole reference is taken as a key id KMS resolves in the caller account', () => {
    for (const ref of [`x${KEY_A}`, `${KEY_A}\nkey/other`]) {
      expect(parseKmsKeyRef(ref)).toEqual({ ref, form: 'key-id', name: ref, arnAccount: null });
      expect(isBareKmsRef(ref)).toBe(true);
    }
  });

  it('isAwsS3Alias: only the alias aws/s3 itself (bare or as an alias ARN), not a longer alias', () => {
    expect(isAwsS3Alias('alias/aws/s3')).toBe(true);
    expect(isAwsS3Alias(`arn:aws:kms:us-east-1:${A}:alias/aws/s3`)).toBe(true);
    expect(isAwsS3Alias('alias/aws/s3-archive')).toBe(false);
    expect(isAwsS3Alias('alias/aws/s3/x')).toBe(false);
  });
});

describe('kmsRefAccount: the account AWS KMS looks the reference up in (alias-using.html)', () => {
  it('a key ARN or alias ARN: the account it names, whoever calls', () => {
    expect(kmsRefAccount(KEY_A, B, A)).toBe(A);
    expect(kmsRefAccount(`arn:aws:kms:us-east-1:${B}:alias/data-key`, A, A)).toBe(B);
  });

  it("a bare key id or alias name: the caller's account, not the bucket's (API_ServerSideEncryptionByDefault)", () => {
    expect(kmsRefAccount('alias/data-key', B, A)).toBe(B);
    expect(kmsRefAccount(ID, B, A)).toBe(B);
    expect(kmsRefAccount('alias/data-key', A, A)).toBe(A);
  });

  it('a caller whose account is not known: no account is guessed', () => {
    expect(kmsRefAccount('alias/data-key', null, A)).toBeNull();
  });

  it('the AWS managed key alias/aws/s3 stays the bucket account key (concepts.html#aws-managed-key)', () => {
    expect(kmsRefAccount('alias/aws/s3', B, A)).toBe(A);
  });
});

describe('findKmsKey with the account KMS resolves in: never another account key', () => {
  const { facts } = upload();
  const inA = { ...facts, kmsKeys: { [KEY_A]: known(keyFacts(KEY_A, A, ['alias/data-key'])) } };
  const inBoth = {
    ...facts,
    kmsKeys: {
      [KEY_A]: known(keyFacts(KEY_A, A, ['alias/data-key'])),
      [KEY_B]: known(keyFacts(KEY_B, B, ['alias/data-key'])),
    },
  };

  it('a key ARN or alias ARN finds the key of the account it names', () => {
    expect(findKmsKey(inBoth, KEY_A, B)?.arn).toBe(KEY_A);
    expect(findKmsKey(inBoth, `arn:aws:kms:us-east-1:${B}:alias/data-key`, A)?.arn).toBe(KEY_B);
    expect(findKmsKey(inA, `arn:aws:kms:us-east-1:${B}:alias/data-key`)).toBeNull();
  });

  it('an alias name in a caller account holding a key of that alias: that key', () => {
    expect(findKmsKey(inBoth, 'alias/data-key', B)?.arn).toBe(KEY_B);
    expect(findKmsKey(inBoth, 'alias/data-key', A)?.arn).toBe(KEY_A);
  });

  it('an alias name or bare key id in a caller account without such a key: not found, though the bucket account has one', () => {
    expect(findKmsKey(inA, 'alias/data-key', B)).toBeNull();
    expect(findKmsKey(inA, ID, B)).toBeNull();
    expect(findKmsKey(inA, ID, A)?.arn).toBe(KEY_A);
  });

  it('a caller account that is not known finds nothing', () => {
    expect(findKmsKey(inA, 'alias/data-key', null)).toBeNull();
    // not even a key whose account the facts do not tell, when only its aliases name it (no account is guessed)
    const unplaced = {
      ...facts,
      kmsKeys: { 'some-key': known(keyFacts('some-key', '', ['alias/data-key'])) },
    };
    expect(findKmsKey(unplaced, 'alias/data-key', null)).toBeNull();
    expect(findKmsKey(unplaced, 'alias/data-key', B)?.arn).toBe('some-key');
  });

  it('a bare reference an adapter could not resolve stays unknown, after any key of the right account', () => {
    const unresolved = { ...inA, kmsKeys: { ...inA.kmsKeys, 'alias/data-key': unknown('notCollected') } };
    expect(findKmsKey(unresolved, 'alias/data-key', B)?.fact.status).toBe('unknown');
    expect(findKmsKey(unresolved, 'alias/data-key', A)?.arn).toBe(KEY_A);
  });

  it('a key whose account the facts do not tell (a snapshot entry named by the reference itself) is taken as named', () => {
    const handMade = { ...facts, kmsKeys: { 'alias/data-key': known(keyFacts('alias/data-key', '', [])) } };
    expect(findKmsKey(handMade, 'alias/data-key', B)?.arn).toBe('alias/data-key');
    expect(findKmsKey(handMade, 'alias/data-key', null)?.arn).toBe('alias/data-key');
  });

  it('a key the facts list under its alias ARN is found by that alias name in its account', () => {
    const aliasArn = `arn:aws:kms:us-east-1:${B}:alias/data-key`;
    const byAliasArn = { ...facts, kmsKeys: { [aliasArn]: known(keyFacts(KEY_B, B, [])) } };
    expect(findKmsKey(byAliasArn, 'alias/data-key', B)?.arn).toBe(aliasArn);
    expect(findKmsKey(byAliasArn, 'alias/data-key', A)).toBeNull();
  });

  it('an alias name matches a key whose aliases list it (in any of its forms), not a key that lists another alias', () => {
    const withAliases = (aliases: string[]) => ({
      ...facts,
      kmsKeys: { [KEY_B]: known(keyFacts(KEY_B, B, aliases)) },
    });
    expect(findKmsKey(withAliases(['alias/other', 'alias/data-key']), 'alias/data-key', B)?.arn).toBe(KEY_B);
    expect(findKmsKey(withAliases(['data-key']), 'alias/data-key', B)?.arn).toBe(KEY_B);
    const aliasArn = `arn:aws:kms:us-east-1:${B}:alias/data-key`;
    expect(findKmsKey(withAliases([aliasArn]), aliasArn, A)?.arn).toBe(KEY_B);
    expect(findKmsKey(withAliases(['alias/other']), 'alias/data-key', B)).toBeNull();
  });

  it('a key ARN with text before it names no key, not even in the account it seems to name', () => {
    expect(findKmsKey(inBoth, `x${KEY_A}`, A)).toBeNull();
  });

  it("resolveKmsKey: a cross-account upload's alias name resolves in the caller's account only", () => {
    const { request } = upload();
    expect(resolveKmsKey(request, inA, 'alias/data-key', 'reports-bucket')).toBeNull();
    expect(resolveKmsKey(request, inBoth, 'alias/data-key', 'reports-bucket')?.arn).toBe(KEY_B);
    expect(resolveKmsKey(request, inA, KEY_A, 'reports-bucket')?.arn).toBe(KEY_A);
  });
});

// The bucket default set to the owner's key ARN keeps the bucket's KMS algorithm (SSE-KMS or DSSE-KMS) and Bucket Key:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html (SSEAlgorithm)
describe('kmsBucketEncryptionCommand: the default encryption with the key ARN', () => {
  const rule = (algorithm: string, bucketKey: boolean): string =>
    kmsBucketEncryptionCommand('reports-bucket', KEY_A, algorithm, bucketKey);
  it.each([
    ['aws:kms', false, 'aws:kms'],
    ['aws:kms:dsse', true, 'aws:kms:dsse'],
    ['AES256', false, 'aws:kms'], // a key ARN is only ever set with a KMS algorithm
  ])('algorithm %s, Bucket Key %s: SSEAlgorithm %s', (algorithm, bucketKey, expected) => {
    expect(rule(algorithm, bucketKey)).toBe(
      `aws s3api put-bucket-encryption --bucket reports-bucket --server-side-encryption-configuration '${JSON.stringify(
        {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: expected, KMSMasterKeyID: KEY_A },
              BucketKeyEnabled: bucketKey,
            },
          ],
        },
      )}'`,
    );
  });
});
