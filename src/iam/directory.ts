// A read-through cache of IAM identities for the hot path: access key → secret and
// identity for SigV4, and a user's parsed inline policies for authorization. Entries are
// dropped when the store's change feed reports a write to any IAM row, so every replica
// sees revocations as soon as the commit reaches it.
import type { CredentialResolver, Identity, ResolvedCredential } from '../api/service.js';
import { type PolicyDocument, parsePolicy } from '../auth/policy/parse.js';
import type { Sealer } from '../secrets/sealer.js';
import type { Store } from '../store/types.js';
import { openAccessKeySecret } from './secrets.js';
import {
  ACCESS_KEY_KIND,
  type AccessKeySpec,
  USER_KIND,
  USER_POLICY_KIND,
  type UserPolicySpec,
  type UserSpec,
  userArn,
  userKey,
} from './records.js';

export class IamDirectory implements CredentialResolver {
  private readonly keys = new Map<string, ResolvedCredential | null>();
  private readonly policies = new Map<string, PolicyDocument[]>();
  private unsubscribe?: () => void;
  /** Bumped on every invalidation so a load that raced with a write is not cached. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly accountId: string,
    private readonly sealer: Sealer,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((changes) => {
      if (changes.some((c) => c.kind.startsWith('iam:'))) {
        this.generation++;
        this.keys.clear();
        this.policies.clear();
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  async resolve(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const cached = this.keys.get(accessKeyId);
    if (cached !== undefined) return cached ?? undefined;
    const generation = this.generation;
    const found = await this.load(accessKeyId);
    if (this.keys.size > 10_000) this.keys.clear();
    if (generation === this.generation) this.keys.set(accessKeyId, found ?? null);
    return found;
  }

  private async load(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    if (!/^AKIA[A-Z0-9]{12,124}$/.test(accessKeyId)) return undefined;
    const key = await this.store.get<AccessKeySpec>(ACCESS_KEY_KIND, '', accessKeyId);
    if (key?.spec.status !== 'Active') return undefined;
    const user = await this.store.get<UserSpec>(USER_KIND, '', userKey(key.spec.userName));
    if (!user) return undefined;
    const identity: Identity = {
      accessKeyId,
      accountId: this.accountId,
      isRoot: false,
      userName: user.spec.userName,
      userId: user.spec.userId,
      tags: user.tags,
      principalArn: userArn(this.accountId, user.spec.path, user.spec.userName),
    };
    const secretAccessKey = openAccessKeySecret(this.sealer, accessKeyId, key.spec);
    return secretAccessKey === undefined ? undefined : { secretAccessKey, identity };
  }

  /** The user's inline policies, parsed (stored documents were validated when put). */
  async userPolicies(userName: string): Promise<PolicyDocument[]> {
    const k = userKey(userName);
    const cached = this.policies.get(k);
    if (cached) return cached;
    const generation = this.generation;
    const rows = await this.store.list<UserPolicySpec>(USER_POLICY_KIND, k);
    const parsed = rows.map((r) => parsePolicy(r.spec.document, 'identity'));
    if (generation === this.generation) this.policies.set(k, parsed);
    return parsed;
  }
}
