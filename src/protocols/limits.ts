// Limits on what a request may carry, checked while decoding — before the caller's identity
// has been authorized — so that the work done for any request is proportional to its size
// with a small constant. Model constraints (a list's `max`, a string's `max`) are checked
// afterwards by the validator; these are the ceilings for what the model leaves open.

/** Distinct parameters in one Query (EC2, IAM) request. */
export const MAX_QUERY_PARAMS = 10_000;
/** Characters in one Query parameter name (e.g. `TagSpecification.1.Tag.2.Value`). */
export const MAX_QUERY_NAME_LENGTH = 256;
/** Members of one list or entries of one map that the model gives no `max` of its own. */
export const MAX_COLLECTION_MEMBERS = 1_000;
/** Violations spelled out in one validation error message (the count is always given). */
export const MAX_REPORTED_VIOLATIONS = 10;
/** Nesting depth of a JSON request body (objects and arrays). */
export const MAX_JSON_DEPTH = 64;
/**
 * Members and elements, together, in one JSON request body: room for the largest request a model allows (a
 * PutLogEvents batch of 10,000 events is about 30,000), still a bound that keeps the work linear.
 */
export const MAX_JSON_VALUES = 65_536;
