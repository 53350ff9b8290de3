/**
 * A call an AWS service made with the caller's credentials (a forward access session: Athena reading the caller's
 * data; CloudTrail's userIdentity.invokedBy, aws:ViaAWSService true) reaches S3 from the service's network, not the
 * caller's: "requests to Amazon S3 come from a private IPv4 address for Athena, not the source IP specified in
 * aws:SourceIp ... You also cannot restrict or allow access to Amazon S3 resources based on the aws:SourceVpc or
 * aws:SourceVpce condition keys" (https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html). CloudTrail records
 * the service's name, not an address, so the engine leaves such a network Deny undecided; the fix is AWS's pattern,
 * "unless you also use the aws:ViaAWSService global condition" (https://repost.aws/knowledge-center/iam-restrict-calls-ip-addresses),
 * as AWS's data-perimeter network statement does (BoolIfExists aws:ViaAWSService false,
 * https://github.com/aws-samples/data-perimeter-policy-examples, resource_based_policies/s3_bucket_policy.json),
 * verified by re-evaluating the request: with the change, the layer lets it through whatever the service's address is
 * (lambdas/core/fix/perimeter-exception.ts family 3, lambdas/core/fix/undecided-deny.ts).
 *
 * Elimination (lambdas/core/analyze.ts): AWS denied the recorded request and every other check passes, so the one layer
 * that could not be decided is the likely cause, not merely a possible one.
 */
import { causeOf, explain } from '../checkers/helpers';
import { A, OU_A, recordFor, type Stmt, viewOf, type WorldSpec } from '../world';
import { analyze } from '../../../lambdas/core/analyze';
import { renderHtml } from '../../../lambdas/cli/html';
import { NO_FILTER } from '../../../lambdas/core/report/filter';
import { renderSlack } from '../../../lambdas/core/render/slack';
import { renderSnsMessage } from '../../../lambdas/core/render/sns';
import { renderText } from '../../../lambdas/core/render/text';
import { perimeterExceptions } from '../../../lambdas/core/fix/perimeter-exception';
import type { AccessRequest, RequestFacts } from '../../../lambdas/core/model';
import { officeOnlyDeny } from './traces';

const BUCKET = 'lake-bucket';
const OFFICE = '203.0.113.0/24';

const officeOnly = (extra: Record<string, unknown> = {}): Stmt => ({
  Sid: 'DenyOutsideOffice',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE }, ...extra },
});

/** The same Deny in an SCP or an identity policy (no Principal element). */
const anywhereOutsideOffice = (Sid: string, Action: string): Stmt => ({
  Sid,
  Effect: 'Deny',
  Action,
  Resource: '*',
  Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE } },
});

const world = (over: Partial<WorldSpec> = {}): WorldSpec => ({
  roles: [{ account: A, name: 'Analyst', statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
  buckets: { [BUCKET]: { account: A, policy: [officeOnly()], objects: { 'k.csv': {} } } },
  ...over,
});

/** Athena reading the object with the analyst's credentials, as CloudTrail records it. */
const viaAthena = (errorMessage?: string): Record<string, unknown> => {
  const r = recordFor({
    account: A,
    role: 'Analyst',
    bucket: BUCKET,
    sourceIp: 'athena.amazonaws.com',
    ...(errorMessage ? { errorMessage } : {}),
  });
  return {
    ...r,
    userIdentity: { ...(r['userIdentity'] as object), invokedBy: 'athena.amazonaws.com' },
    userAgent: 'athena.amazonaws.com',
  };
};

const EXEMPTED = { BoolIfExists: { 'aws:ViaAWSService': 'false' } };

/** The bucket-policy cause of Athena's call when the bucket policy holds this Deny instead. */
const withBucketDeny = (deny: Stmt) =>
  causeOf(
    explain(
      viaAthena(),
      viewOf(world({ buckets: { [BUCKET]: { account: A, policy: [deny], objects: { 'k.csv': {} } } } })),
    ).finding,
    'bucket-policy-explicit-deny',
  );

describe("a network Deny that refuses a call an AWS service made with the caller's credentials", () => {
  it('bucket policy, AWS\'s message "Access Denied": the undecided Deny is cause 1 (likely, every other check passes) with a verified exemption of calls through AWS services', () => {
    const { finding } = explain(viaAthena(), viewOf(world()));
    const c = finding.rootCauses[0]!;
    expect(c.id).toBe('bucket-policy-explicit-deny');
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(
      `Statement DenyOutsideOffice of ${BUCKET} may deny this request (it could not be decided)`,
    );
    expect(c.explanation).toContain(
      'Every other check passes, so unless the configuration changed since the denial (or the denial comes from something not modelled here), this is what refused the request.',
    );
    expect(c.fix.summary).toBe(
      "athena.amazonaws.com made this call with the caller's credentials (a forward access session: aws:ViaAWSService is true; CloudTrail records the service's name, not an address). " +
        "Such a call carries none of the caller's VPC endpoint keys (aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp), and its aws:SourceIp is the caller's own only when the caller reached the service over the internet (Athena calls S3 from an address of its own), so NotIpAddress on aws:SourceIp in statement DenyOutsideOffice of the bucket policy may match it whatever network the caller uses. " +
        "Add AWS's exception for such calls to statement DenyOutsideOffice (BoolIfExists aws:ViaAWSService false, the IAM User Guide's pattern for forward access sessions); the caller's own calls stay held to the network the statement names.",
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toEqual({
      layer: 'bucket-policy',
      bucket: BUCKET,
      statement: 'DenyOutsideOffice',
      replaceStatement: {
        ...officeOnly(),
        Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE }, ...EXEMPTED },
      },
    });
    expect(finding.checks.find((k) => k.layer === 'bucket-policy-explicit-deny')?.status).toBe('unknown');
  });

  it("AWS's message names an explicit deny in a resource-based policy: the sole undecided Deny carries the same verified fix", () => {
    const msg = `User: arn:aws:sts::${A}:assumed-role/Analyst/s1 is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/k.csv" with an explicit deny in a resource-based policy`;
    const c = causeOf(explain(viaAthena(msg), viewOf(world())).finding, 'bucket-policy-explicit-deny');
    expect(c.confidence).toBe('likely');
    expect(c.title).toBe(
      `AWS reports an explicit deny in a resource-based policy: statement DenyOutsideOffice of ${BUCKET}, the only Deny there that may match`,
    );
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.['replaceStatement']).toMatchObject({ Condition: EXEMPTED });
  });

  it("the exemption joins the statement's own BoolIfExists block, keeping what it tests", () => {
    const deny = officeOnly({ BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } });
    const c = withBucketDeny(deny);
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch?.['replaceStatement']).toEqual({
      ...deny,
      Condition: {
        NotIpAddress: { 'aws:SourceIp': OFFICE },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
      },
    });
  });

  it('an SCP network perimeter: the SCP statement is changed, verified', () => {
    const scpDeny = anywhereOutsideOffice('NetworkPerimeter', 's3:*');
    const w = world({
      buckets: { [BUCKET]: { account: A, objects: { 'k.csv': {} } } },
      scps: [{ name: 'network-perimeter', targets: [OU_A], statements: [scpDeny] }],
    });
    const c = explain(viaAthena(), viewOf(w)).finding.rootCauses[0]!;
    expect(c.id).toBe('scp-deny');
    expect(c.confidence).toBe('likely');
    expect(c.fix.summary).toContain('in statement NetworkPerimeter of the service control policy may match');
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'scp',
      statement: 'NetworkPerimeter',
      replaceStatement: { ...scpDeny, Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE }, ...EXEMPTED } },
    });
  });

  it('an identity policy (AWS\'s "deny based on the source IP" example, written without aws:ViaAWSService): the policy is changed, verified', () => {
    const deny = anywhereOutsideOffice('OfficeOnly', '*');
    const w = world({
      roles: [
        {
          account: A,
          name: 'Analyst',
          statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, deny],
        },
      ],
      buckets: { [BUCKET]: { account: A, objects: { 'k.csv': {} } } },
    });
    const c = explain(viaAthena(), viewOf(w)).finding.rootCauses[0]!;
    expect(c.id).toBe('identity-policy-explicit-deny');
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'identity-policy',
      statement: 'OfficeOnly',
      replaceStatement: { Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE }, ...EXEMPTED } },
    });
  });

  it("a copy: the statement sits in the source bucket's policy, and only that bucket's policy is changed, verified", () => {
    const w = world({
      buckets: {
        [BUCKET]: { account: A, objects: {} },
        'raw-bucket': {
          account: A,
          policy: [
            {
              ...officeOnly(),
              Resource: ['arn:aws:s3:::raw-bucket', 'arn:aws:s3:::raw-bucket/*'],
            },
          ],
          objects: { 'in.csv': {} },
        },
      },
    });
    const r = viaAthena();
    const copy = {
      ...r,
      eventName: 'CopyObject',
      requestParameters: {
        ...(r['requestParameters'] as object),
        'x-amz-copy-source': 'raw-bucket/in.csv',
      },
    };
    const c = causeOf(explain(copy, viewOf(w)).finding, 'bucket-policy-explicit-deny');
    expect(c.fix.verified).toBe(true);
    expect(c.fix.policyPatch).toMatchObject({
      layer: 'bucket-policy',
      bucket: 'raw-bucket',
      statement: 'DenyOutsideOffice',
      replaceStatement: { Condition: EXEMPTED },
    });
  });

  it('a statement that already tests aws:ViaAWSService is not changed again: no verified fix is claimed', () => {
    const deny = officeOnly({ Bool: { 'aws:ViaAWSService': 'true' } });
    const c = withBucketDeny(deny);
    expect(c.fix.summary).not.toContain('aws:ViaAWSService false');
    expect(c.fix.verified).toBe(false);
  });

  it('a direct call from an address outside the office keeps its own advice: nothing to exempt', () => {
    const c = causeOf(
      explain(
        recordFor({ account: A, role: 'Analyst', bucket: BUCKET, sourceIp: '198.51.100.7' }),
        viewOf(world()),
      ).finding,
      'bucket-policy-explicit-deny',
    );
    expect(c.confidence).toBe('confirmed');
    expect(c.fix.summary).not.toContain('aws:ViaAWSService');
  });
});

describe('two layers undecided: no elimination, each possible cause carries its own verified fix', () => {
  const scpDeny = anywhereOutsideOffice('NetworkPerimeter', 's3:*');
  const both = () =>
    explain(
      viaAthena(),
      viewOf(world({ scps: [{ name: 'network-perimeter', targets: [OU_A], statements: [scpDeny] }] })),
    ).finding;

  it('the bucket policy and the SCP are both possible, and both fixes are verified', () => {
    const f = both();
    expect(f.rootCauses.map((c) => [c.id, c.confidence, c.fix.verified])).toEqual([
      ['bucket-policy-explicit-deny', 'possible', true],
      ['scp-deny', 'possible', true],
    ]);
  });

  it('the HTML report shows each possible cause with a verified fix whole (its fix and policy change)', () => {
    const f = both();
    const html = renderHtml(
      {
        records: 1,
        denials: 1,
        groups: [
          {
            count: 1,
            firstSeen: f.eventTime,
            lastSeen: f.eventTime,
            rootCause: f.rootCauses[0]!.id,
            principal: 'Analyst',
            bucket: BUCKET,
            actions: ['s3:GetObject'],
            eventIds: [f.eventId],
            finding: f,
          },
        ],
      },
      new Map(),
      { inputs: ['log.json'], filter: NO_FILTER, now: new Date('2026-11-20T12:00:00Z') },
    );
    expect(html).toContain('<h4>Cause 1: Statement DenyOutsideOffice of lake-bucket may deny this request');
    expect(html).toContain(
      '<h4>Cause 2: Statement NetworkPerimeter of network-perimeter may deny this request',
    );
    expect(html).toContain('&quot;aws:ViaAWSService&quot;: &quot;false&quot;');
  });

  it('the text shows each verified fix under its possible cause, instead of a read that would settle it', () => {
    const text = renderText([both()], { color: false });
    expect(text).toContain('No cause could be confirmed');
    expect(text).toMatch(
      /\? bucket-policy-explicit-deny .*\n {6}verified fix: athena\.amazonaws\.com made this call with the caller's credentials .* in statement DenyOutsideOffice of the bucket policy /,
    );
    expect(text).toMatch(
      /\? scp-deny .*\n {6}verified fix: .* in statement NetworkPerimeter of the service control policy /,
    );
    expect(text).not.toContain('settle:');
  });
});

describe("the finding says the call came through the service, with the caller's credentials", () => {
  it('request.principal.invokedBy in the JSON, and the text, SNS and Slack forms name the service instead of "unknown address"', () => {
    const f = explain(viaAthena(), viewOf(world())).finding;
    expect(f.request.principal.invokedBy).toBe('athena.amazonaws.com');
    expect(f.request.sourceIp).toBeNull();
    expect(renderText([f], { color: false })).toContain(
      "  from     athena.amazonaws.com, with the caller's credentials (the service's network; CloudTrail records no address)",
    );
    expect(renderSnsMessage(f)).toContain("athena.amazonaws.com, with the caller's credentials");
    expect(JSON.stringify(renderSlack(f))).toContain("athena.amazonaws.com, with the caller's credentials");
  });

  it('absent from a direct call', () => {
    const direct = explain(
      recordFor({ account: A, role: 'Analyst', bucket: BUCKET }),
      viewOf(world()),
    ).finding;
    expect(direct.request.principal).not.toHaveProperty('invokedBy');
  });
});

describe('perimeterExceptions, family 3, proposes nothing outside its case', () => {
  const fas = {
    principal: { type: 'AssumedRole', invokedBy: 'athena.amazonaws.com', accountId: A },
    sourceIp: null,
    vpcEndpointId: null,
    context: { values: { 'aws:ViaAWSService': 'true' }, absent: [], otherKeys: 'unknown' },
  } as unknown as AccessRequest;
  const facts = {} as RequestFacts;
  const original = officeOnly() as Record<string, unknown>;
  const undecided = officeOnlyDeny('unknown');

  it('proposes the exemption for an undecided network Deny of a call through a service', () => {
    expect(perimeterExceptions(fas, facts, undecided, original, 'of the bucket policy')).toHaveLength(1);
  });

  it('not for a direct call (aws:ViaAWSService false), nor when the record carries an address', () => {
    const direct = {
      ...fas,
      context: { ...fas.context, values: { 'aws:ViaAWSService': 'false' } },
    } as AccessRequest;
    expect(perimeterExceptions(direct, facts, undecided, original, 'of the bucket policy')).toEqual([]);
    expect(perimeterExceptions({ ...fas, sourceIp: '10.1.2.3' }, facts, undecided, original, 'x')).toEqual(
      [],
    );
  });

  it('not when another kind of key also holds the statement (an identity perimeter is not a network one)', () => {
    const both = {
      ...undecided,
      conditions: [
        ...undecided.conditions,
        {
          operator: 'StringNotEquals',
          key: 'aws:PrincipalOrgID',
          policyValues: ['o-exampleorg'],
          requestValues: ['o-other'],
          result: true,
          detail: 'aws:PrincipalOrgID o-other does not equal o-exampleorg',
        },
      ],
    };
    expect(perimeterExceptions(fas, facts, both, original, 'of the bucket policy')).toEqual([]);
  });
});

describe('elimination needs a denial AWS recorded', () => {
  it('a hand-built request (no record evidence, as simulate and preflight build it) keeps the undecided layer possible', () => {
    const { request, facts } = explain(viaAthena(), viewOf(world()));
    const { evidence: _evidence, ...built } = request;
    const c = analyze(built as AccessRequest, facts).rootCauses[0]!;
    expect(c.id).toBe('bucket-policy-explicit-deny');
    expect(c.confidence).toBe('possible');
    expect(c.fix.verified).toBe(true);
  });
});
