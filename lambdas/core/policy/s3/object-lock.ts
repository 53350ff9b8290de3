/**
 * S3 Object Lock: a retention period or a legal hold protects one object version from being deleted (and a
 * retention from being shortened), whatever the policies allow.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
 *
 *  - Compliance mode: no one (not even the root user) deletes the version or shortens its retention until the
 *    retain-until date; extending it is allowed.
 *  - Governance mode: deleting the version or shortening / removing its retention needs the
 *    `x-amz-bypass-governance-retention: true` header AND the s3:BypassGovernanceRetention permission (a need of its
 *    own, evaluated by the engine like any other action); extending needs neither.
 *  - A legal hold (Status ON) blocks deleting the version until someone with s3:PutObjectLegalHold removes it; the
 *    governance bypass does not lift it.
 *  - Only a specific version is protected: deleting without a version id adds a delete marker, which Object Lock
 *    allows; so the layer applies to s3:DeleteObjectVersion and s3:PutObjectRetention only.
 *
 * A refusal does not depend on any policy: the layer is 'explicitly-denied' with a `rule` naming the lock.
 */
import type { ObjectRetention } from '../../model';
import type { EngineRequest, ObjectLockInput, Tri } from '../types';
import { lowerKey } from '../variables';
import { factMissing, layer, notApplicable, type LayerCalc } from './evaluate';

const ID = 'object-lock' as const;

const DELETE = 's3:deleteobjectversion';
const PUT_RETENTION = 's3:putobjectretention';

/** The actions Object Lock can refuse. */
export const OBJECT_LOCK_ACTIONS: ReadonlySet<string> = new Set([DELETE, PUT_RETENTION]);

const refused = (note: string, rule: 'object-lock-retention' | 'object-lock-legal-hold'): LayerCalc => ({
  result: { ...layer(ID, 'explicitly-denied', [], note), rule },
  permit: false,
  deny: true,
});

const undecided = (note: string, missing: readonly string[]): LayerCalc => ({
  result: layer(ID, 'unknown', [], note, missing),
  permit: 'unknown',
  deny: 'unknown',
});

const allowed = (note: string): LayerCalc => ({
  result: layer(ID, 'allowed', [], note),
  permit: true,
  deny: false,
});

/** Whether the retention is still in force at `at`: unknown when either date cannot be read. */
function inForce(r: ObjectRetention, at: string | null): Tri {
  const until = Date.parse(r.retainUntilDate);
  const now = at === null ? NaN : Date.parse(at);
  if (Number.isNaN(until) || Number.isNaN(now)) return 'unknown';
  return until > now;
}

/** Whether a PutObjectRetention keeps or extends the current retention (same mode, same or later date). */
function extendsRetention(current: ObjectRetention, requested: ObjectRetention | null): Tri {
  if (requested === null) return 'unknown';
  const a = Date.parse(current.retainUntilDate);
  const b = Date.parse(requested.retainUntilDate);
  if (Number.isNaN(a) || Number.isNaN(b)) return 'unknown';
  return requested.mode === current.mode && b >= a;
}

const day = (iso: string): string => iso.replace(/T.*$/, '');

/** The Object Lock layer; null when the input does not model it for this request (the layer is left out). */
export function objectLockLayer(input: ObjectLockInput | undefined, req: EngineRequest): LayerCalc | null {
  if (input === undefined) return null;
  const action = lowerKey(req.action);
  if (!OBJECT_LOCK_ACTIONS.has(action))
    return notApplicable(ID, 'Object Lock protects object versions from deletion and retention changes only');
  const cfg = input.configuration;
  if (cfg.status === 'known' && (cfg.value === null || !cfg.value.enabled))
    return notApplicable(ID, 'Object Lock is not enabled on the bucket');
  const missing: string[] = [];
  const notes: string[] = [];
  let permit: Tri = true;

  // Legal hold: blocks deletion only.
  if (action === DELETE) {
    const hold = input.legalHold;
    if (hold.status === 'unknown') {
      missing.push(factMissing('the legal hold of the object version', hold));
      permit = 'unknown';
    } else if (hold.value === 'ON') {
      return refused(
        'a legal hold (Status ON) protects this object version: it cannot be deleted until someone with s3:PutObjectLegalHold removes the hold (the governance bypass does not lift it)',
        'object-lock-legal-hold',
      );
    }
  }

  const ret = input.retention;
  if (ret.status === 'unknown') {
    missing.push(factMissing('the Object Lock retention of the object version', ret));
    return undecided('Object Lock may protect this object version', missing);
  }
  const r = ret.value;
  if (r === null) {
    if (permit === 'unknown') return undecided('a legal hold may protect this object version', missing);
    return allowed('the object version has no retention period and no legal hold');
  }
  const active = inForce(r, input.at);
  if (active === 'unknown') {
    missing.push('the time of the request or the retain-until date');
    return undecided(`the object version is locked in ${r.mode} mode until ${r.retainUntilDate}`, missing);
  }
  if (active === false) {
    if (permit === 'unknown') return undecided('a legal hold may protect this object version', missing);
    return allowed(`the ${r.mode} retention of the object version expired on ${day(r.retainUntilDate)}`);
  }
  const extending = action === PUT_RETENTION ? extendsRetention(r, input.requested) : false;
  if (extending === true)
    return allowed(
      `the request keeps or extends the ${r.mode} retention (until ${day(r.retainUntilDate)}), which Object Lock allows`,
    );
  const what = action === DELETE ? 'deleted' : 'given a shorter retention or another mode';
  if (r.mode === 'COMPLIANCE') {
    if (extending === 'unknown')
      return undecided(
        `the object version is locked in COMPLIANCE mode until ${day(r.retainUntilDate)}: only extending the retention is allowed`,
        [...missing, 'the retention the request sets (not recorded)'],
      );
    return refused(
      `the object version is locked in COMPLIANCE mode until ${day(r.retainUntilDate)}: no one, not even the root user, can have it ${what} before then`,
      'object-lock-retention',
    );
  }
  // GOVERNANCE
  const bypass = input.bypassHeader;
  if (bypass === true) {
    notes.push(
      `the object version is locked in GOVERNANCE mode until ${day(r.retainUntilDate)}; the request sends x-amz-bypass-governance-retention: true, so only s3:BypassGovernanceRetention (evaluated as its own need) decides`,
    );
    if (permit === 'unknown') return undecided(notes[0]!, missing);
    return allowed(notes[0]!);
  }
  if (bypass === 'unknown' || extending === 'unknown')
    return undecided(
      `the object version is locked in GOVERNANCE mode until ${day(r.retainUntilDate)}: it can be ${what} only with x-amz-bypass-governance-retention: true and s3:BypassGovernanceRetention`,
      [
        ...missing,
        ...(bypass === 'unknown' ? ['whether the request sent x-amz-bypass-governance-retention'] : []),
        ...(extending === 'unknown' ? ['the retention the request sets (not recorded)'] : []),
      ],
    );
  return refused(
    `the object version is locked in GOVERNANCE mode until ${day(r.retainUntilDate)}: it can be ${what} only by a request that sends x-amz-bypass-governance-retention: true, by a caller allowed s3:BypassGovernanceRetention`,
    'object-lock-retention',
  );
}
