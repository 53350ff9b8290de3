/**
 * One denial at a time through the shared analysis (lambdas/adapters/explain.ts), with identical denials
 * sharing their facts and analysis (lambdas/core/report/reuse.ts): a spike of 600 copies of one request
 * gathers facts once and runs the engine once; each occurrence still gets its own event id, time and
 * "what changed". The account view is opened on the first denial (a live account is only contacted when
 * there is something to explain).
 */
import { LRUCache } from 'lru-cache';
import { explainRequest, type ExplainOptions } from '../adapters/explain';
import type { AccountView } from '../adapters/types';
import { analyzeWithEvaluations } from '../core/analyze';
import type { AccessRequest, Finding, RequestFacts } from '../core/model';
import { analysisSignature, factsUseTime, reuseFinding } from '../core/report/reuse';

export interface ExplainSource {
  readonly view: AccountView;
  readonly explain: ExplainOptions;
}

type Analysed = ReturnType<typeof analyzeWithEvaluations>;

/**
 * Distinct requests remembered (LRU); beyond that an old one is analysed again if it comes back. A spike
 * repeats a few requests many times, so a small memory suffices (an entry holds facts and evaluations).
 */
const MEMO_SIZE = 256;

export class Explainer {
  private source: Promise<ExplainSource> | null = null;
  private readonly facts = new LRUCache<string, { v: Promise<RequestFacts> }>({ max: MEMO_SIZE });
  /**
   * `usesTime`: whether a policy of the facts reads the time (then the analysis is not reused), found on the
   * first hit: most analyses are never met again, and the walk over their facts would cost each of them.
   */
  private readonly analyses = new LRUCache<
    string,
    { facts: RequestFacts; analysed: Analysed; usesTime: boolean | null }
  >({ max: MEMO_SIZE });
  /** Analyses run and reused (for the tests and the bench). */
  readonly stats = { analysed: 0, reused: 0, gathered: 0 };

  constructor(private readonly open: () => Promise<ExplainSource>) {}

  /** The account view and options, opened once. */
  view(): Promise<ExplainSource> {
    return (this.source ??= this.open());
  }

  async explain(request: AccessRequest): Promise<Finding> {
    const source = await this.view();
    const signature = analysisSignature(request);
    const view: AccountView = {
      gather: (r) => {
        if (signature === null) return this.gather(source.view, r);
        let hit = this.facts.get(signature);
        if (!hit) this.facts.set(signature, (hit = { v: this.gather(source.view, r) }));
        return hit.v;
      },
    };
    const analyze = (r: AccessRequest, facts: RequestFacts): Analysed => {
      const hit = signature === null ? undefined : this.analyses.get(signature);
      if (hit && hit.facts === facts && !(hit.usesTime ??= factsUseTime(facts))) {
        this.stats.reused += 1;
        return { finding: reuseFinding(hit.analysed.finding, r), evaluations: hit.analysed.evaluations };
      }
      this.stats.analysed += 1;
      const analysed = analyzeWithEvaluations(r, facts);
      if (signature !== null && hit?.usesTime !== true)
        this.analyses.set(signature, { facts, analysed, usesTime: null });
      return analysed;
    };
    return explainRequest(request, view, { ...source.explain, analyze });
  }

  /** The facts of a request (for --write-fixes: the current documents the fixes patch). */
  async factsOf(request: AccessRequest): Promise<RequestFacts> {
    const source = await this.view();
    const signature = analysisSignature(request);
    const hit = signature === null ? undefined : this.facts.get(signature);
    return hit ? hit.v : source.view.gather(request);
  }

  private gather(view: AccountView, r: AccessRequest): Promise<RequestFacts> {
    this.stats.gathered += 1;
    return view.gather(r);
  }
}
