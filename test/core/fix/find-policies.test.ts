/** The policy documents a fix patches, found in the facts: none when the facts were not read. */
import type { BucketFacts, Known, RequestFacts } from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import {
  boundaryPolicy,
  bucketPolicy,
  identityPolicies,
  sessionPolicy,
} from '../../../lambdas/core/fix/find';
import { explain } from '../checkers/helpers';
import { A, recordFor, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const { facts } = explain(
  recordFor({ account: A, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
  viewOf({
    roles: [
      {
        account: A,
        name: 'AppRole',
        statements: [],
        boundary: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      },
    ],
    buckets: {
      [BUCKET]: {
        account: A,
        policy: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
        objects: {},
      },
    },
  }),
);

describe('the policies of the caller', () => {
  it("are the role's identity policies and its permissions boundary", () => {
    expect(identityPolicies(facts).map((p) => p.name)).toEqual(['AppRole-inline']);
    expect(boundaryPolicy(facts)?.arn).toBe(`arn:aws:iam::${A}:policy/AppRole-boundary`);
  });

  it('are none when the caller was not read', () => {
    for (const principal of [unknown('notCollected'), null] as const) {
      const f = { ...facts, principal } as RequestFacts;
      expect(identityPolicies(f)).toEqual([]);
      expect(boundaryPolicy(f)).toBeNull();
    }
  });

  it('the session policy when known, else none', () => {
    const p = { name: 'session', source: 'session' as const, document: {} };
    expect(sessionPolicy({ ...facts, sessionPolicy: known(p) })).toBe(p);
    expect(sessionPolicy({ ...facts, sessionPolicy: known(null) })).toBeNull();
    expect(sessionPolicy({ ...facts, sessionPolicy: unknown('notCollected') })).toBeNull();
    expect(sessionPolicy({ ...facts, sessionPolicy: null })).toBeNull();
  });
});

describe('the bucket policy', () => {
  it('is the policy of the named bucket', () => {
    expect(bucketPolicy(facts, BUCKET)?.source).toBe('bucket-policy');
  });

  it('is none for no bucket, a bucket not read, or a policy not read', () => {
    expect(bucketPolicy(facts, null)).toBeNull();
    expect(bucketPolicy({ ...facts, buckets: { [BUCKET]: unknown('notCollected') } }, BUCKET)).toBeNull();
    const b = facts.buckets[BUCKET] as Known<BucketFacts>;
    const unread = {
      ...facts,
      buckets: { [BUCKET]: known({ ...b.value, policy: unknown('notCollected') }) },
    };
    expect(bucketPolicy(unread, BUCKET)).toBeNull();
  });
});
