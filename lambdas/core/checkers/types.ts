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
      /** A change that lets the request through this layer whatever the missing facts are (../fix/undecided-deny.ts). */
      readonly undecidedFix?: UndecidedFix;
    };

/**
 * The one Deny statement of a layer that may match but could not be decided, and a change to it verified by
 * re-evaluating the request: with it in place the layer no longer refuses the request, whatever the missing facts are.
 */
export interface UndecidedFix {
  /** The statement (Sid or #index). */
  readonly statement: string;
  /** Its policy, as evidence names it (the ARN where there is one). */
  readonly policy: string;
  /** Its policy's name, for titles. */
  readonly policyName: string;
  /** How the statement was evaluated ("Deny statement 1 (X) might apply: …"). */
  readonly detail: string;
  readonly fix: Fix;
}

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
