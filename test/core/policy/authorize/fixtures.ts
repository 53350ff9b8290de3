/** Shared builders for the request-level engine tests (not a test file). */
import {
  known,
  type Acl,
  type NamedPolicy,
  type OrgLevel,
  type PolicySource,
} from '../../../../lambdas/core/model';
import type {
  AuthorizationInput,
  AuthorizationResult,
  EnginePrincipal,
  EngineRequest,
  KmsAuthorizationInput,
  LayerId,
  LayerResult,
} from '../../../../lambdas/core/policy/types';

export const ACCT = '111122223333';
export const OTHER = '444455556666';
export const BUCKET = 'my-bucket';
export const OBJECT_ARN = `arn:aws:s3:::${BUCKET}/k`;
export const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
export const OWNER_CID = 'a'.repeat(64);
export const OTHER_CID = 'b'.repeat(64);

export const roleSession = (acct = ACCT, role = 'App', session = 'sess'): EnginePrincipal => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${acct}:assumed-role/${role}/${session}`,
  identityArn: `arn:aws:iam::${acct}:role/${role}`,
  accountId: acct,
  canonicalId: acct === ACCT ? OWNER_CID : OTHER_CID,
});
export const iamUser = (acct = ACCT, name = 'alice'): EnginePrincipal => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::${acct}:user/${name}`,
  identityArn: `arn:aws:iam::${acct}:user/${name}`,
  accountId: acct,
  canonicalId: acct === ACCT ? OWNER_CID : OTHER_CID,
});
export const anonymous: EnginePrincipal = {
  type: 'Anonymous',
  arn: null,
  identityArn: null,
  accountId: null,
};
export const service = (name = 'cloudtrail.amazonaws.com'): EnginePrincipal => ({
  type: 'AWSService',
  arn: null,
  identityArn: null,
  accountId: null,
  serviceName: name,
});

export function request(
  principal: EnginePrincipal,
  action = 's3:GetObject',
  resource = OBJECT_ARN,
  values: Record<string, string | string[]> = {},
  otherKeys: 'absent' | 'unknown' = 'absent',
): EngineRequest {
  const base: Record<string, string | string[]> = {};
  if (principal.identityArn) base['aws:PrincipalArn'] = principal.identityArn;
  if (principal.accountId) base['aws:PrincipalAccount'] = principal.accountId;
  return {
    principal,
    action,
    resource,
    resourceAccountId: ACCT,
    context: { values: { ...base, ...values }, absent: [], otherKeys },
  };
}

export type Stmt = Record<string, unknown>;
export const policy = (name: string, source: PolicySource, ...statements: Stmt[]): NamedPolicy => ({
  name,
  source,
  document: { Version: '2012-10-17', Statement: statements },
});

export const allow = (
  action: string | string[],
  resource: string | string[] = '*',
  extra: Stmt = {},
): Stmt => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
export const deny = (
  action: string | string[],
  resource: string | string[] = '*',
  extra: Stmt = {},
): Stmt => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
  ...extra,
});

export const FULL_ACCESS = (source: 'scp' | 'rcp'): NamedPolicy =>
  policy(source === 'scp' ? 'FullAWSAccess' : 'RCPFullAWSAccess', source, {
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
    ...(source === 'rcp' ? { Principal: '*' } : {}),
  });

export const orgPath = (
  source: 'scp' | 'rcp',
  extra: Partial<Record<number, NamedPolicy[]>> = {},
): OrgLevel[] =>
  ['r-root', 'ou-abcd-11111111', ACCT].map((target, i) => ({
    target,
    policies: extra[i] ?? [FULL_ACCESS(source)],
  }));

export const ownerAcl = (...extra: Acl['Grants']): Acl => ({
  Owner: { ID: OWNER_CID },
  Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER_CID }, Permission: 'FULL_CONTROL' }, ...extra],
});

/** A same-account, object-level input with nothing granted; override what a case needs. */
export function input(
  req: EngineRequest,
  over: Partial<AuthorizationInput> = {},
  s3: Partial<NonNullable<AuthorizationInput['s3']>> = {},
): AuthorizationInput {
  const noIam = req.principal.type === 'Anonymous' || req.principal.type === 'AWSService';
  return {
    request: req,
    identityPolicies: noIam ? null : known([]),
    permissionsBoundary: noIam ? null : known(null),
    sessionPolicy: noIam || req.principal.type !== 'AssumedRole' ? null : known(null),
    bucketPolicy: known(null),
    accessPointPolicy: null,
    vpcEndpointPolicy: null,
    scpLevels: known(null),
    rcpLevels: known(null),
    s3: {
      accountPublicAccessBlock: known(null),
      bucketPublicAccessBlock: known(null),
      accessPointPublicAccessBlock: null,
      bucketAcl: known(ownerAcl()),
      objectAcl: req.resource.includes('/') ? known(ownerAcl()) : null,
      ownership: known('BucketOwnerEnforced'),
      objectOwnerAccountId: req.resource.includes('/') ? known(ACCT) : null,
      bucketOwnerCanonicalId: OWNER_CID,
      ...s3,
    },
    ...over,
  };
}

export const bucketPolicy = (...statements: Stmt[]): NamedPolicy =>
  policy('bucket-policy', 'bucket-policy', ...statements);
export const identity = (...statements: Stmt[]): NamedPolicy =>
  policy('AppPolicy', 'identity-managed', ...statements);

/** The customer managed key of the KMS tests, and the encryption context S3 uses for an object. */
export const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const EC = { 'aws:s3:arn': 'arn:aws:s3:::my-bucket/k' };
export const keyPolicy = (...s: Stmt[]): NamedPolicy => policy('key-policy', 'kms-key-policy', ...s);
/** The default key policy statement: the account's IAM policies decide. */
export const trustAccount = (acct: string): Stmt =>
  allow('kms:*', '*', { Sid: 'EnableIAM', Principal: { AWS: `arn:aws:iam::${acct}:root` } });

/** A kms:Decrypt of a customer managed key of ACCT whose policy trusts ACCT; override what a case needs. */
export function kmsInput(
  principal: EnginePrincipal = roleSession(),
  over: Partial<KmsAuthorizationInput> = {},
): KmsAuthorizationInput {
  return {
    request: {
      principal,
      action: 'kms:Decrypt',
      resource: KEY,
      resourceAccountId: ACCT,
      context: {
        values: {
          'aws:PrincipalArn': principal.identityArn as string,
          'kms:EncryptionContext:aws:s3:arn': EC['aws:s3:arn'],
        },
        absent: [],
        otherKeys: 'absent',
      },
    },
    keyPolicy: known(keyPolicy(trustAccount(ACCT))),
    grants: known([]),
    identityPolicies: known([]),
    permissionsBoundary: known(null),
    sessionPolicy: known(null),
    scpLevels: known(null),
    rcpLevels: known(null),
    encryptionContext: EC,
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    ...over,
  };
}

/** The result's layer `id` (a test that reads a layer the engine did not report fails here, by name). */
export const layerOf = (r: AuthorizationResult, id: LayerId): LayerResult => {
  const l = r.layers.find((x) => x.layer === id);
  if (!l) throw new Error(`no ${id} layer`);
  return l;
};

/** An ACL grant of READ to the AllUsers group: public. */
export const ALL_USERS = {
  Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
  Permission: 'READ',
};
