// What every EC2 handler needs.
import type { PageTokens } from '../api/page-tokens.js';
import type { Ec2Quotas } from './quotas.js';
import type { Store } from '../store/types.js';

export interface Ec2Deps {
  store: Store;
  region: string;
  accountId: string;
  /** The Availability Zones of the region (--zones). */
  zones: string[];
  /** The zones each endpoint service is offered in, by service code (default: all zones). */
  serviceZones: Record<string, string[]>;
  pageTokens: PageTokens;
  /** The VPC and PrivateLink quotas (--quota). */
  quotas: Ec2Quotas;
}
