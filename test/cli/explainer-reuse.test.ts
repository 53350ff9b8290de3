/**
 * The Explainer (lambdas/cli/explainer.ts) reuses one analysis for identical denials, but never when a policy of
 * their facts reads the request's time (lambdas/core/report/reuse.ts: two occurrences at different times can be
 * decided differently). Whether the facts read the time is found on the first repeat, not after every analysis.
 */
import { readFileSync } from 'node:fs';
import type { AccountView } from '../../lambdas/adapters/types';
import { loadSnapshot, SnapshotView } from '../../lambdas/adapters/snapshot';
import { Explainer } from '../../lambdas/cli/explainer';
import { readDenials } from '../../lambdas/core/event';
import { known, type NamedPolicy, type RequestFacts } from '../../lambdas/core/model';
import { IP_DENIED, logFile, occurrence } from './logs';
import { SNAPSHOT } from './memory-io';

const snapshotView = new SnapshotView(loadSnapshot(readFileSync(SNAPSHOT, 'utf8'), 'small.json'));

/** Three occurrences of one denied request, a minute apart. */
const occurrences = readDenials(logFile([0, 1, 2].map((n) => occurrence(IP_DENIED, n, n * 60))), 'log.json');

/** The snapshot's facts, the caller's identity policies completed with `extra`. */
function viewWith(extra: readonly NamedPolicy[]): AccountView {
  return {
    gather: (request) => {
      const facts = snapshotView.gatherSync(request);
      const p = facts.principal;
      if (p?.status !== 'known') throw new Error('the fixture caller is known');
      const principal = known({ ...p.value, identityPolicies: [...p.value.identityPolicies, ...extra] });
      return Promise.resolve<RequestFacts>({ ...facts, principal });
    },
  };
}

async function explainAll(view: AccountView): Promise<Explainer['stats']> {
  const explainer = new Explainer(() => Promise.resolve({ view, explain: {} }));
  for (const r of occurrences) await explainer.explain(r);
  return explainer.stats;
}

const policy = (condition: Record<string, unknown> | undefined): NamedPolicy => ({
  name: 'extra',
  source: 'identity-inline',
  document: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        ...(condition !== undefined ? { Condition: condition } : {}),
      },
    ],
  },
});

describe('the Explainer reuses analyses only where the time cannot matter', () => {
  it('analyses identical denials once when no policy reads the time', async () => {
    expect(await explainAll(viewWith([policy(undefined)]))).toEqual({ analysed: 1, reused: 2, gathered: 1 });
  });

  it('analyses each occurrence when a policy of the facts reads aws:CurrentTime (facts still gathered once)', async () => {
    const timed = policy({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } });
    expect(await explainAll(viewWith([timed]))).toEqual({ analysed: 3, reused: 0, gathered: 1 });
  });
});
