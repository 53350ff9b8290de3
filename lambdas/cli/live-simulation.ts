/**
 * Where `simulate` reads its facts: a snapshot, or (without --snapshot) the live account exactly as
 * `explain` does (the same AwsAccountView, credentials and profile handling).
 *
 * The simulation core reads facts synchronously (`gatherSync`); a live view gathers asynchronously. So a
 * live simulation runs in rounds: each fact set the core asks for that is not there yet is gathered (await),
 * and the simulation is run again with it. A request needs one round, two through an access point.
 */
import type { AccountView } from '../adapters/types';
import type { AccessRequest, RequestFacts } from '../core/model';
import type { SimulationView } from '../core/simulate';
import type { CliIo } from './io';
import { liveOptions, loadLiveAws, requireCredentials } from './live';

export interface SimulationSource {
  run<T>(fn: (view: SimulationView, now: Date) => T): Promise<T>;
  /** Sources that need no waiting (a snapshot) also run synchronously: a batch then decides without awaiting. */
  runSync?<T>(fn: (view: SimulationView, now: Date) => T): T;
}

export function snapshotSource(view: SimulationView): SimulationSource {
  return {
    run: (fn) => Promise.resolve(fn(view, new Date())),
    runSync: (fn) => fn(view, new Date()),
  };
}

class NeedFacts extends Error {
  constructor(readonly request: AccessRequest) {
    super('facts not gathered yet');
  }
}

const MAX_ROUNDS = 4;

/** Runs `fn` against an asynchronous view, gathering each fact set it asks for before running it again. */
export async function withGatheredFacts<T>(
  view: AccountView,
  fn: (view: SimulationView, now: Date) => T,
): Promise<T> {
  const now = new Date();
  const gathered = new Map<string, RequestFacts>();
  const sync: SimulationView = {
    gatherSync(request) {
      const facts = gathered.get(JSON.stringify(request));
      if (!facts) throw new NeedFacts(request);
      return facts;
    },
  };
  for (let round = 0; ; round += 1) {
    try {
      return fn(sync, now);
    } catch (err) {
      if (!(err instanceof NeedFacts) || round >= MAX_ROUNDS) throw err;
      gathered.set(JSON.stringify(err.request), await view.gather(err.request));
    }
  }
}

export async function liveSimulationSource(
  io: CliIo,
  opts: { profile?: string; region?: string },
): Promise<SimulationSource> {
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live, 'simulate');
  const view = new aws.AwsAccountView(live);
  return { run: (fn) => withGatheredFacts(view, fn) };
}
