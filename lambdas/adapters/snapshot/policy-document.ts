/**
 * Policy documents in a snapshot come in three forms (SNAPSHOT.md): a parsed JSON object, a JSON string
 * (what most AWS APIs return) or a URL-encoded JSON string (what IAM returns in some calls).
 * `decodePolicyDocument` turns any of them into the parsed object, or says what is wrong.
 */

export type DecodeResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function parseJsonObject(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      problem: `policy document is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    };
  }
  return isObject(parsed)
    ? { ok: true, value: parsed }
    : { ok: false, problem: `policy document must be a JSON object, got ${describe(parsed)}` };
}

/** The AWS CLI's whole answer (`{"Policy": "…"}` from get-bucket-policy, `{"PolicyDocument": …}`) holds the document. */
const WRAPPERS = ['Policy', 'PolicyDocument', 'Document'];

function checked(result: DecodeResult, depth: number): DecodeResult {
  if (!result.ok || 'Statement' in result.value) return result;
  const keys = Object.keys(result.value);
  const wrapper =
    keys.length === 1 && WRAPPERS.includes(keys[0] ?? '') ? result.value[keys[0] ?? ''] : undefined;
  if (wrapper !== undefined && depth === 0) return checked(decodeOnce(wrapper), 1);
  return { ok: false, problem: 'policy document has no "Statement"' };
}

/** Accepts an object, a JSON string or a URL-encoded JSON string; the document must have a Statement. */
export function decodePolicyDocument(value: unknown): DecodeResult {
  return checked(decodeOnce(value), 0);
}

function decodeOnce(value: unknown): DecodeResult {
  if (isObject(value)) return { ok: true, value };
  if (typeof value !== 'string') {
    return {
      ok: false,
      problem: `expected a policy document (object, JSON string or URL-encoded JSON string), got ${describe(value)}`,
    };
  }
  const text = value.trim();
  if (text.startsWith('{')) return parseJsonObject(text);
  if (/^%7b/i.test(text)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return { ok: false, problem: 'policy document is not valid URL-encoded text' };
    }
    return parseJsonObject(decoded);
  }
  return {
    ok: false,
    problem:
      'expected a policy document (object, JSON string or URL-encoded JSON string), got a string that is neither',
  };
}
