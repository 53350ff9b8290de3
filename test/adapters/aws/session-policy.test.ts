/**
 * Session policies, live (issue 13 item 3): the view finds the STS event that issued the caller's session
 * (CloudTrail LookupEvents in the session's account) and evaluates the session policy it recorded.
 * - Session policies: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 * - STS events are recorded in the Region of the endpoint (us-east-1 for the global one):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 * - LookupEvents: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetPolicyCommand, GetPolicyVersionCommand } from '@aws-sdk/client-iam';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import { clearChangeLookupCache } from '../../../lambdas/adapters/changes/cloudtrail-lookup';
import { analyze } from '../../../lambdas/core/analyze';
import type { AccessRequest } from '../../../lambdas/core/model';
import {
  ACCOUNT,
  MANAGED_ARN,
  MANAGED_DOC,
  ROLE_ARN,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

const KEY_ID = 'ASIAEXAMPLE';
const CREATED = '2026-11-20T09:00:00Z';
const SESSION_MANAGED_ARN = `arn:aws:iam::${ACCOUNT}:policy/SessionListOnly`;
const LIST_ONLY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
};

const request = (over: Partial<AccessRequest> = {}): AccessRequest =>
  sampleRequest({
    raw: {
      userIdentity: {
        type: 'AssumedRole',
        accessKeyId: KEY_ID,
        sessionContext: { attributes: { creationDate: CREATED, mfaAuthenticated: 'false' } },
      },
    },
    ...over,
  });

/** A LookupEvents entry for an issuing event (CloudTrailEvent is the record as a JSON string). */
function issuing(requestParameters: Record<string, unknown>, over: Record<string, unknown> = {}) {
  const record = {
    eventVersion: '1.08',
    eventTime: CREATED,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    eventID: 'ev-assume',
    requestParameters: { roleArn: ROLE_ARN, roleSessionName: 'alice', ...requestParameters },
    responseElements: {
      credentials: { accessKeyId: KEY_ID, sessionToken: 'x', expiration: 'Nov 20, 2026, 10:00:00 AM' },
      assumedRoleUser: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/alice` },
    },
    resources: [{ ARN: ROLE_ARN, accountId: ACCOUNT, type: 'AWS::IAM::Role' }],
    ...over,
  };
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    EventTime: new Date(CREATED),
    Resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: ROLE_ARN }],
    CloudTrailEvent: JSON.stringify(record),
  };
}

function setup(events: unknown[] | ((input: unknown) => unknown), sessionPolicies: boolean = true) {
  const aws = mockedAws(0);
  sameAccountScenario(aws);
  aws.on('cloudtrail', LookupEventsCommand, (input) =>
    typeof events === 'function' ? events(input) : { Events: events },
  );
  aws.on('iam', GetPolicyCommand, (i: { PolicyArn: string }) => ({
    Policy: { PolicyName: i.PolicyArn.split('/').pop(), Arn: i.PolicyArn, DefaultVersionId: 'v1' },
  }));
  aws.on('iam', GetPolicyVersionCommand, (i: { PolicyArn: string }) => ({
    PolicyVersion: {
      Document: encodeURIComponent(JSON.stringify(i.PolicyArn === MANAGED_ARN ? MANAGED_DOC : LIST_ONLY)),
      VersionId: 'v1',
    },
  }));
  const view = new AwsAccountView({
    clients: aws.clients,
    auditorAccountId: ACCOUNT,
    region: 'us-east-1',
    sessionPolicies,
    now: () => Date.parse('2026-11-21T00:00:00Z'),
  });
  return { aws, view };
}

const lookups = (aws: ReturnType<typeof mockedAws>) => aws.calls.filter((c) => c.command === 'LookupEvents');

beforeEach(() => clearChangeLookupCache());

describe('AwsAccountView: the session policy from the event that created the session', () => {
  it('a session created without a policy: known(null), found by the role ARN around the creation time', async () => {
    const { aws, view } = setup([issuing({})]);
    const facts = await view.gather(request());
    expect(facts.sessionPolicy).toEqual({ status: 'known', value: null });
    const [call] = lookups(aws);
    expect(call?.input).toMatchObject({
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: ROLE_ARN }],
      StartTime: new Date('2026-11-20T08:55:00Z'),
      EndTime: new Date('2026-11-20T09:05:00Z'),
    });
  });

  it('an inline session policy (AssumeRole --policy) is read from the event and evaluated: it does not allow GetObject', async () => {
    const { view } = setup([issuing({ policy: JSON.stringify(LIST_ONLY) })]);
    const r = request();
    const facts = await view.gather(r);
    expect(facts.sessionPolicy).toMatchObject({
      status: 'known',
      value: {
        source: 'session',
        document: LIST_ONLY,
        name: 'session policy (AssumeRole at 2026-11-20T09:00:00Z)',
      },
    });
    const finding = analyze(r, facts);
    expect(finding.checks.find((c) => c.layer === 'session-policy')?.status).toBe('deny');
    expect(finding.rootCauses.map((c) => c.id)).toContain('session-policy');
  });

  it('managed session policies (--policy-arns) are read with iam:GetPolicy / GetPolicyVersion and joined with the inline one', async () => {
    const inline = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Inline', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }],
    };
    const { aws, view } = setup([
      issuing({ policy: JSON.stringify(inline), policyArns: [{ arn: SESSION_MANAGED_ARN }] }),
    ]);
    const facts = await view.gather(request());
    expect(facts.sessionPolicy).toMatchObject({
      status: 'known',
      value: {
        source: 'session',
        document: { Version: '2012-10-17', Statement: [inline.Statement[0], LIST_ONLY.Statement[0]] },
      },
    });
    expect(
      aws.calls.some(
        (c) =>
          c.command === 'GetPolicy' && (c.input as { PolicyArn: string }).PolicyArn === SESSION_MANAGED_ARN,
      ),
    ).toBe(true);
  });

  it('a policy CloudTrail hid or cut is unknown, never "no session policy"', async () => {
    const hidden = setup([issuing({ policy: 'HIDDEN_DUE_TO_SECURITY_REASONS' })]);
    const a = await hidden.view.gather(request());
    expect(a.sessionPolicy).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(a.sessionPolicy?.status === 'unknown' && a.sessionPolicy.detail).toMatch(
      /passed a session policy, but CloudTrail recorded the session policy as hidden/,
    );
    clearChangeLookupCache();
    const cut = setup([issuing({ policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Al' })]);
    expect((await cut.view.gather(request())).sessionPolicy).toMatchObject({ status: 'unknown' });
    clearChangeLookupCache();
    const omitted = setup([issuing({}, { omitted: true })]);
    expect((await omitted.view.gather(request())).sessionPolicy).toMatchObject({ status: 'unknown' });
  });

  it('not found: unknown, naming the account and every Region searched (the request’s, us-east-1)', async () => {
    const { aws, view } = setup([
      issuing({}, { responseElements: { credentials: { accessKeyId: 'ASIAOTHER' } } }),
    ]);
    const facts = await view.gather(request({ region: 'eu-west-1' }));
    expect(facts.sessionPolicy).toMatchObject({ status: 'unknown', reason: 'notFound' });
    const detail = facts.sessionPolicy?.status === 'unknown' ? (facts.sessionPolicy.detail ?? '') : '';
    expect(detail).toContain(`account ${ACCOUNT}`);
    expect(detail).toContain('regions searched: eu-west-1, us-east-1');
    expect(lookups(aws)).toHaveLength(2);
  });

  it('an IAM Identity Center permission-set role: its Identity Center Region (from the role path) is searched too', async () => {
    const { aws, view } = setup([
      issuing({}, { responseElements: { credentials: { accessKeyId: 'ASIAOTHER' } } }),
    ]);
    const sso = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_Admin_0123456789abcdef`;
    const base = request({ region: 'eu-west-1' });
    const facts = await view.gather({ ...base, principal: { ...base.principal, identityArn: sso } });
    const detail = facts.sessionPolicy?.status === 'unknown' ? (facts.sessionPolicy.detail ?? '') : '';
    expect(detail).toContain('regions searched: eu-west-1, eu-central-1, us-east-1');
    expect(lookups(aws)).toHaveLength(3);
  });

  it('follows NextToken pages to the issuing event', async () => {
    let page = 0;
    const { aws, view } = setup(() =>
      ++page === 1
        ? {
            Events: [issuing({}, { responseElements: { credentials: { accessKeyId: 'ASIAOTHER' } } })],
            NextToken: 'p2',
          }
        : { Events: [issuing({ policy: JSON.stringify(LIST_ONLY) })] },
    );
    const facts = await view.gather(request());
    expect(facts.sessionPolicy?.status).toBe('known');
    expect((lookups(aws)[1]?.input as { NextToken?: string }).NextToken).toBe('p2');
  });

  it('LookupEvents denied: unknown accessDenied, naming cloudtrail:LookupEvents', async () => {
    const { view } = setup(() => {
      throw awsError('AccessDeniedException', 'not authorized to perform cloudtrail:LookupEvents', 400);
    });
    const facts = await view.gather(request());
    expect(facts.sessionPolicy).toMatchObject({
      status: 'unknown',
      reason: 'accessDenied',
      permission: 'cloudtrail:LookupEvents',
    });
  });

  it('a session older than the 90 days of event history is not searched', async () => {
    const { aws, view } = setup([issuing({})]);
    const old = request({
      eventTime: '2026-05-01T10:00:00Z',
      raw: { userIdentity: { sessionContext: { attributes: { creationDate: '2026-05-01T09:00:00Z' } } } },
    });
    const facts = await view.gather(old);
    expect(facts.sessionPolicy).toMatchObject({ status: 'unknown', reason: 'notFound' });
    expect(facts.sessionPolicy?.status === 'unknown' && facts.sessionPolicy.detail).toMatch(
      /more than 90 days/,
    );
    expect(lookups(aws)).toHaveLength(0);
  });

  it('every denial of one session shares one search (cached by access key)', async () => {
    const { aws, view } = setup([issuing({})]);
    await Promise.all([view.gather(request()), view.gather(request({ eventId: 'e-2' }))]);
    expect(lookups(aws)).toHaveLength(1);
  });

  it('off by default: the session policy stays unknown and CloudTrail is not called', async () => {
    const { aws, view } = setup([issuing({})], false);
    const facts = await view.gather(request());
    expect(facts.sessionPolicy).toMatchObject({ status: 'unknown', reason: 'notCollected' });
    expect(lookups(aws)).toHaveLength(0);
  });

  it('long-term credentials (AKIA…) are not a session: no session policy, no search', async () => {
    const { aws, view } = setup([issuing({})]);
    const user = sampleRequest({
      principal: {
        ...sampleRequest().principal,
        type: 'IAMUser',
        arn: `arn:aws:iam::${ACCOUNT}:user/u`,
        identityArn: `arn:aws:iam::${ACCOUNT}:user/u`,
        accessKeyId: 'AKIAEXAMPLE',
      },
    });
    expect((await view.gather(user)).sessionPolicy).toBeNull();
    expect(lookups(aws)).toHaveLength(0);
  });
});

/**
 * The session's own tags ride on the same event (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_ctlogs):
 * with them, a role session's aws:PrincipalTag values are known (fix/context.ts), not only likely.
 */
describe('AwsAccountView: the session tags from the event that created the session', () => {
  it('AssumeRole --tags and inherited transitive tags: known, from the one search the session policy makes', async () => {
    const { aws, view } = setup([
      issuing({
        tags: [{ key: 'team', value: 'audit' }],
        incomingTransitiveTags: { Department: 'Engineering' },
      }),
    ]);
    const facts = await view.gather(request());
    expect(facts.sessionTags).toEqual({
      status: 'known',
      value: { Department: 'Engineering', team: 'audit' },
    });
    expect(lookups(aws)).toHaveLength(1);
  });

  it('a session created without tags: known, none', async () => {
    const { view } = setup([issuing({})]);
    expect((await view.gather(request())).sessionTags).toEqual({ status: 'known', value: {} });
  });

  it('the event not found: unknown with the search named; lookups off: not read at all', async () => {
    const { view } = setup([
      issuing({}, { responseElements: { credentials: { accessKeyId: 'ASIAOTHER' } } }),
    ]);
    expect((await view.gather(request())).sessionTags).toMatchObject({
      status: 'unknown',
      reason: 'notFound',
    });
    const off = setup([issuing({ tags: [{ key: 'team', value: 'audit' }] })], false);
    expect(await off.view.gather(request())).not.toHaveProperty('sessionTags');
  });

  it('tags CloudTrail cut are unknown, never "no session tags"', async () => {
    const { view } = setup([issuing({}, { omitted: true })]);
    expect((await view.gather(request())).sessionTags).toMatchObject({
      status: 'unknown',
      reason: 'notCollected',
    });
  });
});
