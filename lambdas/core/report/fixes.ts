/**
 * `explain --write-fixes DIR`: the complete policy document a verified fix produces, so the user reviews a
 * diff and runs one command. The current document comes from the facts the finding was made from; the
 * patch is the finding's `fix.policyPatch` (the shapes the checkers produce: `addStatement`,
 * `replaceStatement` + `statement`, `removeStatement`, a `newInlinePolicy`, and KMS's per-layer parts).
 * Pure: the CLI writes the files.
 */
import { policyDocument, type PolicyDoc } from '../fix/patch';
import type { AccessRequest, Fact, NamedPolicy, RequestFacts, RootCause } from '../model';
import { ownValue } from '../own';

type Json = Record<string, unknown>;

export interface PatchedDocument {
  /** The layer the document belongs to (bucket-policy, identity-policy, kms-key-policy, scp, …). */
  readonly layer: string;
  /** The policy's ARN or name, or the bucket / endpoint / key it belongs to. */
  readonly target: string;
  /** The document as it is now; null when the fix creates a new policy. */
  readonly current: PolicyDoc | null;
  readonly patched: PolicyDoc;
}

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const known = <T>(f: Fact<T> | null | undefined): T | undefined =>
  f?.status === 'known' ? f.value : undefined;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isJson) : isJson(v) ? [v] : []);

/** The 0-based index of the statement a patch names: by Sid, or `#n` (1-based) when it has none. */
function statementIndex(doc: PolicyDoc, label: unknown): number {
  if (typeof label !== 'string') return -1;
  const byNumber = /^#(\d+)$/.exec(label);
  if (byNumber) {
    const i = Number(byNumber[1]) - 1;
    return i < doc.Statement.length ? i : -1;
  }
  return doc.Statement.findIndex((s) => s['Sid'] === label);
}

/** The document with the patch applied; null when the patch does not fit the document. */
export function applyPatch(current: PolicyDoc | null, patch: Json): PolicyDoc | null {
  const doc: PolicyDoc = current
    ? { ...current, Statement: [...current.Statement] }
    : { Version: '2012-10-17', Statement: [] };
  if (patch['replaceStatement'] !== undefined) {
    const i = statementIndex(doc, patch['statement']);
    if (i < 0 || !isJson(patch['replaceStatement'])) return null;
    doc.Statement[i] = patch['replaceStatement'];
    // an exception in a Deny may come with the Allow the policy then lacks (fix/guardrail.ts)
    doc.Statement.push(...list(patch['addStatement']));
    return doc;
  }
  if (patch['removeStatement'] !== undefined) {
    const i = statementIndex(doc, patch['removeStatement']);
    if (i < 0) return null;
    doc.Statement.splice(i, 1);
    return doc;
  }
  const add = list(patch['addStatement']);
  if (add.length === 0) return null;
  doc.Statement.push(...add);
  return doc;
}

const docOf = (p: NamedPolicy | null | undefined): PolicyDoc | null =>
  p ? policyDocument(p.document) : null;
const named = (name: unknown) => (p: NamedPolicy) =>
  typeof name === 'string' && (p.arn === name || p.name === name);

function identityPolicy(facts: RequestFacts, name: unknown): NamedPolicy | undefined {
  return known(facts.principal)?.identityPolicies.find(named(name));
}

function orgPolicy(levels: Fact<readonly { policies: readonly NamedPolicy[] }[] | null>, name: unknown) {
  for (const level of known(levels) ?? []) {
    const p = level.policies.find(named(name));
    if (p) return p;
  }
  return undefined;
}

/** The current document of the layer a patch changes, or undefined when the facts do not hold it. */
function currentOf(
  layer: string,
  patch: Json,
  facts: RequestFacts,
  request: AccessRequest,
): { target: string; current: PolicyDoc | null } | undefined {
  switch (layer) {
    case 'bucket-policy': {
      const bucket = typeof patch['bucket'] === 'string' ? patch['bucket'] : request.bucket;
      const b = bucket ? known(ownValue(facts.buckets, bucket)) : undefined;
      if (!bucket || !b || b.policy.status !== 'known') return undefined;
      return { target: bucket, current: docOf(b.policy.value) };
    }
    case 'identity-policy': {
      if (typeof patch['newInlinePolicy'] === 'string')
        return { target: patch['newInlinePolicy'], current: null };
      const p = identityPolicy(facts, patch['policy']);
      return p ? { target: p.arn ?? p.name, current: docOf(p) } : undefined;
    }
    case 'permissions-boundary': {
      const p = known(facts.principal)?.permissionsBoundary;
      return p ? { target: p.arn ?? p.name, current: docOf(p) } : undefined;
    }
    case 'scp':
    case 'rcp': {
      const p = orgPolicy(layer === 'scp' ? facts.scpLevels : facts.rcpLevels, patch['policy']);
      return p ? { target: p.arn ?? p.name, current: docOf(p) } : undefined;
    }
    case 'vpc-endpoint-policy': {
      const e = known(facts.vpcEndpoint);
      return e ? { target: e.id, current: docOf(e.policy) } : undefined;
    }
    case 'access-point-policy': {
      const ap = known(facts.accessPoint);
      if (!ap || ap.policy.status !== 'known') return undefined;
      return { target: ap.arn, current: docOf(ap.policy.value) };
    }
    case 'kms-key-policy': {
      const keyArn = list(patch['addStatement'])
        .map((s) => s['Resource'])
        .find((r): r is string => typeof r === 'string');
      const key = keyArn ? known(ownValue(facts.kmsKeys, keyArn)) : undefined;
      if (!keyArn || !key || key.keyPolicy.status !== 'known') return undefined;
      return { target: keyArn, current: docOf(key.keyPolicy.value) };
    }
    default:
      return undefined; // object ownership, session policies, …: not a document a command writes
  }
}

/** The layers whose fix is a policy document a command writes (others, e.g. object-ownership, are commands). */
export const DOCUMENT_LAYERS: ReadonlySet<string> = new Set([
  'bucket-policy',
  'identity-policy',
  'permissions-boundary',
  'scp',
  'rcp',
  'vpc-endpoint-policy',
  'access-point-policy',
  'kms',
]);

/**
 * The patched documents of a verified fix (KMS fixes may change two: the key policy and an identity policy).
 * Empty when the fix is not verified, has no policy patch, or the facts do not hold the current document.
 */
export function patchedDocuments(
  cause: RootCause,
  facts: RequestFacts,
  request: AccessRequest,
): PatchedDocument[] {
  const patch = cause.fix.policyPatch;
  if (!cause.fix.verified || !isJson(patch)) return [];
  const parts: [string, Json][] =
    patch['layer'] === 'kms'
      ? [
          ...(isJson(patch['keyPolicy']) ? [['kms-key-policy', patch['keyPolicy']] as [string, Json]] : []),
          ...(isJson(patch['identityPolicy'])
            ? [['identity-policy', patch['identityPolicy']] as [string, Json]]
            : []),
        ]
      : typeof patch['layer'] === 'string'
        ? [[patch['layer'], patch as Json]]
        : [];
  const out: PatchedDocument[] = [];
  for (const [layer, part] of parts) {
    const found = currentOf(layer, part, facts, request);
    if (!found) continue;
    const patched =
      found.current === null && isJson(part['document'])
        ? policyDocument(part['document'])
        : applyPatch(found.current, part);
    if (patched) out.push({ layer, target: found.target, current: found.current, patched });
  }
  return out;
}
