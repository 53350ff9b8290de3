import fc from 'fast-check';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetObjectAclCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { AwsAccountView } from '../../../lambdas/adapters/aws';
import type { AwsClients } from '../../../lambdas/adapters/aws';
import type { Fact } from '../../../lambdas/core/model';
import {
  ACCOUNT,
  awsError,
  mockedAws,
  sameAccountScenario,
  sampleRequest,
} from '../../../scripts/bench/live';

const COMMANDS: [keyof AwsClients, new (input: never) => unknown][] = [
  ['iam', GetRoleCommand],
  ['iam', ListAttachedRolePoliciesCommand],
  ['iam', ListRolePoliciesCommand],
  ['iam', GetRolePolicyCommand],
  ['iam', GetPolicyCommand],
  ['iam', GetPolicyVersionCommand],
  ['s3', GetBucketLocationCommand],
  ['s3', GetBucketPolicyCommand],
  ['s3', GetPublicAccessBlockCommand],
  ['s3', GetBucketOwnershipControlsCommand],
  ['s3', GetBucketEncryptionCommand],
  ['s3', GetBucketAclCommand],
  ['s3', HeadObjectCommand],
  ['s3', GetObjectAclCommand],
  ['s3control', GetAccountPublicAccessBlockCommand],
  ['organizations', DescribeOrganizationCommand],
];
const CODES: [string, number][] = [
  ['AccessDenied', 403],
  ['Throttling', 400],
  ['SlowDown', 503],
  ['NoSuchEntity', 404],
  ['NotFound', 404],
  ['NoSuchBucket', 404],
  ['NoSuchBucketPolicy', 404],
  ['InternalError', 500],
  ['PermanentRedirect', 301],
  ['AWSOrganizationsNotInUseException', 400],
];

function isFact(f: Fact<unknown> | null | undefined): boolean {
  if (f === null) return true;
  if (!f) return false;
  return (
    f.status === 'known' ||
    (f.status === 'unknown' &&
      ['accessDenied', 'notFound', 'notCollected', 'throttled', 'error'].includes(f.reason))
  );
}

// Whatever AWS answers, gather resolves and every fact is known or unknown with a reason: it never throws.
describe('gather under arbitrary AWS failures', () => {
  it('always resolves with well-formed facts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.constantFrom(...CODES), { nil: undefined }), {
          minLength: COMMANDS.length,
          maxLength: COMMANDS.length,
        }),
        async (failures) => {
          const aws = mockedAws(0);
          sameAccountScenario(aws);
          failures.forEach((f, i) => {
            const cmd = COMMANDS[i];
            if (f && cmd) {
              aws.on(cmd[0], cmd[1], () => {
                throw awsError(f[0], `${f[0]} message`, f[1]);
              });
            }
          });
          const facts = await new AwsAccountView({
            clients: aws.clients,
            auditorAccountId: ACCOUNT,
            region: 'us-east-1',
          }).gather(sampleRequest());
          expect(isFact(facts.principal)).toBe(true);
          expect(isFact(facts.principalOrganization)).toBe(true);
          expect(isFact(facts.scpLevels)).toBe(true);
          for (const b of Object.values(facts.buckets)) {
            expect(isFact(b)).toBe(true);
            if (b.status === 'known') {
              for (const f of [
                b.value.policy,
                b.value.publicAccessBlock,
                b.value.ownership,
                b.value.encryption,
                b.value.acl,
                b.value.region,
                ...Object.values(b.value.objects),
              ]) {
                expect(isFact(f)).toBe(true);
              }
            }
          }
          for (const f of Object.values(facts.accountPublicAccessBlock)) expect(isFact(f)).toBe(true);
          for (const s of Object.values(aws.stubs)) s.restore();
        },
      ),
      { numRuns: 40 },
    );
  });
});
