/**
 * Issue 3, "done when": `s3-403 simulate … --format json` gives the contract's shape and right decisions on the
 * examples in examples/ (the stories of examples/README.md, asked as hypothetical requests).
 * Evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { join } from 'node:path';
import { run } from '../../lambdas/cli';
import type { Simulation } from '../../lambdas/core/simulate';
import { memoryIo } from './memory-io';

const SNAPSHOT = join(__dirname, '../../examples/snapshot.json');
const A = '111122223333';
const Q3 = 'arn:aws:s3:::reports-bucket/reports/q3.csv';
const OFFICE = { 'aws:SourceIp': '203.0.113.25' };

const cases: [string, Record<string, unknown>, Simulation['decision'], string | null][] = [
  [
    'AppRole reads a report from outside the office network',
    {
      principal: `arn:aws:iam::${A}:role/AppRole`,
      action: 's3:GetObject',
      resource: Q3,
      context: { 'aws:SourceIp': '198.51.100.7' },
    },
    'explicitly-denied',
    'bucket-policy-explicit-deny',
  ],
  [
    'AppRole reads the same report from the office',
    { principal: `arn:aws:iam::${A}:role/AppRole`, action: 's3:GetObject', resource: Q3, context: OFFICE },
    'allowed',
    null,
  ],
  [
    "CleanupRole's own inline Deny stops a delete",
    {
      principal: `arn:aws:iam::${A}:role/CleanupRole`,
      action: 's3:DeleteObject',
      resource: Q3,
      context: OFFICE,
    },
    'explicitly-denied',
    null,
  ],
  [
    "BoundedRole's read-only boundary blocks an upload",
    {
      principal: `arn:aws:iam::${A}:role/BoundedRole`,
      action: 's3:PutObject',
      resource: Q3,
      context: OFFICE,
    },
    'implicitly-denied',
    'permissions-boundary',
  ],
  [
    'BoundedRole may still read',
    {
      principal: `arn:aws:iam::${A}:role/BoundedRole`,
      action: 's3:GetObject',
      resource: Q3,
      context: OFFICE,
    },
    'allowed',
    null,
  ],
  [
    'NoS3Role has no S3 permission',
    { principal: `arn:aws:iam::${A}:role/NoS3Role`, action: 's3:GetObject', resource: Q3, context: OFFICE },
    'implicitly-denied',
    'identity-policy-no-allow',
  ],
  [
    'the partner reads a key the bucket policy does not share',
    {
      principal: 'arn:aws:iam::444455556666:role/PartnerReader',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::secure-bucket/private/a.csv',
      context: {},
    },
    'implicitly-denied',
    'cross-account-no-bucket-grant',
  ],
  [
    'an anonymous read voided by RestrictPublicBuckets',
    {
      principal: '*',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::public-site-bucket/index.html',
      context: {},
    },
    'implicitly-denied',
    'block-public-access',
  ],
];

describe('simulate --explain on examples/snapshot.json (batch through the CLI)', () => {
  let results: Simulation[] = [];

  beforeAll(async () => {
    const io = memoryIo({ files: { 'examples.jsonl': cases.map(([, r]) => JSON.stringify(r)).join('\n') } });
    expect(
      await run(['simulate', '--snapshot', SNAPSHOT, '--requests', 'examples.jsonl', '--explain'], io),
    ).toBe(0);
    results = io
      .stdoutText()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Simulation);
  });

  it.each(cases.map((c, i) => [c[0], i, c[2], c[3]] as const))('%s', (_name, i, decision, cause) => {
    const sim = results[i]!;
    expect(sim.request).toEqual(cases[i]![1]);
    expect(sim.decision).toBe(decision);
    if (cause === null && decision === 'allowed') expect(sim.rootCauses).toEqual([]);
    if (cause !== null) expect(sim.rootCauses.map((c) => c.id)).toContain(cause);
    expect(sim.layers.length).toBeGreaterThan(0);
  });
});
