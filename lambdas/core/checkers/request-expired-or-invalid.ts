import type { AccessRequest, Evidence } from '../model';
import { presignCommand } from '../fix/commands';
import { ownValue } from '../own';
import type { Checker, CheckResult } from './types';

/** Authentication failures S3 reports before any policy is evaluated. */
const AUTH_CODES: Readonly<Record<string, string>> = {
  SignatureDoesNotMatch:
    'the request signature does not match (wrong secret key, or the URL/headers changed after signing)',
  InvalidAccessKeyId: 'the access key id does not exist (deleted, deactivated, or from another partition)',
  ExpiredToken: 'the session token of the temporary credentials has expired',
  TokenRefreshRequired: 'the session token must be refreshed',
  InvalidToken: 'the session token is malformed or invalid',
  RequestTimeTooSkewed: "the signing clock differs from AWS's by more than 15 minutes",
  RequestExpired: 'the signed request has expired',
  AuthorizationQueryParametersError: 'the presigned URL query parameters are malformed',
};

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;

function field(raw: Readonly<Record<string, unknown>>, obj: string, key: string): string | null {
  const o = raw[obj];
  if (!o || typeof o !== 'object') return null;
  const entry = Object.entries(o as Record<string, unknown>).find(
    ([k]) => k.toLowerCase() === key.toLowerCase(),
  );
  return entry ? str(entry[1]) : null;
}

/** "20261120T101500Z" -> epoch ms. */
function amzDate(v: string | null): number | null {
  const m = v ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v) : null;
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null;
}

interface Presign {
  readonly signedAt: number;
  readonly expiresIn: number;
  readonly at: number;
}

function presigned(request: AccessRequest): Presign | null {
  const signedAt = amzDate(field(request.raw, 'requestParameters', 'X-Amz-Date'));
  // X-Amz-Expires is a number of seconds; a record without it does not say how long the URL was valid (not 0 s)
  const seconds = field(request.raw, 'requestParameters', 'X-Amz-Expires');
  const expires = seconds !== null && /^\d+$/.test(seconds.trim()) ? Number(seconds) : NaN;
  const at = Date.parse(request.eventTime);
  if (signedAt === null || !Number.isFinite(expires) || Number.isNaN(at)) return null;
  return { signedAt, expiresIn: expires, at };
}

const isQueryString = (request: AccessRequest): boolean =>
  field(request.raw, 'additionalEventData', 'AuthenticationMethod') === 'QueryString';

export const checker: Checker = {
  id: 'request-expired-or-invalid',
  title: 'Presigned URL expired, bad signature or similar request-level denial',
  detection:
    'From the record alone: an authentication error code (SignatureDoesNotMatch, InvalidAccessKeyId, ExpiredToken, RequestTimeTooSkewed …), the message "Request has expired", or a presigned (QueryString) request whose X-Amz-Date + X-Amz-Expires is before the event time.',
  fixSummary:
    'Sign a new request: a fresh presigned URL (aws s3 presign --expires-in), credentials that outlive the URL (a URL signed with temporary credentials dies with them), a synchronised clock.',
  check({ request }): CheckResult {
    const evidence: Evidence[] = [];
    let cause: string | null = null;
    const codeCause = ownValue(AUTH_CODES, request.errorCode);
    if (codeCause) cause = codeCause;
    if (
      !cause &&
      request.errorMessage &&
      /request has expired|expired token|token.*expired/i.test(request.errorMessage)
    ) {
      cause = 'the signed request had expired when S3 received it';
    }
    if (cause)
      evidence.push({
        layer: 'request',
        detail: `${request.errorCode}: ${request.errorMessage ?? ''}`.trim(),
      });
    const p = isQueryString(request) ? presigned(request) : null;
    if (p) {
      const until = p.signedAt + p.expiresIn * 1000;
      const late = Math.round((p.at - until) / 1000);
      const signed = new Date(p.signedAt).toISOString();
      if (late > 0) {
        cause ??= 'the presigned URL had expired when it was used';
        evidence.push({
          layer: 'request',
          detail: `presigned at ${signed} for ${p.expiresIn} s, used at ${request.eventTime}: ${late} s after it expired`,
        });
      } else if (!cause) {
        return {
          status: 'pass',
          detail: `presigned URL valid until ${new Date(until).toISOString()} (signed ${signed})`,
        };
      }
    }
    if (!cause) {
      return {
        status: 'pass',
        detail: `S3 authenticated the request (${request.errorCode} is an authorization result)`,
      };
    }
    const temporary = request.principal.accessKeyId?.startsWith('ASIA') ?? false;
    const bucket = request.bucket ?? 'BUCKET';
    return {
      status: 'deny',
      confidence: 'confirmed',
      title: `The request was rejected before authorization: ${cause}`,
      explanation: `S3 checks the signature, the credentials and the expiry of a request before it evaluates any policy; ${cause}, so no policy change helps.${
        isQueryString(request) && temporary
          ? ' The URL was signed with temporary credentials (ASIA…): a presigned URL stops working when those credentials expire, whatever X-Amz-Expires says.'
          : ''
      }`,
      evidence,
      fix: {
        summary: isQueryString(request)
          ? `Generate a new presigned URL and use it before it expires${temporary ? ', signed with credentials that live at least as long as the URL' : ''}.`
          : 'Re-sign the request with valid, current credentials and a synchronised clock.',
        commands: isQueryString(request)
          ? [presignCommand(bucket, request.key)]
          : ['aws sts get-caller-identity'],
        verified: false,
      },
    };
  },
};
