import type { ActionNeed, Evidence, Fix } from '../model';
import { authorize } from '../policy';
import { buildAuthorizationInput, callerIdentityArn, objectFact } from '../fix/input';
import { type LayerHit } from '../fix/layers';
import { viewLayer } from '../fix/layer-check';
import { needsOf, verifyS3 } from '../fix/verify';
import { awsLine, versionArgs } from '../fix/commands';
import type { Checker, CheckerInput, CheckResult } from './types';

/** AWS's message for a version Object Lock protects (issue 19; docs/reference/ENHANCED-MESSAGES.md). */
const LOCK_MESSAGE = /object protected by object lock/i;

/** Whether the caller may use the governance bypass (s3:BypassGovernanceRetention on the object), by the engine. */
function bypassAllowed(input: CheckerInput, need: ActionNeed): 'allowed' | 'denied' | 'unknown' {
  const bypass: ActionNeed = { ...need, action: 's3:BypassGovernanceRetention' };
  const existing = input.evaluations.find(
    (e) =>
      e.need.action.toLowerCase() === 's3:bypassgovernanceretention' && e.need.resource === need.resource,
  );
  const result = existing?.result ?? authorize(buildAuthorizationInput(input.request, bypass, input.facts));
  if (result.decision === 'allowed') return 'allowed';
  return result.decision === 'unknown' ? 'unknown' : 'denied';
}

/** The fix for a version Object Lock protects; `governance` when it is the GOVERNANCE bypass. */
function lockFix(input: CheckerInput, hit: LayerHit): { fix: Fix; extra: string; governance: boolean } {
  const { request } = input;
  const need = hit.evaluation.need;
  const args = versionArgs(need.bucket, need.key, request.versionId);
  const inspect = [
    awsLine(['s3api', 'get-object-retention', ...args]),
    awsLine(['s3api', 'get-object-legal-hold', ...args]),
  ];
  const rule = hit.layer.rule;
  const caller = callerIdentityArn(request, input.facts) ?? 'the caller';
  if (rule === 'object-lock-legal-hold') {
    return {
      fix: {
        summary: `If the hold may be lifted: remove the legal hold (needs s3:PutObjectLegalHold), then delete the version again. A legal hold has no end date; it stays until removed.`,
        commands: [
          ...inspect,
          awsLine(['s3api', 'put-object-legal-hold', ...args, '--legal-hold', 'Status=OFF']),
        ],
        verified: false,
      },
      extra: '',
      governance: false,
    };
  }
  if (/COMPLIANCE/.test(hit.layer.note ?? '')) {
    return {
      fix: {
        summary:
          'Nothing can remove a COMPLIANCE retention before its retain-until date, not even the root user: wait until it expires (extending it is the only change allowed). If the version must go sooner, that is a compliance decision, not an access fix.',
        commands: inspect,
        verified: false,
      },
      extra: '',
      governance: false,
    };
  }
  // GOVERNANCE: the header and s3:BypassGovernanceRetention
  const outcome = verifyS3(input, needsOf([hit.evaluation]), 'object-lock', (base) =>
    base.s3?.objectLock
      ? { ...base, s3: { ...base.s3, objectLock: { ...base.s3.objectLock, bypassHeader: true } } }
      : base,
  );
  const bypass = bypassAllowed(input, need);
  const extra =
    bypass === 'allowed'
      ? ` ${caller} is allowed s3:BypassGovernanceRetention, so sending the header is enough.`
      : bypass === 'denied'
        ? ` ${caller} is not allowed s3:BypassGovernanceRetention on ${need.resource}: grant it (identity policy, and the bucket policy cross-account) as well as sending the header.`
        : ` Whether ${caller} is allowed s3:BypassGovernanceRetention could not be evaluated.`;
  const retry =
    need.action.toLowerCase() === 's3:putobjectretention'
      ? awsLine([
          's3api',
          'put-object-retention',
          ...args,
          '--retention',
          'Mode=GOVERNANCE,RetainUntilDate=NEW_DATE',
          '--bypass-governance-retention',
        ])
      : // a version delete names its version (VERSION_ID when the request gives none, as in simulate): without
        // --version-id, delete-object adds a delete marker and deletes no version
        awsLine([
          's3api',
          'delete-object',
          ...versionArgs(need.bucket, need.key, request.versionId ?? 'VERSION_ID'),
          '--bypass-governance-retention',
        ]);
  return {
    fix: {
      summary: `To override GOVERNANCE retention, send x-amz-bypass-governance-retention: true (AWS CLI --bypass-governance-retention) as a caller allowed s3:BypassGovernanceRetention.${extra}`,
      commands: [...inspect, retry],
      ...(bypass === 'allowed' ? outcome : { verified: false }),
    },
    extra,
    governance: true,
  };
}

export const checker: Checker = {
  id: 'object-lock',
  title:
    'An Object Lock retention period or legal hold protects the object version (or the caller lacks s3:BypassGovernanceRetention)',
  detection:
    "For deleting a version (s3:DeleteObjectVersion) or changing its retention (s3:PutObjectRetention) the engine reads the bucket's Object Lock configuration and the version's retention and legal hold (get-object-retention, get-object-legal-hold; snapshot retention / legalHold): COMPLIANCE mode refuses everyone until the retain-until date, GOVERNANCE mode refuses unless the request sends x-amz-bypass-governance-retention: true, a legal hold refuses until removed. AWS's message \"Access Denied because object protected by object lock\" alone makes it likely.",
  fixSummary:
    'GOVERNANCE: send x-amz-bypass-governance-retention: true as a caller allowed s3:BypassGovernanceRetention; legal hold: remove it first (s3:PutObjectLegalHold); COMPLIANCE: nothing can shorten it, wait for the retain-until date.',
  check(input): CheckResult {
    const { request, facts, evaluations } = input;
    const view = viewLayer(evaluations, 'object-lock', { implicitDenies: false });
    const saysLock = LOCK_MESSAGE.test(request.errorMessage ?? '');
    if (view.kind === 'deny') {
      const hit = view.explicit[0]!;
      const need = hit.evaluation.need;
      // GOVERNANCE retention yields to the bypass header from a caller allowed s3:BypassGovernanceRetention
      const { fix, governance } = lockFix(input, hit);
      const obj = objectFact(facts, need.bucket, need.key);
      const evidence: Evidence[] = [
        { layer: 'object-lock', detail: hit.layer.note ?? 'Object Lock refused the request' },
      ];
      if (obj?.status === 'known') {
        const r = obj.value.retention?.status === 'known' ? obj.value.retention.value : null;
        const hold = obj.value.legalHold?.status === 'known' ? obj.value.legalHold.value : null;
        if (r)
          evidence.push({
            layer: 'object-lock',
            detail: `get-object-retention: Mode ${r.mode}, RetainUntilDate ${r.retainUntilDate}`,
          });
        if (hold) evidence.push({ layer: 'object-lock', detail: `get-object-legal-hold: Status ${hold}` });
      }
      if (saysLock)
        evidence.push({ layer: 'object-lock', detail: `errorMessage: ${request.errorMessage ?? ''}` });
      return {
        status: 'deny',
        confidence: 'confirmed',
        title: `Object Lock protects ${need.key ?? 'the object'}${request.versionId ? ` version ${request.versionId}` : ''} in ${need.bucket ?? 'the bucket'}`,
        explanation: `${hit.layer.note ?? 'Object Lock refused the request'}. Object Lock is enforced on the object version itself: no bucket or IAM policy can allow ${need.action} while it holds${
          governance ? ', except the bypass above (the header and s3:BypassGovernanceRetention)' : ''
        }.${saysLock ? ` AWS's own message agrees: "${request.errorMessage ?? ''}".` : ''}`,
        evidence,
        fix,
      };
    }
    // AWS's message is S3's own answer at the time of the request: when the facts read say nothing protects the version
    // (a retention that has since expired, a hold since removed, facts read elsewhere), it still stands, as likely
    if (saysLock) {
      const facts =
        view.kind === 'pass'
          ? ': the facts read here say no retention or legal hold protects the version now (a retention may have expired or a hold been lifted since the request, or the facts are incomplete), so which one refused it is not known'
          : `${view.kind === 'unknown' ? ` (${view.missing.join('; ')})` : ''}, so whether it is a GOVERNANCE or COMPLIANCE retention, or a legal hold, is not known`;
      return {
        status: 'deny',
        confidence: 'likely',
        title: `AWS reports that Object Lock protects ${request.key ?? 'the object'}${request.versionId ? ` version ${request.versionId}` : ''}`,
        explanation: `The record says "${request.errorMessage ?? ''}". The version's retention and legal hold ${
          view.kind === 'pass' ? 'were read' : 'could not be evaluated'
        }${facts}.`,
        evidence: [{ layer: 'object-lock', detail: `errorMessage: ${request.errorMessage ?? ''}` }],
        fix: {
          summary:
            "Read the version's retention and legal hold. GOVERNANCE: retry with x-amz-bypass-governance-retention: true as a caller allowed s3:BypassGovernanceRetention; legal hold: remove it first (s3:PutObjectLegalHold); COMPLIANCE: wait for the retain-until date.",
          commands: request.bucket
            ? [
                awsLine([
                  's3api',
                  'get-object-retention',
                  ...versionArgs(request.bucket, request.key, request.versionId),
                ]),
                awsLine([
                  's3api',
                  'get-object-legal-hold',
                  ...versionArgs(request.bucket, request.key, request.versionId),
                ]),
              ]
            : [],
          verified: false,
        },
      };
    }
    if (view.kind === 'unknown') return { status: 'unknown', missing: view.missing };
    return {
      status: view.kind,
      detail:
        view.kind === 'not-applicable'
          ? 'the request neither deletes an object version nor changes its retention'
          : view.detail,
    };
  },
};
