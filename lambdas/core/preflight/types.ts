/**
 * The preflight report (docs/CLI.md, Preflight): `{requests, distinct, newlyDenied[], newlyAllowed[], unknown[]}`
 * and the counts around them. Pure types.
 */
import type { RootCause } from '../model';
import type { Decision } from '../policy/types';

export type SideDecision = Decision | 'unknown';

/** One recorded request, as the replay shows it (a sample of the occurrences of one distinct request). */
export interface PreflightSample {
  readonly eventId: string;
  readonly eventTime: string;
  readonly eventName: string;
  readonly region: string;
  readonly sourceIp: string | null;
  readonly vpcEndpointId: string | null;
  readonly accessPointArn: string | null;
  readonly secureTransport: boolean | null;
  readonly tlsVersion: string | null;
  readonly userAgent: string | null;
}

/** An Allow statement that decides a layer after the change (for access that widens). */
export interface AllowingStatement {
  readonly layer: string;
  readonly policy: string;
  readonly statement: string;
}

/** One distinct request whose outcome the change alters (or may alter). */
export interface PreflightItem {
  /** The caller: its ARN (session ARN for a role session), or `anonymous`, or the service. */
  readonly principal: string;
  /** The first IAM action the request needs (`actions` lists them all when there are several). */
  readonly action: string;
  /** The first resource it touches (`resources` lists them all when there are several). */
  readonly resource: string;
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
  /** How many recorded requests are this request. */
  readonly count: number;
  /** What CloudTrail recorded for them. */
  readonly recorded: { readonly allowed: number; readonly denied: number; readonly error: number };
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly sample: PreflightSample;
  /**
   * Today's decision: the engine's, or (`basis: 'recorded'`) AWS's own when the engine cannot decide and every
   * occurrence was recorded alike (`allowed`, or `denied`: the record does not tell an explicit from an implicit deny).
   */
  readonly before: {
    readonly decision: SideDecision | 'denied';
    readonly basis: 'engine' | 'recorded';
    readonly missing?: readonly string[];
  };
  /** The decision with the proposed documents; for a denial, the root causes exactly as `explain` gives them. */
  readonly after: {
    readonly decision: SideDecision;
    readonly rootCauses: readonly RootCause[];
    readonly allowedBy?: readonly AllowingStatement[];
    readonly missing?: readonly string[];
  };
  /** The proposals (as given on the command line) that reach this request. */
  readonly changes: readonly string[];
  /** The caller is not of the bucket's account (anonymous callers are outside); null when not known. */
  readonly outsideAccount: boolean | null;
  /** The caller is not in the bucket account's organization; null when not known. */
  readonly outsideOrganization: boolean | null;
  /** A policy reads the request time: the occurrences were decided at the time of the first one. */
  readonly timeDependent?: true;
}

export interface Tally {
  readonly requests: number;
  readonly distinct: number;
}

/** A distinct request whose recorded outcome the engine contradicts today (before the change). */
export interface Disagreement {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly recorded: PreflightItem['recorded'];
  readonly engine: SideDecision;
  /** The occurrences whose recorded outcome differs from the engine's. */
  readonly count: number;
  readonly sample: PreflightSample;
}

export interface PreflightChangeSummary {
  /** As given: `--bucket-policy my-bucket=new-policy.json`. */
  readonly change: string;
  /** Recorded requests whose facts this document changes. */
  readonly reached: Tally;
}

export interface PreflightReport {
  /** Records read (every record of every input, S3 or not). */
  readonly records: number;
  /** S3 requests replayed (after --since / --until / --bucket / --principal). */
  readonly requests: number;
  /** Distinct requests among them (the collapse key: lambdas/core/preflight/collapse.ts). */
  readonly distinct: number;
  readonly newlyDenied: readonly PreflightItem[];
  readonly newlyAllowed: readonly PreflightItem[];
  /** Requests a proposal reaches (or may reach) whose outcome a missing fact hides. */
  readonly unknown: readonly PreflightItem[];
  readonly stillAllowed: Tally;
  /** Denied before and after; `items` only with --verbose. */
  readonly stillDenied: Tally & { readonly items?: readonly PreflightItem[] };
  /**
   * Requests whose outcome the change does not alter (no proposal reaches them, or none alters a layer's outcome)
   * and that neither the engine nor a unanimous recorded outcome decides today.
   */
  readonly undecided: Tally;
  /** Operations the engine does not map to IAM actions: not replayed. */
  readonly unmapped: Tally & { readonly eventNames: Readonly<Record<string, number>> };
  /**
   * Recorded outcomes the engine contradicts before any change (the snapshot is stale, or the engine is wrong):
   * how far to trust the replay.
   */
  readonly disagreements: Tally & { readonly sample: readonly Disagreement[] };
  readonly changes: readonly PreflightChangeSummary[];
}
