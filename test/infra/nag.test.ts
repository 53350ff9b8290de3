/**
 * cdk-nag AwsSolutionsChecks: zero unsuppressed errors in every deploy shape, and every suppression carries a
 * reason a reviewer can check (and, for wildcards, names exactly the resources it covers).
 */
import { Duration } from 'aws-cdk-lib';
import { auditorStack, memberStack, nagErrors } from './helpers';

type Suppression = { id: string; reason: string; applies_to?: unknown[] };

const shapes = {
  'single, all buckets': () => auditorStack(),
  'single, scoped, Slack and e-mail': () =>
    auditorStack({ buckets: ['alpha-data'], slackSecretName: 's3-403/slack', alertEmail: 'sec@example.com' }),
  'single, existing trail': () => auditorStack({ existingTrail: true, dedupWindow: Duration.minutes(5) }),
  central: () =>
    auditorStack({
      centralBus: { organizationId: 'o-abcdefghij' },
      memberAccess: { externalIdSecretName: 'ext' },
    }),
  'single, readObjectMetadata': () => auditorStack({ readObjectMetadata: true }),
  'member, no trail': () => memberStack(),
  'member, readObjectMetadata': () => memberStack({ readObjectMetadata: true }),
  'member, with trail': () => memberStack({ createTrail: true, trail: { buckets: ['alpha-data'] } }),
};

describe.each(Object.entries(shapes))('cdk-nag AwsSolutions: %s', (_name, build) => {
  const { stack, template } = build();

  it('has zero errors', () => {
    expect(nagErrors(stack)).toEqual([]);
  });

  it('every suppression has a reason of at least one sentence, and IAM5 suppressions name what they cover', () => {
    const suppressions = Object.values(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).flatMap((r) => (r.Metadata?.cdk_nag as { rules_to_suppress?: Suppression[] })?.rules_to_suppress ?? []);
    for (const s of suppressions) {
      expect(s.id).toMatch(/^AwsSolutions-/);
      expect(s.reason.length).toBeGreaterThanOrEqual(60);
      if (s.id === 'AwsSolutions-IAM5') expect(s.applies_to?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
