/**
 * `x-amz-copy-source` of CopyObject / UploadPartCopy: `[/]bucket/key[?versionId=id]`, URL-encoded, or an
 * access point form `arn:aws:s3:<region>:<account>:accesspoint/<name>/object/<key>`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html#API_CopyObject_RequestSyntax
 */
export interface CopySource {
  readonly bucket: string | null;
  readonly key: string;
  readonly versionId: string | null;
  /** Set when the source is named through an access point. */
  readonly accessPointArn: string | null;
}

/** `s`: the key may hold any character, line terminators too. */
const AP_OBJECT = /^(arn:[^:]+:s3:[^:]*:\d{12}:accesspoint\/[^/]+)\/object\/(.+)$/s;

export function parseCopySource(raw: string): CopySource | null {
  const q = raw.indexOf('?');
  const path = decode(q >= 0 ? raw.slice(0, q) : raw).replace(/^\/+/, '');
  const versionId = q >= 0 ? new URLSearchParams(raw.slice(q + 1)).get('versionId') : null;
  const ap = AP_OBJECT.exec(path);
  if (ap) return { bucket: null, key: ap[2]!, versionId: versionId || null, accessPointArn: ap[1]! };
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return null;
  return {
    bucket: path.slice(0, slash),
    key: path.slice(slash + 1),
    versionId: versionId || null,
    accessPointArn: null,
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
