/**
 * The event that issued a session's credentials, read (issue 13 item 3). Session policies are passed to
 * AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity / GetFederationToken (`Policy`, `PolicyArns`):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 * Session duration limits (12 h for roles, 36 h for federation tokens): STS API reference, DurationSeconds.
 */
import {
  identityCenterRegion,
  parseIssuance,
  sessionOf,
  sessionPolicyDocument,
  SESSION_ISSUING_EVENTS,
} from '../../../lambdas/core/changes/session-issuance';
import { toAccessRequest } from '../../../lambdas/core/event';

const record = (over: Record<string, unknown> = {}) => ({
  eventName: 'AssumeRole',
  eventTime: '2026-11-20T09:00:00Z',
  eventID: 'e1',
  awsRegion: 'eu-west-1',
  requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/R', roleSessionName: 's' },
  responseElements: { credentials: { accessKeyId: 'ASIAKEY' } },
  ...over,
});

describe('parseIssuance', () => {
  it.each(SESSION_ISSUING_EVENTS)('reads %s: the key it issued and no policy', (eventName) => {
    expect(parseIssuance(record({ eventName }))).toMatchObject({
      eventName,
      accessKeyId: 'ASIAKEY',
      region: 'eu-west-1',
      policy: { status: 'none' },
      policyArns: [],
    });
  });

  it('reads the inline policy (JSON text or object) and the managed policy ARNs', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const p = parseIssuance(
      record({
        requestParameters: {
          policy: JSON.stringify(doc),
          policyArns: [
            { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            'arn:aws:iam::111122223333:policy/P',
            { arn: 'nope' },
          ],
        },
      }),
    );
    expect(p?.policy).toEqual({ status: 'document', document: doc });
    expect(p?.policyArns).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::111122223333:policy/P',
    ]);
    expect(parseIssuance(record({ requestParameters: { policy: doc } }))?.policy.status).toBe('document');
  });

  it('reads the session tags: AssumeRole tags, SAML / web identity principalTags, incoming transitive tags (id_session-tags.html#id_session-tags_ctlogs)', () => {
    expect(parseIssuance(record())?.tags).toEqual({ status: 'known', tags: {} });
    // AWS's role chaining example: tags passed, and the transitive tag inherited from the calling session
    const chained = record({
      requestParameters: {
        incomingTransitiveTags: { Department: 'Engineering' },
        tags: [
          { value: 'johndoe@example.com', key: 'Email' },
          { value: '12345', key: 'CostCenter' },
        ],
        transitiveTagKeys: ['Email', 'CostCenter'],
      },
    });
    expect(parseIssuance(chained)?.tags).toEqual({
      status: 'known',
      tags: { Department: 'Engineering', Email: 'johndoe@example.com', CostCenter: '12345' },
    });
    // AWS's AssumeRoleWithSAML example
    const saml = record({
      eventName: 'AssumeRoleWithSAML',
      requestParameters: { principalTags: { CostCenter: '987654', Project: 'Unicorn' } },
    });
    expect(parseIssuance(saml)?.tags).toEqual({
      status: 'known',
      tags: { CostCenter: '987654', Project: 'Unicorn' },
    });
    // GetFederationToken takes Tags as AssumeRole does (API_GetFederationToken); they override the IAM user's tags
    const federation = record({
      eventName: 'GetFederationToken',
      requestParameters: { name: 'bob', tags: [{ key: 'team', value: 'audit' }] },
    });
    expect(parseIssuance(federation)?.tags).toEqual({ status: 'known', tags: { team: 'audit' } });
  });

  it('session tags CloudTrail cut, hid or recorded oddly are unreadable, never "no session tags"', () => {
    const omitted = record({
      omitted: true,
      requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/R' },
    });
    expect(parseIssuance(omitted)?.tags.status).toBe('unreadable');
    for (const requestParameters of [
      { tags: 'team=a' },
      { tags: [{ key: 'team' }] },
      { principalTags: ['team'] },
      { principalTags: { team: 1 } },
      { tags: [{ key: 'team', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] },
    ])
      expect(parseIssuance(record({ requestParameters }))?.tags.status).toBe('unreadable');
    // a hostile key is data, not a prototype
    const proto = parseIssuance(
      record({ requestParameters: { principalTags: JSON.parse('{"__proto__":"x"}') } }),
    );
    expect(proto?.tags).toEqual({ status: 'known', tags: JSON.parse('{"__proto__":"x"}') });
  });

  it('a failed call, another event or an event without credentials is not an issuance', () => {
    expect(parseIssuance(record({ errorCode: 'AccessDenied' }))).toBeNull();
    expect(parseIssuance(record({ eventName: 'GetSessionToken' }))).toBeNull();
    expect(parseIssuance(record({ responseElements: null }))).toBeNull();
  });

  it('a truncated record (omitted: true) without the policy is unreadable, not "no policy"', () => {
    expect(parseIssuance(record({ omitted: true }))?.policy.status).toBe('unreadable');
  });
});

describe('sessionOf: the session a request ran under', () => {
  const s3 = (identity: Record<string, unknown>) =>
    toAccessRequest({
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      eventTime: '2026-11-20T10:00:00Z',
      awsRegion: 'us-east-1',
      errorCode: 'AccessDenied',
      requestParameters: { bucketName: 'b', key: 'k' },
      userIdentity: identity,
    });

  it('a role session: the role ARN, and ±5 minutes around its creation time', () => {
    const s = sessionOf(
      s3({
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/R/s',
        accountId: '111122223333',
        accessKeyId: 'ASIAKEY',
        sessionContext: {
          sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/path/R' },
          attributes: { creationDate: '2026-11-20T09:00:00Z' },
        },
      }),
    );
    expect(s).toMatchObject({
      kind: 'role',
      roleArn: 'arn:aws:iam::111122223333:role/path/R',
      accountId: '111122223333',
      from: new Date('2026-11-20T08:55:00Z'),
      to: new Date('2026-11-20T09:05:00Z'),
    });
  });

  it('a federated user without a creation time: the 36 hours a federation token can live', () => {
    const s = sessionOf(
      s3({
        type: 'FederatedUser',
        arn: 'arn:aws:sts::111122223333:federated-user/bob',
        accountId: '111122223333',
        accessKeyId: 'ASIAKEY',
      }),
    );
    expect(s).toMatchObject({ kind: 'federated', roleArn: null, from: new Date('2026-11-18T22:00:00Z') });
  });

  it('long-term keys and callers without an account have no session to look up', () => {
    expect(
      sessionOf(
        s3({
          type: 'IAMUser',
          arn: 'arn:aws:iam::111122223333:user/u',
          accountId: '111122223333',
          accessKeyId: 'AKIAKEY',
        }),
      ),
    ).toBeNull();
    expect(sessionOf(s3({ type: 'AssumedRole', accessKeyId: 'ASIAKEY' }))).toBeNull();
  });
});

describe('sessionPolicyDocument', () => {
  const issuance = parseIssuance(record())!;

  it('one managed session policy keeps its ARN', () => {
    const p = sessionPolicyDocument(issuance, null, [
      { name: 'P', arn: 'arn:aws:iam::aws:policy/P', source: 'session', document: { Statement: [] } },
    ]);
    expect(p).toMatchObject({
      arn: 'arn:aws:iam::aws:policy/P',
      source: 'session',
      document: { Statement: [] },
    });
  });

  it('several parts become one document whose statements are all of theirs (one session-policy layer)', () => {
    const p = sessionPolicyDocument(
      issuance,
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'a', Resource: '*' } },
      [
        {
          name: 'P',
          source: 'session',
          document: JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'b', Resource: '*' }] }),
        },
      ],
    );
    expect(p.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'a', Resource: '*' },
        { Effect: 'Deny', Action: 'b', Resource: '*' },
      ],
    });
  });
});

describe('identityCenterRegion: where IAM Identity Center created a permission-set role session', () => {
  it('reads the Region from the role path; no Region segment is us-east-1; other roles have none', () => {
    const role = (path: string) =>
      `arn:aws:iam::111122223333:role/${path}AWSReservedSSO_Admin_0123456789abcdef`;
    expect(identityCenterRegion(role('aws-reserved/sso.amazonaws.com/ap-northeast-1/'))).toBe(
      'ap-northeast-1',
    );
    expect(identityCenterRegion(role('aws-reserved/sso.amazonaws.com/us-gov-west-1/'))).toBe('us-gov-west-1');
    expect(identityCenterRegion(role('aws-reserved/sso.amazonaws.com/'))).toBe('us-east-1');
    expect(identityCenterRegion(role(''))).toBeNull();
    expect(identityCenterRegion('arn:aws:iam::111122223333:role/app-role')).toBeNull();
    expect(identityCenterRegion(null)).toBeNull();
  });
});
