/**
 * Condition keys when the facts are partial: a caller whose IAM facts were not read, a bucket or object not read,
 * an access point without facts. What the record says is used; nothing is made up, and nothing the record gives
 * is overridden or marked absent.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
import type { AccessRequest, RequestFacts } from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import { derivedContext } from '../../../lambdas/core/fix/context';
import { explain } from '../checkers/helpers';
import { A, C, recordFor, roleArn, type Stmt, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const tagRule = (key: string): Stmt => ({
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { StringNotEquals: { [key]: 'public' } },
});

function setup(caller = A) {
  const { request, facts } = explain(
    recordFor({ account: caller, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
    viewOf({
      roles: [{ account: caller, name: 'AppRole', statements: [], tags: { team: 'finance' } }],
      buckets: {
        [BUCKET]: {
          account: A,
          policy: [tagRule('s3:ExistingObjectTag/class'), tagRule('s3:RequestObjectTag/class')],
          objects: { 'q3.csv': {} },
        },
      },
    }),
  );
  const bare: AccessRequest = { ...request, context: { values: {}, absent: [], otherKeys: 'unknown' } };
  return { request: bare, facts };
}

describe('a caller whose IAM facts were not read (or are not there)', () => {
  it.each([
    ['not read', unknown('notCollected')],
    ['not there', null],
  ])('%s: the record names the caller; no principal tag is made up', (_how, principal) => {
    const { request, facts } = setup();
    const c = derivedContext(request, { ...facts, principal } as RequestFacts, A);
    expect(c.values['aws:PrincipalArn']).toBe(roleArn(A, 'AppRole'));
    expect(c.values['aws:PrincipalAccount']).toBe(A);
    expect(Object.keys(c.values).filter((k) => k.startsWith('aws:PrincipalTag/'))).toEqual([]);
  });

  it('an anonymous caller without facts has no account and no ARN', () => {
    const { request, facts } = setup();
    const anon: AccessRequest = {
      ...request,
      principal: {
        ...request.principal,
        type: 'Anonymous',
        arn: null,
        identityArn: null,
        accountId: null,
        principalId: 'anonymous',
      },
    };
    const c = derivedContext(anon, { ...facts, principal: null }, A);
    expect(c.values).not.toHaveProperty('aws:PrincipalAccount');
    expect(c.values['aws:userid']).toBe('anonymous');
  });
});

describe('a key the record gives is never marked absent by the facts', () => {
  it('a caller outside any organization whose record carries aws:PrincipalOrgID keeps the value', () => {
    const { request, facts } = setup(C);
    const given: AccessRequest = {
      ...request,
      context: { ...request.context, values: { 'aws:principalorgid': 'o-fromrecord' } },
    };
    const c = derivedContext(given, facts, A);
    expect(c.values['aws:principalorgid']).toBe('o-fromrecord');
    expect(c.absent.map((k) => k.toLowerCase())).not.toContain('aws:principalorgid');
    expect(c.absent).toContain('aws:PrincipalOrgPaths');
  });
});

describe('object tags when the bucket or the object was not read', () => {
  it('a bucket not read: no tag key is set or made absent', () => {
    const { request, facts } = setup();
    const c = derivedContext(request, { ...facts, buckets: { [BUCKET]: unknown('notCollected') } }, A);
    expect([...Object.keys(c.values), ...c.absent].filter((k) => /objecttag/i.test(k))).toEqual([]);
  });

  it('an object not read, or a request without a key: no existing-object tag key is made absent', () => {
    const { request, facts } = setup();
    expect(
      derivedContext({ ...request, key: 'other.csv' }, facts, A).absent.filter((k) => /objecttag/i.test(k)),
    ).toEqual([]);
    expect(
      derivedContext({ ...request, key: null }, facts, A).absent.filter((k) => /objecttag/i.test(k)),
    ).toEqual([]);
    expect(
      derivedContext({ ...request, bucket: null }, facts, A).absent.filter((k) => /objecttag/i.test(k)),
    ).toEqual([]);
  });

  it('request tag keys known but the object tags not read: only the request tag keys become absent', () => {
    const { request, facts } = setup();
    const noTags: AccessRequest = {
      ...request,
      context: { ...request.context, absent: ['s3:RequestObjectTagKeys'] },
    };
    const absent = derivedContext(noTags, facts, A).absent;
    expect(absent).toContain('s3:requestobjecttag/class');
    expect(absent).not.toContain('s3:existingobjecttag/class');
  });

  it('another absent key does not make the request tag keys known', () => {
    const { request, facts } = setup();
    const other: AccessRequest = { ...request, context: { ...request.context, absent: ['aws:SourceVpce'] } };
    expect(derivedContext(other, facts, A).absent).not.toContain('s3:requestobjecttag/class');
  });

  it('policies whose facts were not read are skipped (other policies still count)', () => {
    const { request, facts } = setup();
    const bucket = facts.buckets[BUCKET]!;
    const partial: RequestFacts = {
      ...facts,
      principal: unknown('notCollected'),
      sessionPolicy: unknown('notCollected'),
      buckets: { [BUCKET]: bucket, 'other-bucket': unknown('notCollected') },
      accessPoint: unknown('notCollected'),
      vpcEndpoint: null,
      scpLevels: unknown('notCollected'),
      rcpLevels: known(null),
    };
    const tagged: AccessRequest = {
      ...request,
      context: { ...request.context, absent: ['s3:RequestObjectTagKeys'] },
    };
    expect(derivedContext(tagged, partial, A).absent).toContain('s3:requestobjecttag/class');
  });
});

describe('access point keys', () => {
  it('a request not through an access point has no network origin, even when access point facts are there', () => {
    const { request, facts } = setup();
    const c = derivedContext(
      request,
      { ...facts, accessPoint: known({ networkOrigin: 'Internet' } as never) },
      A,
    );
    expect(c.values).not.toHaveProperty('s3:AccessPointNetworkOrigin');
  });

  it('an access point without facts, or whose ARN names no account, gives only what is known', () => {
    const { request, facts } = setup();
    const AP = `arn:aws:s3:us-east-1:${A}:accesspoint/reports-ap`;
    const c = derivedContext({ ...request, accessPointArn: AP }, { ...facts, accessPoint: null }, A);
    expect(c.values['s3:DataAccessPointArn']).toBe(AP);
    expect(c.values).not.toHaveProperty('s3:AccessPointNetworkOrigin');
    const odd = derivedContext(
      { ...request, accessPointArn: 'arn:aws:s3:us-east-1::accesspoint/x' },
      facts,
      A,
    );
    expect(odd.values['s3:DataAccessPointArn']).toBe('arn:aws:s3:us-east-1::accesspoint/x');
    expect(odd.values).not.toHaveProperty('s3:DataAccessPointAccount');
  });
});
