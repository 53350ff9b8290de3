/** buildAuthorizationInput: the facts mapped to the engine's input for one need. */
import { buildAuthorizationInput } from '../../lambdas/core/analyze';
import { explain, scenarioEvent } from './checkers/helpers';

function inputFor(
  scenario: string,
  mutate: (e: Record<string, unknown>) => void = () => undefined,
  needIndex = 0,
) {
  const event = scenarioEvent(scenario);
  mutate(event);
  const { request, facts } = explain(event);
  return buildAuthorizationInput(request, request.needs[needIndex]!, facts);
}

describe('buildAuthorizationInput', () => {
  it('fills the keys the facts determine: organization, resource account, principal tags', () => {
    const input = inputFor("alice's group only covers dev/ objects");
    expect(input.request.context.values).toMatchObject({
      'aws:PrincipalOrgID': 'o-exampleorg',
      'aws:ResourceOrgID': 'o-exampleorg',
      'aws:ResourceAccount': '111122223333',
      'aws:PrincipalTag/team': 'reports',
      'aws:username': 'alice',
    });
    expect(input.request.resourceAccountId).toBe('111122223333');
    expect(input.identityPolicies).toMatchObject({ status: 'known' });
    expect(input.scpLevels).toMatchObject({ status: 'known' });
  });

  it('marks aws:PrincipalOrgID absent for a caller outside any organization', () => {
    const input = inputFor(
      'ExternalAuditor (outside the organization) reads audit/ although the bucket policy allows it',
    );
    expect(input.request.context.absent).toContain('aws:PrincipalOrgID');
    expect(input.scpLevels).toEqual({ status: 'known', value: null });
  });

  it('resolves a caller seen only by unique id (the bucket owner copy) and rebuilds its session ARN', () => {
    const input = inputFor('PartnerReader reads outside the shared/ prefix', (e) => {
      e['userIdentity'] = {
        type: 'AWSAccount',
        principalId: 'AROAPARTNERREADER001:partner',
        accountId: '444455556666',
      };
    });
    expect(input.request.principal).toMatchObject({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::444455556666:assumed-role/PartnerReader/partner',
      identityArn: 'arn:aws:iam::444455556666:role/PartnerReader',
      accountId: '444455556666',
    });
  });

  it('gives the object owner and ACL for reads, none for a key that does not exist or for a write', () => {
    const read = inputFor("bucket owner's admin cannot read an object the partner uploaded and still owns");
    expect(read.s3?.objectOwnerAccountId).toEqual({ status: 'known', value: '444455556666' });
    const missing = inputFor('bob reads a key that does not exist and may not list');
    expect(missing.s3?.objectOwnerAccountId).toBeNull();
    expect(missing.s3?.objectAcl).toBeNull();
    const write = inputFor("partner account's allow-list SCP has no s3:PutObject");
    expect(write.s3?.objectOwnerAccountId).toBeNull();
  });

  it('passes the endpoint policy, and known(null) for an endpoint with the default full-access policy', () => {
    expect(inputFor('PutObject through an endpoint that only allows reads').vpcEndpointPolicy).toMatchObject({
      status: 'known',
      value: { source: 'vpc-endpoint-policy' },
    });
    expect(inputFor('ruled out: endpoint with the default full-access policy').vpcEndpointPolicy).toEqual({
      status: 'known',
      value: null,
    });
    expect(inputFor('ruled out: not through an endpoint').vpcEndpointPolicy).toBeNull();
  });

  it('carries the policy a PutBucketPolicy request sets, for BlockPublicPolicy', () => {
    const input = inputFor('ProtectBucketConfig SCP denies PutBucketPolicy to non-admins');
    const doc = input.request.context.values['s3-403:RequestPolicy'];
    expect(typeof doc === 'string' && JSON.parse(doc)).toMatchObject({ Statement: [{ Sid: 'TeamRead' }] });
  });
});
