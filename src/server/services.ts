// The AWS APIs appmeshd serves, one line each, built from the dependencies they are given.
import type { ServiceDefinition } from '../api/service.js';
import type { PageTokens } from '../api/page-tokens.js';
import { createAppMeshService } from '../appmesh/service.js';
import { createDiscoveryService } from '../discovery/service.js';
import { createEc2Service } from '../ec2/service.js';
import { createIamService } from '../iam/service.js';
import { createLogsService } from '../logs/service.js';
import type { Sealer } from '../secrets/sealer.js';
import type { Store } from '../store/types.js';
import { createStsService } from '../sts/service.js';
import type { AppConfig } from './config.js';

export interface ServiceDependencies {
  store: Store;
  config: Pick<AppConfig, 'region' | 'accountId' | 'quotas' | 'zones' | 'serviceZones'>;
  /** Seals IAM access-key secrets. */
  sealer: Sealer;
  /** Signs the page tokens of every service's listings. */
  pageTokens: PageTokens;
}

export function createServices({ store, config, sealer, pageTokens }: ServiceDependencies): ServiceDefinition[] {
  const { region, accountId, quotas, zones, serviceZones } = config;
  return [
    createAppMeshService({ store, region, accountId, quotas, pageTokens }),
    createIamService({ store, accountId, quotas, sealer, pageTokens }),
    createStsService(),
    createDiscoveryService({ store, region, accountId, quotas, pageTokens }),
    createEc2Service({ store, region, accountId, zones, serviceZones, pageTokens, quotas }),
    createLogsService({ logs: store.logs, region, accountId, quotas, pageTokens }),
  ];
}
