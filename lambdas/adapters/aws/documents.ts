/**
 * Policy documents as the APIs return them: S3, KMS, EC2 and Organizations return JSON strings; IAM returns
 * URL-encoded JSON (RFC 3986) in GetRolePolicy, GetUserPolicy, GetGroupPolicy, GetPolicyVersion and
 * GetAccountAuthorizationDetails (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html).
 * Both are turned into the parsed object; text that does not parse is passed on as is, for the engine to report.
 */

/** Decodes IAM's URL-encoding when present (already-decoded JSON starts with "{"). */
export function urlDecodeIam(text: string): string {
  const t = text.trim();
  if (t.startsWith('{') || !t.includes('%')) return t;
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}

/** A policy document (JSON string, URL-encoded JSON string, or object) as an object when it parses. */
export function policyDocument(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = urlDecodeIam(raw);
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    return text;
  }
}
