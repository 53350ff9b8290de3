/**
 * A statement without a Sid is labelled "#n" in the evidence, n its 1-based position in the policy (as the fix
 * patches address it); "what changed" must resolve that label to the same statement, or it compares the wrong one.
 */
import { causeStatements } from '../../../lambdas/core/changes/statements';
import { causeOf, exampleViewWith, explain, scenarioEvent } from '../checkers/helpers';

it('the "#1" of a Sid-less statement in the evidence is the first statement of the policy, for "what changed" too', () => {
  const view = exampleViewWith((s) => {
    const statements = s['buckets']['site-bucket']['policy']['Statement'];
    delete statements[0]['Sid'];
    // a second statement, so that an off-by-one would find another one instead of none
    statements.push({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::site-bucket/*',
    });
  });
  const event = scenarioEvent(
    'CloudFront (OAC) reads a page of a bucket that grants one distribution only: the record does not say which distribution asked',
  );
  const { finding, facts } = explain(event, view);
  const cause = causeOf(finding, 'service-principal-grant');
  expect(cause.evidence.find((e) => e.layer === 'bucket-policy')?.statement).toBe('#1');
  const cs = causeStatements(cause, facts);
  expect(cs.mode).toBe('no-allow');
  expect(cs.refs[0]?.content).toMatchObject({
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
  });
});
