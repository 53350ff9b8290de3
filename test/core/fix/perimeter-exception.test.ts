/**
 * A perimeter Deny the caller can never satisfy, however it makes the request (lambdas/core/fix/perimeter-exception.ts):
 * "send the request from an allowed address" or "call as a principal of the organization" is then no answer. The fix
 * changes the Deny the way AWS's own perimeter patterns do, and is verified by re-evaluation.
 *
 * A request through a VPC endpoint carries no aws:SourceIp: "The aws:SourceIp condition key is always included in
 * the request, except for requests that use an Amazon VPC endpoint" (https://repost.aws/knowledge-center/iam-restrict-access-policy);
 * through an endpoint the caller's address is aws:VpcSourceIp (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip);
 * "only these VPC endpoints or these IP addresses" is a Deny with StringNotEquals aws:SourceVpce and NotIpAddress
 * aws:SourceIp (https://repost.aws/knowledge-center/block-s3-traffic-vpc-ip).
 *
 * An AWS service calling as itself has no organization, account or endpoint of the customer's; AWS's perimeter
 * statements exclude service principals with aws:PrincipalIsAWSService ("deny access unless the request uses your
 * PrivateLink endpoint, or if the principal making the request is an AWS service principal",
 * https://aws.amazon.com/about-aws/whats-new/2021/05/aws-identity-and-access-management-now-makes-it-easier-for-you-to-manage-permissions-for-aws-services-accessing-your-resources).
 */
import { causeOf, editedEvent, exampleViewWith, explain } from '../checkers/helpers';
import { A, C, recordFor, type Stmt, viewOf, type WorldSpec } from '../world';
import { perimeterExceptions } from '../../../lambdas/core/fix/perimeter-exception';
import type { AccessRequest, RequestFacts } from '../../../lambdas/core/model';
import type { StatementTrace } from '../../../lambdas/core/policy/types';
import { officeOnlyDeny } from './traces';

const VPCE = 'vpce-0a1b2c3d4e5f60001';
const BUCKET = 'reports-bucket';

const networkDeny = (ranges: string | string[], extra: Record<string, unknown> = {}): Stmt => ({
  Sid: 'DenyOutsideOffice',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { NotIpAddress: { 'aws:SourceIp': ranges }, ...extra },
});

/** The app's own gateway endpoint (account A), with this policy (null: the default full access). */
const endpoint = (PolicyDocument: Record<string, unknown> | null): Record<string, unknown> => ({
  VpcEndpointId: VPCE,
  VpcId: 'vpc-0app',
  OwnerId: A,
  ServiceName: 'com.amazonaws.us-east-1.s3',
  PolicyDocument,
});

const world = (over: Partial<WorldSpec> = {}): WorldSpec => ({
  roles: [{ account: A, name: 'AppRole', statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
  buckets: { [BUCKET]: { account: A, policy: [networkDeny('203.0.113.0/24')], objects: { 'k.csv': {} } } },
  vpcEndpoints: { [VPCE]: endpoint(null) },
  ...over,
});

/** A GetObject from 10.0.12.34 through the endpoint (vpcEndpointAccountId as CloudTrail writes it). */
const throughEndpoint = (owner: string = A): Record<string, unknown> => ({
  ...recordFor({ account: A, role: 'AppRole', bucket: BUCKET, sourceIp: '10.0.12.34', vpcEndpointId: VPCE }),
  vpcEndpointAccountId: owner,
});

const bucketPolicy = (w: WorldSpec, record = throughEndpoint()) =>
  causeOf(explain(record, viewOf(w)).finding, 'bucket-policy-explicit-deny');

describe('a network Deny in the bucket policy, tripped by a request through a VPC endpoint', () => {
  it('public office ranges: says why no address can satisfy it and exempts the endpoint (AWS\'s "VPC endpoints or IP addresses" pattern), verified', () => {
    const c = bucketPolicy(world());
    expect(c.fix.summary).toBe(
      `The request came through VPC endpoint ${VPCE} from 10.0.12.34; a request through a VPC endpoint carries no aws:SourceIp (that address is its aws:VpcSourceIp), so NotIpAddress on aws:SourceIp in statement DenyOutsideOffice of the bucket policy matches every request through the endpoint. ` +
        `Exempt the endpoint in statement DenyOutsideOffice (StringNotEquals aws:SourceVpce ${VPCE}, AWS's pattern for allowing "these VPC endpoints or these IP addresses"). ` +
        'Or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyOutsideOffice.',
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toEqual({
      layer: 'bucket-policy',
      bucket: BUCKET,
      statement: 'DenyOutsideOffice',
      replaceStatement: {
        ...networkDeny('203.0.113.0/24'),
        Condition: {
          NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
          StringNotEquals: { 'aws:SourceVpce': VPCE },
        },
      },
    });
  });

  it("a statement that lets other endpoints through (a new VPC's endpoint is missing): adds this one to its list, verified", () => {
    const deny = networkDeny('203.0.113.0/24', { StringNotEquals: { 'aws:sourceVpce': 'vpce-0other' } });
    const c = bucketPolicy(
      world({ buckets: { [BUCKET]: { account: A, policy: [deny], objects: { 'k.csv': {} } } } }),
    );
    expect(c.fix.summary).toBe(
      `The request came through VPC endpoint ${VPCE} from 10.0.12.34, which statement DenyOutsideOffice of the bucket policy does not let through (aws:sourceVpce ${VPCE} does not equal vpce-0other); a request through a VPC endpoint carries no aws:SourceIp, so the statement's address ranges cannot let it through either. ` +
        `Add ${VPCE} to the endpoints the statement lets through, or send the request through one it lists. ` +
        'Or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyOutsideOffice.',
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: {
        NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        StringNotEquals: { 'aws:sourceVpce': ['vpce-0other', VPCE] },
      },
    });
  });

  it('the list may sit under StringNotEqualsIfExists: the endpoint joins it there', () => {
    const deny = networkDeny('203.0.113.0/24', {
      StringNotEqualsIfExists: { 'aws:SourceVpce': ['vpce-0other'] },
    });
    const c = bucketPolicy(
      world({ buckets: { [BUCKET]: { account: A, policy: [deny], objects: { 'k.csv': {} } } } }),
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toEqual({
      ...deny,
      Condition: {
        NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        StringNotEqualsIfExists: { 'aws:SourceVpce': ['vpce-0other', VPCE] },
      },
    });
  });

  it('a statement that names VPCs: its own advice (the VPC it names) comes before the address the request cannot have', () => {
    const deny = networkDeny('203.0.113.0/24', { StringNotEquals: { 'aws:SourceVpc': 'vpc-0other' } });
    const c = bucketPolicy(
      world({ buckets: { [BUCKET]: { account: A, policy: [deny], objects: { 'k.csv': {} } } } }),
    );
    expect(c.fix.summary).toBe(
      'To stay within the policy, send the request through the VPC endpoint or VPC the statement names (aws:SourceVpc vpc-0app does not equal vpc-0other); or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyOutsideOffice.',
    );
  });

  it('private ranges that hold the caller: tests aws:VpcSourceIp instead, which keeps the address restriction, verified', () => {
    const deny = networkDeny(['10.0.0.0/16', '10.1.0.0/16']);
    const c = bucketPolicy(
      world({ buckets: { [BUCKET]: { account: A, policy: [deny], objects: { 'k.csv': {} } } } }),
    );
    expect(c.fix.summary).toContain(
      'Its ranges (10.0.0.0/16, 10.1.0.0/16) are private addresses, which aws:SourceIp never holds: test aws:VpcSourceIp instead of aws:SourceIp in statement DenyOutsideOffice.',
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toEqual({
      ...deny,
      Condition: { NotIpAddress: { 'aws:VpcSourceIp': ['10.0.0.0/16', '10.1.0.0/16'] } },
    });
  });

  it('private ranges that do not hold the caller: says so, and exempts the endpoint', () => {
    const deny = networkDeny('10.9.0.0/16');
    const c = bucketPolicy(
      world({ buckets: { [BUCKET]: { account: A, policy: [deny], objects: { 'k.csv': {} } } } }),
    );
    expect(c.fix.summary).toContain(
      'Its ranges (10.9.0.0/16) are private addresses, which aws:SourceIp never holds, and 10.0.12.34 is not in them either. Exempt the endpoint',
    );
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE } },
    });
  });

  it("an endpoint of another account (neither the caller's nor the bucket's) is someone else's network: the caller is exempted instead", () => {
    const c = bucketPolicy(world(), throughEndpoint(C));
    expect(c.fix.summary).toBe(
      'To stay within the policy, send the request from an address the statement allows, not through a VPC endpoint: a request through one carries no aws:SourceIp (aws:SourceIp is absent, so NotIpAddress passes); or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyOutsideOffice.',
    );
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AppRole' } },
    });
  });

  it('a request from the internet (no endpoint) keeps the request-side advice and the principal exception', () => {
    const record = recordFor({ account: A, role: 'AppRole', bucket: BUCKET });
    const c = bucketPolicy(world(), record);
    expect(c.fix.summary).toBe(
      'To stay within the policy, send the request from a network address the statement allows (aws:SourceIp 198.51.100.7 is not in 203.0.113.0/24); or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement DenyOutsideOffice.',
    );
  });
});

describe('the same network Deny in the other policies a Deny fix patches', () => {
  const denyInPolicy: Stmt = {
    Sid: 'OfficeOnly',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, Bool: { 'aws:ViaAWSService': 'false' } },
  };
  const open = { [BUCKET]: { account: A, policy: null, objects: { 'k.csv': {} } } };

  it('an identity policy\'s Deny (AWS\'s "deny based on the source IP" example): the endpoint is exempted in that policy, verified', () => {
    const w = world({
      roles: [
        {
          account: A,
          name: 'AppRole',
          statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, denyInPolicy],
        },
      ],
      buckets: open,
    });
    const c = causeOf(explain(throughEndpoint(), viewOf(w)).finding, 'identity-policy-explicit-deny');
    expect(c.fix.summary).toMatch(
      /^The request came through VPC endpoint vpce-0a1b2c3d4e5f60001 from 10\.0\.12\.34; .* in statement OfficeOnly of AppRole-inline matches every request through the endpoint\. Exempt the endpoint in statement OfficeOnly .* Or remove the Deny statement \(its Action matches through a wildcard\) in statement OfficeOnly of AppRole-inline\.$/,
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toEqual({
      ...denyInPolicy,
      Condition: { ...(denyInPolicy['Condition'] as object), StringNotEquals: { 'aws:SourceVpce': VPCE } },
    });
  });

  it("an SCP's Deny: the endpoint is exempted in the SCP statement, verified", () => {
    const w = world({
      buckets: open,
      scps: [{ name: 'OfficeOnly', targets: [A], statements: [denyInPolicy] }],
    });
    const c = causeOf(explain(throughEndpoint(), viewOf(w)).finding, 'scp-deny');
    expect(c.fix.summary).toContain(
      `Exempt the endpoint in statement OfficeOnly (StringNotEquals aws:SourceVpce ${VPCE}`,
    );
    expect(c.fix.summary).toContain(
      'Or add an aws:PrincipalArn exception for arn:aws:iam::111122223333:role/AppRole to statement OfficeOnly of the',
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: { StringNotEquals: { 'aws:SourceVpce': VPCE } },
    });
  });
});

describe("a network Deny in the VPC endpoint's own policy", () => {
  const endpointWith = (ranges: string): WorldSpec =>
    world({
      buckets: { [BUCKET]: { account: A, policy: null, objects: { 'k.csv': {} } } },
      vpcEndpoints: {
        [VPCE]: endpoint({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
            {
              Sid: 'OnlyOurSubnets',
              Effect: 'Deny',
              Principal: '*',
              Action: '*',
              Resource: '*',
              Condition: { NotIpAddress: { 'aws:SourceIp': ranges } },
            },
          ],
        }),
      },
    });

  it('private ranges that hold the caller: tests aws:VpcSourceIp, verified', () => {
    const c = causeOf(
      explain(throughEndpoint(), viewOf(endpointWith('10.0.0.0/16'))).finding,
      'vpc-endpoint-policy',
    );
    expect(c.fix.summary).toContain(
      'test aws:VpcSourceIp instead of aws:SourceIp in statement OnlyOurSubnets.',
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: { NotIpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' } },
    });
  });

  it('public ranges: never "exempt the endpoint" in its own policy (that voids the statement); the caller is exempted', () => {
    const c = causeOf(
      explain(throughEndpoint(), viewOf(endpointWith('203.0.113.0/24'))).finding,
      'vpc-endpoint-policy',
    );
    expect(c.fix.summary).not.toContain('Exempt the endpoint');
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AppRole' } },
    });
  });
});

describe('a perimeter Deny in the bucket policy, tripped by an AWS service calling as itself', () => {
  // S3 server access log delivery (logging.s3.amazonaws.com) writing to the example's access-logs-bucket, whose
  // policy grants the service for any source bucket of the account
  const LOG =
    "server access log delivery from analytics-bucket to a log bucket that only accepts reports-bucket's logs";
  const withDeny = (deny: Stmt) =>
    exampleViewWith((s) => {
      const policy = s['buckets']['access-logs-bucket']['policy'] as { Statement: Stmt[] };
      for (const st of policy.Statement)
        if (st['Condition'])
          (st['Condition'] as Record<string, unknown>)['ArnLike'] = { 'aws:SourceArn': 'arn:aws:s3:::*' };
      policy.Statement.push(deny);
    });
  const perimeterDeny = (condition: Record<string, unknown>): Stmt => ({
    Sid: 'OrgOnly',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: 'arn:aws:s3:::access-logs-bucket/*',
    Condition: condition,
  });
  const logCause = (deny: Stmt) =>
    causeOf(explain(editedEvent(LOG), withDeny(deny)).finding, 'bucket-policy-explicit-deny');

  it('an organization perimeter (aws:PrincipalOrgID): exempts AWS service principals, verified', () => {
    const deny = perimeterDeny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorg' } });
    const c = logCause(deny);
    expect(c.fix.summary).toBe(
      'The caller is the AWS service logging.s3.amazonaws.com acting as itself (a service principal), which has no aws:PrincipalOrgID: StringNotEquals on aws:PrincipalOrgID in statement OrgOnly of the bucket policy matches every call the service makes. ' +
        "Exempt AWS service principals in statement OrgOnly (BoolIfExists aws:PrincipalIsAWSService false, AWS's pattern for perimeter statements); the service stays limited by the statement that grants it, which should name the source it acts for (aws:SourceArn or aws:SourceAccount).",
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toEqual({
      ...deny,
      Condition: {
        StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorg' },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  });

  it('an organization-path perimeter (aws:PrincipalOrgPaths): the same exemption, verified', () => {
    const c = logCause(
      perimeterDeny({ StringNotLike: { 'aws:PrincipalOrgPaths': 'o-exampleorg/r-ab12/*' } }),
    );
    expect(c.fix.summary).toMatch(
      /^The caller is the AWS service logging\.s3\.amazonaws\.com .* which has no aws:PrincipalOrgPaths:/,
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.replaceStatement).toMatchObject({
      Condition: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  it("a network perimeter (aws:SourceVpce): undecided, since CloudTrail records the service's name, not an address; the same exemption is verified whatever the address", () => {
    const deny = perimeterDeny({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60001' } });
    const { finding } = explain(editedEvent(LOG), withDeny(deny));
    expect(finding.checks.find((k) => k.layer === 'bucket-policy-explicit-deny')?.status).toBe('unknown');
    const c = causeOf(finding, 'bucket-policy-explicit-deny');
    expect(c.fix.summary).toBe(
      "The caller is the AWS service logging.s3.amazonaws.com acting as itself (a service principal), which calls from AWS's own network, not yours (CloudTrail records no address for it): StringNotEquals on aws:SourceVpce in statement OrgOnly of the bucket policy may match every call the service makes. " +
        "Exempt AWS service principals in statement OrgOnly (BoolIfExists aws:PrincipalIsAWSService false, AWS's pattern for perimeter statements); the service stays limited by the statement that grants it, which should name the source it acts for (aws:SourceArn or aws:SourceAccount).",
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.['replaceStatement']).toEqual({
      ...deny,
      Condition: {
        StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60001' },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  });

  it('a statement that already tests aws:PrincipalIsAWSService is left to the other advice', () => {
    const c = logCause(
      perimeterDeny({
        StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorg' },
        Bool: { 'aws:PrincipalIsAWSService': 'true' },
      }),
    );
    expect(c.fix.summary).not.toContain('Exempt AWS service principals');
  });
});

describe('perimeterExceptions proposes nothing outside its case', () => {
  const trace = (over: Partial<StatementTrace> = {}): StatementTrace => officeOnlyDeny('absent', over);
  const request = {
    vpcEndpointId: VPCE,
    vpcEndpointAccountId: A,
    sourceIp: '10.0.12.34',
    bucketAccountId: A,
    principal: { accountId: A },
  } as unknown as AccessRequest;
  const original = { Effect: 'Deny', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
  /** No endpoint read: its owner is the record's vpcEndpointAccountId alone. */
  const NO_FACTS = { vpcEndpoint: null } as unknown as RequestFacts;

  it("offers the endpoint exemption in its case, and nothing in the endpoint's own policy for public ranges", () => {
    expect(perimeterExceptions(request, NO_FACTS, trace(), original, 'of P')).toHaveLength(1);
    expect(perimeterExceptions(request, NO_FACTS, trace(), original, 'of P', false)).toEqual([]);
  });
  it("not when the endpoint's owner is not known (the record has no vpcEndpointAccountId and the endpoint was not read)", () => {
    const anonymousEndpoint = { ...request, vpcEndpointAccountId: null } as AccessRequest;
    expect(perimeterExceptions(anonymousEndpoint, NO_FACTS, trace(), original, 'of P')).toEqual([]);
    const read = {
      vpcEndpoint: { status: 'known', value: { id: VPCE, vpcId: 'vpc-0app', ownerId: A } },
    } as unknown as RequestFacts;
    expect(perimeterExceptions(anonymousEndpoint, read, trace(), original, 'of P')).toHaveLength(1);
  });
  it('not for an endpoint id that is not of the form AWS gives (vpce- and hex digits): it would go into a policy', () => {
    const odd = { ...request, vpcEndpointId: 'vpce-0a1b"}]}' } as AccessRequest;
    expect(perimeterExceptions(odd, NO_FACTS, trace(), original, 'of P')).toEqual([]);
  });
  it('not for an Allow, nor without the statement text, nor without an endpoint', () => {
    expect(perimeterExceptions(request, NO_FACTS, trace({ effect: 'Allow' }), original, 'of P')).toEqual([]);
    expect(perimeterExceptions(request, NO_FACTS, trace(), null, 'of P')).toEqual([]);
    expect(
      perimeterExceptions({ ...request, vpcEndpointId: null }, NO_FACTS, trace(), original, 'of P'),
    ).toEqual([]);
  });
  it('not when aws:SourceIp had a value (the address itself is outside the ranges) or the condition did not match', () => {
    const c = trace().conditions[0]!;
    expect(
      perimeterExceptions(
        request,
        NO_FACTS,
        trace({ conditions: [{ ...c, requestValues: ['198.51.100.7'] }] }),
        original,
        'of P',
      ),
    ).toEqual([]);
    expect(
      perimeterExceptions(
        request,
        NO_FACTS,
        trace({ conditions: [{ ...c, result: 'unknown' }] }),
        original,
        'of P',
      ),
    ).toEqual([]);
  });
  it('for a service principal: nothing for a key a service has, nor for a legacy CloudFront origin access identity', () => {
    const service = {
      ...request,
      vpcEndpointId: null,
      principal: { type: 'AWSService', invokedBy: 'logging.s3.amazonaws.com', accountId: null },
    } as unknown as AccessRequest;
    const org = trace({
      conditions: [
        {
          operator: 'StringNotEquals',
          key: 'aws:PrincipalOrgID',
          requestValues: null,
          policyValues: ['o-exampleorg'],
          result: true,
          detail: 'aws:PrincipalOrgID is absent, so StringNotEquals passes',
        },
      ],
    });
    expect(perimeterExceptions(service, NO_FACTS, org, original, 'of P')).toHaveLength(1);
    const sourceAccount = trace({ conditions: [{ ...org.conditions[0]!, key: 'aws:SourceAccount' }] });
    expect(perimeterExceptions(service, NO_FACTS, sourceAccount, original, 'of P')).toEqual([]);
    const oai = {
      ...service,
      principal: { ...service.principal, originAccessIdentity: true },
    } as AccessRequest;
    expect(perimeterExceptions(oai, NO_FACTS, org, original, 'of P')).toEqual([]);
  });
  it('never changes the statement it is given', () => {
    const before = JSON.stringify(original);
    perimeterExceptions(request, NO_FACTS, trace(), original, 'of P');
    expect(JSON.stringify(original)).toBe(before);
  });
});
