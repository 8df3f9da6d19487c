// Server certificates of endpoints: one per endpoint, covering its vpce names (regional,
// zonal), the service's private name and every interface address; reissued when these
// change (e.g. a subnet was added).
import { createSecureContext, type SecureContext } from 'node:tls';
import { endpointCertificateNames, type EndpointServiceCode } from '../ec2/endpoint-services.js';
import type { VpcEndpointSpec } from '../ec2/records.js';
import type { CertificateAuthority } from './ca/authority.js';
import { endpointAddresses } from './dns/endpoint-records.js';
import type { Ec2Snapshot } from './view.js';

export class EndpointCertificates {
  private readonly issued = new Map<string, { subject: string; context: SecureContext }>();

  constructor(
    private readonly ca: CertificateAuthority,
    private readonly region: string,
  ) {}

  /** The TLS context for the endpoint as it is in `snapshot`. */
  contextFor(snapshot: Ec2Snapshot, endpoint: VpcEndpointSpec, code: EndpointServiceCode): SecureContext {
    const addresses = endpointAddresses(snapshot, endpoint);
    const zones = [...new Set(addresses.map((a) => a.zone))].sort();
    const names = endpointCertificateNames(endpoint.vpcEndpointId, endpoint.dnsSuffix, zones, code, this.region);
    const ips = addresses.map((a) => a.address).sort();
    const subject = JSON.stringify([names, ips]);
    const known = this.issued.get(endpoint.vpcEndpointId);
    if (known?.subject === subject) return known.context;
    const cert = this.ca.issueServerCertificate(names[0]!, names, ips);
    const context = createSecureContext({ cert: cert.certChainPem, key: cert.keyPem, minVersion: 'TLSv1.2' });
    this.issued.set(endpoint.vpcEndpointId, { subject, context });
    return context;
  }

  forget(vpcEndpointId: string): void {
    this.issued.delete(vpcEndpointId);
  }
}
