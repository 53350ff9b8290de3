/**
 * docs/DEPLOY.md "Permissions" lists every permission of every role the stacks create, with its reason. This test
 * reads that table and the synthesized templates of every deploy shape (all options on, so every conditional
 * permission appears) and requires them to agree, role by role, in both directions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionalForwarderStack } from '../../lib/regional-forwarder-stack';
import { asArray, auditorStack, memberStack, newApp } from './helpers';

type RoleKind = 'function role' | 'member read role' | 'forward role';

function roleKind(logicalId: string): RoleKind {
  if (/FunctionRole/.test(logicalId)) return 'function role';
  if (/^ReadRole/.test(logicalId)) return 'member read role';
  if (/ForwardRole/.test(logicalId)) return 'forward role';
  throw new Error(`role ${logicalId} has no row kind in docs/DEPLOY.md: add one`);
}

const templates = [
  auditorStack({
    buckets: ['alpha-data'],
    slackSecretName: 's3-403/slack',
    readObjectMetadata: true,
    encryptionKey: 'customer',
    vpcEndpointDenials: true,
    forwardedRegions: ['eu-west-1'],
  }).template,
  auditorStack({
    centralBus: { organizationId: 'o-abcdefghij' },
    memberAccess: { externalIdSecretName: 's3-403/external-id' },
  }).template,
  memberStack({ readObjectMetadata: true, createTrail: true, encryptionKey: 'customer' }).template,
  Template.fromStack(
    new RegionalForwarderStack(newApp(), 'Fwd', {
      env: { region: 'eu-west-1' },
      homeRegion: 'us-east-1',
      auditorRoleName: 's3-403-auditor',
    }),
  ),
];

/** role kind -> actions granted to it anywhere (identity policies attached to the stacks' roles). */
function granted(): Map<RoleKind, Set<string>> {
  const out = new Map<RoleKind, Set<string>>();
  for (const template of templates) {
    const resources = template.toJSON().Resources as Record<
      string,
      {
        Type: string;
        Properties: Record<string, unknown> & {
          PolicyDocument: { Statement: Array<{ Action: string | string[] }> };
          Roles: Array<{ Ref: string }>;
        };
      }
    >;
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::IAM::Role') {
        expect([id, r.Properties.ManagedPolicyArns]).toEqual([id, undefined]);
        expect([id, r.Properties.Policies]).toEqual([id, undefined]);
      }
      if (r.Type !== 'AWS::IAM::Policy') continue;
      for (const role of r.Properties.Roles) {
        const kind = roleKind(role.Ref);
        const set = out.get(kind) ?? new Set<string>();
        for (const s of r.Properties.PolicyDocument.Statement) {
          for (const a of asArray(s.Action)) set.add(a);
        }
        out.set(kind, set);
      }
    }
  }
  return out;
}

interface Row {
  roles: string;
  actions: string[];
  resources: string;
  why: string;
}

function documented(): Row[] {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'DEPLOY.md'), 'utf8');
  const block = /<!-- permissions:start -->([\s\S]*?)<!-- permissions:end -->/.exec(text)?.[1];
  if (!block) throw new Error('docs/DEPLOY.md has no permissions block');
  return block
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l) && !/^\|\s*Role\s*\|/.test(l))
    .map((l) => {
      const [roles, actions, resources, why] = l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()) as [string, string, string, string];
      return {
        roles,
        actions: [...actions.matchAll(/`([a-z0-9-]+:[A-Za-z0-9]+)`/g)].map((m) => m[1]!),
        resources,
        why,
      };
    });
}

describe('docs/DEPLOY.md Permissions agrees with the synthesized templates', () => {
  const rows = documented();
  const actual = granted();

  it('every row names its role, actions, resources and a reason', () => {
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.actions.length).toBeGreaterThan(0);
      expect(row.resources.length).toBeGreaterThan(5);
      expect(row.why.length).toBeGreaterThan(20);
    }
  });

  it.each(['function role', 'member read role', 'forward role'] as RoleKind[])(
    '%s: the documented actions are exactly the granted ones',
    (kind) => {
      const doc = new Set(rows.filter((r) => r.roles.includes(kind)).flatMap((r) => r.actions));
      expect([...doc].sort()).toEqual([...(actual.get(kind) ?? [])].sort());
    },
  );
});
