/**
 * Fixes that add an Allow: one statement per resource naming every action needed on it, for this caller only;
 * verified by re-evaluating the request with the statement added, as AWS would evaluate the changed policy.
 */
import type { CheckerInput } from '../../../lambdas/core/checkers/types';
import type { ActionNeed, NamedPolicy } from '../../../lambdas/core/model';
import { known, unknown } from '../../../lambdas/core/model';
import {
  addToPolicy,
  allowStatements,
  FIX_POLICY_NAME,
  identityAllowFix,
} from '../../../lambdas/core/fix/grants';
import { explain } from '../checkers/helpers';
import { A, B, recordFor, roleArn, viewOf } from '../world';

const BUCKET = 'reports-bucket';
const Q3 = `arn:aws:s3:::${BUCKET}/q3.csv`;
const need = (action: string, resource = Q3): ActionNeed => ({
  action,
  resource,
  resourceType: 'object',
  bucket: BUCKET,
  key: 'q3.csv',
});

function inputOf(caller: string, bucketPolicy: Record<string, unknown>[] | null = null): CheckerInput {
  const view = viewOf({
    roles: [{ account: caller, name: 'AppRole', statements: [] }],
    buckets: { [BUCKET]: { account: A, policy: bucketPolicy, objects: { 'q3.csv': {} } } },
  });
  const { request, facts } = explain(
    recordFor({ account: caller, role: 'AppRole', bucket: BUCKET, key: 'q3.csv' }),
    view,
  );
  return { request, facts, evaluations: [] };
}

describe('allowStatements', () => {
  it('one statement per resource, naming each action once, with a Sid made of them', () => {
    const out = allowStatements([
      need('s3:GetObject'),
      need('s3:GetObjectVersion'),
      need('s3:GetObject'),
      need('s3:PutObject', `arn:aws:s3:::${BUCKET}/q4.csv`),
    ]);
    expect(out).toEqual([
      {
        Sid: 'AllowGetObjectGetObjectVersionReportsBucketQ3Csv',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: Q3,
      },
      {
        Sid: 'AllowPutObjectReportsBucketQ4Csv',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/q4.csv`,
      },
    ]);
  });

  it('names the principal for a resource policy, and carries a condition', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k1';
    const [s] = allowStatements([need('kms:Decrypt', key)], roleArn(B, 'Partner'), {
      StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
    });
    expect(s).toEqual({
      Sid: 'AllowDecryptArnAwsKmsUsEast1111122223333KeyK1',
      Effect: 'Allow',
      Principal: { AWS: roleArn(B, 'Partner') },
      Action: 'kms:Decrypt',
      Resource: key,
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    expect(allowStatements([need('s3:GetObject')], null)[0]).not.toHaveProperty('Principal');
  });
});

describe('identityAllowFix', () => {
  it('adds a new inline policy to the role with exactly the denied action and object, verified', () => {
    const fix = identityAllowFix(inputOf(A), [need('s3:GetObject')], 'Add an Allow');
    expect(fix.summary).toBe('Add an Allow');
    expect(fix.verified).toBe(true);
    expect(fix.commands).toEqual([
      `aws iam put-role-policy --role-name AppRole --policy-name ${FIX_POLICY_NAME} --policy-document file://policy.json`,
    ]);
    const statement = {
      Sid: 'AllowGetObjectReportsBucketQ3Csv',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: Q3,
    };
    expect(fix.policyPatch).toEqual({
      layer: 'identity-policy',
      principal: roleArn(A, 'AppRole'),
      newInlinePolicy: FIX_POLICY_NAME,
      addStatement: statement,
      document: { Version: '2012-10-17', Statement: [statement] },
    });
  });

  it('lists the statements when several resources are needed', () => {
    const fix = identityAllowFix(
      inputOf(A),
      [need('s3:GetObject'), need('s3:GetObject', `arn:aws:s3:::${BUCKET}/q4.csv`)],
      's',
    );
    expect(Array.isArray(fix.policyPatch!['addStatement'])).toBe(true);
    expect((fix.policyPatch!['addStatement'] as unknown[]).length).toBe(2);
  });

  it("is not verified when the caller's policies are not known (nothing to re-evaluate)", () => {
    const input = inputOf(A);
    const fix = identityAllowFix(
      { ...input, facts: { ...input.facts, principal: unknown('notCollected') } },
      [need('s3:GetObject')],
      's',
    );
    expect(fix.verified).toBe(false);
  });

  it('for a caller with no identity facts at all (no principal gathered), is not verified and still printed', () => {
    const input = inputOf(A);
    const fix = identityAllowFix(
      { ...input, facts: { ...input.facts, principal: null } },
      [need('s3:GetObject')],
      's',
    );
    expect(fix.verified).toBe(false);
    expect(fix.commands).toEqual([
      `aws iam put-role-policy --role-name AppRole --policy-name ${FIX_POLICY_NAME} --policy-document file://policy.json`,
    ]);
  });

  it('for a caller of another account, is verified on its identity policy but names the bucket side that still gives no allow', () => {
    const fix = identityAllowFix(inputOf(B), [need('s3:GetObject')], 's');
    expect(fix.verified).toBe(true);
    // the bucket owner grants nothing to the other account (no bucket policy, an owner-only ACL)
    expect(fix.stillDeniedBy).toEqual(['acl (no allow)']);
  });
});

describe('addToPolicy', () => {
  it('adds the statements to the bucket policy, keeps its statements, and verifies the bucket policy now allows', () => {
    const keep = {
      Sid: 'Keep',
      Effect: 'Allow',
      Principal: { AWS: roleArn(A, 'Other') },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${BUCKET}`,
    };
    const input = inputOf(B, [keep]);
    const existing: NamedPolicy = {
      name: 'bucket-policy',
      source: 'bucket-policy',
      document: { Version: '2012-10-17', Statement: [keep] },
    };
    const statements = allowStatements([need('s3:GetObject')], roleArn(B, 'AppRole'));
    const { patched, outcome } = addToPolicy(
      input,
      [need('s3:GetObject')],
      'bucket-policy',
      existing,
      { name: 'new', source: 'bucket-policy' },
      statements,
      (base, p) => ({ ...base, bucketPolicy: known(p) }),
    );
    expect(patched.document).toEqual({ Version: '2012-10-17', Statement: [keep, ...statements] });
    expect(outcome.verified).toBe(true);
  });

  it('makes a new policy from the fallback when there is none, and is not verified when the statement does not grant', () => {
    const input = inputOf(B);
    const wrong = allowStatements([need('s3:GetObject')], roleArn(B, 'SomeoneElse'));
    const { patched, outcome } = addToPolicy(
      input,
      [need('s3:GetObject')],
      'bucket-policy',
      null,
      { name: 'new', source: 'bucket-policy' },
      wrong,
      (base, p) => ({ ...base, bucketPolicy: known(p) }),
    );
    expect(patched).toMatchObject({ name: 'new', source: 'bucket-policy', document: { Statement: wrong } });
    expect(outcome.verified).toBe(false);
  });
});
