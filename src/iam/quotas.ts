// The IAM quotas, with AWS's defaults (--quota).
export interface IamQuotas {
  usersPerAccount: number;
  accessKeysPerUser: number;
  /** Characters of all of a user's inline policies together, whitespace excluded. */
  userPolicySize: number;
}

export const defaultIamQuotas: IamQuotas = {
  usersPerAccount: 5000,
  accessKeysPerUser: 2,
  userPolicySize: 2048,
};
