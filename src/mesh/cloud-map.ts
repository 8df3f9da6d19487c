// The hook through which Cloud Map instances reach mesh snapshots. The discovery area
// provides the real source; until then meshes see no instances.
import type { Change } from '../store/types.js';
import type { DiscoveredInstance } from './snapshot.js';

export interface CloudMapServiceKey {
  namespaceName: string;
  serviceName: string;
}

export interface CloudMapSource {
  instancesFor(namespaceName: string, serviceName: string): Promise<DiscoveredInstance[]>;
  /**
   * Which Cloud Map service a store change can alter: that service, 'any' when it cannot
   * tell, undefined when the change has nothing to do with Cloud Map. Meshes whose virtual
   * nodes use the affected service are rebuilt.
   */
  affects(change: Change): CloudMapServiceKey | 'any' | undefined;
}

export const noCloudMap: CloudMapSource = {
  async instancesFor() {
    return [];
  },
  affects() {
    return undefined;
  },
};
