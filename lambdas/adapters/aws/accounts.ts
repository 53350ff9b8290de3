/**
 * Which credentials read which account. The auditor reads its own account with its own credentials; with a
 * member role configured (organization mode), it enters any other account with STS AssumeRole
 * (arn:<partition>:iam::<account>:role/<memberRoleName>, ExternalId when given) and caches the credentials until
 * shortly before they expire. An account it cannot enter yields unknown('accessDenied', 'cannot assume …').
 */
import { unknown, type Unknown } from '../../core/model';
import {
  defaultClients,
  partitionOf,
  releaseClients,
  stsSdk,
  withInjected,
  type AwsClients,
  type ClientFactory,
  type TemporaryCredentials,
} from './clients';
import { classifyError, isCacheable, type Outcome } from './errors';
import { unknownOf } from './facts';
import { PERMISSION } from './permissions';
import type { CachedReader } from './reader';

/** A set of credentials in one account: the clients to read it with, per region. */
export interface Scope {
  /** 'self' for the auditor's own credentials, else the account id; part of every cache key. */
  readonly label: string;
  /** The account these credentials act in, when known. */
  readonly accountId: string | null;
  clients(region: string): AwsClients;
}

export type ScopeResult =
  { readonly ok: true; readonly scope: Scope } | { readonly ok: false; readonly fact: Unknown };

export interface AccountAccessOptions {
  readonly reader: CachedReader;
  readonly region: string;
  readonly profile?: string;
  readonly clients?: Partial<AwsClients>;
  readonly clientFactory?: ClientFactory;
  readonly memberRoleName?: string;
  readonly externalId?: string;
  readonly auditorAccountId?: string;
  readonly cacheTtlMs: number;
  readonly now: () => number;
}

/** Assumed-role credentials are refreshed this long before they expire. */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
const SESSION_NAME = 's3-403-auditor';

interface CredentialEntry {
  readonly pending: Promise<Outcome<TemporaryCredentials>>;
  validUntil: number;
}

export class AccountAccess {
  private readonly ownByRegion = new Map<string, AwsClients>();
  private readonly memberByKey = new Map<string, { accessKeyId: string; clients: AwsClients }>();
  private readonly credentials = new Map<string, CredentialEntry>();
  private auditorAccount: Promise<string | null> | null = null;
  readonly self: Scope;

  constructor(private readonly opts: AccountAccessOptions) {
    this.self = {
      label: 'self',
      accountId: opts.auditorAccountId ?? null,
      clients: (region) => this.ownClients(region),
    };
  }

  private ownClients(region: string): AwsClients {
    let c = this.ownByRegion.get(region);
    if (!c) {
      const injected = this.opts.clients ?? {};
      const complete = ['s3', 's3control', 'iam', 'ec2', 'kms', 'organizations', 'sts', 'cloudtrail'].every(
        (k) => k in injected,
      );
      const base: Partial<AwsClients> = complete
        ? {}
        : this.opts.clientFactory
          ? this.opts.clientFactory(null, region)
          : defaultClients(region, this.opts.profile ? { profile: this.opts.profile } : {});
      c = withInjected(base, injected);
      this.ownByRegion.set(region, c);
    }
    return c;
  }

  /** One set of clients per account and region, replaced (not accumulated) when the credentials are renewed. */
  private memberClients(accountId: string, region: string, creds: TemporaryCredentials): AwsClients {
    const key = `${accountId}|${region}`;
    const hit = this.memberByKey.get(key);
    if (hit && hit.accessKeyId === creds.accessKeyId) return hit.clients;
    // Clients this class built itself are released; a factory's clients belong to the factory.
    if (hit && !this.opts.clientFactory) releaseClients(hit.clients);
    const clients = this.opts.clientFactory
      ? this.opts.clientFactory(accountId, region, creds)
      : defaultClients(region, { credentials: creds });
    this.memberByKey.set(key, { accessKeyId: creds.accessKeyId, clients });
    return clients;
  }

  /** The auditor's own account: the option, else STS GetCallerIdentity (once per view); null if unreadable. */
  auditorAccountId(): Promise<string | null> {
    if (this.opts.auditorAccountId) return Promise.resolve(this.opts.auditorAccountId);
    if (!this.auditorAccount) {
      const sts = this.self.clients(this.opts.region).sts;
      this.auditorAccount = sts.send(new (stsSdk().GetCallerIdentityCommand)({})).then(
        (r) => r.Account ?? null,
        () => null,
      );
    }
    return this.auditorAccount;
  }

  /** The scope that reads `accountId`: the auditor's own, or the member role's; or why it cannot be entered. */
  async scopeFor(accountId: string | null): Promise<ScopeResult> {
    if (accountId === null || !this.opts.memberRoleName) return { ok: true, scope: this.self };
    const auditor = await this.auditorAccountId();
    if (auditor === null || auditor === accountId)
      return { ok: true, scope: { ...this.self, accountId: auditor ?? accountId } };
    const roleArn = `arn:${partitionOf(this.opts.region)}:iam::${accountId}:role/${this.opts.memberRoleName}`;
    const o = await this.assume(roleArn);
    if (!o.ok) {
      const f = o.failure;
      const detail = `cannot assume ${roleArn} to read account ${accountId}: ${f.code}: ${f.message}`;
      if (f.kind === 'accessDenied' || f.kind === 'notFound')
        return { ok: false, fact: unknown('accessDenied', detail, PERMISSION.AssumeRole) };
      return { ok: false, fact: unknownOf(f, `cannot assume ${roleArn} to read account ${accountId}`) };
    }
    const creds = o.value;
    return {
      ok: true,
      scope: {
        label: accountId,
        accountId,
        clients: (region) => this.memberClients(accountId, region, creds),
      },
    };
  }

  private assume(roleArn: string): Promise<Outcome<TemporaryCredentials>> {
    const now = this.opts.now();
    const hit = this.credentials.get(roleArn);
    if (hit && hit.validUntil > now) return hit.pending;
    const sts = this.self.clients(this.opts.region).sts;
    const pending = sts
      .send(
        new (stsSdk().AssumeRoleCommand)({
          RoleArn: roleArn,
          RoleSessionName: SESSION_NAME,
          ...(this.opts.externalId ? { ExternalId: this.opts.externalId } : {}),
        }),
      )
      .then(
        (r): Outcome<TemporaryCredentials> => {
          const c = r.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey) {
            return {
              ok: false,
              failure: {
                kind: 'error',
                code: 'NoCredentials',
                message: 'AssumeRole returned no credentials',
                permission: PERMISSION.AssumeRole,
              },
            };
          }
          return {
            ok: true,
            value: {
              accessKeyId: c.AccessKeyId,
              secretAccessKey: c.SecretAccessKey,
              ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
              ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
            },
          };
        },
        (err: unknown): Outcome<TemporaryCredentials> => ({
          ok: false,
          failure: classifyError(err, PERMISSION.AssumeRole),
        }),
      );
    const entry: CredentialEntry = { pending, validUntil: Number.POSITIVE_INFINITY };
    this.credentials.set(roleArn, entry);
    void pending.then((o) => {
      if (o.ok) {
        const expires = o.value.expiration?.getTime() ?? this.opts.now() + 15 * 60 * 1000;
        entry.validUntil = expires - CREDENTIAL_REFRESH_MARGIN_MS;
      } else {
        entry.validUntil = isCacheable(o.failure) ? this.opts.now() + this.opts.cacheTtlMs : 0;
      }
    });
    return pending;
  }
}
