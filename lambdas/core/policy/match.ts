/**
 * Wildcard matching for the policy language, compiled once at parse time (no RegExp anywhere).
 *
 * Patterns are stored "encoded": the wildcard characters of the policy text become private-use
 * sentinels (STAR, QMARK), so that text inserted later by policy variables (and the `${*}` / `${?}`
 * escapes) stays literal. The matcher below is the classic two-pointer glob algorithm: linear in
 * practice, no allocation.
 *
 * ARN rule (Resource / NotResource), from
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 * ("Using wildcards in resource ARNs"): wildcards are used within the individual colon-separated
 * segments; `*` may match "/" inside a segment; "If the * wildcard is the last character of a
 * resource ARN segment, it can expand to match beyond the colon boundaries."
 * What we implement:
 *  - "*" alone matches every resource (including the non-ARN resource "*");
 *  - the first five segments (arn, partition, service, region, account) are matched one by one:
 *    a wildcard there never crosses a ':';
 *  - the resource part (everything after the fifth ':') is one segment: `*` / `?` match any
 *    character there, ':' and '/' included (S3 keys may contain ':');
 *  - when the pattern stops early (fewer than six segments) and its last segment ends with `*`, that
 *    `*` expands over the rest of the ARN, colons included (`arn:aws:s3:*` matches every S3 ARN).
 * ARN condition operators (ArnEquals / ArnLike …) use the stricter rule of
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN:
 * each of the six components is checked separately, so a short pattern never expands.
 */
import { textMemo } from '../text-memo';

export const STAR = '\uE000';
export const QMARK = '\uE001';
const STAR_CODE = 0xe000;
const QMARK_CODE = 0xe001;

/** Encodes policy text: `*` and `?` become wildcard sentinels. */
export function encodeWildcards(text: string): string {
  if (text.indexOf('*') < 0 && text.indexOf('?') < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    out += c === '*' ? STAR : c === '?' ? QMARK : c;
  }
  return out;
}

/** Turns an encoded pattern back into policy text for display. */
export function decodeWildcards(encoded: string): string {
  if (encoded.indexOf(STAR) < 0 && encoded.indexOf(QMARK) < 0) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    out += c === STAR_CODE ? '*' : c === QMARK_CODE ? '?' : encoded[i];
  }
  return out;
}

/** Glob test of s[sStart, sEnd) against the encoded pattern p[pStart, pEnd). `?` is exactly one character. */
export function globRange(
  p: string,
  pStart: number,
  pEnd: number,
  s: string,
  sStart: number,
  sEnd: number,
): boolean {
  let pi = pStart;
  let si = sStart;
  let starP = -1;
  let starS = 0;
  while (si < sEnd) {
    if (pi < pEnd) {
      const c = p.charCodeAt(pi);
      if (c === STAR_CODE) {
        starP = ++pi;
        starS = si;
        continue;
      }
      if (c === QMARK_CODE || c === s.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP;
    si = ++starS;
  }
  while (pi < pEnd && p.charCodeAt(pi) === STAR_CODE) pi++;
  return pi === pEnd;
}

/** A compiled glob: the common shapes get a native string test. */
export interface GlobPattern {
  readonly kind: 'any' | 'exact' | 'prefix' | 'glob';
  /** exact: the whole literal; prefix: the literal before the single trailing `*`; glob: the encoded pattern. */
  readonly text: string;
}

export const ANY_GLOB: GlobPattern = { kind: 'any', text: STAR };

/**
 * A flat copy of a string. Patterns are cut with slice(), which yields "sliced" strings that V8 compares and
 * searches more slowly; compiled patterns are compared on every evaluation. toLowerCase() makes a new sequential
 * string, the same text when there is no capital letter; otherwise a JSON round trip copies it (both several
 * times cheaper than internalizing the string through an object key).
 */
export function flat(s: string): string {
  const lower = s.toLowerCase();
  return lower === s ? lower : (JSON.parse(JSON.stringify(s)) as string);
}

function hasWildcard(encoded: string): boolean {
  return encoded.indexOf(STAR) >= 0 || encoded.indexOf(QMARK) >= 0;
}

export function compileGlob(encoded: string): GlobPattern {
  if (encoded === STAR) return ANY_GLOB;
  if (!hasWildcard(encoded)) return { kind: 'exact', text: flat(encoded) };
  const body = encoded.slice(0, -1);
  if (encoded.endsWith(STAR) && !hasWildcard(body)) return { kind: 'prefix', text: flat(body) };
  return { kind: 'glob', text: flat(encoded) };
}

/**
 * Whether `s` holds `text` at `from`: s.startsWith(text, from), compared from the last character back. On this
 * engine's hot path (a compiled pattern against a resource of the same bucket) the two share their beginning, the
 * bucket, and differ near the end of the pattern's literal, where this loop looks first; and Node 22's startsWith
 * measured 90 to 240 ns a call against about 20 for this loop (issue 15). Compares UTF-16 code units, as
 * startsWith does; `from` is never negative here.
 */
export function startsAt(s: string, text: string, from: number): boolean {
  const n = text.length;
  if (from > s.length) from = s.length; // as startsWith: a position past the end is the end
  if (s.length - from < n) return false;
  for (let i = n - 1; i >= 0; i--) if (s.charCodeAt(from + i) !== text.charCodeAt(i)) return false;
  return true;
}

/** Tests s[from, end) against a compiled glob. */
export function globTest(g: GlobPattern, s: string, from = 0): boolean {
  switch (g.kind) {
    case 'any':
      return true;
    case 'exact':
      return from === 0 ? s === g.text : s.length - from === g.text.length && startsAt(s, g.text, from);
    case 'prefix':
      return startsAt(s, g.text, from);
    default:
      return globRange(g.text, 0, g.text.length, s, from, s.length);
  }
}

/**
 * Segment-aware ARN match of s against the encoded pattern p (see the rule at the top of the file).
 * `expandTrailing`: whether a pattern with fewer than six segments whose last segment ends in `*`
 * expands over the rest of the ARN (Resource element: yes; ARN condition operators: no).
 */
export function arnMatchEncoded(p: string, s: string, expandTrailing: boolean): boolean {
  if (p === STAR) return true;
  let ps = 0;
  let ss = 0;
  for (let seg = 0; seg < 5; seg++) {
    const pe = p.indexOf(':', ps);
    const se = s.indexOf(':', ss);
    if (pe < 0) {
      if (expandTrailing && p.charCodeAt(p.length - 1) === STAR_CODE)
        return globRange(p, ps, p.length, s, ss, s.length);
      return se < 0 && globRange(p, ps, p.length, s, ss, s.length);
    }
    if (se < 0) return false;
    if (!globRange(p, ps, pe, s, ss, se)) return false;
    ps = pe + 1;
    ss = se + 1;
  }
  return globRange(p, ps, p.length, s, ss, s.length);
}

/** A compiled ARN pattern: when the five head segments are literal, one prefix test plus a glob on the rest. */
export interface ArnPattern {
  readonly encoded: string;
  readonly expandTrailing: boolean;
  /** The literal head "arn:aws:s3:::" when the first five segments have no wildcard; else null. */
  readonly head: string | null;
  readonly rest: GlobPattern | null;
}

function fifthColon(p: string): number {
  let i = -1;
  for (let n = 0; n < 5; n++) {
    i = p.indexOf(':', i + 1);
    if (i < 0) return -1;
  }
  return i;
}

/**
 * One string object per text, for the texts the engine compares again and again: ARN heads ("arn:aws:s3:::"), which
 * arnTest compares with the last head it tested, and resource scopes, the keys of the candidate lists. Two
 * references to one string compare at once; two equal copies compare character by character. Bounded: cleared
 * past 4,096 texts (a shared text is only ever a faster copy).
 */
export const sharedText = textMemo(4096, flat);

export function compileArnPattern(encoded: string, expandTrailing: boolean): ArnPattern {
  const cut = encoded === STAR ? -1 : fifthColon(encoded);
  if (cut >= 0) {
    const head = encoded.slice(0, cut + 1);
    if (!hasWildcard(head))
      return {
        encoded: flat(encoded),
        expandTrailing,
        head: sharedText(head),
        rest: compileGlob(encoded.slice(cut + 1)),
      };
  }
  return { encoded: flat(encoded), expandTrailing, head: null, rest: null };
}

/** The last head test (most patterns of a policy share the head "arn:aws:s3:::"). */
let lastHead: string | null = null;
let lastSubject: string | null = null;
let lastHeadMatches = false;

export function arnTest(a: ArnPattern, s: string): boolean {
  if (a.head !== null && a.rest !== null) {
    if (a.head !== lastHead || s !== lastSubject) {
      lastHead = a.head;
      lastSubject = s;
      lastHeadMatches = startsAt(s, a.head, 0);
    }
    if (!lastHeadMatches) return false;
    return globTest(a.rest, s, a.head.length);
  }
  return arnMatchEncoded(a.encoded, s, a.expandTrailing);
}
