/**
 * The condition keys a request carries, as the facts determine them, with the values AWS documents:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (global keys)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html (object tags)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html (access point keys)
 * A key the record already carries wins; a key the record says is absent stays absent.
 */
import type {
  AccessRequest,
  Known,
  Principal,
  PrincipalFacts,
  RequestFacts,
} from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import { derivedContext, orgPathValue, requestedPolicy } from '../../../lambdas/core/fix/context';
import { principal } from '../../adapters/snapshot/request-builder';
import { explain } from '../checkers/helpers';
import { A, B, C, doc, ORG, OU_A, OU_B, recordFor, roleArn, ROOT, type WorldSpec, viewOf } from '../world';

const BUCKET = 'reports-bucket';

function world(spec: Partial<WorldSpec> = {}, account = A, bucketAccount = A) {
  return viewOf({
    roles: [{ account, name: 'AppRole', statements: [], tags: { team: 'finance', CostCenter: '42' } }],
    buckets: { [BUCKET]: { account: bucketAccount, objects: { 'q3.csv': {} } } },
    ...spec,
  });
}

/**
 * AppRole of `account` reads q3.csv from the bucket of `bucketAccount`: the request, with no condition key of its
 * own (as `simulate` builds a hypothetical one), and the facts.
 */
function caller(account = A, bucketAccount = A, spec: Partial<WorldSpec> = {}) {
  const { request, facts } = explain(
    recordFor({ account, role: 'AppRole', bucket: BUCKET, bucketAccount, key: 'q3.csv' }),
    world(spec, account, bucketAccount),
  );
  return {
    request: { ...request, context: { values: {}, absent: [], otherKeys: 'absent' as const } },
    facts,
  };
}

const ctxOf = (request: AccessRequest, facts: RequestFacts, account: string | null = A) =>
  derivedContext(request, facts, account);

/** The request with its caller replaced (fields not given: null). */
const as = (request: AccessRequest, p: Partial<Principal>): AccessRequest => ({
  ...request,
  principal: principal({ type: 'Unknown', ...p }),
});

const withContext = (request: AccessRequest, c: Partial<AccessRequest['context']>): AccessRequest => ({
  ...request,
  context: { ...request.context, ...c },
});

describe('the caller: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid', () => {
  it('a role session is named by its role ARN, its account, type AssumedRole and role-id:session', () => {
    const { request, facts } = caller();
    const v = ctxOf(request, facts).values;
    expect(v['aws:PrincipalArn']).toBe(roleArn(A, 'AppRole'));
    expect(v['aws:PrincipalAccount']).toBe(A);
    expect(v['aws:PrincipalType']).toBe('AssumedRole');
    expect(v['aws:userid']).toBe(request.principal.principalId);
    expect(String(v['aws:userid'])).toMatch(/^AROA[A-Z0-9]+:s1$/);
    expect(v['aws:PrincipalIsAWSService']).toBe('false');
    expect(v).not.toHaveProperty('aws:username');
    expect(v).not.toHaveProperty('aws:PrincipalServiceName');
  });

  it("a role's tags are aws:PrincipalTag/<key>", () => {
    const { request, facts } = caller();
    const v = ctxOf(request, facts).values;
    expect(v['aws:PrincipalTag/team']).toBe('finance');
    expect(v['aws:PrincipalTag/CostCenter']).toBe('42');
  });

  it('an IAM user has aws:username and type User', () => {
    const { request, facts } = caller();
    const user = as(request, {
      type: 'IAMUser',
      arn: `arn:aws:iam::${A}:user/alice`,
      identityArn: `arn:aws:iam::${A}:user/alice`,
      accountId: A,
      principalId: 'AIDAEXAMPLEALICE0001',
      userName: 'alice',
    });
    const v = ctxOf(user, facts).values;
    expect(v['aws:PrincipalType']).toBe('User');
    expect(v['aws:username']).toBe('alice');
    expect(v['aws:userid']).toBe('AIDAEXAMPLEALICE0001');
    expect(v['aws:PrincipalArn']).toBe(`arn:aws:iam::${A}:user/alice`);
  });

  it('a user seen only by its ARN in the facts gets aws:username from the ARN', () => {
    const { request, facts } = caller();
    const arn = `arn:aws:iam::${A}:user/dev/bob`;
    const userFacts: RequestFacts = {
      ...facts,
      principal: known({
        identityArn: arn,
        accountId: A,
        kind: 'user',
        identityPolicies: [],
        permissionsBoundary: null,
        tags: {},
        groups: [],
      }),
    };
    const v = ctxOf(as(request, { type: 'IAMUser', principalId: 'AIDAEXAMPLEBOB000001' }), userFacts).values;
    expect(v['aws:username']).toBe('bob');
    expect(v['aws:PrincipalArn']).toBe(arn);
    expect(v['aws:PrincipalAccount']).toBe(A);
  });

  it('an account root user has type Account and its account id as aws:userid', () => {
    const { request, facts } = caller();
    const root = as(request, {
      type: 'Root',
      arn: `arn:aws:iam::${A}:root`,
      identityArn: `arn:aws:iam::${A}:root`,
      accountId: A,
      principalId: A,
    });
    const v = ctxOf(root, facts).values;
    expect(v['aws:PrincipalType']).toBe('Account');
    expect(v['aws:userid']).toBe(A);
    expect(v).not.toHaveProperty('aws:username');
    const noId = ctxOf(as(request, { type: 'Root', accountId: A, principalId: null }), facts).values;
    expect(noId['aws:userid']).toBe(A);
  });

  it('a caller recorded only as an account takes its type from the facts (a role: AssumedRole)', () => {
    const { request, facts } = caller();
    const v = ctxOf(as(request, { type: 'AWSAccount', accountId: A }), facts).values;
    expect(v['aws:PrincipalType']).toBe('AssumedRole');
    expect(v['aws:PrincipalArn']).toBe(roleArn(A, 'AppRole'));
    const user = (kind: 'user' | 'root') =>
      ctxOf(as(request, { type: 'AWSAccount', accountId: A }), {
        ...facts,
        principal: known({ ...(facts.principal as Known<PrincipalFacts>).value, kind }),
      }).values['aws:PrincipalType'];
    expect(user('user')).toBe('User');
    expect(user('root')).toBe('Account');
  });

  it('an anonymous caller: aws:userid "anonymous", no ARN, no account, no organization', () => {
    const { request, facts } = caller();
    const c = ctxOf(as(request, { type: 'Anonymous', arn: 'anonymous', principalId: 'anonymous' }), facts);
    expect(c.values['aws:userid']).toBe('anonymous');
    expect(c.values['aws:PrincipalType']).toBe('Anonymous');
    expect(c.values['aws:PrincipalIsAWSService']).toBe('false');
    expect(c.values).not.toHaveProperty('aws:PrincipalArn');
    expect(c.values).not.toHaveProperty('aws:PrincipalAccount');
    expect(c.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(c.absent).toEqual(expect.arrayContaining(['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths']));
  });

  it('an AWS service principal: aws:PrincipalIsAWSService "true" and aws:PrincipalServiceName, no org', () => {
    const { request, facts } = caller();
    const c = ctxOf(
      as(request, { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com', principalId: 'x' }),
      facts,
    );
    expect(c.values['aws:PrincipalIsAWSService']).toBe('true');
    expect(c.values['aws:PrincipalServiceName']).toBe('cloudtrail.amazonaws.com');
    expect(c.values).not.toHaveProperty('aws:PrincipalType');
    expect(c.values).not.toHaveProperty('aws:userid');
    expect(c.values).not.toHaveProperty('aws:PrincipalArn');
    expect(c.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(c.absent).toEqual(expect.arrayContaining(['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths']));
    // the service named by the record's ARN when it has no invokedBy
    const byArn = ctxOf(as(request, { type: 'AWSService', arn: 'logging.s3.amazonaws.com' }), facts).values;
    expect(byArn['aws:PrincipalServiceName']).toBe('logging.s3.amazonaws.com');
  });

  it('a CloudFront origin access identity is neither a service principal nor an IAM principal', () => {
    const { request, facts } = caller();
    const c = ctxOf(
      as(request, { type: 'AWSService', arn: 'cloudfront.amazonaws.com', originAccessIdentity: true }),
      facts,
    );
    expect(c.values).not.toHaveProperty('aws:PrincipalIsAWSService');
    expect(c.values).not.toHaveProperty('aws:PrincipalServiceName');
  });

  it('a caller of unknown type has no aws:PrincipalIsAWSService', () => {
    const { request, facts } = caller();
    expect(ctxOf(as(request, { type: 'Unknown' }), facts).values).not.toHaveProperty(
      'aws:PrincipalIsAWSService',
    );
  });
});

describe('organizations: aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:ResourceOrgID, aws:ResourceOrgPaths', () => {
  it('a caller and a bucket of the organization carry its id and their paths "o-…/r-…/ou-…/"', () => {
    const { request, facts } = caller(B, A);
    const v = ctxOf(request, facts).values;
    expect(v['aws:PrincipalOrgID']).toBe(ORG);
    expect(v['aws:PrincipalOrgPaths']).toEqual([`${ORG}/${ROOT}/${OU_B}/`]);
    expect(v['aws:ResourceOrgID']).toBe(ORG);
    expect(v['aws:ResourceOrgPaths']).toEqual([`${ORG}/${ROOT}/${OU_A}/`]);
  });

  it('a caller or a bucket outside any organization has no org keys: absent, not unknown', () => {
    const { request, facts } = caller(C, C);
    const c = ctxOf(request, facts, C);
    for (const k of [
      'aws:PrincipalOrgID',
      'aws:PrincipalOrgPaths',
      'aws:ResourceOrgID',
      'aws:ResourceOrgPaths',
    ]) {
      expect(c.values).not.toHaveProperty(k);
      expect(c.absent).toContain(k);
    }
    expect(c.unknown).toBeUndefined();
  });

  it('organization facts that were not read leave the org keys unknown', () => {
    const { request, facts } = caller();
    const c = ctxOf(request, {
      ...facts,
      principalOrganization: unknown('notCollected'),
      resourceOrganization: unknown('notCollected'),
    });
    expect(c.unknown).toEqual(
      expect.arrayContaining([
        'aws:PrincipalOrgID',
        'aws:PrincipalOrgPaths',
        'aws:ResourceOrgID',
        'aws:ResourceOrgPaths',
      ]),
    );
    expect(c.values).not.toHaveProperty('aws:PrincipalOrgID');
    expect(c.absent).not.toContain('aws:PrincipalOrgID');
    expect(c.absent).not.toContain('aws:ResourceOrgID');
  });

  it('a member account whose path was not read has its org id, and an unknown path', () => {
    const { request, facts } = caller();
    const org = { id: ORG, managementAccountId: null, accountIds: [A], path: null };
    const c = ctxOf(request, {
      ...facts,
      principalOrganization: known(org),
      resourceOrganization: known({ ...org, path: [] }),
    });
    expect(c.values['aws:PrincipalOrgID']).toBe(ORG);
    expect(c.values['aws:ResourceOrgID']).toBe(ORG);
    expect(c.unknown).toEqual(['aws:PrincipalOrgPaths', 'aws:ResourceOrgPaths']);
  });

  it('orgPathValue writes the path root first, ending with "/"', () => {
    expect(orgPathValue({ id: ORG, managementAccountId: null, accountIds: [], path: [ROOT, OU_A] })).toBe(
      `${ORG}/${ROOT}/${OU_A}/`,
    );
    expect(orgPathValue({ id: ORG, managementAccountId: null, accountIds: [] })).toBeNull();
    expect(orgPathValue({ id: ORG, managementAccountId: null, accountIds: [], path: [] })).toBeNull();
  });
});

describe('the resource: aws:ResourceAccount and s3:ResourceAccount', () => {
  it('name the account that owns the bucket', () => {
    const { request, facts } = caller(B, A);
    const v = ctxOf(request, facts, A).values;
    expect(v['aws:ResourceAccount']).toBe(A);
    expect(v['s3:ResourceAccount']).toBe(A);
  });

  it('are not set when the owner is not known', () => {
    const { request, facts } = caller();
    const v = ctxOf(request, facts, null).values;
    expect(v).not.toHaveProperty('aws:ResourceAccount');
    expect(v).not.toHaveProperty('s3:ResourceAccount');
  });
});

describe('what the record carries wins', () => {
  it('a value the record gives is kept, whatever the case of its key', () => {
    const { request, facts } = caller();
    const given = withContext(request, {
      values: {
        ...request.context.values,
        'AWS:PrincipalOrgID': 'o-fromrecord',
        'aws:principaltag/team': 'ops',
      },
    });
    const v = ctxOf(given, facts).values;
    expect(v['AWS:PrincipalOrgID']).toBe('o-fromrecord');
    expect(v).not.toHaveProperty('aws:PrincipalOrgID');
    expect(v['aws:principaltag/team']).toBe('ops');
    expect(v).not.toHaveProperty('aws:PrincipalTag/team');
  });

  it('a key the record says is absent stays absent, and one it says is unknown stays unknown', () => {
    const { request, facts } = caller();
    const given = withContext(request, {
      absent: [...request.context.absent, 'aws:PrincipalTag/team'],
      unknown: ['aws:ResourceAccount'],
    });
    const c = ctxOf(given, facts);
    expect(c.values).not.toHaveProperty('aws:PrincipalTag/team');
    expect(c.values).not.toHaveProperty('aws:ResourceAccount');
    expect(c.values['aws:PrincipalTag/CostCenter']).toBe('42');
    expect(c.unknown).toContain('aws:ResourceAccount');
    expect(c.absent.filter((k) => k === 'aws:PrincipalTag/team')).toHaveLength(1);
  });

  it('a key the record says is absent is not made unknown by facts that were not read', () => {
    const { request, facts } = caller();
    const given = withContext(request, { absent: [...request.context.absent, 'aws:PrincipalOrgID'] });
    const c = ctxOf(given, { ...facts, principalOrganization: unknown('notCollected') });
    expect(c.unknown).toEqual(['aws:PrincipalOrgPaths']);
    expect(c.absent.filter((k) => k === 'aws:PrincipalOrgID')).toHaveLength(1);
  });

  it("keeps the record's otherKeys, provenance and inferred values", () => {
    const { request, facts } = caller();
    const given = withContext(request, {
      otherKeys: 'unknown',
      provenance: { 'aws:SourceIp': 'sourceIPAddress' },
      inferred: { 'aws:SecureTransport': { value: 'true', why: 'tls' } as never },
    });
    const c = ctxOf(given, facts);
    expect(c.otherKeys).toBe('unknown');
    expect(c.provenance).toEqual({ 'aws:SourceIp': 'sourceIPAddress' });
    expect(c.inferred?.['aws:SecureTransport']).toEqual({ value: 'true', why: 'tls' });
    // the snapshot lacks AppRole's trust policy: its tags are only likely (a session tag may override them)
    expect(Object.keys(c.inferred ?? {}).sort()).toEqual([
      'aws:PrincipalTag/CostCenter',
      'aws:PrincipalTag/team',
      'aws:SecureTransport',
    ]);
    const bare = ctxOf(withContext(request, { provenance: undefined, inferred: undefined }), facts);
    expect(bare).not.toHaveProperty('provenance');
    expect(bare).not.toHaveProperty('inferred');
  });

  it('adds the keys of the call being evaluated (the KMS call S3 makes), unless the record has them', () => {
    const { request, facts } = caller();
    const c = derivedContext(request, facts, A, {
      'kms:ViaService': 's3.us-east-1.amazonaws.com',
      'aws:PrincipalAccount': 'not-this',
    });
    expect(c.values['kms:ViaService']).toBe('s3.us-east-1.amazonaws.com');
    expect(c.values['aws:PrincipalAccount']).toBe(A);
  });
});

describe('access points: s3:DataAccessPointArn, s3:DataAccessPointAccount, s3:AccessPointNetworkOrigin', () => {
  const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;

  it('a request through an access point names it, its account and its network origin', () => {
    const { request, facts } = caller();
    const through = { ...request, accessPointArn: AP };
    const apFacts: RequestFacts = {
      ...facts,
      accessPoint: known({ networkOrigin: 'Internet' } as never),
    };
    const v = ctxOf(through, apFacts).values;
    expect(v['s3:DataAccessPointArn']).toBe(AP);
    expect(v['s3:DataAccessPointAccount']).toBe(A);
    expect(v['s3:AccessPointNetworkOrigin']).toBe('Internet');
  });

  it('a request not through an access point has none of them', () => {
    const { request, facts } = caller();
    const v = ctxOf(request, facts).values;
    for (const k of ['s3:DataAccessPointArn', 's3:DataAccessPointAccount', 's3:AccessPointNetworkOrigin'])
      expect(v).not.toHaveProperty(k);
  });

  it('an access point whose facts were not read has no network origin', () => {
    const { request, facts } = caller();
    const v = ctxOf(
      { ...request, accessPointArn: AP },
      { ...facts, accessPoint: unknown('notCollected') },
    ).values;
    expect(v['s3:DataAccessPointAccount']).toBe(A);
    expect(v).not.toHaveProperty('s3:AccessPointNetworkOrigin');
  });
});

describe('requestedPolicy: the policy a PutBucketPolicy / PutAccessPointPolicy request carries', () => {
  const policyText = JSON.stringify(
    doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }),
  );
  const put = (eventName: string, requestParameters: unknown): AccessRequest =>
    ({ eventName, raw: { requestParameters } }) as unknown as AccessRequest;

  it('reads the policy of PutBucketPolicy (bucketPolicy) and PutAccessPointPolicy (policy), as JSON text', () => {
    expect(requestedPolicy(put('PutBucketPolicy', { bucketPolicy: policyText }))).toBe(policyText);
    expect(requestedPolicy(put('PutBucketPolicy', { bucketPolicy: JSON.parse(policyText) }))).toBe(
      policyText,
    );
    expect(requestedPolicy(put('PutAccessPointPolicy', { policy: policyText }))).toBe(policyText);
    expect(requestedPolicy(put('PutAccessPointPolicy', { Policy: policyText }))).toBe(policyText);
  });

  it('has none for another call or a record without the policy', () => {
    expect(requestedPolicy(put('GetBucketPolicy', { bucketPolicy: policyText }))).toBeNull();
    expect(requestedPolicy(put('PutBucketPolicyStatus', { bucketPolicy: policyText }))).toBeNull();
    expect(requestedPolicy(put('XPutBucketPolicy', { bucketPolicy: policyText }))).toBeNull();
    expect(requestedPolicy(put('PutBucketPolicy', null))).toBeNull();
    expect(requestedPolicy(put('PutBucketPolicy', 'text'))).toBeNull();
    expect(requestedPolicy(put('PutBucketPolicy', {}))).toBeNull();
    expect(requestedPolicy(put('PutBucketPolicy', { bucketPolicy: null }))).toBeNull();
  });
});
