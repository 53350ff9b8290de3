import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { contextEntries, crossCheckWithSimulator } from '../../../lambdas/adapters/aws/simulator';
import {
  ACCOUNT,
  BUCKET,
  KEY,
  ROLE_ARN,
  awsError,
  mockedAws,
  sampleRequest,
} from '../../../scripts/bench/live';

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
// EvalDecision: allowed | explicitDeny | implicitDeny.
const RESOURCE = `arn:aws:s3:::${BUCKET}/${KEY}`;

describe('crossCheckWithSimulator', () => {
  it('simulates the role (not the session) with the needs and the context values', async () => {
    const aws = mockedAws(0);
    aws.on('iam', SimulatePrincipalPolicyCommand, () => ({
      EvaluationResults: [
        {
          EvalActionName: 's3:GetObject',
          EvalResourceName: RESOURCE,
          EvalDecision: 'implicitDeny',
          MatchedStatements: [],
          MissingContextValues: [],
        },
      ],
      IsTruncated: false,
    }));
    const verdict = await crossCheckWithSimulator(sampleRequest(), aws.clients);
    expect(verdict).toEqual({ decision: 'implicitDeny', matchedStatements: [] });
    const input = aws.stubs.iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input;
    expect(input).toEqual({
      PolicySourceArn: ROLE_ARN,
      ActionNames: ['s3:GetObject'],
      ResourceArns: [RESOURCE],
      ContextEntries: [
        { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['203.0.113.10'], ContextKeyType: 'ip' },
        { ContextKeyName: 'aws:SecureTransport', ContextKeyValues: ['true'], ContextKeyType: 'boolean' },
      ],
    });
  });

  it('the strongest decision over the needs wins, with the matched statements', async () => {
    const aws = mockedAws(0);
    aws.on('iam', SimulatePrincipalPolicyCommand, () => ({
      EvaluationResults: [
        {
          EvalActionName: 's3:PutObject',
          EvalDecision: 'allowed',
          ResourceSpecificResults: [
            {
              EvalResourceName: `arn:aws:s3:::${BUCKET}/dst`,
              EvalResourceDecision: 'allowed',
              MatchedStatements: [
                {
                  SourcePolicyId: 'ReportsWrite',
                  SourcePolicyType: 'IAM Policy',
                  StartPosition: { Line: 3, Column: 5 },
                },
              ],
            },
          ],
        },
        {
          EvalActionName: 's3:GetObject',
          EvalDecision: 'explicitDeny',
          ResourceSpecificResults: [
            {
              EvalResourceName: 'arn:aws:s3:::src/a',
              EvalResourceDecision: 'explicitDeny',
              MatchedStatements: [
                {
                  SourcePolicyId: 'DenySrc',
                  SourcePolicyType: 'IAM Policy',
                  StartPosition: { Line: 1, Column: 1 },
                },
              ],
            },
          ],
        },
      ],
    }));
    const r = sampleRequest({
      needs: [
        {
          action: 's3:PutObject',
          resource: `arn:aws:s3:::${BUCKET}/dst`,
          resourceType: 'object',
          bucket: BUCKET,
          key: 'dst',
        },
        {
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::src/a',
          resourceType: 'object',
          bucket: 'src',
          key: 'a',
        },
      ],
    });
    expect(await crossCheckWithSimulator(r, aws.clients)).toEqual({
      decision: 'explicitDeny',
      matchedStatements: ['ReportsWrite (IAM Policy) line 3', 'DenySrc (IAM Policy) line 1'],
    });
  });

  it('is not applicable (null) across accounts, for root, for an unknown caller, and gives null on error', async () => {
    const aws = mockedAws(0);
    aws.on('iam', SimulatePrincipalPolicyCommand, () => {
      throw awsError('AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy', 403);
    });
    expect(
      await crossCheckWithSimulator(
        sampleRequest({ bucketAccountId: '444455556666', crossAccount: true }),
        aws.clients,
      ),
    ).toBeNull();
    expect(
      await crossCheckWithSimulator(
        sampleRequest({
          principal: { ...sampleRequest().principal, identityArn: `arn:aws:iam::${ACCOUNT}:root` },
        }),
        aws.clients,
      ),
    ).toBeNull();
    expect(
      await crossCheckWithSimulator(
        sampleRequest({ principal: { ...sampleRequest().principal, identityArn: null } }),
        aws.clients,
      ),
    ).toBeNull();
    expect(aws.calls).toHaveLength(0);
    expect(await crossCheckWithSimulator(sampleRequest(), aws.clients)).toBeNull();
    expect(aws.calls).toHaveLength(1);
  });
});

describe('contextEntries', () => {
  it('types known keys and lists multi-valued ones (ContextKeyType enum)', () => {
    expect(
      contextEntries({
        'aws:CurrentTime': '2026-11-20T10:00:00Z',
        's3:max-keys': '10',
        'aws:PrincipalTag/team': 'x',
        'aws:SourceVpce': ['vpce-1', 'vpce-2'],
        'aws:SourceIp': [],
      }),
    ).toEqual([
      {
        ContextKeyName: 'aws:CurrentTime',
        ContextKeyValues: ['2026-11-20T10:00:00Z'],
        ContextKeyType: 'date',
      },
      { ContextKeyName: 's3:max-keys', ContextKeyValues: ['10'], ContextKeyType: 'numeric' },
      { ContextKeyName: 'aws:PrincipalTag/team', ContextKeyValues: ['x'], ContextKeyType: 'string' },
      {
        ContextKeyName: 'aws:SourceVpce',
        ContextKeyValues: ['vpce-1', 'vpce-2'],
        ContextKeyType: 'stringList',
      },
    ]);
  });
});
