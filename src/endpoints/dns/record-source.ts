// The extension point of the built-in DNS server: each source is authoritative for some
// zones and answers names in them, possibly differently per client address (private DNS
// answers only inside the VPC). Endpoint names come from the endpoint source; Cloud Map
// private DNS namespaces plug in the same way (`<service>.<namespace>` A and SRV records).
import type { ResourceRecord } from './message.js';

export type LookupResult =
  /** The name exists for this client; records of every type (the server filters by query type). */
  | { records: ResourceRecord[] }
  /** The name does not exist in the zone. */
  | 'nxdomain'
  /** The zone has no view for this client (e.g. a private name asked from outside the VPC). */
  | 'refused';

export interface DnsRecordSource {
  /** Zone apexes this source is authoritative for: lower-case, no trailing dot. */
  zones(): string[];
  /** `name` is lower-case without a trailing dot and lies in one of zones(); `client` is the source IP. */
  lookup(name: string, client: string): LookupResult;
}
