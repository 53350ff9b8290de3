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
import { ACCT, allow, deny, input, policy, request, roleSession } from './fixtures';

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
