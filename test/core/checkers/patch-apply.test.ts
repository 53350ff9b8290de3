/**
 * End to end check of "verified": apply each verified fix's policyPatch to the snapshot itself (as a user would
 * with the AWS CLI commands), explain the same event again, and the cause is gone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../../lambdas/adapters/snapshot';
import type { RootCause } from '../../../lambdas/core/model';
import { scenarioFiles } from '../../scenarios/load';
import { explain, ROOT } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = JSON.parse(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8')) as Json;

const label = (s: Json, i: number): string => (typeof s['Sid'] === 'string' ? s['Sid'] : `#${i + 1}`);
const doc = (d: unknown): Json => (typeof d === 'string' ? JSON.parse(d) : (d as Json));

function patchDocument(document: unknown, patch: Json): Json {
  const d = doc(document) ?? { Version: '2012-10-17', Statement: [] };
  const list: Json[] = Array.isArray(d['Statement']) ? [...d['Statement']] : [d['Statement']];
  if (patch['replaceStatement']) {
    const i = list.findIndex((s, k) => label(s, k) === patch['statement']);
    if (i < 0) throw new Error(`statement ${patch['statement']} not found`);
    list[i] = patch['replaceStatement'];
  }
  if (patch['removeStatement']) {
    const i = list.findIndex((s, k) => label(s, k) === patch['removeStatement']);
    list.splice(i, 1);
  }
  if (patch['addStatement']) list.push(...[patch['addStatement']].flat());
  return { ...d, Statement: list };
}

const accountOf = (arn: string): string => /:(\d{12}):/.exec(arn)![1]!;

function iamEntity(s: Json, arn: string): Json {
  const details = s['accounts'][accountOf(arn)]['authorizationDetails'];
  const found = [...details['RoleDetailList'], ...details['UserDetailList']].find(
    (e: Json) => e['Arn'] === arn,
  );
  if (!found) throw new Error(`no IAM entity ${arn}`);
  return found;
}

function managedPolicy(s: Json, arn: string): Json {
  for (const a of Object.values<Json>(s['accounts'])) {
    const p = (a['authorizationDetails']?.['Policies'] ?? []).find((x: Json) => x['Arn'] === arn);
    if (p) return p['PolicyVersionList'].find((v: Json) => v['IsDefaultVersion']);
  }
  throw new Error(`no managed policy ${arn}`);
}

function applyIdentity(s: Json, p: Json, principal: string): void {
  if (p['newInlinePolicy']) {
    const e = iamEntity(s, p['principal'] ?? principal);
    const key = 'RoleName' in e ? 'RolePolicyList' : 'UserPolicyList';
    e[key] = [
      ...(e[key] ?? []),
      { PolicyName: p['newInlinePolicy'], PolicyDocument: patchDocument(undefined, p) },
    ];
    return;
  }
  if (String(p['policy']).startsWith('arn:')) {
    const v = managedPolicy(s, p['policy']);
    v['Document'] = patchDocument(v['Document'], p);
    return;
  }
  const e = iamEntity(s, principal);
  const list = e['RolePolicyList'] ?? e['UserPolicyList'];
  const inline = list.find((x: Json) => x['PolicyName'] === p['policy']);
  inline['PolicyDocument'] = patchDocument(inline['PolicyDocument'], p);
}

function apply(
  snapshot: Json,
  cause: RootCause,
  principal: string,
  sessionArn: string | null,
  endpoint: string | null,
  keyArn: string | null,
): Json {
  const s = JSON.parse(JSON.stringify(snapshot)) as Json;
  const p = cause.fix.policyPatch as Json;
  switch (p['layer']) {
    case 'bucket-policy':
      s['buckets'][p['bucket']]['policy'] = patchDocument(s['buckets'][p['bucket']]['policy'], p);
      break;
    case 'identity-policy':
      applyIdentity(s, p, principal);
      break;
    case 'permissions-boundary': {
      const v = managedPolicy(s, p['policy']);
      v['Document'] = patchDocument(v['Document'], p);
      break;
    }
    case 'session-policy':
      s['sessions'][sessionArn!]['Policy'] = patchDocument(s['sessions'][sessionArn!]['Policy'], p);
      break;
    case 'vpc-endpoint-policy':
      s['vpcEndpoints'][endpoint!]['PolicyDocument'] = patchDocument(
        s['vpcEndpoints'][endpoint!]['PolicyDocument'],
        p,
      );
      break;
    case 'access-point-policy':
      s['accessPoints'][p['policy']]['Policy'] = patchDocument(s['accessPoints'][p['policy']]['Policy'], p);
      break;
    case 'scp':
    case 'rcp': {
      const list: Json[] =
        s['organization'][p['layer'] === 'scp' ? 'serviceControlPolicies' : 'resourceControlPolicies'];
      const pol = list.find((x) => x['Arn'] === p['policy'] || x['Name'] === p['policy'])!;
      pol['Content'] = patchDocument(pol['Content'], p);
      break;
    }
    case 'object-ownership':
      s['buckets'][p['bucket']]['ownershipControls'] = p['ownershipControls'];
      for (const o of Object.values<Json>(s['buckets'][p['bucket']]['objects'] ?? {}))
        if (o['exists']) o['ownerAccountId'] = s['buckets'][p['bucket']]['accountId'];
      break;
    default:
      if (p['keyPolicy'])
        s['kmsKeys'][keyArn!]['KeyPolicy'] = patchDocument(
          s['kmsKeys'][keyArn!]['KeyPolicy'],
          p['keyPolicy'],
        );
      if (p['identityPolicy']) applyIdentity(s, p['identityPolicy'], principal);
      if (!p['keyPolicy'] && !p['identityPolicy']) throw new Error(`cannot apply ${JSON.stringify(p)}`);
  }
  return s;
}

const cases = scenarioFiles()
  .flatMap((f) => f.cases)
  .flatMap((c) => {
    const { request, finding } = explain(c.event);
    const first = finding.rootCauses[0];
    if (!first || !first.fix.verified || !first.fix.policyPatch || first.fix.stillDeniedBy) return [];
    return [[`${c.name} (${first.id})`, c.event, request, first] as const];
  });

describe('applying a verified fix to the snapshot removes the cause', () => {
  it('covers most causes', () => {
    expect(new Set(cases.map((c) => c[3].id)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (_name, event, request, cause) => {
    const keyArn = cause.id === 'kms-key-access' ? /arn:aws:kms:[^ ]+/.exec(cause.title)![0] : null;
    const patched = apply(
      base,
      cause,
      request.principal.identityArn!,
      request.principal.arn,
      request.vpcEndpointId,
      keyArn,
    );
    const view = new SnapshotView(loadSnapshot(JSON.stringify(patched), 'patched'));
    // the old record's enhanced message still names the layer; compare evaluations only
    const again = explain({ ...event, errorMessage: 'Access Denied' }, view).finding;
    expect(again.error).toBeUndefined();
    expect(again.checks.find((c) => c.layer === cause.id)?.status).toBe('pass');
    // a decisive error code (a KMS record's AccessDenied) still names its layer, but no longer as confirmed
    const code = request.evidence!.errorCode;
    if (code.decisive && code.pointsAt.includes(cause.id))
      expect(again.rootCauses.find((c) => c.id === cause.id)?.confidence).toBe('likely');
    else expect(again.rootCauses.map((c) => c.id)).not.toContain(cause.id);
  });
});
