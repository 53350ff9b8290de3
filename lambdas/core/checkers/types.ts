/**
 * One checker per root cause (contract ids), one file each, registered in ./index.ts.
 * A checker is synchronous and pure: it reads the request, the facts and the engine's layered
 * decisions, and returns one of four results. It never re-implements policy evaluation. analyze.ts applies the
 * engine's flags to every result alike: a cause whose layers decided only thanks to a value the record implies
 * (LayerResult.dependsOnInferred) is reported 'likely', never 'confirmed'.
 */
import type { AccessRequest, Confidence, Evidence, Fix, RequestFacts, RootCauseId } from '../model';
import type { AuthorizationResult } from '../policy/types';
import type { ActionNeed } from '../model';

export interface NeedEvaluation {
  readonly need: ActionNeed;
  readonly result: AuthorizationResult;
}

export interface CheckerInput {
  readonly request: AccessRequest;
  readonly facts: RequestFacts;
  /** The engine's decision for every (action, resource) the request needs, computed once. */
  readonly evaluations: readonly NeedEvaluation[];
}

export type CheckResult =
  | { readonly status: 'not-applicable'; readonly detail?: string }
  | { readonly status: 'pass'; readonly detail?: string }
  | {
      readonly status: 'deny';
      readonly confidence: Confidence;
      readonly title: string;
      readonly explanation: string;
      readonly evidence: readonly Evidence[];
      readonly fix: Fix;
    }
  | {
      readonly status: 'unknown';
      readonly missing: readonly string[];
      readonly detail?: string;
      /**
       * How close what is known came to this cause, when the checker knows better than the engine's layers (the
       * ranking of merely possible causes, analyze.ts): 0 everything known points at it and only the missing facts
       * stand between; 1 the cause's own configuration was read but does not decide it. Absent: read from the layers.
       */
      readonly closeness?: 0 | 1;
    };

export interface Checker {
  /** Equals the file name; one of the contract's root-cause ids. */
  readonly id: RootCauseId;
  /** One line: what this cause means. */
  readonly title: string;
  /** How the checker detects it (for the generated root-cause table). */
  readonly detection: string;
  /** The usual fix (for the generated root-cause table). */
  readonly fixSummary: string;
  check(input: CheckerInput): CheckResult;
}
