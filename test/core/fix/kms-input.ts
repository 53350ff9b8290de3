/**
 * Test helper: the KMS call S3 makes for AppRole (account A) reading an SSE-KMS object of its own account
 * (kms:Decrypt through s3.us-east-1.amazonaws.com), as the engine's KMS input. Every layer is read and empty
 * unless the test gives it: the key policy, grants, identity policies, boundary, session, SCPs and RCPs.
 */
import { known } from '../../../lambdas/core/model';
import type { KmsAuthorizationInput } from '../../../lambdas/core/policy/types';
import { A, doc, roleArn } from '../world';

export const APP = roleArn(A, 'AppRole');
export const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

export function kmsDecryptInput(layers: Partial<KmsAuthorizationInput> = {}): KmsAuthorizationInput {
  return {
    request: {
      principal: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${A}:assumed-role/AppRole/s1`,
        identityArn: APP,
        accountId: A,
      },
      action: 'kms:Decrypt',
      resource: KEY,
      resourceAccountId: A,
      context: {
        values: {
          'aws:PrincipalArn': APP,
          'aws:PrincipalAccount': A,
          'kms:ViaService': 's3.us-east-1.amazonaws.com',
          'kms:CallerAccount': A,
        },
        absent: [],
        otherKeys: 'absent',
      },
    },
    keyPolicy: known({ name: 'default', source: 'kms-key-policy', document: doc() }),
    grants: known([]),
    identityPolicies: known([]),
    permissionsBoundary: known(null),
    sessionPolicy: known(null),
    scpLevels: known(null),
    rcpLevels: known(null),
    encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::reports-bucket/q3.csv` },
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    ...layers,
  };
}
