// The protocol a service model's metadata names, and how to tell that a request was meant for that service.
import type { Protocol, RawRequest } from '../api/service.js';
import { looksLikeQuery } from './query/decode.js';
import { ec2QueryProtocol } from './query/ec2-style.js';
import { iamQueryProtocol } from './query/iam-style.js';
import { Json11Protocol, targetOf } from './json11/protocol.js';
import type { ServiceModel } from './model.js';
import { RestJsonProtocol } from './restjson/protocol.js';

export interface ModelProtocol {
  protocol: Protocol;
  /** Whether an unsigned or unreadable request looks like it was meant for this service (to word its error). */
  recognizes(req: RawRequest): boolean;
}

/** `invalidInput` is the service's code for a request body it cannot read (JSON 1.1 only). */
export function protocolFor(model: ServiceModel, invalidInput: string): ModelProtocol {
  const { protocol, apiVersion, targetPrefix } = model.metadata;
  switch (protocol) {
    case 'rest-json': {
      const prefix = commonPathPrefix(model);
      return { protocol: new RestJsonProtocol(), recognizes: (req) => req.path.startsWith(prefix) };
    }
    case 'json': {
      const prefix = `${targetPrefix}.`;
      return {
        protocol: new Json11Protocol(invalidInput),
        recognizes: (req) => targetOf(req)?.startsWith(prefix) ?? false,
      };
    }
    case 'ec2':
      return { protocol: ec2QueryProtocol(model), recognizes: (req) => looksLikeQuery(req, apiVersion) };
    case 'query':
      return { protocol: iamQueryProtocol(model), recognizes: (req) => looksLikeQuery(req, apiVersion) };
    default:
      throw new Error(`no protocol ${protocol} for ${model.metadata.endpointPrefix}`);
  }
}

/** The first path segment every operation's URI starts with, e.g. /v20190125/ for App Mesh. */
function commonPathPrefix(model: ServiceModel): string {
  const firsts = new Set(Object.values(model.operations).map((op) => op.http.requestUri.split('/')[1] ?? ''));
  const [only] = firsts;
  return firsts.size === 1 && only ? `/${only}/` : '/';
}
