/**
 * Edge cases of the policy patches: a lower-case URL-encoded policy after white space, an exception list whose
 * block names another key first, and a KMS fix targeting a layer the KMS decision does not have.
 */
import { known } from '../../../lambdas/core/model';
import type { KmsAuthorizationInput } from '../../../lambdas/core/policy/types';
import { exemptPrincipal, policyDocument } from '../../../lambdas/core/fix/patch';
import { verifyKms } from '../../../lambdas/core/fix/verify';
import { A, doc, roleArn } from '../world';

const APP = roleArn(A, 'AppRole');
const OTHER = roleArn(A, 'OtherRole');

describe('policyDocument', () => {
  it('decodes a lower-case URL-encoded policy that starts with white space', () => {
    const d = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    const lower = encodeURIComponent(JSON.stringify(d)).replace(/^%7B/, '%7b');
    expect(policyDocument(` \n${lower}`)).toEqual(d);
  });
});

describe('exemptPrincipal', () => {
  it('extends the aws:PrincipalArn values, not another key of the same ArnNotEquals block', () => {
    const deny = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs', 'aws:PrincipalArn': OTHER } },
    };
    expect(exemptPrincipal(deny, APP)['Condition']).toEqual({
      ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs', 'aws:PrincipalArn': [OTHER, APP] },
    });
  });
});

describe('verifyKms', () => {
  it('a targeted layer that the KMS decision does not have is simply not met', () => {
    const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const input: KmsAuthorizationInput = {
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
        context: { values: { 'aws:PrincipalArn': APP }, absent: [], otherKeys: 'absent' },
      },
      keyPolicy: known({ name: 'default', source: 'kms-key-policy', document: doc() }),
      grants: known([]),
      identityPolicies: known([]),
      permissionsBoundary: known(null),
      sessionPolicy: known(null),
      scpLevels: known(null),
      rcpLevels: known(null),
      encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' },
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
    };
    expect(verifyKms(input, ['object-lock']).verified).toBe(false);
  });
});
