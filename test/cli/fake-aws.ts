/** Test helper: a fake live AWS adapter whose account facts come from the fixture snapshot. */
import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import type { LiveAws } from '../../lambdas/cli/live';
import type { AccessRequest, RequestFacts } from '../../lambdas/core/model';
import { SNAPSHOT } from './memory-io';

export function liveFromSnapshot(
  opts: { credentials?: Error; profiles?: string[]; snapshot?: string } = {},
): LiveAws & { calls: unknown[]; gathered: AccessRequest[] } {
  const calls: unknown[] = [];
  const gathered: AccessRequest[] = [];
  const view = new SnapshotView(loadSnapshot(readFileSync(opts.snapshot ?? SNAPSHOT, 'utf8'), 'snapshot'));
  return {
    calls,
    gathered,
    checkCredentials: (o) => {
      calls.push(['checkCredentials', o]);
      return opts.credentials ? Promise.reject(opts.credentials) : Promise.resolve();
    },
    profileExists: (name) => Promise.resolve((opts.profiles ?? ['default']).includes(name)),
    AwsAccountView: class {
      constructor(o: unknown) {
        calls.push(['AwsAccountView', o]);
      }
      gather(r: AccessRequest): Promise<RequestFacts> {
        gathered.push(r);
        return view.gather(r);
      }
    },
    captureSnapshot: () => Promise.reject(new Error('not used')),
    s3Client: (o) => new S3Client({ region: o.region ?? 'us-east-1' }),
  };
}
