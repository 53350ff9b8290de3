/**
 * Where AWS KMS looks for the key a KeyId names, in the calls S3 makes on the caller's behalf (SSE-KMS).
 *
 * A key ARN or an alias ARN names its account. A bare key id (a UUID, or mrk-… for a multi-Region key) or an alias
 * name (alias/x) is resolved by AWS KMS in the account of the caller, never in another account:
 *  - https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html and
 *    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html (KeyId): "To specify a KMS key in a
 *    different AWS account, you must use the key ARN or alias ARN."
 *  - https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html: "If the KMS key is in a different AWS
 *    account, you must use a key ARN or alias ARN in these operations."
 *  - https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html (KMSMasterKeyID): "If you
 *    use a KMS key alias instead, then AWS KMS resolves the key within the requester's account. This behavior can
 *    result in data that's encrypted with a KMS key that belongs to the requester, and not the bucket owner."
 *  - https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-server-side-encryption-aws-kms-key-id):
 *    "If the KMS key doesn't exist in the same account that's issuing the command, you must use the full Key ARN not
 *    the Key ID."
 * The AWS managed key alias/aws/s3 keeps the project's rule: it is the bucket account's
 * (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key), see fix/input.ts.
 */

/** How a reference names its key. */
export type KmsRefForm = 'key-arn' | 'alias-arn' | 'key-id' | 'alias-name';

export interface KmsKeyRef {
  readonly ref: string;
  readonly form: KmsRefForm;
  /** The key id, or the alias name with its "alias/" prefix. */
  readonly name: string;
  /** The account an ARN names; null for a bare key id or alias name. */
  readonly arnAccount: string | null;
}

const KMS_ARN = /^arn:aws[\w-]*:kms:[^:]*:(\d{12}):(key|alias)\/(.+)$/;

export function parseKmsKeyRef(ref: string): KmsKeyRef {
  const m = KMS_ARN.exec(ref);
  if (m)
    return m[2] === 'key'
      ? { ref, form: 'key-arn', name: m[3]!, arnAccount: m[1]! }
      : { ref, form: 'alias-arn', name: `alias/${m[3]!}`, arnAccount: m[1]! };
  return { ref, form: ref.startsWith('alias/') ? 'alias-name' : 'key-id', name: ref, arnAccount: null };
}

/** A bare key id or alias name: a reference KMS resolves in the caller's account. */
export const isBareKmsRef = (ref: string): boolean => parseKmsKeyRef(ref).arnAccount === null;

/** The alias of the AWS managed key S3 uses (bare or as an alias ARN). */
export const isAwsS3Alias = (ref: string): boolean => /(^|:)alias\/aws\/s3$/.test(ref);

/**
 * The account AWS KMS looks a reference up in, for a call S3 makes for `callerAccount`: the account an ARN names;
 * for a bare key id or alias name the caller's (null when it is not known: no other account is guessed); for the
 * bare alias of the AWS managed key aws/s3, the bucket's account (the project's rule for that key).
 */
export function kmsRefAccount(
  ref: string,
  callerAccount: string | null,
  bucketAccount: string | null,
): string | null {
  const parsed = parseKmsKeyRef(ref);
  if (parsed.arnAccount !== null) return parsed.arnAccount;
  if (isAwsS3Alias(ref)) return bucketAccount;
  return callerAccount;
}
