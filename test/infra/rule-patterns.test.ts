/**
 * The deployed rule patterns (read back from the synthesized template) against real records:
 * every record of the shared corpus and every examples/events/*.json.
 * Patterns: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-s3.html (source aws.s3,
 * eventSource s3.amazonaws.com); S3 403 codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html;
 * ACLs disabled -> 400 AccessControlListNotSupported:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
 */
import * as path from 'node:path';
import { KMS_DENIAL_ERROR_CODES, S3_DENIAL_ERROR_CODES } from '../../lib/event-patterns';
import { matches } from './event-pattern';
import {
  ACCOUNT,
  auditorStack,
  CORPUS_DIR,
  EXAMPLES_DIR,
  FAKE_AUDITOR_ROLE_ARN,
  jsonFiles,
  logicalId,
  readJson,
  resolveIntrinsics,
  toEnvelope,
} from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];

const { template } = auditorStack({ centralBus: { organizationId: 'o-abcdefghij' } });
const roleId = logicalId(template, 'AWS::IAM::Role', 'FunctionRole');
const MEMBER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/s3-403-reader`;

function patternsOf(hint: string): Array<Record<string, unknown>> {
  const rules = template.findResources('AWS::Events::Rule');
  return Object.entries(rules)
    .filter(([id]) => id.includes(hint))
    .map(
      ([, r]) =>
        resolveIntrinsics(r.Properties.EventPattern as Json, { [roleId]: FAKE_AUDITOR_ROLE_ARN }) as Record<
          string,
          unknown
        >,
    );
}

const s3Patterns = patternsOf('S3DenialRule');
const kmsPatterns = patternsOf('KmsDenialRule');
const allPatterns = [...s3Patterns, ...kmsPatterns];
const matchesAnyRule = (event: unknown) => allPatterns.some((p) => matches(p, event));

/** The S3 denials in the corpus (SOURCES.md: the Panther AccessDenied fixtures), listed by hand. */
const CORPUS_DENIALS = new Set([
  'panther_deletebucketencryption_accessdenied_iamuser.json',
  'panther_deletebucketpublicaccessblock_accessdenied_iamuser.json',
  'panther_deletebucketreplication_accessdenied_iamuser.json',
  'panther_getobject_accessdenied_iamuser.json',
  'panther_putbucketacl_accessdenied_assumedrole.json',
  'panther_putbucketlogging_accessdenied_iamuser.json',
  'panther_putbucketlogging_accessdenied_iamuser_2.json',
  'panther_putbucketpolicy_accessdenied_assumedrole_vpce.json',
  'panther_putbucketversioning_mfadelete_accessdenied_iamuser.json',
  'panther_putbucketversioning_suspend_accessdenied_iamuser.json',
]);

describe('rule patterns as deployed', () => {
  it('there is an S3 and a KMS rule on the default bus and on the central bus', () => {
    expect(s3Patterns).toHaveLength(2);
    expect(kmsPatterns).toHaveLength(2);
    expect(s3Patterns[0]).toEqual(s3Patterns[1]);
    expect(kmsPatterns[0]).toEqual(kmsPatterns[1]);
  });

  const corpus = jsonFiles(CORPUS_DIR);
  it('the corpus is present', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(corpus.filter((f) => CORPUS_DENIALS.has(f))).toHaveLength(CORPUS_DENIALS.size);
  });

  it.each(corpus)('corpus %s: matched only if it is an S3 denial', (file) => {
    const event = toEnvelope(readJson(path.join(CORPUS_DIR, file)));
    expect(matchesAnyRule(event)).toBe(CORPUS_DENIALS.has(file));
  });

  it('a VPC endpoint network-activity denial (VpceAccessDenied) is not matched by the S3 and KMS rules (the VPC endpoint rule of vpcEndpointDenials=true matches it: vpce-denials.test.ts)', () => {
    const event = toEnvelope(
      readJson(path.join(CORPUS_DIR, 'panther_getobject_vpceaccessdenied_awsaccount_networkactivity.json')),
    );
    expect((event.detail as Record<string, Json>).errorCode).toBe('VpceAccessDenied');
    expect(matchesAnyRule(event)).toBe(false);
  });
});

describe('loop guard (anything-but on sessionIssuer.arn)', () => {
  const base = toEnvelope(
    readJson(path.join(CORPUS_DIR, 'panther_putbucketacl_accessdenied_assumedrole.json')),
  );
  const withIssuer = (arn: string) => {
    const event = structuredClone(base) as {
      detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: string } } } };
    };
    event.detail.userIdentity.sessionContext.sessionIssuer.arn = arn;
    return event;
  };

  it("drops denials of the auditor's own role", () => {
    expect(matchesAnyRule(withIssuer(FAKE_AUDITOR_ROLE_ARN))).toBe(false);
  });

  it('drops denials of the member read role of this account (central mode)', () => {
    expect(matchesAnyRule(withIssuer(MEMBER_ROLE_ARN))).toBe(false);
  });

  it('keeps denials of every other role', () => {
    expect(matchesAnyRule(withIssuer(`arn:aws:iam::${ACCOUNT}:role/app`))).toBe(true);
  });

  it('keeps denials of IAM users and root, which have no sessionIssuer', () => {
    const user = toEnvelope(readJson(path.join(CORPUS_DIR, 'panther_getobject_accessdenied_iamuser.json')));
    expect(JSON.stringify(user.detail)).not.toContain('sessionIssuer');
    expect(matchesAnyRule(user)).toBe(true);
  });
});

describe('S3 error codes', () => {
  const base = toEnvelope(readJson(path.join(CORPUS_DIR, 'panther_getobject_accessdenied_iamuser.json')));
  const withCode = (code: string) => ({ ...base, detail: { ...(base.detail as object), errorCode: code } });
  it.each(['AccessDenied', 'AllAccessDisabled', 'AccountProblem', 'AccessControlListNotSupported'])(
    '%s is matched',
    (code) => expect(s3Patterns.every((p) => matches(p, withCode(code)))).toBe(true),
  );
  it.each(['NoSuchKey', 'NoSuchBucketPolicy', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'SlowDown'])(
    '%s (not an authorization denial) is not matched',
    (code) => expect(matchesAnyRule(withCode(code))).toBe(false),
  );
  it('a successful call (no errorCode) is not matched', () => {
    const ok = { ...base, detail: { ...(base.detail as object) } } as { detail: Record<string, unknown> };
    delete ok.detail.errorCode;
    expect(matchesAnyRule(ok)).toBe(false);
  });
});

describe('KMS denials made on S3 behalf', () => {
  // S3 calls KMS with the encryption context {"aws:s3:arn": <bucket or object ARN>}:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
  const kmsDenial = (errorCode: string, context: Record<string, string>, issuer?: string) => ({
    version: '0',
    id: 'k1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.kms',
    account: ACCOUNT,
    time: '2026-11-20T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.10',
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      errorCode,
      userIdentity: issuer
        ? { type: 'AssumedRole', sessionContext: { sessionIssuer: { type: 'Role', arn: issuer } } }
        : { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/bob` },
      sourceIPAddress: 's3.amazonaws.com',
      requestParameters: { encryptionContext: context, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    },
  });
  const s3Context = { 'aws:s3:arn': 'arn:aws:s3:::my-bucket/reports/q3.csv' };

  it.each(['AccessDenied', 'AccessDeniedException'])('%s for an S3 encryption context is matched', (code) => {
    expect(kmsPatterns.every((p) => matches(p, kmsDenial(code, s3Context)))).toBe(true);
  });
  it('a KMS denial for another service (no aws:s3:arn in the context) is not matched', () => {
    expect(matchesAnyRule(kmsDenial('AccessDenied', { 'aws:ebs:id': 'vol-1' }))).toBe(false);
  });
  it("the auditor's own KMS denial is not matched", () => {
    expect(matchesAnyRule(kmsDenial('AccessDenied', s3Context, FAKE_AUDITOR_ROLE_ARN))).toBe(false);
  });
  it('a KMS call that succeeded is not matched', () => {
    const ok = kmsDenial('AccessDenied', s3Context) as { detail: Record<string, unknown> };
    delete ok.detail.errorCode;
    expect(matchesAnyRule(ok)).toBe(false);
  });
});

const examples = jsonFiles(EXAMPLES_DIR);
const describeExamples = examples.length > 0 ? describe : describe.skip;
describeExamples('examples/events', () => {
  const S3_CODES = ['AccessDenied', 'AllAccessDisabled', 'AccountProblem', 'AccessControlListNotSupported'];
  const isS3Denial = (e: Record<string, Json>) => {
    const d = (e.detail ?? {}) as Record<string, Json>;
    return (
      e.source === 'aws.s3' && d.eventSource === 's3.amazonaws.com' && S3_CODES.includes(String(d.errorCode))
    );
  };
  const isKmsDenialForS3 = (e: Record<string, Json>) => {
    const d = (e.detail ?? {}) as Record<string, Json>;
    const ctx = ((d.requestParameters as Record<string, Json> | undefined)?.encryptionContext ??
      {}) as Record<string, Json>;
    return (
      e.source === 'aws.kms' &&
      ['AccessDenied', 'AccessDeniedException'].includes(String(d.errorCode)) &&
      'aws:s3:arn' in ctx
    );
  };
  it.each(examples.length > 0 ? examples : ['-'])('%s: matched exactly when it is a denial', (file) => {
    const doc = readJson(path.join(EXAMPLES_DIR, file));
    const records = Array.isArray(doc.Records) ? (doc.Records as Array<Record<string, Json>>) : [doc];
    for (const record of records) {
      const event = toEnvelope(record);
      expect(matchesAnyRule(event)).toBe(isS3Denial(event) || isKmsDenialForS3(event));
    }
  });
});

describe('every rule of the fullest deployment (central, VPC endpoint denials, forwarded Regions) against every record', () => {
  const full = auditorStack({
    centralBus: { organizationId: 'o-abcdefghij' },
    vpcEndpointDenials: true,
    forwardedRegions: ['eu-west-1'],
  }).template;
  const fullRoleId = logicalId(full, 'AWS::IAM::Role', 'FunctionRole');
  const kind = (id: string) =>
    /S3DenialRule/.test(id)
      ? 's3'
      : /KmsDenialRule/.test(id)
        ? 'kms'
        : /VpceDenialRule/.test(id)
          ? 'vpce'
          : /ForwardedAlarmRule/.test(id)
            ? 'alarm'
            : id;
  const rules = Object.entries(full.findResources('AWS::Events::Rule')).map(([id, r]) => ({
    kind: kind(id),
    pattern: resolveIntrinsics(r.Properties.EventPattern as Json, {
      [fullRoleId]: FAKE_AUDITOR_ROLE_ARN,
    }) as Record<string, unknown>,
  }));
  const matchedKinds = (event: unknown) => [
    ...new Set(rules.filter((r) => matches(r.pattern, event)).map((r) => r.kind)),
  ];

  it('has the S3, KMS and VPC endpoint rules on both buses, and the forwarded-alarm rule', () => {
    expect(rules.map((r) => r.kind).sort()).toEqual([
      'alarm',
      'alarm',
      'kms',
      'kms',
      's3',
      's3',
      'vpce',
      'vpce',
    ]);
  });

  it.each(jsonFiles(CORPUS_DIR))('corpus %s: matched by exactly the rule of its kind', (file) => {
    const event = toEnvelope(readJson(path.join(CORPUS_DIR, file)));
    const expected = CORPUS_DENIALS.has(file)
      ? ['s3']
      : file === 'panther_getobject_vpceaccessdenied_awsaccount_networkactivity.json'
        ? ['vpce']
        : [];
    expect(matchedKinds(event)).toEqual(expected);
  });

  it.each(jsonFiles(EXAMPLES_DIR))(
    'examples/events/%s: every record matched by exactly the rule of its kind',
    (file) => {
      const doc = readJson(path.join(EXAMPLES_DIR, file));
      const records = Array.isArray(doc.Records) ? (doc.Records as Array<Record<string, Json>>) : [doc];
      for (const record of records) {
        const event = toEnvelope(record);
        const d = (event.detail ?? {}) as Record<string, Json>;
        const expected =
          d.errorCode === 'VpceAccessDenied'
            ? ['vpce']
            : event.source === 'aws.s3' && S3_DENIAL_ERROR_CODES.includes(String(d.errorCode))
              ? ['s3']
              : event.source === 'aws.kms' && KMS_DENIAL_ERROR_CODES.includes(String(d.errorCode))
                ? ['kms']
                : [];
        expect(matchedKinds(event)).toEqual(expected);
      }
    },
  );
});
