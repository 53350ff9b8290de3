/**
 * One analysis, everywhere: the CLI and the Lambda both explain a denial through this function.
 * Facts come from an AccountView (snapshot or live AWS); the pure core analyses them; for the causes found,
 * the change history is attached (from the facts, or looked up live for just those resources).
 * Nothing is dropped: if anything fails, the finding still comes out with the request and the error.
 */
import { analyze, failedFinding } from '../core/analyze';
import { attachChanges, changeLookupNames, DEFAULT_CHANGE_WINDOW_DAYS } from '../core/changes';
import type { AccessRequest, ChangeRecord, Fact, Finding } from '../core/model';
import type { AccountView } from './types';
import type { ChangeLookupOptions } from './changes/cloudtrail-lookup';

export interface ChangeSource {
  recentChanges(o: ChangeLookupOptions): Promise<Fact<readonly ChangeRecord[]>>;
}

export interface ExplainOptions {
  /** Live change history lookup; without it, only the facts' own recentChanges are used. */
  readonly changes?: ChangeSource;
  readonly windowDays?: number;
}

export async function explainRequest(
  request: AccessRequest,
  view: AccountView,
  opts: ExplainOptions = {},
): Promise<Finding> {
  try {
    const facts = await view.gather(request);
    const finding = analyze(request, facts);
    let history = facts.recentChanges;
    if (
      history.status !== 'known' &&
      history.reason === 'notCollected' &&
      opts.changes &&
      finding.rootCauses.length > 0
    ) {
      const names = changeLookupNames(finding, request, facts);
      const until = new Date(request.eventTime);
      if (names.length > 0 && !Number.isNaN(until.getTime())) {
        history = await opts.changes.recentChanges({
          resourceNames: names,
          until,
          windowDays: opts.windowDays ?? DEFAULT_CHANGE_WINDOW_DAYS,
        });
      }
    }
    return attachChanges(
      finding,
      request,
      { ...facts, recentChanges: history },
      { windowDays: opts.windowDays },
    );
  } catch (err) {
    return failedFinding(request, err);
  }
}
