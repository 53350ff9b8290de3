/**
 * What the text of a policy document names, read once per document for every caller: whether it names a time key
 * (then an analysis that reads it is never reused, report/reuse.ts) and which tag condition keys it tests
 * (fix/context.ts). The facts of one request are new objects, but the documents they hold (a bucket's policy, a
 * managed policy, the organization's SCPs) are shared by every request that reads them: each is serialised and
 * searched once, not once per request and reader.
 */

export interface DocumentScan {
  /** aws:CurrentTime, aws:EpochTime or aws:MultiFactorAuthAge appears in the text. */
  readonly namesTime: boolean;
  /**
   * s3:ExistingObjectTag/<key>, s3:RequestObjectTag/<key>, aws:ResourceTag/<key> and aws:PrincipalTag/<key> keys in
   * the text, lower-cased (aws:PrincipalTag also as a policy variable, `${aws:PrincipalTag/<key>}`).
   */
  readonly tagKeys: readonly string[];
}

const TIME_KEY = /aws:(?:currenttime|epochtime|multifactorauthage)/i;
const TAG = /(?:objecttag|resourcetag|principaltag)\//i;
const TAG_KEY_IN_JSON =
  /"(s3:(?:existingobjecttag|requestobjecttag)\/[^"]*|aws:(?:resourcetag|principaltag)\/[^"]*)"|\$\{\s*(aws:principaltag\/[^}"\s,]*)/gi;
const NO_TAG_KEYS: readonly string[] = [];
/** A document that cannot be serialised: nothing is known of it, so it is taken as reading the time. */
const UNREADABLE: DocumentScan = { namesTime: true, tagKeys: NO_TAG_KEYS };

const scans = new WeakMap<object, DocumentScan>();

function scanText(text: string): DocumentScan {
  const namesTime = TIME_KEY.test(text);
  if (!TAG.test(text)) return { namesTime, tagKeys: NO_TAG_KEYS };
  const keys = new Set<string>();
  for (const m of text.matchAll(TAG_KEY_IN_JSON)) keys.add((m[1] ?? m[2] ?? '').toLowerCase());
  return { namesTime, tagKeys: [...keys] };
}

/** The scan of a policy document (an object, or its JSON text), cached per document object. */
export function scanDocument(document: unknown): DocumentScan {
  if (typeof document === 'string') return scanText(document);
  if (typeof document !== 'object' || document === null) return scanText(String(document));
  let scan = scans.get(document);
  if (scan === undefined) {
    let text: string;
    try {
      text = JSON.stringify(document);
    } catch {
      return UNREADABLE;
    }
    scan = scanText(text);
    scans.set(document, scan);
  }
  return scan;
}
