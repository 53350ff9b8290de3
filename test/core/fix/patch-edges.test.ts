/**
 * Edge cases of the policy patches: a lower-case URL-encoded policy after white space, an exception list whose
 * block names another key first, and a KMS fix targeting a layer the KMS decision does not have.
 */
import { exemptPrincipal, policyDocument } from '../../../lambdas/core/fix/patch';
import { verifyKms } from '../../../lambdas/core/fix/verify';
import { A, roleArn } from '../world';
import { APP, kmsDecryptInput } from './kms-input';
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
    const input = kmsDecryptInput({
      request: {
        ...kmsDecryptInput().request,
        context: { values: { 'aws:PrincipalArn': APP }, absent: [], otherKeys: 'absent' },
      },
      encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' },
    });
    expect(verifyKms(input, ['object-lock']).verified).toBe(false);
  });
});
