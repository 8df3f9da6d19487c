// Resolves access key ids to secrets and identities: the root key, then any further
// resolvers (IAM users kept in the store).
import type { CredentialResolver, Identity, ResolvedCredential } from '../api/service.js';
import type { RootCredentials } from './root-credentials.js';

export const rootIdentity = (accountId: string, accessKeyId: string): Identity => ({
  accessKeyId,
  accountId,
  principalArn: `arn:aws:iam::${accountId}:root`,
  isRoot: true,
});

export class CredentialChain implements CredentialResolver {
  private readonly root: ResolvedCredential;
  private readonly others: CredentialResolver[] = [];

  constructor(rootCreds: RootCredentials, accountId: string) {
    this.root = {
      secretAccessKey: rootCreds.secretAccessKey,
      identity: rootIdentity(accountId, rootCreds.accessKeyId),
    };
  }

  add(resolver: CredentialResolver): void {
    this.others.push(resolver);
  }

  async resolve(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    if (accessKeyId === this.root.identity.accessKeyId) return this.root;
    for (const r of this.others) {
      const found = await r.resolve(accessKeyId);
      if (found) return found;
    }
    return undefined;
  }
}
