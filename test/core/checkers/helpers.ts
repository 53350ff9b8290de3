/** Helpers for checker and analyze tests: the example snapshot and the scenario events, by name. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot, SnapshotView } from '../../../lambdas/adapters/snapshot';
import { analyze } from '../../../lambdas/core/analyze';
import { readDenials } from '../../../lambdas/core/event';
import type {
  AccessRequest,
  Finding,
  RequestFacts,
  RootCause,
  RootCauseId,
} from '../../../lambdas/core/model';
import { scenarioFiles } from '../../scenarios/load';

export const ROOT = join(__dirname, '..', '..', '..');
export const exampleView = new SnapshotView(
  loadSnapshot(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8'), 'examples/snapshot.json'),
);
export const emptyView = new SnapshotView(loadSnapshot('{"snapshotVersion":1}', 'empty'));

/** The CloudTrail record of a scenario case, by its exact name. */
export function scenarioEvent(name: string): Record<string, unknown> {
  for (const f of scenarioFiles()) {
    const c = f.cases.find((x) => x.name === name);
    if (c) return JSON.parse(JSON.stringify(c.event)) as Record<string, unknown>;
  }
  throw new Error(`no scenario named "${name}"`);
}

/** A scenario's record, loosely typed for editing (tests reach into nested record fields). */
export type EditableEvent = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The CloudTrail record of a scenario case, changed by `edit`. */
export function editedEvent(name: string, edit: (e: EditableEvent) => void = () => undefined): EditableEvent {
  const e = scenarioEvent(name) as EditableEvent;
  edit(e);
  return e;
}

/** An unsigned (anonymous) GetObject of `bucket`/`key`: the anonymous scenario record, moved to that object. */
export function unsignedRead(bucket: string, key: string): Record<string, unknown> {
  const event = scenarioEvent('anonymous read of a public-policy bucket with RestrictPublicBuckets');
  Object.assign(event['requestParameters'] as Record<string, unknown>, {
    bucketName: bucket,
    key,
    Host: `${bucket}.s3.us-east-1.amazonaws.com`,
  });
  delete event['resources'];
  return event;
}

export function requestOf(event: Record<string, unknown>): AccessRequest {
  const [request] = readDenials(JSON.stringify(event), 'test');
  if (!request) throw new Error('not a denial');
  return request;
}

export function explain(
  event: Record<string, unknown>,
  view: SnapshotView = exampleView,
): { request: AccessRequest; facts: RequestFacts; finding: Finding } {
  const request = requestOf(event);
  const facts = view.gatherSync(request);
  return { request, facts, finding: analyze(request, facts) };
}

export function causeOf(finding: Finding, id: RootCauseId): RootCause {
  const cause = finding.rootCauses.find((c) => c.id === id);
  if (!cause) throw new Error(`${id} is not a cause: ${finding.rootCauses.map((c) => c.id).join(', ')}`);
  return cause;
}

type SnapshotJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The example snapshot with some facts removed (or changed): `edit` works on a fresh copy of its JSON. */
export function exampleViewWith(edit: (s: SnapshotJson) => void): SnapshotView {
  const s = JSON.parse(readFileSync(join(ROOT, 'examples', 'snapshot.json'), 'utf8')) as SnapshotJson;
  edit(s);
  return new SnapshotView(loadSnapshot(JSON.stringify(s), 'edited example'));
}

/** A bare root cause (no explanation, evidence or fix), for tests of ranking and of what reads the ranked list. */
export const bareCause = (id: RootCause['id'], confidence: RootCause['confidence']): RootCause => ({
  id,
  confidence,
  title: id,
  explanation: '',
  evidence: [],
  fix: { summary: '', commands: [], verified: false },
  change: null,
});

/**
 * A record of facts that cannot be read at all: every access throws. For the tests of an analysis that fails
 * (`buckets: null` no longer does: a missing record reads as "not collected").
 */
export const unreadableRecord = new Proxy({} as never, {
  get: () => {
    throw new Error('unreadable facts');
  },
  has: () => {
    throw new Error('unreadable facts');
  },
  ownKeys: () => {
    throw new Error('unreadable facts');
  },
  getOwnPropertyDescriptor: () => {
    throw new Error('unreadable facts');
  },
});
