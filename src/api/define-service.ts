// A service from its parts: the protocol and the request recognizer follow from the model's metadata unless given.
import { protocolFor } from '../protocols/for-model.js';
import type { ServiceDefinition } from './service.js';

export type ServiceParts<Ops extends object> = Omit<ServiceDefinition<Ops>, 'protocol' | 'recognizes'> &
  Partial<Pick<ServiceDefinition<Ops>, 'protocol' | 'recognizes'>>;

/** `Ops` is the model's generated operations interface (e.g. LogsOperations), which `handlers` must implement. */
export function defineService<Ops extends object>(parts: ServiceParts<Ops>): ServiceDefinition<Ops> {
  // A body the protocol cannot read is refused with the service's validation error code.
  const derived = protocolFor(parts.model, parts.validationError('').code);
  return { protocol: derived.protocol, recognizes: derived.recognizes, ...parts };
}
