/** A policy document that is not valid IAM policy language; the message says why. */
export class PolicyError extends Error {}
