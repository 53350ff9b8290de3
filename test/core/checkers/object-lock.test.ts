/**
 * object-lock as the user reads it. Object Lock protects an object version: COMPLIANCE mode refuses everyone,
 * the root user included, until the retain-until date (only extending is allowed); GOVERNANCE mode refuses unless
 * the request sends x-amz-bypass-governance-retention: true and the caller is allowed s3:BypassGovernanceRetention;
 * a legal hold refuses deletion until removed (s3:PutObjectLegalHold), whatever the retention says.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-bypass
 */
import { simulate } from '../../../lambdas/core/simulate';
import {
  causeOf,
  exampleView,
  exampleViewWith,
  explain,
  scenarioEvent,
  editedEvent,
  type EditableEvent,
} from './helpers';

type Event = EditableEvent;
type View = Parameters<typeof explain>[1];

const COMPLIANCE = 'RecordsAdmin deletes a version under COMPLIANCE retention';
const GOVERNANCE = 'RecordsClerk deletes a GOVERNANCE-retained version without the bypass header';
const HOLD = 'RecordsAdmin deletes a version under legal hold';
const LOCK_MESSAGE = 'Access Denied because object protected by object lock.';
const GOV_VERSION = 'UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ';
const GOV_ARGS = `--bucket records-bucket --key ledger/2026-q2.csv --version-id ${GOV_VERSION}`;

const event = editedEvent;

const key =
  (k: string) =>
  (e: Event): void => {
    e['requestParameters']['key'] = k;
    e['resources'][0]['ARN'] = `arn:aws:s3:::records-bucket/${k}`;
  };
const plainMessage = (e: Event): void => {
  e['errorMessage'] = 'Access Denied';
};
/** A PutObjectRetention of the same version, setting this retention (requestParameters.Retention). */
const retain =
  (mode: string, until: string) =>
  (e: Event): void => {
    e['eventName'] = 'PutObjectRetention';
    e['requestParameters']['Retention'] = { Mode: mode, RetainUntilDate: until };
  };
/** The clerk's request made by RecordsAdmin, who is allowed s3:BypassGovernanceRetention. */
const asAdmin = (e: Event): void => {
  e['userIdentity'] = scenarioEvent(COMPLIANCE)['userIdentity'];
};

const check = (e: Event, view?: View) =>
  explain(e, view).finding.checks.find((c) => c.layer === 'object-lock');
const cause = (e: Event, view?: View) => causeOf(explain(e, view).finding, 'object-lock');

describe('object-lock: COMPLIANCE retention', () => {
  it('deleting a version under COMPLIANCE retention is refused to everyone: confirmed, and the fix is to wait', () => {
    const c = cause(event(COMPLIANCE));
    expect(c.confidence).toBe('confirmed');
    expect(c.title).toBe(
      'Object Lock protects ledger/2026-q3.csv version 3HL4kqtJvjVBH40Nrjfkd in records-bucket',
    );
    expect(c.explanation).toBe(
      `the object version is locked in COMPLIANCE mode until 2031-01-01: no one, not even the root user, can have it deleted before then. Object Lock is enforced on the object version itself: no bucket or IAM policy can allow s3:DeleteObjectVersion while it holds. AWS's own message agrees: "${LOCK_MESSAGE}".`,
    );
    expect(c.evidence).toEqual([
      {
        layer: 'object-lock',
        detail:
          'the object version is locked in COMPLIANCE mode until 2031-01-01: no one, not even the root user, can have it deleted before then',
      },
      {
        layer: 'object-lock',
        detail: 'get-object-retention: Mode COMPLIANCE, RetainUntilDate 2031-01-01T00:00:00Z',
      },
      { layer: 'object-lock', detail: `errorMessage: ${LOCK_MESSAGE}` },
    ]);
    const args = '--bucket records-bucket --key ledger/2026-q3.csv --version-id 3HL4kqtJvjVBH40Nrjfkd';
    expect(c.fix).toEqual({
      summary:
        'Nothing can remove a COMPLIANCE retention before its retain-until date, not even the root user: wait until it expires (extending it is the only change allowed). If the version must go sooner, that is a compliance decision, not an access fix.',
      commands: [`aws s3api get-object-retention ${args}`, `aws s3api get-object-legal-hold ${args}`],
      verified: false,
    });
  });

  it('shortening a COMPLIANCE retention is refused too, and no bypass is offered', () => {
    const c = cause(event(COMPLIANCE, retain('COMPLIANCE', '2030-01-01T00:00:00Z')));
    expect(c.explanation).toContain(
      'no one, not even the root user, can have it given a shorter retention or another mode before then',
    );
    expect(c.fix.commands.some((x) => x.includes('--bypass-governance-retention'))).toBe(false);
  });

  it('a COMPLIANCE retention that has expired no longer protects the version: ruled out', () => {
    expect(
      check(
        scenarioEvent(
          "ruled out: the COMPLIANCE retention of the version expired; the clerk's role may not bypass anything, but need not",
        ),
      ),
    ).toEqual({
      layer: 'object-lock',
      status: 'pass',
      detail: 'object-lock allows s3:DeleteObjectVersion on arn:aws:s3:::records-bucket/ledger/2024-q1.csv',
    });
  });
});

describe('object-lock: GOVERNANCE retention', () => {
  it('a caller not allowed s3:BypassGovernanceRetention is told to send the header and to be granted the permission', () => {
    const c = cause(event(GOVERNANCE));
    expect(c.confidence).toBe('confirmed');
    expect(c.evidence.map((x) => x.detail)).toEqual([
      'the object version is locked in GOVERNANCE mode until 2027-06-30: it can be deleted only by a request that sends x-amz-bypass-governance-retention: true, by a caller allowed s3:BypassGovernanceRetention',
      'get-object-retention: Mode GOVERNANCE, RetainUntilDate 2027-06-30T00:00:00Z',
      'get-object-legal-hold: Status OFF',
      `errorMessage: ${LOCK_MESSAGE}`,
    ]);
    expect(c.fix).toEqual({
      summary:
        'To override GOVERNANCE retention, send x-amz-bypass-governance-retention: true (AWS CLI --bypass-governance-retention) as a caller allowed s3:BypassGovernanceRetention. arn:aws:iam::111122223333:role/RecordsClerk is not allowed s3:BypassGovernanceRetention on arn:aws:s3:::records-bucket/ledger/2026-q2.csv: grant it (identity policy, and the bucket policy cross-account) as well as sending the header.',
      commands: [
        `aws s3api get-object-retention ${GOV_ARGS}`,
        `aws s3api get-object-legal-hold ${GOV_ARGS}`,
        `aws s3api delete-object ${GOV_ARGS} --bypass-governance-retention`,
      ],
      verified: false,
    });
  });

  it('the explanation does not say that no policy can help a GOVERNANCE retention: the bypass permission can', () => {
    expect(cause(event(GOVERNANCE)).explanation).toBe(
      `the object version is locked in GOVERNANCE mode until 2027-06-30: it can be deleted only by a request that sends x-amz-bypass-governance-retention: true, by a caller allowed s3:BypassGovernanceRetention. Object Lock is enforced on the object version itself: no bucket or IAM policy can allow s3:DeleteObjectVersion while it holds, except the bypass above (the header and s3:BypassGovernanceRetention). AWS's own message agrees: "${LOCK_MESSAGE}".`,
    );
  });

  it('a caller allowed s3:BypassGovernanceRetention only has to send the header: the fix is verified', () => {
    const c = cause(event(GOVERNANCE, asAdmin));
    expect(c.fix.summary).toBe(
      'To override GOVERNANCE retention, send x-amz-bypass-governance-retention: true (AWS CLI --bypass-governance-retention) as a caller allowed s3:BypassGovernanceRetention. arn:aws:iam::111122223333:role/RecordsAdmin is allowed s3:BypassGovernanceRetention, so sending the header is enough.',
    );
    expect(c.fix.verified).toBe(true);
  });

  it('when the caller’s policies were not read, whether it may bypass is said to be unknown and the fix is not verified', () => {
    const noIam = exampleViewWith((s) => delete s['accounts']['111122223333']['authorizationDetails']);
    const c = cause(event(GOVERNANCE, asAdmin), noIam);
    expect(c.fix.summary).toContain(
      'Whether arn:aws:iam::111122223333:role/RecordsAdmin is allowed s3:BypassGovernanceRetention could not be evaluated.',
    );
    expect(c.fix.verified).toBe(false);
  });

  it('shortening a GOVERNANCE retention is retried as put-object-retention with the bypass header', () => {
    const c = cause(event(GOVERNANCE, retain('GOVERNANCE', '2027-01-01T00:00:00Z')));
    expect(c.explanation).toContain(
      'it can be given a shorter retention or another mode only by a request that sends x-amz-bypass-governance-retention: true',
    );
    expect(c.fix.commands[2]).toBe(
      `aws s3api put-object-retention ${GOV_ARGS} --retention Mode=GOVERNANCE,RetainUntilDate=NEW_DATE --bypass-governance-retention`,
    );
  });

  it('extending a GOVERNANCE retention is always allowed: ruled out', () => {
    const c = check(
      event(GOVERNANCE, (e) => (plainMessage(e), retain('GOVERNANCE', '2028-01-01T00:00:00Z')(e))),
    );
    expect(c).toMatchObject({ status: 'pass' });
  });

  it('a delete that sends the bypass header is not refused by the retention: the caller’s own permission decides', () => {
    const { finding } = explain(
      event(GOVERNANCE, (e) => {
        plainMessage(e);
        e['requestParameters']['x-amz-bypass-governance-retention'] = 'true';
      }),
    );
    expect(finding.checks.find((c) => c.layer === 'object-lock')?.status).toBe('pass');
    expect(finding.rootCauses.map((r) => r.id)).toEqual(['identity-policy-no-allow']);
  });

  it('without AWS’s message the retention alone confirms it, and the evidence does not quote a message', () => {
    const c = cause(event(GOVERNANCE, plainMessage));
    expect(c.confidence).toBe('confirmed');
    expect(c.explanation).not.toContain("AWS's own message");
    expect(c.evidence.some((x) => x.detail.startsWith('errorMessage'))).toBe(false);
  });
});

describe('object-lock: legal hold', () => {
  it('a legal hold blocks deletion until removed: the fix lifts the hold, and no retention is claimed', () => {
    const c = cause(event(HOLD));
    const args = '--bucket records-bucket --key ledger/disputed.csv --version-id Lh0ld3xampleV3rsion';
    expect(c.evidence.map((x) => x.detail)).toEqual([
      'a legal hold (Status ON) protects this object version: it cannot be deleted until someone with s3:PutObjectLegalHold removes the hold (the governance bypass does not lift it)',
      'get-object-legal-hold: Status ON',
      `errorMessage: ${LOCK_MESSAGE}`,
    ]);
    expect(c.fix).toEqual({
      summary:
        'If the hold may be lifted: remove the legal hold (needs s3:PutObjectLegalHold), then delete the version again. A legal hold has no end date; it stays until removed.',
      commands: [
        `aws s3api get-object-retention ${args}`,
        `aws s3api get-object-legal-hold ${args}`,
        `aws s3api put-object-legal-hold ${args} --legal-hold Status=OFF`,
      ],
      verified: false,
    });
  });

  it('the governance bypass does not lift a legal hold: even a caller allowed to bypass is told to remove the hold', () => {
    const c = cause(
      event(HOLD, (e) => (e['requestParameters']['x-amz-bypass-governance-retention'] = 'true')),
    );
    expect(c.fix.summary).toMatch(/^If the hold may be lifted: remove the legal hold/);
  });
});

describe('object-lock: what the record and the facts cannot settle', () => {
  it('AWS’s message alone makes Object Lock likely when the version’s retention was not read, and says what to read', () => {
    const c = cause(event(GOVERNANCE, key('ledger/unread.csv')));
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(`AWS reports that Object Lock protects ledger/unread.csv version ${GOV_VERSION}`);
    expect(c.explanation).toBe(
      `The record says "${LOCK_MESSAGE}". The version's retention and legal hold could not be evaluated (the legal hold of the object version (notCollected: the snapshot does not carry buckets.records-bucket.objects["ledger/unread.csv"]); the Object Lock retention of the object version (notCollected: the snapshot does not carry buckets.records-bucket.objects["ledger/unread.csv"])), so whether it is a GOVERNANCE or COMPLIANCE retention, or a legal hold, is not known.`,
    );
    expect(c.evidence).toEqual([{ layer: 'object-lock', detail: `errorMessage: ${LOCK_MESSAGE}` }]);
    const args = `--bucket records-bucket --key ledger/unread.csv --version-id ${GOV_VERSION}`;
    expect(c.fix.commands).toEqual([
      `aws s3api get-object-retention ${args}`,
      `aws s3api get-object-legal-hold ${args}`,
    ]);
    expect(c.fix.verified).toBe(false);
  });

  it('AWS’s message on a delete without a version id is still reported, as likely, with the commands for the current version', () => {
    const c = cause(event(GOVERNANCE, (e) => delete e['requestParameters']['versionId']));
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe('AWS reports that Object Lock protects ledger/2026-q2.csv');
    expect(c.explanation).toBe(
      `The record says "${LOCK_MESSAGE}". The version's retention and legal hold could not be evaluated, so whether it is a GOVERNANCE or COMPLIANCE retention, or a legal hold, is not known.`,
    );
    expect(c.fix.commands).toEqual([
      'aws s3api get-object-retention --bucket records-bucket --key ledger/2026-q2.csv',
      'aws s3api get-object-legal-hold --bucket records-bucket --key ledger/2026-q2.csv',
    ]);
  });

  it('AWS’s message stands when the facts read say nothing protects the version now (a retention expired or a hold lifted since): likely, with the reads to check again', () => {
    const unlocked = exampleViewWith((s) => {
      const o = s.buckets['records-bucket'].objects['ledger/2026-q2.csv'];
      o.retention = null;
      o.legalHold = null;
    });
    const finding = explain(event(GOVERNANCE), unlocked).finding;
    expect(finding.verdict).toBe('partially-explained');
    const c = causeOf(finding, 'object-lock');
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(`AWS reports that Object Lock protects ledger/2026-q2.csv version ${GOV_VERSION}`);
    expect(c.explanation).toBe(
      `The record says "${LOCK_MESSAGE}". The version's retention and legal hold were read: the facts read here say no retention or legal hold protects the version now (a retention may have expired or a hold been lifted since the request, or the facts are incomplete), so which one refused it is not known.`,
    );
    expect(c.fix.commands).toEqual([
      `aws s3api get-object-retention ${GOV_ARGS}`,
      `aws s3api get-object-legal-hold ${GOV_ARGS}`,
    ]);
  });

  it('without AWS’s message and without the version’s lock facts the check is unknown, naming them', () => {
    expect(check(event(GOVERNANCE, (e) => (plainMessage(e), key('ledger/unread.csv')(e))))).toEqual({
      layer: 'object-lock',
      status: 'unknown',
      missing: [
        'the legal hold of the object version (notCollected: the snapshot does not carry buckets.records-bucket.objects["ledger/unread.csv"])',
        'the Object Lock retention of the object version (notCollected: the snapshot does not carry buckets.records-bucket.objects["ledger/unread.csv"])',
      ],
    });
  });

  it('a delete without a version id only adds a delete marker: Object Lock takes no part', () => {
    expect(
      check(scenarioEvent('ruled out: deleting without a version id only adds a delete marker')),
    ).toEqual({
      layer: 'object-lock',
      status: 'not-applicable',
      detail: 'the request neither deletes an object version nor changes its retention',
    });
  });
});

describe('object-lock in simulate: a version delete without a version id', () => {
  it('the GOVERNANCE retry names the version (VERSION_ID): without --version-id delete-object only adds a delete marker', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html: a delete without a version id
    // inserts a delete marker; only a delete naming the version removes it
    const sim = simulate(
      {
        principal: 'arn:aws:iam::111122223333:role/RecordsAdmin',
        action: 's3:DeleteObjectVersion',
        resource: 'arn:aws:s3:::records-bucket/ledger/2026-q2.csv',
        context: { 'aws:SourceIp': '203.0.113.25' },
      },
      exampleView,
      { now: new Date('2026-11-20T10:15:00Z') },
    );
    const lock = sim.rootCauses.find((c) => c.id === 'object-lock');
    expect(lock?.fix.commands).toContain(
      'aws s3api delete-object --bucket records-bucket --key ledger/2026-q2.csv --version-id VERSION_ID --bypass-governance-retention',
    );
  });
});
