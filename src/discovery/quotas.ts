// The Cloud Map quotas, with AWS's defaults (--quota).
export interface CloudMapQuotas {
  namespacesPerRegion: number;
  /** Not an AWS quota (Cloud Map has none for services): appmeshd's own bound, so that nothing is unbounded. */
  servicesPerNamespace: number;
  instancesPerNamespace: number;
  instancesPerService: number;
}

export const defaultCloudMapQuotas: CloudMapQuotas = {
  namespacesPerRegion: 50,
  servicesPerNamespace: 2000,
  instancesPerNamespace: 2000,
  instancesPerService: 1000,
};
