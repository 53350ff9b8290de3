/**
 * A KMS key's facts: DescribeKey, GetKeyPolicy (policy "default"), ListGrants, ListAliases — read in the key's
 * account and region (GetKeyPolicy and ListAliases do not work across accounts:
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html).
 */
import type { AliasListEntry, GrantListEntry, KeyMetadata } from '@aws-sdk/client-kms';
import { known, unknown, type Fact, type KmsGrant, type KmsKeyFacts } from '../../core/model';
import type { ScopeResult } from './accounts';
import { kmsSdk } from './clients';
import { policyDocument } from './documents';
import { factOf, unknownOf } from './facts';
import { PERMISSION } from './permissions';
import { readAll, type CachedReader } from './reader';

const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

export interface KeyRef {
  /** The reference as found (key ARN, alias ARN, key id or alias name). */
  readonly ref: string;
  readonly region: string;
  readonly accountId: string | null;
  /** What DescribeKey is called with. */
  readonly keyId: string;
  readonly isKeyArn: boolean;
}

/** Where a key reference points: a key/alias ARN carries its region and account; a bare id or alias uses the defaults. */
export function keyRef(
  ref: string,
  defaults: { region: string; accountId: string | null; partition?: string },
): KeyRef {
  const m = KEY_ARN.exec(ref);
  if (m)
    return {
      ref,
      region: m[2] ?? defaults.region,
      accountId: m[3] ?? null,
      keyId: ref,
      isKeyArn: m[4] === 'key',
    };
  const partition = defaults.partition ?? 'aws';
  const kind = ref.startsWith('alias/') ? '' : 'key/';
  const keyId = defaults.accountId
    ? `arn:${partition}:kms:${defaults.region}:${defaults.accountId}:${kind}${ref}`
    : ref;
  return {
    ref,
    region: defaults.region,
    accountId: defaults.accountId,
    keyId,
    isKeyArn: kind === 'key/' && defaults.accountId !== null,
  };
}

function grantOf(g: GrantListEntry): KmsGrant {
  const c = g.Constraints;
  return {
    ...(g.GranteePrincipal ? { GranteePrincipal: g.GranteePrincipal } : {}),
    ...(g.RetiringPrincipal ? { RetiringPrincipal: g.RetiringPrincipal } : {}),
    Operations: (g.Operations ?? []).map(String),
    ...(c && (c.EncryptionContextEquals || c.EncryptionContextSubset)
      ? {
          Constraints: {
            ...(c.EncryptionContextEquals ? { EncryptionContextEquals: c.EncryptionContextEquals } : {}),
            ...(c.EncryptionContextSubset ? { EncryptionContextSubset: c.EncryptionContextSubset } : {}),
          },
        }
      : {}),
    ...(g.GrantId ? { GrantId: g.GrantId } : {}),
    ...(g.Name ? { Name: g.Name } : {}),
  };
}

/** The facts of one key; `arn` is the key ARN when DescribeKey told it, else the reference. */
export async function readKmsKey(
  reader: CachedReader,
  scoped: ScopeResult,
  ref: KeyRef,
): Promise<{ arn: string; fact: Fact<KmsKeyFacts> }> {
  if (!scoped.ok) return { arn: ref.ref, fact: scoped.fact };
  const { scope } = scoped;
  const kms = scope.clients(ref.region).kms;
  const { DescribeKeyCommand, GetKeyPolicyCommand, ListAliasesCommand, ListGrantsCommand } = kmsSdk();
  const key = (api: string, id: string) => `${scope.label}|${ref.region}|kms|${api}|${id}`;
  const describe = reader.read(key('DescribeKey', ref.keyId), PERMISSION.DescribeKey, () =>
    kms.send(new DescribeKeyCommand({ KeyId: ref.keyId })),
  );
  // With a key ARN, everything is read at once; an alias or bare id is resolved by DescribeKey first.
  const rest = (keyArn: string) =>
    Promise.all([
      reader.read(key('GetKeyPolicy', keyArn), PERMISSION.GetKeyPolicy, () =>
        kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' })),
      ),
      readAll<GrantListEntry>(reader, key('ListGrants', keyArn), PERMISSION.ListGrants, async (Marker) => {
        const r = await kms.send(new ListGrantsCommand({ KeyId: keyArn, ...(Marker ? { Marker } : {}) }));
        return { items: r.Grants ?? [], next: r.Truncated ? r.NextMarker : undefined };
      }),
      readAll<AliasListEntry>(reader, key('ListAliases', keyArn), PERMISSION.ListAliases, async (Marker) => {
        const r = await kms.send(new ListAliasesCommand({ KeyId: keyArn, ...(Marker ? { Marker } : {}) }));
        return { items: r.Aliases ?? [], next: r.Truncated ? r.NextMarker : undefined };
      }),
    ]);
  const early = ref.isKeyArn ? rest(ref.keyId) : null;
  const d = await describe;
  if (!d.ok) return { arn: ref.ref, fact: unknownOf(d.failure, `KMS key ${ref.ref}`) };
  const meta: KeyMetadata | undefined = d.value.KeyMetadata;
  const arn = meta?.Arn ?? ref.keyId;
  const [policy, grants, aliases] = await (early ?? rest(arn));
  const accountId = meta?.AWSAccountId ?? KEY_ARN.exec(arn)?.[3] ?? ref.accountId ?? '';
  if (!meta) return { arn, fact: unknown('error', `DescribeKey returned no metadata for ${ref.ref}`) };
  return {
    arn,
    fact: known({
      arn,
      accountId,
      keyPolicy: factOf(
        policy,
        (p) => ({
          name: p.PolicyName ?? 'default',
          arn,
          source: 'kms-key-policy' as const,
          document: policyDocument(p.Policy),
        }),
        `KMS key ${arn} policy`,
      ),
      grants: factOf(grants, (gs) => gs.map(grantOf), `KMS key ${arn} grants`),
      keyManager: meta.KeyManager === 'AWS' || meta.KeyManager === 'CUSTOMER' ? meta.KeyManager : null,
      keyState: meta.KeyState ?? null,
      aliases: aliases.ok ? aliases.value.map((a) => a.AliasName ?? '').filter((a) => a !== '') : [],
    }),
  };
}
