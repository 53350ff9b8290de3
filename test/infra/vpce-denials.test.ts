/**
 * `-c vpcEndpointDenials=true`: S3 requests denied by a VPC endpoint policy arrive as CloudTrail network activity
 * events (errorCode VpceAccessDenied). The trail selects exactly those (advanced selector fields eventCategory,
 * eventSource, errorCode: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html),
 * a rule matches them, and the analysis explains one as `vpc-endpoint-policy` naming the endpoint id, end to end:
 * the corpus record, wrapped as EventBridge delivers it, matched by the deployed pattern, then explained by
 * `s3-403 explain` against a small snapshot.
 */
import * as path from 'node:path';
import { run } from '../../lambdas/cli';
import type { Finding } from '../../lambdas/core/model';
import { memoryIo } from '../cli/memory-io';
import { matches } from './event-pattern';
import { auditorStack, CORPUS_DIR, jsonFiles, readJson, resolveIntrinsics, toEnvelope } from './helpers';

type Json = Parameters<typeof resolveIntrinsics>[0];

const RECORD = 'panther_getobject_vpceaccessdenied_awsaccount_networkactivity.json';
const ENDPOINT = 'vpce-EXAMPLE08c1b6b9b7';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'deploy');

function vpceRule(
  template: ReturnType<typeof auditorStack>['template'],
): Record<string, unknown> | undefined {
  const rules = template.findResources('AWS::Events::Rule');
  const id = Object.keys(rules).find((k) => k.includes('DefaultVpceDenialRule'));
  return id ? rules[id]!.Properties : undefined;
}

describe('vpcEndpointDenials=true', () => {
  const { template } = auditorStack({ vpcEndpointDenials: true });
  const rule = vpceRule(template)!;
  const pattern = resolveIntrinsics(rule.EventPattern as Json) as Record<string, unknown>;

  it('the trail logs the network activity events of S3 with errorCode VpceAccessDenied, and only those', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(trail.AdvancedEventSelectors).toContainEqual({
      Name: 'S3 requests denied by a VPC endpoint policy (network activity)',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['NetworkActivity'] },
        { Field: 'eventSource', Equals: ['s3.amazonaws.com'] },
        { Field: 'errorCode', Equals: ['VpceAccessDenied'] },
      ],
    });
  });

  it('a rule on the default bus sends them to the queue', () => {
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/EventQueue/), 'Arn'] } }),
    ]);
  });

  it('the rule matches the corpus VpceAccessDenied record, and no other corpus record', () => {
    for (const file of jsonFiles(CORPUS_DIR)) {
      const event = toEnvelope(readJson(path.join(CORPUS_DIR, file)));
      expect([file, matches(pattern, event)]).toEqual([file, file === RECORD]);
    }
  });

  it.each([
    ['vpce-snapshot.json', 'confirmed', 'does not allow s3:GetObject'],
    // VpceAccessDenied is decisive (issue 13): it names the VPC endpoint policy even when the endpoint could not be read
    ['vpce-snapshot-no-endpoint.json', 'confirmed', 'AWS reports that the VPC endpoint policy'],
  ])(
    'the matched event, explained with %s: cause vpc-endpoint-policy (%s), naming the endpoint',
    async (snapshot, confidence, title) => {
      const event = toEnvelope(readJson(path.join(CORPUS_DIR, RECORD)));
      expect(matches(pattern, event)).toBe(true);
      const io = memoryIo({ files: { 'event.json': JSON.stringify(event) } });
      const args = ['--event', 'event.json', '--snapshot', path.join(FIXTURES, snapshot), '--format', 'json'];
      const code = await run(['explain', ...args], io);
      expect(io.stderrText()).toBe('');
      expect(code).toBe(0);
      const [finding] = JSON.parse(io.stdoutText()) as Finding[];
      expect(finding!.request.vpcEndpointId).toBe(ENDPOINT);
      expect(finding!.rootCauses[0]).toMatchObject({ id: 'vpc-endpoint-policy', confidence });
      expect(finding!.rootCauses[0]!.title).toContain(ENDPOINT);
      expect(finding!.rootCauses[0]!.title).toContain(title);
      expect(finding!.rootCauses[0]!.fix?.commands.join('\n')).toContain(`--vpc-endpoint-id ${ENDPOINT}`);
    },
  );
});

describe('vpcEndpointDenials not set (default)', () => {
  const { template } = auditorStack();

  it('no network activity selector and no VPC endpoint rule', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0]!.Properties;
    expect(JSON.stringify(trail.AdvancedEventSelectors)).not.toContain('NetworkActivity');
    expect(vpceRule(template)).toBeUndefined();
  });
});
