// How IAM users, access keys and inline user policies are kept in the store.
// User names are unique regardless of case, so rows are keyed by the lower-cased name.
import type { statusType } from '../protocols/generated/iam-types.js';
import type { Sealed } from '../secrets/sealer.js';

export const USER_KIND = 'iam:user';
export const ACCESS_KEY_KIND = 'iam:accessKey';
export const USER_POLICY_KIND = 'iam:userPolicy';

export interface UserSpec {
  userName: string;
  path: string;
  userId: string;
  /**
   * The user's access key ids, so that per-user key operations never scan every key of
   * the account. Absent on users stored before it was kept; then found by a scan once and
   * written with the user's next key change.
   */
  accessKeyIds?: string[];
}

/**
 * Scope '' and name = access key id, so a signature's key id is one lookup. The secret is
 * sealed with the master key (src/secrets/); rows written before sealing existed hold it
 * in `secretAccessKey` until the start-up migration seals them.
 */
export interface AccessKeySpec {
  userName: string;
  secret?: Sealed;
  /** Plaintext, only in rows from before secrets were sealed. */
  secretAccessKey?: string;
  /** The model's statusType (Active, Inactive, Expired); appmeshd sets only the first two itself. */
  status: statusType;
}

/** Scope = user key, name = policy name. */
export interface UserPolicySpec {
  userName: string;
  policyName: string;
  document: string;
}

export const userKey = (userName: string): string => userName.toLowerCase();
export const userArn = (accountId: string, path: string, userName: string): string =>
  `arn:aws:iam::${accountId}:user${path}${userName}`;

/** Scope '', name = user key: a user's console password. */
export const LOGIN_PROFILE_KIND = 'iam:loginProfile';

export interface LoginProfileSpec {
  userName: string;
  /** See passwords.ts for the format. */
  passwordHash: string;
  passwordResetRequired: boolean;
}
