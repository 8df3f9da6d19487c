// The error envelope for a request no served service claims (an unknown signing name, or
// an unsigned request nothing recognizes): chosen from the request's own shape, so every
// client can read why it was refused. A Query form (Action=…) gets Query XML, an
// X-Amz-Target header JSON 1.1, anything else rest-json.
import type { Protocol, RawRequest } from '../api/service.js';
import { iamQueryProtocol } from '../protocols/query/iam-style.js';
import { Json11Protocol } from '../protocols/json11/protocol.js';
import { RestJsonProtocol } from '../protocols/restjson/protocol.js';

type ErrorEncoder = Pick<Protocol, 'encodeError'>;

const query: ErrorEncoder = iamQueryProtocol({
  metadata: { apiVersion: '', protocol: 'query', endpointPrefix: '' },
  operations: {},
  shapes: {},
});
const json11: ErrorEncoder = new Json11Protocol('InvalidParameterException');
const restJson: ErrorEncoder = new RestJsonProtocol();

/** Only the start of the body is looked at: the answer is an error either way. */
const SNIFF_BYTES = 64 * 1024;

function isQueryForm(req: RawRequest): boolean {
  if (new URLSearchParams(req.rawQuery).has('Action')) return true;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  return (
    type.startsWith('application/x-www-form-urlencoded') &&
    new URLSearchParams(req.body.subarray(0, SNIFF_BYTES).toString('latin1')).has('Action')
  );
}

export function errorEnvelopeFor(req: RawRequest): ErrorEncoder {
  if (isQueryForm(req)) return query;
  if (req.headers['x-amz-target'] !== undefined) return json11;
  return restJson;
}
