/**
 * kms-key-access as the user reads it: S3 calls KMS for the caller on an SSE-KMS object or upload, and that call is
 * refused by the key policy, the grants or the caller's IAM policies.
 * To download an SSE-KMS object the caller needs kms:Decrypt, to upload kms:GenerateDataKey:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import { analyze } from '../../../lambdas/core/analyze';
import {
  known,
  unknown,
  type BucketFacts,
  type ObjectFacts,
  type RequestFacts,
} from '../../../lambdas/core/model';
import {
  causeOf,
  type EditableEvent,
  exampleViewWith,
  explain,
  scenarioEvent,
  unsignedRead,
} from './helpers';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-3333-4444-555566667777';
const SITE_KEY = 'arn:aws:kms:us-east-1:111122223333:key/2222bbbb-3333-4444-5555-666677778888';
const READER = 'arn:aws:iam::111122223333:role/KmsReader';
const PARTNER = 'arn:aws:iam::444455556666:role/PartnerReader';
const VIA_S3 = { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } };

type View = Parameters<typeof explain>[1];
const kmsCause = (event: Record<string, unknown>, view?: View) =>
  causeOf(explain(event, view).finding, 'kms-key-access');
const kmsCheck = (event: Record<string, unknown>, view?: View) =>
  explain(event, view).finding.checks.find((c) => c.layer === 'kms-key-access');
/** The check when the encryption it needs could not be read: unknown, naming what is missing. */
const unknownKms = (missing: string[]) => ({ layer: 'kms-key-access', status: 'unknown', missing });
/** The example account with secure-bucket's default encryption unread (and, with `objects`, its objects too). */
const withoutSecureBucketEncryption = (objects = false): View =>
  exampleViewWith((s) => {
    if (objects) delete s['buckets']['secure-bucket']['objects'];
    delete s['buckets']['secure-bucket']['encryption'];
  });

/** FinanceReader copies secure-bucket/finance/ledger.csv to copy/ledger.csv with these headers. */
function financeCopy(headers: Record<string, string>): Record<string, unknown> {
  const event = scenarioEvent('ruled out: FinanceReader may use the key');
  event['eventName'] = 'CopyObject';
  event['readOnly'] = false;
  Object.assign(event['requestParameters'] as Record<string, unknown>, {
    'x-amz-copy-source': 'secure-bucket/finance/ledger.csv',
    key: 'copy/ledger.csv',
    ...headers,
  });
  return event;
}

/** KmsReader's GetObject turned into an upload of the same key (no SSE headers unless given). */
function upload(headers: Record<string, string> = {}): Record<string, unknown> {
  const event = scenarioEvent('KmsReader may read the object but not decrypt it');
  event['eventName'] = 'PutObject';
  event['readOnly'] = false;
  Object.assign(event['requestParameters'] as Record<string, unknown>, headers);
  return event;
}

const withKeyState = (state: string): View =>
  exampleViewWith((s) => {
    s['kmsKeys'][KEY]['KeyState'] = state;
  });

describe('kms-key-access: the caller may not use the key S3 needs', () => {
  // The default key policy gives the account and lets IAM policies allow the key's use; KmsReader's IAM policy
  // does not: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
  it('a same-account reader whose IAM policy lacks kms:Decrypt is told so, and gets a verified IAM Allow through S3 only', () => {
    const c = kmsCause(scenarioEvent('KmsReader may read the object but not decrypt it'));
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title: `${READER} may not call kms:Decrypt on KMS key ${KEY}`,
      explanation: `The object arn:aws:s3:::secure-bucket/finance/ledger.csv is encrypted with SSE-KMS, so S3 calls kms:Decrypt on ${KEY} for the caller, and that call is not allowed. S3 reports it as Access Denied.`,
    });
    // what refused: no grant, no identity Allow; the key policy (delegating to IAM) is not blamed
    expect(c.evidence.map((e) => e.layer)).toEqual(['kms-grants', 'identity-policy']);
    expect(c.fix).toEqual({
      summary: `Allow kms:Decrypt on ${KEY} in an identity policy of ${READER}.`,
      commands: [
        'aws iam put-role-policy --role-name KmsReader --policy-name s3-403-fix --policy-document file://policy.json',
      ],
      policyPatch: {
        layer: 'kms',
        identityPolicy: {
          principal: READER,
          newInlinePolicy: 's3-403-fix',
          addStatement: {
            Sid: 'AllowDecryptKey',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: KEY,
            Condition: VIA_S3,
          },
        },
      },
      verified: true,
    });
  });

  // A principal of another account needs the key policy to allow it AND an IAM policy of its own account:
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
  it('a cross-account reader refused by the key policy is given a key policy statement and a grant, not an IAM change', () => {
    const c = kmsCause(scenarioEvent('PartnerReader (other account) is not in the key policy'));
    expect(c.title).toBe(`${PARTNER} may not call kms:Decrypt on KMS key ${KEY}`);
    expect(c.evidence.map((e) => e.layer)).toEqual(['kms-key-policy', 'kms-grants']);
    expect(c.fix.summary).toBe(
      `Allow ${PARTNER} to call kms:Decrypt on the key through S3 in the key policy.`,
    );
    expect(c.fix.commands).toEqual([
      `aws kms get-key-policy --key-id ${KEY} --policy-name default --query Policy --output text > key-policy.json`,
      `aws kms put-key-policy --key-id ${KEY} --policy-name default --policy file://key-policy.json`,
      `aws kms create-grant --key-id ${KEY} --grantee-principal ${PARTNER} --operations Decrypt --constraints 'EncryptionContextSubset={aws:s3:arn=arn:aws:s3:::secure-bucket/shared/rates.csv}'`,
    ]);
    expect(c.fix.policyPatch).toEqual({
      layer: 'kms',
      keyPolicy: {
        addStatement: {
          Sid: 'AllowDecryptViaS3',
          Effect: 'Allow',
          Principal: { AWS: PARTNER },
          Action: 'kms:Decrypt',
          Resource: KEY,
          Condition: VIA_S3,
        },
      },
    });
    expect(c.fix.verified).toBe(true);
  });

  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
  it('a cross-account reader refused on both sides is told to change the key policy and its own IAM policy, verified together', () => {
    const view = exampleViewWith((s) => {
      const roles = s['accounts']['444455556666']['authorizationDetails']['RoleDetailList'];
      const role = roles.find((r: { RoleName: string }) => r.RoleName === 'PartnerReader');
      // drop the UseKeys statement (kms:Decrypt on "*")
      role['RolePolicyList'][0]['PolicyDocument']['Statement'].pop();
    });
    const c = kmsCause(scenarioEvent('PartnerReader (other account) is not in the key policy'), view);
    expect(c.evidence.map((e) => e.layer)).toEqual(['kms-key-policy', 'kms-grants', 'identity-policy']);
    expect(c.fix.summary).toBe(
      `Allow ${PARTNER} to call kms:Decrypt on the key through S3 in the key policy; and allow kms:Decrypt on ${KEY} in an identity policy of ${PARTNER}.`,
    );
    expect(c.fix.commands.at(-1)).toBe(
      'aws iam put-role-policy --role-name PartnerReader --policy-name s3-403-fix --policy-document file://policy.json',
    );
    expect(c.fix.policyPatch).toMatchObject({
      keyPolicy: { addStatement: { Principal: { AWS: PARTNER }, Action: 'kms:Decrypt' } },
      identityPolicy: { principal: PARTNER, addStatement: { Action: 'kms:Decrypt', Resource: KEY } },
    });
    expect(c.fix.verified).toBe(true);
  });

  it('the Decrypt record KMS logged for S3 is explained like the S3 request itself', () => {
    const c = kmsCause(scenarioEvent('the KMS Decrypt record S3 made for KmsReader'));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(`${READER} may not call kms:Decrypt on KMS key ${KEY}`);
    expect(c.fix.summary).toBe(`Allow kms:Decrypt on ${KEY} in an identity policy of ${READER}.`);
  });

  // S3 passes the object ARN as the aws:s3:arn encryption context, which the record may lack:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
  it('a Decrypt record without the encryption context still explains the refusal, without naming an object ARN', () => {
    const event = scenarioEvent('the KMS Decrypt record S3 made for KmsReader');
    delete (event['requestParameters'] as Record<string, unknown>)['encryptionContext'];
    const c = kmsCause(event);
    expect(c.title).toBe(`${READER} may not call kms:Decrypt on KMS key ${KEY}`);
    expect(c.explanation).toBe(
      `The object is encrypted with SSE-KMS, so S3 calls kms:Decrypt on ${KEY} for the caller, and that call is not allowed. S3 reports it as Access Denied.`,
    );
  });

  it('an upload under the bucket default key needs kms:GenerateDataKey: a likely cause, saying the key was not read from the object', () => {
    const c = kmsCause(upload());
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(`${READER} may not call kms:GenerateDataKey on KMS key ${KEY}`);
    expect(c.explanation).toBe(
      `The upload arn:aws:s3:::secure-bucket/finance/ledger.csv is encrypted with SSE-KMS, so S3 calls kms:GenerateDataKey on ${KEY} for the caller, and that call is not allowed. S3 reports it as Access Denied. The key comes from the bucket's default encryption; the object itself was not inspected.`,
    );
    expect(c.fix.policyPatch).toMatchObject({
      identityPolicy: { addStatement: { Sid: 'AllowGenerateDataKeyKey', Action: 'kms:GenerateDataKey' } },
    });
  });

  it('an upload that names the key in its SSE headers is a confirmed cause', () => {
    const c = kmsCause(
      upload({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': KEY,
      }),
    );
    expect(c.confidence).toBe('confirmed');
    expect(c.explanation).not.toMatch(/default encryption/);
  });

  it('a copy to another key needs kms:Decrypt on the source key and kms:GenerateDataKey on the target key: the refused one is named', () => {
    const event = financeCopy({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': SITE_KEY,
    });
    const c = kmsCause(event);
    // FinanceReader may decrypt the source with the finance key, but nothing allows it the site-assets key
    expect(c.title).toBe(
      `arn:aws:iam::111122223333:role/FinanceReader may not call kms:GenerateDataKey on KMS key ${SITE_KEY}`,
    );
    expect(c.evidence.every((e) => e.detail.endsWith(`(kms:GenerateDataKey on ${SITE_KEY})`))).toBe(true);
  });

  it('a copy under the same key needs both calls on it: a caller allowed only kms:Decrypt is refused kms:GenerateDataKey', () => {
    // FinanceReader keeps kms:Decrypt on the finance key, in its IAM policy and in the key policy, and loses GenerateDataKey
    const decryptOnly = exampleViewWith((s) => {
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
      const role = roles.find((r: { RoleName: string }) => r.RoleName === 'FinanceReader');
      role['RolePolicyList'][0]['PolicyDocument']['Statement'][1]['Action'] = 'kms:Decrypt';
      s['kmsKeys'][KEY]['KeyPolicy']['Statement'][1]['Action'] = 'kms:Decrypt';
    });
    const event = financeCopy({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': KEY,
    });
    expect(kmsCause(event, decryptOnly).title).toBe(
      `arn:aws:iam::111122223333:role/FinanceReader may not call kms:GenerateDataKey on KMS key ${KEY}`,
    );
  });

  // Parts of a multipart upload to an SSE-KMS key need kms:Decrypt on that key:
  // https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key
  it('a part copied from one key into an upload under another needs kms:Decrypt on both: the refused key is named', () => {
    const siteKeyDefault = exampleViewWith((s) => {
      s['buckets']['site-bucket']['encryption'] = {
        Rules: [
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: SITE_KEY } },
        ],
      };
    });
    const event = scenarioEvent('ruled out: FinanceReader may use the key');
    event['eventName'] = 'UploadPartCopy';
    event['readOnly'] = false;
    delete event['resources'];
    Object.assign(event['requestParameters'] as Record<string, unknown>, {
      bucketName: 'site-bucket',
      Host: 'site-bucket.s3.us-east-1.amazonaws.com',
      key: 'copy/ledger.csv',
      'x-amz-copy-source': 'secure-bucket/finance/ledger.csv',
      partNumber: '1',
      uploadId: 'upload-1',
    });
    const c = kmsCause(event, siteKeyDefault);
    expect(c.title).toBe(
      `arn:aws:iam::111122223333:role/FinanceReader may not call kms:Decrypt on KMS key ${SITE_KEY}`,
    );
  });

  // SSE-KMS objects cannot be read anonymously: KMS accepts only signed (SigV4) requests, so an anonymous request for
  // an SSE-KMS object fails whatever the key policy says:
  // https://repost.aws/knowledge-center/s3-kms-signature-version-error
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html ("All GET and PUT requests for an object
  // protected by KMS fail if they're not made via SSL or using SigV4")
  it('an anonymous read of an SSE-KMS object: no key policy change is offered, the object is to be re-encrypted with SSE-S3', () => {
    const c = kmsCause(unsignedRead('site-bucket', 'assets/app.js'));
    expect(c.title).toBe(
      `s3://site-bucket/assets/app.js is encrypted with SSE-KMS (key ${SITE_KEY}), which an anonymous request cannot read`,
    );
    expect(c.explanation).toContain('no key policy or grant can change that');
    expect(c.evidence.map((e) => e.layer)).toEqual(['kms-key-policy']);
    expect(c.fix.policyPatch).toBeUndefined();
    expect(c.fix.commands).toEqual([
      'aws s3api copy-object --bucket site-bucket --key assets/app.js --copy-source site-bucket/assets/app.js --server-side-encryption AES256 --metadata-directive COPY',
    ]);
    expect(c.fix.commands.join('\n')).not.toMatch(/put-key-policy|create-grant/);
    // site-bucket's policy grants only CloudFront: re-encrypting alone does not let the anonymous caller in
    expect(c.fix).toMatchObject({ verified: false, stillDeniedBy: ['bucket-policy (no allow)'] });
  });

  // CloudFront OAC reads as the service principal cloudfront.amazonaws.com, which has no IAM identity: the key policy
  // must allow it. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html: a service principal is allowed in the
  // key policy, scoped to the resource that calls with aws:SourceArn
  it('an AWS service refused the key (CloudFront OAC) is named by its service principal and is to be allowed in the key policy only (it has no IAM policy); not verified', () => {
    const c = kmsCause(
      scenarioEvent(
        "CloudFront (OAC) reads an SSE-KMS asset: neither the bucket grant's distribution nor the key policy lets it",
      ),
    );
    expect(c.title).toBe(`cloudfront.amazonaws.com may not call kms:Decrypt on KMS key ${SITE_KEY}`);
    expect(c.fix).toEqual({
      summary: `Allow cloudfront.amazonaws.com to use ${SITE_KEY} for kms:Decrypt in the key policy: a statement with Principal {"Service": "cloudfront.amazonaws.com"}, scoped with aws:SourceArn to the resource that calls (a service principal has no IAM policy).`,
      commands: [
        `aws kms get-key-policy --key-id ${SITE_KEY} --policy-name default --query Policy --output text > key-policy.json`,
        `aws kms put-key-policy --key-id ${SITE_KEY} --policy-name default --policy file://key-policy.json`,
      ],
      verified: false,
    });
  });

  // A disabled key cannot be used in any cryptographic operation until it is re-enabled:
  // https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
  it('a disabled key is to be enabled: no policy change is proposed', () => {
    const c = kmsCause(
      scenarioEvent('KmsReader may read the object but not decrypt it'),
      withKeyState('Disabled'),
    );
    expect(c.explanation).toMatch(/that call is explicitly denied\./);
    expect(c.evidence[0]?.detail).toMatch(/the key is Disabled/);
    expect(c.fix).toEqual({
      summary: 'The key is Disabled: enable it.',
      commands: [`aws kms enable-key --key-id ${KEY}`],
      verified: false,
    });
  });

  // A key pending deletion must have its deletion cancelled, after which it is Disabled ("To use the KMS key, you
  // must enable it"): https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-cancelling-key-deletion.html
  it('a key pending deletion is to have its deletion cancelled, then be enabled: both commands are given', () => {
    const c = kmsCause(
      scenarioEvent('KmsReader may read the object but not decrypt it'),
      withKeyState('PendingDeletion'),
    );
    expect(c.fix).toEqual({
      summary: 'The key is PendingDeletion: cancel its deletion and enable it.',
      commands: [`aws kms cancel-key-deletion --key-id ${KEY}`, `aws kms enable-key --key-id ${KEY}`],
      verified: false,
    });
  });

  // EnableKey does not apply to these states: a key with imported key material whose material expired or was deleted
  // is PendingImport until the material is imported again; a key in a disconnected custom key store is Unavailable
  // until the store is reconnected; a multi-Region replica key is Creating until its replication completes.
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
  it.each([
    [
      'PendingImport',
      'The key is PendingImport: import its key material again (aws kms get-parameters-for-import, then aws kms import-key-material).',
    ],
    [
      'Unavailable',
      'The key is Unavailable: reconnect its custom key store (aws kms connect-custom-key-store).',
    ],
    ['Creating', 'The key is Creating: KMS uses it again only once it is Enabled.'],
  ])('a key in state %s is not told to be enabled, but what makes it usable again', (state, summary) => {
    const c = kmsCause(
      scenarioEvent('KmsReader may read the object but not decrypt it'),
      withKeyState(state),
    );
    expect(c.fix).toEqual({ summary, commands: [], verified: false });
  });
});

// An explicit Deny overrides any Allow, so adding an Allow cannot fix it:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
describe('kms-key-access: an explicit Deny of the KMS call', () => {
  const READ = 'KmsReader may read the object but not decrypt it';
  /** KmsReader's inline policy s3-secure with a Deny of kms:Decrypt added (and the key's facts kept or dropped). */
  const identityDeny = (dropKey: boolean): View =>
    exampleViewWith((s) => {
      if (dropKey) delete s['kmsKeys'][KEY];
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
      const role = roles.find((r: { RoleName: string }) => r.RoleName === 'KmsReader');
      role['RolePolicyList'][0]['PolicyDocument']['Statement'].push({
        Sid: 'NoDecrypt',
        Effect: 'Deny',
        Action: 'kms:Decrypt',
        Resource: '*',
      });
    });

  it.each([
    ['with the key facts read', false],
    ['even when the key facts were not read', true],
  ])(
    "a Deny in the caller's identity policy is to be changed in that policy, not answered with an Allow (%s)",
    (_label, dropKey) => {
      const c = kmsCause(scenarioEvent(READ), identityDeny(dropKey));
      expect(c.explanation).toContain('that call is explicitly denied.');
      expect(c.evidence).toContainEqual(
        expect.objectContaining({
          layer: 'identity-policy',
          detail: expect.stringMatching(/\(NoDecrypt\) denies kms:Decrypt/),
        }),
      );
      expect(c.fix).toEqual({
        summary: `A Deny statement in an identity policy of ${READER} refuses kms:Decrypt on ${KEY}, and no Allow overrides it: remove kms:Decrypt from that statement, or exempt ${READER} from it.`,
        commands: [
          'aws iam put-role-policy --role-name KmsReader --policy-name s3-secure --policy-document file://policy.json',
        ],
        verified: false,
      });
    },
  );

  it('a Deny in the key policy is to be changed in the key policy', () => {
    const view = exampleViewWith((s) => {
      s['kmsKeys'][KEY]['KeyPolicy']['Statement'].push({
        Sid: 'NoReaderDecrypt',
        Effect: 'Deny',
        Principal: { AWS: READER },
        Action: 'kms:Decrypt',
        Resource: '*',
      });
    });
    const c = kmsCause(scenarioEvent(READ), view);
    expect(c.fix).toEqual({
      summary: `A Deny statement in the key policy refuses kms:Decrypt on ${KEY}, and no Allow overrides it: remove kms:Decrypt from that statement, or exempt ${READER} from it.`,
      commands: [
        `aws kms get-key-policy --key-id ${KEY} --policy-name default --query Policy --output text > key-policy.json`,
        `aws kms put-key-policy --key-id ${KEY} --policy-name default --policy file://key-policy.json`,
      ],
      verified: false,
    });
  });
});

describe('kms-key-access: when it is ruled out or cannot be decided', () => {
  it('a caller the key policy allows through S3 passes, naming the call and the key', () => {
    expect(kmsCheck(scenarioEvent('ruled out: FinanceReader may use the key'))).toEqual({
      layer: 'kms-key-access',
      status: 'pass',
      detail: `the caller may use kms:Decrypt on ${KEY}`,
    });
  });

  it('an SSE-S3 object involves no KMS key', () => {
    expect(kmsCheck(scenarioEvent('ruled out: SSE-S3 object'))).toEqual({
      layer: 'kms-key-access',
      status: 'not-applicable',
      detail: 'no SSE-KMS key is involved',
    });
  });

  it('an unreadable key policy leaves the check unknown and names the key policy', () => {
    const view = exampleViewWith((s) => {
      delete s['kmsKeys'][KEY]['KeyPolicy'];
    });
    const check = kmsCheck(scenarioEvent('KmsReader may read the object but not decrypt it'), view);
    expect(check?.status).toBe('unknown');
    expect(check?.missing).toEqual([
      `the key policy (notCollected: the snapshot does not carry kmsKeys[${KEY}].KeyPolicy)`,
    ]);
  });

  it('a read whose object encryption and bucket default encryption were not read may be SSE-KMS: unknown', () => {
    const view = withoutSecureBucketEncryption(true);
    expect(kmsCheck(scenarioEvent('KmsReader may read the object but not decrypt it'), view)).toEqual(
      unknownKms([
        'the encryption of s3://secure-bucket/finance/ledger.csv (head-object ServerSideEncryption)',
      ]),
    );
  });

  it('an upload without SSE headers to a bucket whose default encryption was not read may be SSE-KMS: unknown', () => {
    const view = withoutSecureBucketEncryption();
    expect(kmsCheck(upload(), view)).toEqual(
      unknownKms(['the default encryption of bucket secure-bucket (get-bucket-encryption)']),
    );
  });

  it('an upload that asks for SSE-S3 in its headers involves no KMS key, even when the bucket default is unknown', () => {
    const view = withoutSecureBucketEncryption();
    expect(kmsCheck(upload({ 'x-amz-server-side-encryption': 'AES256' }), view)?.status).toBe(
      'not-applicable',
    );
  });

  it('a KMS denial record without the key ARN is unknown: the key is what is missing', () => {
    const event = scenarioEvent('the KMS Decrypt record S3 made for KmsReader');
    delete event['resources'];
    event['errorMessage'] = 'Access Denied';
    expect(kmsCheck(event)).toEqual(unknownKms(['the KMS key of the denied call']));
  });

  it('an S3 denial whose message names a kms: action keeps the KMS cause open even if the object looks SSE-S3', () => {
    const event = scenarioEvent('ruled out: SSE-S3 object');
    event['errorMessage'] =
      `User: arn:aws:sts::111122223333:assumed-role/KmsReader/reader is not authorized to perform: kms:Decrypt on resource: "${KEY}" because no identity-based policy allows the kms:Decrypt action`;
    expect(kmsCheck(event)).toMatchObject({ status: 'unknown', missing: ['the KMS key of the denied call'] });
  });

  it('an S3 denial whose message names an s3: action, on an SSE-S3 object, involves no KMS key', () => {
    const event = scenarioEvent('ruled out: SSE-S3 object');
    event['errorMessage'] =
      'User: arn:aws:sts::111122223333:assumed-role/KmsReader/reader is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports-bucket/reports/q3.csv" because no identity-based policy allows the s3:GetObject action';
    expect(kmsCheck(event)?.status).toBe('not-applicable');
  });

  /** KmsReader's request moved to bucket `bucket` (same key), edited further by `edit`. */
  const inBucket = (event: Record<string, unknown>, bucket: string): Record<string, unknown> => {
    Object.assign(event['requestParameters'] as Record<string, unknown>, {
      bucketName: bucket,
      Host: `${bucket}.s3.us-east-1.amazonaws.com`,
    });
    delete event['resources'];
    return event;
  };

  it('a read from a bucket the snapshot does not describe may be SSE-KMS: unknown, naming the object encryption', () => {
    const event = inBucket(
      scenarioEvent('KmsReader may read the object but not decrypt it'),
      'undescribed-bucket',
    );
    expect(kmsCheck(event)).toEqual(
      unknownKms([
        'the encryption of s3://undescribed-bucket/finance/ledger.csv (head-object ServerSideEncryption)',
      ]),
    );
  });

  it('an upload without SSE headers to a bucket the snapshot does not describe may be SSE-KMS: unknown', () => {
    expect(kmsCheck(inBucket(upload(), 'undescribed-bucket'))).toEqual(
      unknownKms(['the default encryption of bucket undescribed-bucket (get-bucket-encryption)']),
    );
  });

  // With SSE-S3 (AES256) as the bucket default, S3 encrypts new objects with its own keys: no KMS call.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
  it('an upload without SSE headers to a bucket whose default encryption is SSE-S3 involves no KMS key', () => {
    const view = exampleViewWith((s) => {
      s['buckets']['secure-bucket']['encryption'] = {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      };
    });
    expect(kmsCheck(upload(), view)).toMatchObject({ status: 'not-applicable' });
  });

  it('a read of an object whose head-object did not report its encryption, the bucket default unread: unknown', () => {
    // the live view reads head-object without the encryption when it may not (sseNotCollected); a snapshot cannot say so
    const { request, facts } = explain(scenarioEvent('KmsReader may read the object but not decrypt it'));
    const b = facts.buckets['secure-bucket'];
    if (b?.status !== 'known') throw new Error('secure-bucket not known');
    const bucket: BucketFacts = {
      ...b.value,
      encryption: unknown('notCollected'),
      objects: { 'finance/ledger.csv': known({ exists: true, sseNotCollected: true } as ObjectFacts) },
    };
    const edited: RequestFacts = { ...facts, buckets: { ...facts.buckets, 'secure-bucket': known(bucket) } };
    expect(analyze(request, edited).checks.find((c) => c.layer === 'kms-key-access')).toEqual(
      unknownKms([
        'the encryption of s3://secure-bucket/finance/ledger.csv (head-object ServerSideEncryption)',
      ]),
    );
  });

  // S3 calls KMS to decrypt what it reads and to encrypt what it writes; deleting an object reads and writes no data.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
  it("deleting an object involves no KMS key, even when the bucket's default encryption was not read", () => {
    const view = withoutSecureBucketEncryption();
    const event = scenarioEvent('KmsReader may read the object but not decrypt it');
    event['eventName'] = 'DeleteObject';
    event['readOnly'] = false;
    expect(kmsCheck(event, view)).toMatchObject({ status: 'not-applicable' });
  });

  // CopyObject reads the source object (kms:Decrypt on its key when it is SSE-KMS):
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
  it("a copy whose source object's encryption was not read may be SSE-KMS: unknown, naming the source", () => {
    const view = withoutSecureBucketEncryption(true);
    const event = financeCopy({
      'x-amz-server-side-encryption': 'AES256',
    });
    expect(kmsCheck(event, view)).toEqual(
      unknownKms([
        'the encryption of s3://secure-bucket/finance/ledger.csv (head-object ServerSideEncryption)',
      ]),
    );
  });

  it('reading an earlier version of an object whose encryption was not read may be SSE-KMS: unknown', () => {
    const view = withoutSecureBucketEncryption(true);
    const event = scenarioEvent('KmsReader may read the object but not decrypt it');
    (event['requestParameters'] as Record<string, unknown>)['versionId'] =
      '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY';
    expect(kmsCheck(event, view)).toEqual(
      unknownKms([
        'the encryption of s3://secure-bucket/finance/ledger.csv (head-object ServerSideEncryption)',
      ]),
    );
  });

  it('a copy under the same key that the caller may decrypt and re-encrypt with passes, naming both calls', () => {
    const event = financeCopy({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': KEY,
    });
    expect(kmsCheck(event)).toEqual({
      layer: 'kms-key-access',
      status: 'pass',
      detail: `the caller may use kms:Decrypt on ${KEY}, kms:GenerateDataKey on ${KEY}`,
    });
  });
});

// An AWS managed key (aws/s3) can only be used by principals of its own account, and its key policy cannot be
// changed: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
describe('kms-key-access: the AWS managed key aws/s3 and a caller of another account', () => {
  /** reports-bucket encrypted by default with aws/s3 (no key id); the object's own encryption as given. */
  function managed(object: Partial<ObjectFacts>) {
    const { request, facts } = explain(scenarioEvent('PartnerReader reads outside the shared/ prefix'));
    const b = facts.buckets['reports-bucket'];
    if (b?.status !== 'known') throw new Error('reports-bucket not known');
    const bucket: BucketFacts = {
      ...b.value,
      encryption: known({ algorithm: 'aws:kms', kmsKeyId: null, bucketKeyEnabled: false }),
      objects: {
        ...b.value.objects,
        'private/payroll.csv': known({ exists: true, ...object } as ObjectFacts),
      },
    };
    const edited: RequestFacts = { ...facts, buckets: { ...facts.buckets, 'reports-bucket': known(bucket) } };
    return causeOf(analyze(request, edited), 'kms-key-access');
  }

  it('says the managed key cannot be shared, and proposes a customer managed key for the bucket', () => {
    const c = managed({ sseAlgorithm: 'aws:kms' });
    expect(c).toMatchObject({
      confidence: 'confirmed',
      title:
        'The object is encrypted with the AWS managed key aws/s3, which cannot be used from another account',
      explanation:
        'kms:Decrypt on the AWS managed key aws/s3 of the bucket account is only possible for principals of that account; its key policy cannot be changed.',
    });
    expect(c.evidence[0]).toEqual({
      layer: 'kms-key-policy',
      detail: 'key alias/aws/s3 (from object) is AWS managed; caller 444455556666 is cross-account',
    });
    expect(c.fix.summary).toBe(
      'Encrypt the bucket with a customer managed key whose key policy allows the other account, and re-encrypt the objects (copy in place).',
    );
    // the command is for the object's bucket (reports-bucket), with the key ARN left to fill in
    expect(c.fix.commands).toEqual([
      'aws s3api put-bucket-encryption --bucket reports-bucket --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"CUSTOMER_MANAGED_KEY_ARN"},"BucketKeyEnabled":true}]}\'',
    ]);
    expect(c.fix.verified).toBe(false);
  });

  // The key policy of aws/s3, set by AWS, lets every principal of its account use it through S3 (kms:CallerAccount
  // and kms:ViaService): https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
  it("a caller of the key's own account may use aws/s3 through S3: the check passes", () => {
    const { request, facts } = explain(scenarioEvent('ruled out: FinanceReader may use the key'));
    const b = facts.buckets['secure-bucket'];
    if (b?.status !== 'known') throw new Error('secure-bucket not known');
    const bucket: BucketFacts = {
      ...b.value,
      objects: { 'finance/ledger.csv': known({ exists: true, sseAlgorithm: 'aws:kms' } as ObjectFacts) },
    };
    const edited: RequestFacts = { ...facts, buckets: { ...facts.buckets, 'secure-bucket': known(bucket) } };
    expect(analyze(request, edited).checks.find((c) => c.layer === 'kms-key-access')?.status).toBe('pass');
  });

  it("is only likely when the key comes from the bucket's default encryption (the object itself was not read)", () => {
    const c = managed({ sseNotCollected: true });
    expect(c.confidence).toBe('likely');
    expect(c.evidence[0]?.detail).toBe(
      'key alias/aws/s3 (from bucket-default) is AWS managed; caller 444455556666 is cross-account',
    );
  });
});

describe('kms-key-access: an anonymous request and an SSE-KMS object (ANON)', () => {
  // ANON: https://repost.aws/knowledge-center/s3-kms-signature-version-error (anonymous requests for SSE-KMS objects
  // fail: KMS needs Signature Version 4)
  /** public-site-bucket readable by anyone (RestrictPublicBuckets off, bucket and account), its object under SITE_KEY. */
  const publicKmsObject = (key = 'index.html'): View =>
    exampleViewWith((s) => {
      s['accounts']['111122223333']['publicAccessBlock']['RestrictPublicBuckets'] = false;
      const b = s['buckets']['public-site-bucket'];
      b['publicAccessBlock']['RestrictPublicBuckets'] = false;
      b['objects'][key] = {
        exists: true,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: SITE_KEY,
        ownerAccountId: '111122223333',
      };
    });
  const read = (key = 'index.html'): Record<string, unknown> => unsignedRead('public-site-bucket', key);

  it('a public bucket whose object is SSE-KMS: the key is the cause, and re-encrypting the object is verified', () => {
    const finding = explain(read(), publicKmsObject()).finding;
    expect(finding.rootCauses.map((c) => [c.id, c.confidence])).toEqual([['kms-key-access', 'confirmed']]);
    const c = causeOf(finding, 'kms-key-access');
    // the object's own encryption was read: nothing is said about the bucket default
    expect(c.explanation).toBe(
      'S3 decrypts an SSE-KMS object by calling kms:Decrypt on the key for the caller, and KMS accepts only requests signed with AWS credentials (Signature Version 4). An anonymous request for an SSE-KMS object therefore always fails, whatever the bucket policy and the key policy allow: no key policy or grant can change that.',
    );
    expect(c.fix).toEqual({
      summary:
        'Anonymous requests cannot read SSE-KMS objects: re-encrypt s3://public-site-bucket/index.html with SSE-S3 (copy it onto itself), or serve it through CloudFront with Origin Access Control (signed requests; the key policy must then allow cloudfront.amazonaws.com), or give readers presigned URLs.',
      commands: [
        'aws s3api copy-object --bucket public-site-bucket --key index.html --copy-source public-site-bucket/index.html --server-side-encryption AES256 --metadata-directive COPY',
      ],
      verified: true,
    });
  });

  it("a key with a space and a quote: the copy source is URL-encoded (CopyObject's x-amz-copy-source) and both are quoted", () => {
    // CopyObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    const key = "docs/a b'c.html";
    const c = causeOf(explain(read(key), publicKmsObject(key)).finding, 'kms-key-access');
    expect(c.fix.commands).toEqual([
      String.raw`aws s3api copy-object --bucket public-site-bucket --key 'docs/a b'\''c.html' --copy-source 'public-site-bucket/docs/a%20b'\''c.html' --server-side-encryption AES256 --metadata-directive COPY`,
    ]);
  });

  // CopyObject reads the source object: the SSE-KMS one is the source, in another bucket than the destination.
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
  it('an anonymous copy from an SSE-KMS object of another bucket names the source object; not verified while the destination refuses', () => {
    const event = unsignedRead('site-bucket', 'copy/index.html');
    event['eventName'] = 'CopyObject';
    event['readOnly'] = false;
    Object.assign(event['requestParameters'] as Record<string, unknown>, {
      'x-amz-copy-source': 'public-site-bucket/index.html',
    });
    const c = causeOf(explain(event, publicKmsObject()).finding, 'kms-key-access');
    expect(c.title).toBe(
      `s3://public-site-bucket/index.html is encrypted with SSE-KMS (key ${SITE_KEY}), which an anonymous request cannot read`,
    );
    expect(c.fix.commands).toEqual([
      'aws s3api copy-object --bucket public-site-bucket --key index.html --copy-source public-site-bucket/index.html --server-side-encryption AES256 --metadata-directive COPY',
    ]);
    // the source may be read anonymously once re-encrypted; site-bucket grants anonymous writes to nobody
    expect(c.fix.verified).toBe(false);
    expect(c.fix.stillDeniedBy).toContain('bucket-policy (no allow)');
  });

  /** public-site-bucket open to anonymous reads and writes, its default encryption SSE-KMS under SITE_KEY. */
  const publicKmsDefault = (): View =>
    exampleViewWith((s) => {
      s['accounts']['111122223333']['publicAccessBlock']['RestrictPublicBuckets'] = false;
      const b = s['buckets']['public-site-bucket'];
      b['publicAccessBlock']['RestrictPublicBuckets'] = false;
      b['policy']['Statement'][0]['Action'] = ['s3:GetObject', 's3:PutObject'];
      b['encryption'] = {
        Rules: [
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: SITE_KEY } },
        ],
      };
    });

  it('an anonymous upload into a bucket whose default encryption is SSE-KMS: the default is to become SSE-S3, verified', () => {
    const view = publicKmsDefault();
    const event = read('upload.bin');
    event['eventName'] = 'PutObject';
    event['readOnly'] = false;
    const c = causeOf(explain(event, view).finding, 'kms-key-access');
    expect(c.title).toBe(
      `An anonymous upload to public-site-bucket cannot be encrypted with SSE-KMS (key ${SITE_KEY})`,
    );
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toBe(
      "S3 encrypts an SSE-KMS object by calling kms:GenerateDataKey on the key for the caller, and KMS accepts only requests signed with AWS credentials (Signature Version 4). An anonymous request that writes an SSE-KMS object therefore always fails, whatever the bucket policy and the key policy allow: no key policy or grant can change that. The key comes from the bucket's default encryption; the object itself was not inspected.",
    );
    expect(c.fix.summary).toBe(
      'Anonymous uploads cannot be encrypted with SSE-KMS, and public-site-bucket encrypts new objects with a KMS key by default: make SSE-S3 its default encryption, or have uploaders sign their requests.',
    );
    expect(c.fix.commands).toEqual([
      'aws s3api put-bucket-encryption --bucket public-site-bucket --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}\'',
    ]);
    expect(c.fix.verified).toBe(true);
  });

  it("an anonymous upload that asks for SSE-KMS itself: drop the header or sign; not verified (the request is the caller's)", () => {
    const event = read('upload.bin');
    event['eventName'] = 'PutObject';
    event['readOnly'] = false;
    Object.assign(event['requestParameters'] as Record<string, unknown>, {
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': SITE_KEY,
    });
    const c = causeOf(explain(event, publicKmsObject()).finding, 'kms-key-access');
    expect(c.confidence).toBe('confirmed');
    expect(c.fix).toEqual({
      summary:
        'Anonymous uploads cannot be encrypted with SSE-KMS: send the upload without x-amz-server-side-encryption: aws:kms (with SSE-S3 as the bucket default), or sign it with credentials that may use the key.',
      commands: [],
      verified: false,
    });
  });

  it('an anonymous read of an object not inspected, in a bucket encrypting with SSE-KMS by default: likely; the object and the default are both to become SSE-S3', () => {
    const c = causeOf(explain(read('not-inspected.html'), publicKmsDefault()).finding, 'kms-key-access');
    expect(c.confidence).toBe('likely');
    expect(c.explanation).toContain("The key comes from the bucket's default encryption");
    expect(c.fix.summary).toContain(
      "re-encrypt s3://public-site-bucket/not-inspected.html with SSE-S3 (copy it onto itself, and make SSE-S3 the bucket's default encryption)",
    );
    expect(c.fix.commands).toEqual([
      'aws s3api copy-object --bucket public-site-bucket --key not-inspected.html --copy-source public-site-bucket/not-inspected.html --server-side-encryption AES256 --metadata-directive COPY',
      'aws s3api put-bucket-encryption --bucket public-site-bucket --server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}\'',
    ]);
  });
});

// A permissions boundary, an SCP (and a session policy, an RCP) caps what identity and resource policies allow: an
// implicit deny or a Deny in it refuses the call whatever the key policy says.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
describe('kms-key-access: a guardrail refuses the KMS call that the key policy and IAM policies allow', () => {
  const READ = 'KmsReader may read the object but not decrypt it';
  /** KmsReader allowed kms:Decrypt by its IAM policy (the key policy trusts the account), then `edit`. */
  const readerMayDecrypt = (edit: (s: EditableEvent, role: EditableEvent) => void): View =>
    exampleViewWith((s) => {
      const roles = s['accounts']['111122223333']['authorizationDetails']['RoleDetailList'];
      const role = roles.find((r: { RoleName: string }) => r.RoleName === 'KmsReader');
      role['RolePolicyList'][0]['PolicyDocument']['Statement'].push({
        Sid: 'UseKeys',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: '*',
      });
      edit(s, role);
    });

  /** The statement a guardrail without kms:Decrypt gets: an Allow of kms:Decrypt on the key (no Principal element). */
  const ALLOW_DECRYPT = { Sid: 'AllowDecryptKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY };

  it('a permissions boundary without kms:Decrypt gets the Allow for the key, verified; no key policy statement is proposed', () => {
    const view = readerMayDecrypt((_s, role) => {
      role['PermissionsBoundary'] = {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary',
      };
    });
    const c = kmsCause(scenarioEvent(READ), view);
    expect(c.evidence.map((e) => e.layer)).toContain('permissions-boundary');
    expect(c.fix).toEqual({
      summary: `The permissions boundary of ${READER} does not allow kms:Decrypt on ${KEY}, and no Allow in the key policy or an IAM policy overrides it: allow kms:Decrypt on the key in it (if its owner agrees).`,
      commands: [
        expect.stringContaining(
          'aws iam get-policy-version --policy-arn arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary ',
        ),
        expect.stringContaining(
          'aws iam create-policy-version --policy-arn arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary ',
        ),
      ],
      policyPatch: {
        layer: 'permissions-boundary',
        policy: 'arn:aws:iam::111122223333:policy/S3ReadOnlyBoundary',
        addStatement: ALLOW_DECRYPT,
      },
      verified: true,
    });
  });

  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
  it('a cross-account reader refused by the key policy, its IAM policy and its boundary: both Allows are verified, the boundary still refuses', () => {
    const view = exampleViewWith((s) => {
      const details = s['accounts']['444455556666']['authorizationDetails'];
      details['Policies'].push({
        PolicyName: 'PartnerBoundary',
        PolicyId: 'ANPAPARTNERBOUNDARY1',
        Arn: 'arn:aws:iam::444455556666:policy/PartnerBoundary',
        Path: '/',
        DefaultVersionId: 'v1',
        PolicyVersionList: [
          {
            Document: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
            },
            VersionId: 'v1',
            IsDefaultVersion: true,
          },
        ],
      });
      const role = details['RoleDetailList'].find(
        (r: { RoleName: string }) => r.RoleName === 'PartnerReader',
      );
      role['PermissionsBoundary'] = {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: 'arn:aws:iam::444455556666:policy/PartnerBoundary',
      };
      // drop the UseKeys statement (kms:Decrypt on "*")
      role['RolePolicyList'][0]['PolicyDocument']['Statement'].pop();
    });
    const c = kmsCause(scenarioEvent('PartnerReader (other account) is not in the key policy'), view);
    expect(c.fix.policyPatch).toMatchObject({
      keyPolicy: { addStatement: { Principal: { AWS: PARTNER }, Action: 'kms:Decrypt' } },
      identityPolicy: { principal: PARTNER, addStatement: { Action: 'kms:Decrypt', Resource: KEY } },
    });
    // each policy the fix changes then allows; what would still refuse is named
    expect(c.fix.verified).toBe(true);
    expect(c.fix.stillDeniedBy).toEqual(['permissions-boundary (no allow)']);
  });

  // A session policy limits the session to what it allows as well:
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
  it('a session policy without kms:Decrypt gets the Allow for the key, passed again when the session is created, verified', () => {
    const view = readerMayDecrypt((s) => {
      s['sessions']['arn:aws:sts::111122223333:assumed-role/KmsReader/reader']['Policy'] = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secure-bucket/*' }],
      };
    });
    expect(kmsCause(scenarioEvent(READ), view).fix).toEqual({
      summary: `The session policy of ${READER} does not allow kms:Decrypt on ${KEY}, and no Allow in the key policy or an IAM policy overrides it: allow kms:Decrypt on the key in it (if its owner agrees).`,
      commands: [
        'aws sts assume-role --role-arn arn:aws:iam::111122223333:role/KmsReader --role-session-name reader --policy file://session-policy.json',
      ],
      policyPatch: { layer: 'session-policy', policy: 'session policy', addStatement: ALLOW_DECRYPT },
      verified: true,
    });
  });

  /** KmsReader allowed to decrypt, with a Deny of kms:Decrypt added to one organization policy. */
  const withDecryptDenied = (
    list: 'serviceControlPolicies' | 'resourceControlPolicies',
    name: string,
    extra: Record<string, unknown> = {},
  ) =>
    readerMayDecrypt((s) => {
      const policy = s['organization'][list].find((p: { Name: string }) => p.Name === name);
      policy['Content']['Statement'].push({
        Sid: 'NoDecrypt',
        Effect: 'Deny',
        ...extra,
        Action: 'kms:Decrypt',
        Resource: '*',
      });
    });

  // An RCP applies to the key, a resource of a member account: https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html
  // RCPs cap the resources of the accounts they are attached to: a KMS key of another account than the bucket's is
  // capped by the RCPs on that account's path, not the bucket account's.
  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
  /** The finance key, moved to `account` (same key id), in the snapshot and the record, KmsReader allowed to decrypt. */
  const keyIn = (account: string, edit: (s: EditableEvent) => void = () => undefined) => {
    const moved = KEY.replace('111122223333', account);
    const view = readerMayDecrypt((s) => {
      for (const k of Object.keys(s)) s[k] = JSON.parse(JSON.stringify(s[k]).replaceAll(KEY, moved));
      edit(s);
    });
    const event = JSON.parse(JSON.stringify(scenarioEvent(READ)).replaceAll(KEY, moved)) as EditableEvent;
    return { moved, view, event };
  };

  it("a key of another account is capped by that account's RCPs: a Deny there refuses the call the key policy allows", () => {
    const { moved, view, event } = keyIn('444455556666', (s) => {
      s['organization']['resourceControlPolicies'].push({
        Id: 'p-partnerkeys',
        Name: 'PartnerKeyGuard',
        Targets: ['ou-ab12-partners'],
        Arn: 'arn:aws:organizations::123456789012:policy/o-exampleorg/resource_control_policy/p-partnerkeys',
        Content: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
          ],
        },
      });
    });
    const c = kmsCause(event, view);
    expect(c.evidence.map((e) => e.layer)).toContain('rcp');
    expect(c.fix.summary).toBe(
      `A resource control policy (RCP) denies kms:Decrypt on ${moved}, and no Allow in the key policy or an IAM policy overrides it: remove kms:Decrypt from its Deny statement, or exempt ${READER} from it (if its owner agrees).`,
    );
  });

  it("a key of an account whose RCPs were not read: the KMS call's RCP layer is unknown, naming them, not allowed", () => {
    const { view, event } = keyIn('777766665555');
    const check = kmsCheck(event, view);
    expect(check?.status).toBe('unknown');
    expect(check?.missing).toContain(
      "the RCPs on the resource account's organization path (notCollected: account 777766665555 is not in the snapshot's organization and not described by the snapshot)",
    );
  });

  it("facts that do not carry the key account's RCPs (a view that did not read them): unknown, not the bucket account's", () => {
    const { view, event } = keyIn('444455556666');
    const { request, facts } = explain(event, view);
    const { keyAccountRcpLevels: _notRead, ...without } = facts;
    const check = analyze(request, without).checks.find((c) => c.layer === 'kms-key-access');
    expect(check?.status).toBe('unknown');
    expect(check?.missing).toContain(
      "the RCPs on the resource account's organization path (notCollected: the key belongs to account 444455556666, whose RCPs were not read)",
    );
  });

  /** The Deny statement added by withDecryptDenied, with the caller exempted (aws:PrincipalArn). */
  const exempted = (extra: Record<string, unknown> = {}) => ({
    Sid: 'NoDecrypt',
    Effect: 'Deny',
    ...extra,
    Action: 'kms:Decrypt',
    Resource: '*',
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': READER } },
  });

  it('a Deny of kms:Decrypt in an RCP is to be changed in the RCP: the caller exempted from it, verified', () => {
    const view = withDecryptDenied('resourceControlPolicies', 'RCPFullAWSAccess', { Principal: '*' });
    const c = kmsCause(scenarioEvent(READ), view);
    expect(c.fix.summary).toBe(
      `A resource control policy (RCP) denies kms:Decrypt on ${KEY}, and no Allow in the key policy or an IAM policy overrides it: remove kms:Decrypt from its Deny statement, or exempt ${READER} from it (if its owner agrees).`,
    );
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'rcp',
      statement: 'NoDecrypt',
      replaceStatement: exempted({ Principal: '*' }),
    });
    expect(c.fix.verified).toBe(true);
  });

  it('a Deny of kms:Decrypt in an SCP is to be changed in the SCP, not answered with a key policy Allow', () => {
    const view = withDecryptDenied('serviceControlPolicies', 'ProtectBucketConfig');
    const c = kmsCause(scenarioEvent(READ), view);
    expect(c.explanation).toContain('that call is explicitly denied.');
    expect(c.fix).toEqual({
      summary: `A service control policy (SCP) denies kms:Decrypt on ${KEY}, and no Allow in the key policy or an IAM policy overrides it: remove kms:Decrypt from its Deny statement, or exempt ${READER} from it (if its owner agrees).`,
      commands: [
        'aws organizations describe-policy --policy-id p-protectbuckets --query Policy.Content --output text > scp.json',
        'aws organizations update-policy --policy-id p-protectbuckets --content file://scp.json',
      ],
      policyPatch: {
        layer: 'scp',
        policy:
          'arn:aws:organizations::123456789012:policy/o-exampleorg/service_control_policy/p-protectbuckets',
        statement: 'NoDecrypt',
        replaceStatement: exempted(),
      },
      verified: true,
    });
  });
});
