/**
 * The one interface between the analysis and a source of account facts.
 * Implemented by the snapshot view (offline, `adapters/snapshot`) and the live view (`adapters/aws`).
 */
import type { AccessRequest, RequestFacts } from '../core/model';

export interface AccountView {
  /** Everything the analysis of this request may read. Never throws for a missing fact: it is an unknown. */
  gather(request: AccessRequest): Promise<RequestFacts>;
}
