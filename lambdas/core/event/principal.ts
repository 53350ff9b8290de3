/**
 * `userIdentity` -> Principal, for every identity type CloudTrail records.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import type { Principal, PrincipalType } from '../model';
import { asObject, bool, field, textField, type JsonObject } from './fields';

const KNOWN_TYPES: ReadonlySet<string> = new Set([
  'IAMUser',
  'AssumedRole',
  'FederatedUser',
  'Root',
  'AWSAccount',
  'AWSService',
  'WebIdentityUser',
  'SAMLUser',
  'IdentityCenterUser',
]);

/** The marker S3 records for unsigned requests: `{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}`. */
const ANONYMOUS_ACCOUNT = /^(ANONYMOUS_PRINCIPAL|anonymous)$/i;

const ACCOUNT_IN_ARN = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;
const ASSUMED_ROLE_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)(?:\/(.+))?$/;
const IAM_USER_ARN = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;
const FEDERATED_USER_ARN = /^arn:[^:]+:sts::\d{12}:federated-user\/(.+)$/;

export function toPrincipal(userIdentity: unknown): Principal {
  const ui = asObject(userIdentity);
  const rawType = textField(ui, 'type');
  const type: PrincipalType =
    rawType !== null && KNOWN_TYPES.has(rawType) ? (rawType as PrincipalType) : 'Unknown';
  const base = basePrincipal(ui, type);
  switch (type) {
    case 'IAMUser':
      return iamUser(ui, base);
    case 'AssumedRole':
      return assumedRole(ui, base);
    case 'FederatedUser':
      return federatedUser(ui, base);
    case 'Root':
      return root(base);
    case 'AWSAccount':
      return awsAccount(base);
    case 'AWSService':
      return awsService(base);
    case 'WebIdentityUser':
    case 'SAMLUser':
      return {
        ...base,
        federatedProvider: textField(ui, 'identityProvider'),
        userName: textField(ui, 'userName'),
      };
    case 'IdentityCenterUser':
      return { ...base, principalId: base.principalId ?? textField(asObject(ui['onBehalfOf']), 'userId') };
    default:
      return base;
  }
}

/** What every type shares; the per-type functions refine it. */
function basePrincipal(ui: JsonObject, type: PrincipalType): Principal {
  const arn = textField(ui, 'arn');
  return {
    type,
    arn,
    identityArn: null,
    accountId: textField(ui, 'accountId') ?? accountFromArn(arn),
    sessionName: null,
    principalId: textField(ui, 'principalId'),
    accessKeyId: textField(ui, 'accessKeyId'),
    invokedBy: textField(ui, 'invokedBy'),
    userName: null,
    mfaAuthenticated: bool(field(asObject(asObject(ui['sessionContext'])['attributes']), 'mfaAuthenticated')),
    federatedProvider: textField(
      asObject(asObject(ui['sessionContext'])['webIdFederationData']),
      'federatedProvider',
    ),
  };
}

const accountFromArn = (arn: string | null): string | null =>
  arn ? (ACCOUNT_IN_ARN.exec(arn)?.[1] ?? null) : null;

/**
 * An IAM user: the ARN is the identity. Some records (e.g. a Panther fixture) say IAMUser but carry only a
 * role-session principalId and no ARN; the identity is then not derivable and stays null.
 */
function iamUser(ui: JsonObject, base: Principal): Principal {
  const isUserArn = base.arn !== null && IAM_USER_ARN.test(base.arn);
  const userName =
    textField(ui, 'userName') ?? (isUserArn ? (IAM_USER_ARN.exec(base.arn!)?.[1] ?? null) : null);
  return { ...base, identityArn: isUserArn ? base.arn : null, userName };
}

/**
 * A role session: the identity is the role, `sessionContext.sessionIssuer.arn` (with its path). Without a
 * session issuer the role ARN is derived from the session ARN; the role's path is then unknown (the derived ARN
 * has none), so the adapter must resolve the role by name.
 */
function assumedRole(ui: JsonObject, base: Principal): Principal {
  const issuer = asObject(asObject(ui['sessionContext'])['sessionIssuer']);
  const issuerArn = textField(issuer, 'arn');
  const parsed = base.arn ? ASSUMED_ROLE_ARN.exec(base.arn) : null;
  const derived = parsed ? `arn:${parsed[1]}:iam::${parsed[2]}:role/${parsed[3]}` : null;
  const sessionName = parsed?.[4] ?? sessionFromPrincipalId(base.principalId);
  return { ...base, identityArn: issuerArn ?? derived, sessionName };
}

/** A GetFederationToken session: the identity is the IAM user that called it (the session issuer), when recorded. */
function federatedUser(ui: JsonObject, base: Principal): Principal {
  const issuer = asObject(asObject(ui['sessionContext'])['sessionIssuer']);
  const name = base.arn ? (FEDERATED_USER_ARN.exec(base.arn)?.[1] ?? null) : null;
  return {
    ...base,
    identityArn: textField(issuer, 'arn'),
    sessionName: name ?? sessionFromPrincipalId(base.principalId),
  };
}

function root(base: Principal): Principal {
  const arn = base.arn ?? (base.accountId ? `arn:aws:iam::${base.accountId}:root` : null);
  return { ...base, arn, identityArn: arn };
}

/** A service principal name: `cloudfront.amazonaws.com`, `logging.s3.amazonaws.com` (lower case, dots). */
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/**
 * A call an AWS service made as itself (CloudFront origin access control, log delivery, CloudTrail and Config
 * delivery …): CloudTrail names the service only in `invokedBy` (and `sourceIPAddress` / `userAgent`), with no ARN
 * and no account. The service principal name is the caller's name: it is what a bucket policy's
 * `"Principal": {"Service": …}` names. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
function awsService(base: Principal): Principal {
  const service = base.invokedBy !== null && SERVICE_PRINCIPAL.test(base.invokedBy) ? base.invokedBy : null;
  return { ...base, arn: service, identityArn: null };
}

/**
 * The legacy CloudFront origin access identity: `{"type": "AWSAccount", "accountId": "CloudFront", "principalId":
 * "AIDA…"}` (the OAI's own id is not recorded). https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 */
const CLOUDFRONT_ACCOUNT = /^cloudfront$/i;

/**
 * The bucket owner's copy of a cross-account call: only a unique id (`AROA…:session`, `AIDA…`) and the caller's
 * account, no ARN. The unsigned (anonymous) marker also uses this type, and so does a CloudFront origin access
 * identity (reconstructed as an AWS service caller: it has no identity policies and no account of the customer).
 */
function awsAccount(base: Principal): Principal {
  if (base.accountId !== null && ANONYMOUS_ACCOUNT.test(base.accountId)) {
    return { ...base, type: 'Anonymous', accountId: null, principalId: null, arn: null };
  }
  if (base.accountId !== null && CLOUDFRONT_ACCOUNT.test(base.accountId)) {
    return {
      ...base,
      type: 'AWSService',
      arn: null,
      identityArn: null,
      accountId: null,
      sessionName: null,
      originAccessIdentity: true,
    };
  }
  return { ...base, arn: null, identityArn: null, sessionName: sessionFromPrincipalId(base.principalId) };
}

/** `AROAEXAMPLE:session-name` -> `session-name`. */
function sessionFromPrincipalId(principalId: string | null): string | null {
  if (principalId === null) return null;
  const i = principalId.indexOf(':');
  return i >= 0 && i < principalId.length - 1 ? principalId.slice(i + 1) : null;
}
