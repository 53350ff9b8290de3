/**
 * The versioning configuration a PutBucketVersioning request sets, as CloudTrail records it
 * (requestParameters.VersioningConfiguration: Status Enabled | Suspended, MfaDelete Enabled | Disabled;
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html). Each field null when the record
 * does not carry it or carries something else. Read by the engine's input (does the request enable MFA delete?), the
 * mfa-delete fix (the same call, retried) and the change lookup (did it turn MFA delete on?).
 */
export interface RequestedVersioning {
  readonly status: 'Enabled' | 'Suspended' | null;
  readonly mfaDelete: 'Enabled' | 'Disabled' | null;
}

const one = <T extends string>(v: unknown, values: readonly T[]): T | null =>
  typeof v === 'string' ? (values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? null) : null;

/** `requestParameters` of the record (any value: only an object with the configuration gives anything). */
export function requestedVersioning(requestParameters: unknown): RequestedVersioning {
  const params =
    requestParameters !== null && typeof requestParameters === 'object'
      ? (requestParameters as Record<string, unknown>)
      : {};
  const c = params['VersioningConfiguration'];
  const config = c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
  return {
    status: one(config['Status'], ['Enabled', 'Suspended'] as const),
    mfaDelete: one(config['MfaDelete'] ?? config['MFADelete'], ['Enabled', 'Disabled'] as const),
  };
}
