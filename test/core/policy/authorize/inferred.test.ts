/**
 * Deciding with a value the record implies but does not state (ConditionContext.inferred): today aws:SecureTransport
 * "false" when a recent S3 record made by a caller has no TLS details (lambdas/core/event/network.ts). The engine
 * decides with the recorded facts first; where they leave a layer unknown, it decides again with the inferred value
 * and marks what rests on it (`dependsOnInferred`), so that a cause read from it is "likely", never "confirmed".
 * aws:SecureTransport: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
 */
import { known, type ConditionContext } from '../../../../lambdas/core/model';
import { authorize, authorizeReference } from '../../../../lambdas/core/policy/authorize';
import { authorizeKms, authorizeKmsReference } from '../../../../lambdas/core/policy/kms';
import type { AuthorizationInput, EngineRequest, LayerResult } from '../../../../lambdas/core/policy/types';
import { ACCT, allow, deny, input, policy, request, roleSession, service } from './fixtures';

const PLAIN_HTTP: ConditionContext['inferred'] = {
  'aws:SecureTransport': {
    value: 'false',
    confidence: 'likely',
    reason: 'the record (eventVersion 1.09) has no tlsDetails and no CipherSuite',
    from: ['eventVersion', 'tlsDetails', 'additionalEventData.CipherSuite'],
  },
};

/** A request rebuilt from a record: keys it does not mention are unknown, aws:SecureTransport only inferred. */
function recorded(inferred = true): EngineRequest {
  const r = request(roleSession(), 's3:GetObject', undefined, { 'aws:SourceIp': '198.51.100.7' }, 'unknown');
  return { ...r, context: { ...r.context, ...(inferred ? { inferred: PLAIN_HTTP } : {}) } };
}

const denyPlainHttp = policy(
  'bucket',
  'bucket-policy',
  deny('s3:*', '*', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
);
const allowRole = policy('AppRead', 'identity-inline', allow('s3:GetObject'));
const bucketLayer = (layers: readonly LayerResult[]) => layers.find((l) => l.layer === 'bucket-policy')!;

function both(i: AuthorizationInput) {
  const fast = authorize(i);
  expect(authorizeReference(i)).toEqual(fast);
  return fast;
}

describe('deciding with an inferred value (ConditionContext.inferred)', () => {
  it('without the inference a Deny on aws:SecureTransport "false" is unknown', () => {
    const r = both(
      input(recorded(false), { bucketPolicy: known(denyPlainHttp), identityPolicies: known([allowRole]) }),
    );
    expect(r.decision).toBe('unknown');
    expect(bucketLayer(r.layers).result).toBe('unknown');
    expect(r.dependsOnInferred).toBeUndefined();
  });

  it('with plain HTTP inferred, the Deny applies: explicitly denied, and the layer and the decision say they rest on aws:SecureTransport', () => {
    const r = both(
      input(recorded(), { bucketPolicy: known(denyPlainHttp), identityPolicies: known([allowRole]) }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport']);
    const layer = bucketLayer(r.layers);
    expect(layer.result).toBe('explicitly-denied');
    expect(layer.dependsOnInferred).toEqual(['aws:SecureTransport']);
    const stmt = layer.policies[0]!.statements.find((s) => s.effect === 'Deny')!;
    expect(stmt.matched).toBe(true);
    expect(stmt.dependsOnInferred).toBe(true);
    expect(stmt.conditions[0]).toMatchObject({ key: 'aws:SecureTransport', result: true, inferred: true });
    expect(stmt.conditions[0]!.detail).toContain('inferred');
  });

  it('a layer the recorded facts decide is never changed or marked (the identity Deny decides; the bucket policy is refined)', () => {
    const noReads = policy('NoReads', 'identity-inline', allow('s3:*'), deny('s3:GetObject'));
    const r = both(
      input(recorded(), { bucketPolicy: known(denyPlainHttp), identityPolicies: known([noReads]) }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(r.dependsOnInferred).toBeUndefined();
    const identity = r.layers.find((l) => l.layer === 'identity-policy')!;
    expect(identity.result).toBe('explicitly-denied');
    expect(identity.dependsOnInferred).toBeUndefined();
    expect(bucketLayer(r.layers)).toMatchObject({
      result: 'explicitly-denied',
      dependsOnInferred: ['aws:SecureTransport'],
    });
  });

  it('a statement that another condition already rules out does not depend on the inferred value', () => {
    const officeOnly = policy(
      'bucket',
      'bucket-policy',
      deny('s3:*', '*', {
        Principal: '*',
        Condition: {
          Bool: { 'aws:SecureTransport': 'false' },
          IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        },
      }),
    );
    const r = both(
      input(recorded(), { bucketPolicy: known(officeOnly), identityPolicies: known([allowRole]) }),
    );
    expect(r.decision).toBe('allowed');
    expect(r.dependsOnInferred).toBeUndefined();
    expect(bucketLayer(r.layers).dependsOnInferred).toBeUndefined();
  });

  it('a recorded aws:SecureTransport wins over an inferred one', () => {
    const base = recorded();
    const tls: EngineRequest = {
      ...base,
      context: { ...base.context, values: { ...base.context.values, 'aws:SecureTransport': 'true' } },
    };
    const r = both(input(tls, { bucketPolicy: known(denyPlainHttp), identityPolicies: known([allowRole]) }));
    expect(r.decision).toBe('allowed');
    expect(JSON.stringify(r)).not.toContain('dependsOnInferred');
  });

  it('an Allow that needs TLS is not confirmed by the inference either way: its implicit deny is marked', () => {
    const tlsOnly = policy(
      'AppRead',
      'identity-inline',
      allow('s3:GetObject', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    );
    const r = both(input(recorded(), { identityPolicies: known([tlsOnly]) }));
    expect(r.decision).toBe('implicitly-denied');
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport']);
    expect(r.layers.find((l) => l.layer === 'identity-policy')).toMatchObject({
      result: 'implicitly-denied',
      dependsOnInferred: ['aws:SecureTransport'],
    });
  });

  it('the KMS call S3 makes is decided the same way (a key policy Deny on aws:SecureTransport "false")', () => {
    const key = `arn:aws:kms:us-east-1:${ACCT}:key/k`;
    const kmsReq: EngineRequest = { ...recorded(), action: 'kms:Decrypt', resource: key };
    const i = {
      request: kmsReq,
      keyPolicy: known(
        policy(
          'key',
          'kms-key-policy',
          allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }),
          deny('kms:*', '*', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ),
      ),
      grants: known([]),
      identityPolicies: known([policy('k', 'identity-inline', allow('kms:Decrypt'))]),
      permissionsBoundary: known(null),
      sessionPolicy: null,
      scpLevels: known(null),
      rcpLevels: known(null),
      encryptionContext: {},
      keyManager: 'CUSTOMER' as const,
      keyState: 'Enabled',
    };
    const r = authorizeKms(i);
    expect(authorizeKmsReference(i)).toEqual(r);
    expect(r.decision).toBe('explicitly-denied');
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport']);
  });
});

/** Condition key names are not case sensitive: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html */
describe('what a decision made with an inferred value says it rests on', () => {
  const TWO_INFERRED: ConditionContext['inferred'] = {
    'aws:ViaAWSService': {
      value: 'false',
      confidence: 'likely',
      reason: 'the record has no invokedBy',
      from: ['userIdentity.invokedBy'],
    },
    ...PLAIN_HTTP,
  };
  const withInferred = (inferred: ConditionContext['inferred']): EngineRequest => {
    const r = recorded(false);
    return { ...r, context: { ...r.context, inferred } };
  };

  it('only the inferred keys a policy reads are named, spelled as inferred whatever the case in the policy', () => {
    const lowerCase = policy(
      'bucket',
      'bucket-policy',
      deny('s3:*', '*', { Principal: '*', Condition: { Bool: { 'aws:securetransport': 'false' } } }),
    );
    const r = both(
      input(withInferred(TWO_INFERRED), {
        bucketPolicy: known(lowerCase),
        identityPolicies: known([allowRole]),
      }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(bucketLayer(r.layers).dependsOnInferred).toEqual(['aws:SecureTransport']);
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport']);
  });

  it('a recorded key read by the same statement is not named: only the inferred one is', () => {
    // the request comes from 198.51.100.7, outside the office range: the NotIpAddress condition holds on the record
    const outsideOffice = policy(
      'bucket',
      'bucket-policy',
      deny('s3:*', '*', {
        Principal: '*',
        Condition: {
          Bool: { 'aws:SecureTransport': 'false' },
          NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        },
      }),
    );
    const r = both(
      input(recorded(), { bucketPolicy: known(outsideOffice), identityPolicies: known([allowRole]) }),
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(bucketLayer(r.layers).dependsOnInferred).toEqual(['aws:SecureTransport']);
  });

  it('a layer the inference leaves unknown is not marked, nor is a decision that stays unknown', () => {
    // the bucket policy's Allow needs TLS (refined by the inference); the role's Allow needs a VPC the record does not state
    const tlsOnlyBucket = policy(
      'bucket',
      'bucket-policy',
      allow('s3:GetObject', '*', {
        Principal: { AWS: roleSession().identityArn },
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      }),
    );
    const vpcOnly = policy(
      'AppRead',
      'identity-inline',
      allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }),
    );
    const r = both(
      input(recorded(), { bucketPolicy: known(tlsOnlyBucket), identityPolicies: known([vpcOnly]) }),
    );
    expect(r.decision).toBe('unknown');
    expect(r.dependsOnInferred).toBeUndefined();
    expect(bucketLayer(r.layers)).toMatchObject({
      result: 'implicitly-denied',
      dependsOnInferred: ['aws:SecureTransport'],
    });
    const identity = r.layers.find((l) => l.layer === 'identity-policy')!;
    expect(identity.result).toBe('unknown');
    expect(identity.dependsOnInferred).toBeUndefined();
    expect(r.grant).toBe('unknown');
  });

  it('the grant side left unknown by the recorded facts is read from the inference too', () => {
    const tlsOnly = policy(
      'AppRead',
      'identity-inline',
      allow('s3:GetObject', '*', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    );
    expect(both(input(recorded(false), { identityPolicies: known([tlsOnly]) })).grant).toBe('unknown');
    const r = both(input(recorded(), { identityPolicies: known([tlsOnly]) }));
    expect(r.decision).toBe('implicitly-denied');
    expect(r.grant).toBe(false);
  });

  it('an inferred value no policy reads changes nothing', () => {
    const vpcOnly = policy(
      'AppRead',
      'identity-inline',
      allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }),
    );
    const withIt = both(input(recorded(), { identityPolicies: known([vpcOnly]) }));
    const without = both(input(recorded(false), { identityPolicies: known([vpcOnly]) }));
    expect(withIt.decision).toBe('unknown');
    expect(withIt).toEqual(without);
  });

  it('an Allow whose condition holds on an inferred value grants: the grant side and the decision are read from it and rest on it', () => {
    // aws:ViaAWSService: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-viaawsservice
    const directOnly = policy(
      'AppRead',
      'identity-inline',
      allow('s3:GetObject', '*', { Condition: { Bool: { 'aws:ViaAWSService': 'false' } } }),
    );
    const without = both(input(withInferred(undefined), { identityPolicies: known([directOnly]) }));
    expect(without.decision).toBe('unknown');
    expect(without.grant).toBe('unknown');
    const r = both(input(withInferred(TWO_INFERRED), { identityPolicies: known([directOnly]) }));
    expect(r.decision).toBe('allowed');
    expect(r.grant).toBe(true);
    expect(r.dependsOnInferred).toEqual(['aws:ViaAWSService']);
  });

  it("an AWS service caller's grants note is kept when the inference decides", () => {
    const cf = { ...request(service('cloudfront.amazonaws.com')), context: { ...recorded().context } };
    const bucket = policy(
      'bucket',
      'bucket-policy',
      allow('s3:GetObject', '*', { Principal: { Service: 'cloudfront.amazonaws.com' } }),
      deny('s3:*', '*', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const r = both(input(cf, { bucketPolicy: known(bucket) }));
    expect(r.decision).toBe('explicitly-denied');
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport']);
    expect(r.service).toMatchObject({ service: 'cloudfront.amazonaws.com' });
    const role = both(
      input(recorded(), { bucketPolicy: known(denyPlainHttp), identityPolicies: known([allowRole]) }),
    );
    expect('service' in role).toBe(false);
  });
});
