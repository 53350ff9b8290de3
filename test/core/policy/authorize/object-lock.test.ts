/**
 * S3 Object Lock refuses deleting a locked object version, or shortening its retention, whatever the policies allow.
 * LOCK = https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html
 *   (compliance mode: no user, including the root user, can overwrite or delete a protected version or shorten its
 *   retention; governance mode: only with s3:BypassGovernanceRetention and x-amz-bypass-governance-retention: true;
 *   a legal hold prevents deletion until removed; deleting without a version id only adds a delete marker)
 * MANAGE = https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
 */
import { known, unknown, type ObjectRetention } from '../../../../lambdas/core/model';
import { authorize, type AuthorizationResult, type ObjectLockInput } from '../../../../lambdas/core/policy';
import { OBJECT_ARN, allow, identity, input, request, roleSession } from './fixtures';

const role = roleSession();
const AT = '2026-06-01T12:00:00Z';
const LATER = '2027-01-01T00:00:00Z';
const EARLIER = '2026-01-01T00:00:00Z';
const lock = (over: Partial<ObjectLockInput> = {}): ObjectLockInput => ({
  configuration: known({ enabled: true, defaultRetention: null }),
  retention: known(null),
  legalHold: known(null),
  bypassHeader: false,
  at: AT,
  requested: null,
  ...over,
});
const retained = (mode: ObjectRetention['mode'], retainUntilDate = LATER): ObjectLockInput['retention'] =>
  known({ mode, retainUntilDate });

function decide(objectLock: ObjectLockInput, action = 's3:DeleteObjectVersion') {
  return authorize(
    input(
      request(role, action, OBJECT_ARN),
      { identityPolicies: known([identity(allow('s3:*'))]) },
      { objectLock },
    ),
  );
}
const layer = (r: AuthorizationResult) => r.layers.find((l) => l.layer === 'object-lock');

describe('what Object Lock applies to (LOCK)', () => {
  it('it protects versions from deletion and retention changes only: reading is not concerned', () => {
    const r = decide(lock({ retention: retained('COMPLIANCE') }), 's3:GetObject');
    expect(r.decision).toBe('allowed');
    expect(layer(r)).toMatchObject({
      result: 'not-applicable',
      note: 'Object Lock protects object versions from deletion and retention changes only',
    });
  });

  it('deleting without a version id (a delete marker) is not concerned', () => {
    expect(layer(decide(lock({ retention: retained('COMPLIANCE') }), 's3:DeleteObject'))?.result).toBe(
      'not-applicable',
    );
  });

  it('a bucket without Object Lock: the layer does not apply', () => {
    const r = decide(lock({ configuration: known(null), retention: retained('COMPLIANCE') }));
    expect(r.decision).toBe('allowed');
    expect(layer(r)).toMatchObject({
      result: 'not-applicable',
      note: 'Object Lock is not enabled on the bucket',
    });
    expect(
      layer(decide(lock({ configuration: known({ enabled: false, defaultRetention: null }) })))?.note,
    ).toBe('Object Lock is not enabled on the bucket');
  });

  it('a version with no retention and no legal hold can be deleted', () => {
    const r = decide(lock());
    expect(r.decision).toBe('allowed');
    expect(layer(r)).toMatchObject({
      result: 'allowed',
      note: 'the object version has no retention period and no legal hold',
    });
  });

  it('without Object Lock facts the layer is left out', () => {
    const r = authorize(
      input(request(role, 's3:DeleteObjectVersion'), { identityPolicies: known([identity(allow('s3:*'))]) }),
    );
    expect(layer(r)).toBeUndefined();
  });
});

describe('legal hold (LOCK)', () => {
  it('a legal hold refuses deleting the version, even with the governance bypass', () => {
    const r = decide(lock({ legalHold: known('ON'), bypassHeader: true }));
    expect(r.decision).toBe('explicitly-denied');
    expect(layer(r)).toMatchObject({ result: 'explicitly-denied', rule: 'object-lock-legal-hold' });
    expect(layer(r)?.note).toMatch(/^a legal hold \(Status ON\) protects this object version/);
  });

  it('a legal hold does not stop a retention change', () => {
    const r = decide(lock({ legalHold: known('ON') }), 's3:PutObjectRetention');
    expect(layer(r)?.result).toBe('allowed');
  });

  it('a legal hold that could not be read leaves a deletion undecided', () => {
    const r = decide(lock({ legalHold: unknown('accessDenied', undefined, 's3:GetObjectLegalHold') }));
    expect(r.decision).toBe('unknown');
    expect(layer(r)).toMatchObject({
      result: 'unknown',
      note: 'a legal hold may protect this object version',
      missing: ['the legal hold of the object version (accessDenied, needs s3:GetObjectLegalHold)'],
    });
  });

  it('a legal hold that could not be read, with an expired retention: still undecided', () => {
    const r = decide(
      lock({ legalHold: unknown('accessDenied'), retention: retained('COMPLIANCE', EARLIER) }),
    );
    expect(layer(r)).toMatchObject({
      result: 'unknown',
      note: 'a legal hold may protect this object version',
    });
  });

  it('a legal hold that could not be read, with the governance bypass: undecided', () => {
    const r = decide(
      lock({ legalHold: unknown('accessDenied'), retention: retained('GOVERNANCE'), bypassHeader: true }),
    );
    expect(layer(r)?.result).toBe('unknown');
  });
});

describe('compliance mode (LOCK)', () => {
  it('no one, not even the root user, deletes a version before its retain-until date', () => {
    const r = decide(lock({ retention: retained('COMPLIANCE') }));
    expect(r.decision).toBe('explicitly-denied');
    expect(layer(r)).toMatchObject({
      result: 'explicitly-denied',
      rule: 'object-lock-retention',
      note: 'the object version is locked in COMPLIANCE mode until 2027-01-01: no one, not even the root user, can have it deleted before then',
    });
  });

  it('shortening the retention is refused', () => {
    const r = decide(
      lock({
        retention: retained('COMPLIANCE'),
        requested: { mode: 'COMPLIANCE', retainUntilDate: '2026-12-01T00:00:00Z' },
      }),
      's3:PutObjectRetention',
    );
    expect(r.decision).toBe('explicitly-denied');
    expect(layer(r)?.note).toMatch(/can have it given a shorter retention or another mode before then$/);
  });

  it('switching to governance mode is refused', () => {
    const r = decide(
      lock({
        retention: retained('COMPLIANCE'),
        requested: { mode: 'GOVERNANCE', retainUntilDate: '2028-01-01T00:00:00Z' },
      }),
      's3:PutObjectRetention',
    );
    expect(r.decision).toBe('explicitly-denied');
  });

  it('keeping or extending the retention is allowed', () => {
    for (const until of [LATER, '2028-01-01T00:00:00Z']) {
      const r = decide(
        lock({
          retention: retained('COMPLIANCE'),
          requested: { mode: 'COMPLIANCE', retainUntilDate: until },
        }),
        's3:PutObjectRetention',
      );
      expect(r.decision).toBe('allowed');
      expect(layer(r)?.note).toBe(
        'the request keeps or extends the COMPLIANCE retention (until 2027-01-01), which Object Lock allows',
      );
    }
  });

  it('a retention change whose new retention was not recorded is undecided', () => {
    const r = decide(lock({ retention: retained('COMPLIANCE') }), 's3:PutObjectRetention');
    expect(r.decision).toBe('unknown');
    expect(layer(r)?.missing).toEqual(['the retention the request sets (not recorded)']);
    // in COMPLIANCE mode the retention can only be extended
    expect(layer(r)?.note).toMatch(
      /COMPLIANCE mode until 2027-01-01: only extending the retention is allowed/,
    );
  });

  it('a new retention with an unreadable date is undecided', () => {
    const r = decide(
      lock({ retention: retained('COMPLIANCE'), requested: { mode: 'COMPLIANCE', retainUntilDate: 'soon' } }),
      's3:PutObjectRetention',
    );
    expect(r.decision).toBe('unknown');
  });

  it('an expired retention no longer protects the version', () => {
    const r = decide(lock({ retention: retained('COMPLIANCE', EARLIER) }));
    expect(r.decision).toBe('allowed');
    expect(layer(r)?.note).toBe('the COMPLIANCE retention of the object version expired on 2026-01-01');
  });

  it('a retention that ends exactly at the time of the request no longer protects it', () => {
    expect(decide(lock({ retention: retained('COMPLIANCE', AT) })).decision).toBe('allowed');
  });

  it('a request time or retain-until date that cannot be read leaves it undecided', () => {
    const noTime = decide(lock({ retention: retained('COMPLIANCE'), at: null }));
    expect(noTime.decision).toBe('unknown');
    expect(layer(noTime)).toMatchObject({
      note: `the object version is locked in COMPLIANCE mode until ${LATER}`,
      missing: ['the time of the request or the retain-until date'],
    });
    expect(decide(lock({ retention: retained('COMPLIANCE', 'someday') })).decision).toBe('unknown');
  });

  it('a retention that could not be read leaves it undecided', () => {
    const r = decide(lock({ retention: unknown('accessDenied', undefined, 's3:GetObjectRetention') }));
    expect(r.decision).toBe('unknown');
    expect(layer(r)).toMatchObject({
      note: 'Object Lock may protect this object version',
      missing: [
        'the Object Lock retention of the object version (accessDenied, needs s3:GetObjectRetention)',
      ],
      denyPossible: true,
    });
  });

  it('a configuration that could not be read does not hide a known retention', () => {
    const r = decide(lock({ configuration: unknown('accessDenied'), retention: retained('COMPLIANCE') }));
    expect(r.decision).toBe('explicitly-denied');
  });
});

describe('governance mode (LOCK, MANAGE)', () => {
  it('without the bypass header the version cannot be deleted', () => {
    const r = decide(lock({ retention: retained('GOVERNANCE') }));
    expect(r.decision).toBe('explicitly-denied');
    expect(layer(r)).toMatchObject({
      rule: 'object-lock-retention',
      note: 'the object version is locked in GOVERNANCE mode until 2027-01-01: it can be deleted only by a request that sends x-amz-bypass-governance-retention: true, by a caller allowed s3:BypassGovernanceRetention',
    });
  });

  it('with the bypass header only s3:BypassGovernanceRetention decides: the layer lets it through', () => {
    const r = decide(lock({ retention: retained('GOVERNANCE'), bypassHeader: true }));
    expect(r.decision).toBe('allowed');
    expect(layer(r)?.note).toBe(
      'the object version is locked in GOVERNANCE mode until 2027-01-01; the request sends x-amz-bypass-governance-retention: true, so only s3:BypassGovernanceRetention (evaluated as its own need) decides',
    );
  });

  it('a record that does not show the bypass header leaves the deletion undecided', () => {
    const r = decide(lock({ retention: retained('GOVERNANCE'), bypassHeader: 'unknown' }));
    expect(r.decision).toBe('unknown');
    expect(layer(r)).toMatchObject({
      note: 'the object version is locked in GOVERNANCE mode until 2027-01-01: it can be deleted only with x-amz-bypass-governance-retention: true and s3:BypassGovernanceRetention',
      missing: ['whether the request sent x-amz-bypass-governance-retention'],
    });
  });

  it('a retention change whose new retention was not recorded, without the bypass: undecided', () => {
    const r = decide(lock({ retention: retained('GOVERNANCE') }), 's3:PutObjectRetention');
    expect(r.decision).toBe('unknown');
    expect(layer(r)?.missing).toEqual(['the retention the request sets (not recorded)']);
    expect(layer(r)?.note).toMatch(/it can be given a shorter retention or another mode only with/);
  });

  it('extending a governance retention needs no bypass', () => {
    const r = decide(
      lock({
        retention: retained('GOVERNANCE'),
        requested: { mode: 'GOVERNANCE', retainUntilDate: '2027-06-01T00:00:00Z' },
      }),
      's3:PutObjectRetention',
    );
    expect(r.decision).toBe('allowed');
  });
});
