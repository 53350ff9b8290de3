/**
 * The VPC endpoint (EC2 DescribeVpcEndpoints) and the access point (S3 Control GetAccessPoint +
 * GetAccessPointPolicy, and ListTagsForResource when a policy tests aws:ResourceTag) a request went through.
 */
import {
  GetAccessPointCommand,
  GetAccessPointPolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-s3-control';
import { known, unknown, type AccessPointFacts, type Fact, type VpcEndpointFacts } from '../../core/model';
import { frontDoorCheck } from '../../core/actions';
import type { ScopeResult } from './accounts';
import { pabOf } from './bucket';
import { ec2Sdk } from './clients';
import { policyDocument } from './documents';
import { factOf, factOrNone, unknownOf } from './facts';
import { PERMISSION } from './permissions';
import type { CachedReader } from './reader';

export async function readVpcEndpoint(
  reader: CachedReader,
  scoped: ScopeResult,
  region: string,
  id: string,
): Promise<Fact<VpcEndpointFacts>> {
  if (!scoped.ok) return scoped.fact;
  const { scope } = scoped;
  const ec2 = scope.clients(region).ec2;
  const o = await reader.read(
    `${scope.label}|${region}|ec2|DescribeVpcEndpoints|${id}`,
    PERMISSION.DescribeVpcEndpoints,
    () => ec2.send(new (ec2Sdk().DescribeVpcEndpointsCommand)({ VpcEndpointIds: [id] })),
  );
  if (!o.ok) return unknownOf(o.failure, `VPC endpoint ${id}`);
  const e = o.value.VpcEndpoints?.find((v) => v.VpcEndpointId === id) ?? o.value.VpcEndpoints?.[0];
  if (!e)
    return unknown(
      'notFound',
      `VPC endpoint ${id} is not visible in account ${scope.accountId ?? '(auditor)'} ${region}`,
    );
  return known({
    id,
    vpcId: e.VpcId ?? null,
    serviceName: e.ServiceName ?? null,
    type: e.VpcEndpointType ?? null,
    ownerId: e.OwnerId ?? null,
    // endpoint ids are Regional: the endpoint was found in the Region it was described in
    region,
    policy: e.PolicyDocument
      ? { name: id, source: 'vpc-endpoint-policy', document: policyDocument(e.PolicyDocument) }
      : null,
  });
}

export function parseAccessPointArn(arn: string): { region: string; accountId: string; name: string } | null {
  const m = /^arn:aws[a-z-]*:s3:([a-z0-9-]+):(\d{12}):accesspoint[/:]([^/]+)/.exec(arn);
  if (!m) return null;
  return { region: m[1] ?? '', accountId: m[2] ?? '', name: m[3] ?? '' };
}

export async function readAccessPoint(
  reader: CachedReader,
  scoped: ScopeResult,
  arn: string,
): Promise<Fact<AccessPointFacts>> {
  // Multi-Region and Object Lambda access points are not read: say which front door it was and what to check.
  const door = frontDoorCheck(arn);
  if (door !== null) return unknown('notCollected', door);
  const ap = parseAccessPointArn(arn);
  if (!ap) return unknown('error', `not an access point ARN: ${arn}`);
  if (!scoped.ok) return scoped.fact;
  const { scope } = scoped;
  const s3control = scope.clients(ap.region).s3control;
  const key = `${scope.label}|${ap.region}|s3control|%s|${ap.accountId}|${ap.name}`;
  const [point, policy] = await Promise.all([
    reader.read(key.replace('%s', 'GetAccessPoint'), PERMISSION.GetAccessPoint, () =>
      s3control.send(new GetAccessPointCommand({ AccountId: ap.accountId, Name: ap.name })),
    ),
    reader.read(key.replace('%s', 'GetAccessPointPolicy'), PERMISSION.GetAccessPointPolicy, () =>
      s3control.send(new GetAccessPointPolicyCommand({ AccountId: ap.accountId, Name: ap.name })),
    ),
  ]);
  if (!point.ok) return unknownOf(point.failure, `access point ${arn}`);
  const v = point.value;
  if (!v.Bucket) return unknown('error', `GetAccessPoint returned no bucket for ${arn}`);
  const origin = v.NetworkOrigin === 'VPC' || v.NetworkOrigin === 'Internet' ? v.NetworkOrigin : null;
  return known({
    arn,
    name: v.Name ?? ap.name,
    bucket: v.Bucket,
    accountId: ap.accountId,
    networkOrigin: origin,
    vpcId: v.VpcConfiguration?.VpcId ?? null,
    policy: factOrNone(
      policy,
      (p) =>
        p.Policy
          ? {
              name: v.Name ?? ap.name,
              arn,
              source: 'access-point-policy' as const,
              document: policyDocument(p.Policy),
            }
          : null,
      `access point ${arn} policy`,
    ),
    publicAccessBlock: pabOf(v.PublicAccessBlockConfiguration),
  });
}

/**
 * The access point's tags (S3 Control ListTagsForResource): aws:ResourceTag of a request through it
 * (core/fix/context.ts resourceTagKeys). {} = no tags.
 */
export async function readAccessPointTags(
  reader: CachedReader,
  scoped: ScopeResult,
  arn: string,
): Promise<Fact<Readonly<Record<string, string>>>> {
  const ap = parseAccessPointArn(arn);
  if (!ap) return unknown('error', `not an access point ARN: ${arn}`);
  if (!scoped.ok) return scoped.fact;
  const { scope } = scoped;
  const s3control = scope.clients(ap.region).s3control;
  const o = await reader.read(
    `${scope.label}|${ap.region}|s3control|ListTagsForResource|${arn}`,
    PERMISSION.ListTagsForResource,
    () => s3control.send(new ListTagsForResourceCommand({ AccountId: ap.accountId, ResourceArn: arn })),
  );
  return factOf(
    o,
    (v) => Object.fromEntries((v.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    `access point ${arn} tags`,
  );
}
