/**
 * Where the request went: bucket, key, version, bucket owner, access point, KMS key — read from
 * requestParameters and resources[], tolerating the variations CloudTrail records.
 */
import { S3_OPERATIONS, type AccessPointRef } from '../actions';
import { MRAP_ARN, MRAP_HOST, OBJECT_LAMBDA_ARN } from '../actions/front-doors';
import { asArray, asObject, isObject, partitionOf, text, textField, type JsonObject } from './fields';
import { KMS_EVENT_SOURCE, s3EncryptionContextArn } from './denial';

/** `s`: an object key may hold any character, line terminators too. */
const S3_ARN = /^arn:[^:]+:s3:::([^/]+)(?:\/(.*))?$/s;
const ACCESS_POINT_ARN = /^arn:([^:]+):s3:([a-z0-9-]+):(\d{12}):accesspoint\/([^/]+)/;
const ACCESS_POINT_HOST =
  /^([a-z0-9-]+)-(\d{12})\.s3-accesspoint(?:-fips)?(?:\.dualstack)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/i;
/** Access point aliases, Multi-Region Access Point aliases and Object Lambda access point aliases. */
const ACCESS_POINT_ALIAS = /-s3alias$|\.mrap$|--ol-s3$/;
const KMS_KEY_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:(key|alias)\//;
const KMS_KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;

export interface Location {
  readonly bucket: string | null;
  readonly key: string | null;
  readonly versionId: string | null;
  readonly accessPoint: AccessPointRef | null;
}

export function locate(record: JsonObject): Location {
  if (text(record['eventSource']) === KMS_EVENT_SOURCE) return locateKms(record);
  const params = asObject(record['requestParameters']);
  const resources = asArray(record['resources']);
  const accessPoint = routesThroughAccessPoint(text(record['eventName']))
    ? (findAccessPoint(params, resources) ?? mrapByHost(params, text(record['recipientAccountId'])))
    : null;
  const named = textField(params, 'bucketName', 'Bucket');
  const bucketFromParams = named !== null && !isAccessPointName(named) ? named : null;
  const fromArns = s3ArnsOf(resources);
  const bucket = bucketFromParams ?? fromArns.find((a) => a.bucket)?.bucket ?? null;
  const key =
    textField(params, 'key', 'Key') ??
    fromArns.find((a) => a.bucket === bucket && a.key !== null)?.key ??
    null;
  return { bucket, key, versionId: textField(params, 'versionId', 'VersionId'), accessPoint };
}

/** A KMS call S3 made: bucket and key come from the `aws:s3:arn` encryption context. */
function locateKms(record: JsonObject): Location {
  const arn = s3EncryptionContextArn(record);
  const m = arn ? S3_ARN.exec(arn) : null;
  return { bucket: m?.[1] ?? null, key: m?.[2] || null, versionId: null, accessPoint: null };
}

/**
 * Object and bucket calls can be made through an access point; S3 Control calls that manage an access point
 * (PutAccessPointPolicy …) name it as their resource but do not go through it.
 */
function routesThroughAccessPoint(eventName: string | null): boolean {
  if (eventName === null || !Object.hasOwn(S3_OPERATIONS, eventName)) return true;
  const scope = S3_OPERATIONS[eventName]?.scope;
  return scope === 'object' || scope === 'bucket';
}

const isAccessPointName = (name: string): boolean =>
  ACCESS_POINT_ARN.test(name) ||
  ACCESS_POINT_ALIAS.test(name) ||
  MRAP_ARN.test(name) ||
  OBJECT_LAMBDA_ARN.test(name);

function s3ArnsOf(resources: readonly unknown[]): { bucket: string; key: string | null }[] {
  return resources.flatMap((r) => {
    const arn = textField(r, 'ARN');
    const m = arn ? S3_ARN.exec(arn) : null;
    return m ? [{ bucket: m[1]!, key: m[2] || null }] : [];
  });
}

/** An access point named in resources[], in a request parameter (an ARN given as bucket), or in the Host. */
export function findAccessPoint(params: JsonObject, resources: readonly unknown[]): AccessPointRef | null {
  const candidates = [
    ...resources.map((r) => textField(r, 'ARN')),
    // Not every parameter: an access point ARN in x-amz-copy-source names the copy's source, not the route.
    textField(params, 'bucketName', 'Bucket'),
    textField(params, 'accessPointArn', 'AccessPointArn'),
  ];
  for (const c of candidates) {
    const m = c ? ACCESS_POINT_ARN.exec(c) : null;
    if (m) return ref(m[1]!, m[2]!, m[3]!, m[4]!);
    // the newer front doors (actions/front-doors.ts): Object Lambda, then Multi-Region Access Points
    const o = c ? OBJECT_LAMBDA_ARN.exec(c) : null;
    if (o)
      return {
        arn: `arn:${o[1]!}:s3-object-lambda:${o[2]!}:${o[3]!}:accesspoint/${o[4]!}`,
        name: o[4]!,
        accountId: o[3]!,
        region: o[2]!,
        kind: 'object-lambda',
      };
    const r = c ? MRAP_ARN.exec(c) : null;
    if (r) return mrapRef(r[1]!, r[2]!, r[3]!);
  }
  const host = textField(params, 'Host', 'host');
  const h = host ? ACCESS_POINT_HOST.exec(host) : null;
  if (h) return ref(partitionOf(h[3]!), h[3]!, h[2]!, h[1]!);
  return null;
}

function mrapRef(partition: string, accountId: string, alias: string): AccessPointRef {
  return {
    arn: `arn:${partition}:s3::${accountId}:accesspoint/${alias}`,
    name: alias,
    accountId,
    region: '',
    kind: 'multi-region',
  };
}

/** A Multi-Region Access Point named only by its global host: the account is the recipient's. */
function mrapByHost(params: JsonObject, account: string | null): AccessPointRef | null {
  const host = textField(params, 'Host', 'host');
  const m = host ? MRAP_HOST.exec(host) : null;
  return m && account !== null ? mrapRef('aws', account, m[1]!.toLowerCase()) : null;
}

function ref(partition: string, region: string, accountId: string, name: string): AccessPointRef {
  return { arn: `arn:${partition}:s3:${region}:${accountId}:accesspoint/${name}`, name, accountId, region };
}

/**
 * Whether CloudTrail removed the bucket owner's account id from this record: it does so in the caller's copy of a
 * cross-account S3 data event refused with AccessDenied for the caller's account ("Redacting bucket owner account IDs
 * for data events called by other accounts",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-receive-logs-from-multiple-accounts.html).
 * Seen as: the bucket's resources[] entry without accountId, in an AccessDenied record delivered to the caller's own
 * account. The bucket is then in another account, which the record does not name.
 */
export function bucketOwnerRedacted(record: JsonObject, bucket: string | null): boolean {
  if (text(record['eventSource']) !== 's3.amazonaws.com' || bucket === null) return false;
  if (text(record['errorCode']) !== 'AccessDenied') return false;
  const caller = textField(asObject(record['userIdentity']), 'accountId');
  if (caller === null || text(record['recipientAccountId']) !== caller) return false;
  return asArray(record['resources']).some((r) => {
    if (!isObject(r) || textField(r, 'type') !== 'AWS::S3::Bucket') return false;
    const arn = textField(r, 'ARN');
    return arn !== null && S3_ARN.exec(arn)?.[1] === bucket && textField(r, 'accountId') === null;
  });
}

/**
 * The bucket owner: resources[].accountId of the bucket, else recipientAccountId (S3 records only); null when
 * CloudTrail removed it from the caller's copy of a cross-account denial (bucketOwnerRedacted).
 */
export function bucketAccountOf(record: JsonObject, bucket: string | null): string | null {
  if (text(record['eventSource']) === KMS_EVENT_SOURCE || bucket === null) return null;
  for (const r of asArray(record['resources'])) {
    if (!isObject(r)) continue;
    const arn = textField(r, 'ARN');
    const m = arn ? S3_ARN.exec(arn) : null;
    const account = textField(r, 'accountId');
    if (m?.[1] === bucket && account !== null) return account;
  }
  if (bucketOwnerRedacted(record, bucket)) return null;
  return text(record['recipientAccountId']);
}

/** The KMS key of a KMS record: resources[] AWS::KMS::Key, else requestParameters.keyId (an ARN or a key id). */
export function kmsKeyArnOf(record: JsonObject): string | null {
  for (const r of asArray(record['resources'])) {
    const arn = textField(r, 'ARN');
    if (arn && KMS_KEY_ARN.test(arn)) return arn;
  }
  const keyId = textField(asObject(record['requestParameters']), 'keyId', 'KeyId');
  if (keyId === null) return null;
  if (KMS_KEY_ARN.test(keyId)) return keyId;
  const region = text(record['awsRegion']);
  const account = text(record['recipientAccountId']);
  if (KMS_KEY_ID.test(keyId) && region && account)
    return `arn:${partitionOf(region)}:kms:${region}:${account}:key/${keyId}`;
  return null;
}

/** The account S3 Control ARNs live in: x-amz-account-id, else the recipient account. */
export function controlAccountOf(record: JsonObject): string | null {
  return (
    textField(asObject(record['requestParameters']), 'x-amz-account-id', 'accountId') ??
    text(record['recipientAccountId']) ??
    textField(asObject(record['userIdentity']), 'accountId')
  );
}
