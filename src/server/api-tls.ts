// TLS for the API port: the operator's certificate files, or (--api-tls auto) a server
// certificate issued at each start by the deployment's CA (the one `appmeshd ca` prints)
// for the listen address, this host's name, localhost and the loopback addresses.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { CertificateAuthority } from '../endpoints/ca/authority.js';
import type { ApiTlsConfig } from './config.js';

export interface ApiTlsMaterial {
  cert: string;
  key: string;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The names and addresses clients may use to reach a listener on `host`. */
export function apiCertificateNames(host: string): { dnsNames: string[]; ipAddresses: string[] } {
  const dns = new Set(['localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  if (WILDCARD.has(host)) {
    dns.add(hostname());
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) ips.add(a.address.replace(/%.*$/, ''));
  } else if (isIP(host)) {
    ips.add(host);
  } else {
    dns.add(host);
  }
  return { dnsNames: [...dns].filter((d) => /^[A-Za-z0-9.-]+$/.test(d)), ipAddresses: [...ips] };
}

export function apiTlsMaterial(config: ApiTlsConfig, host: string, ca: CertificateAuthority): ApiTlsMaterial {
  if (config.mode === 'files')
    return { cert: readFileSync(config.cert, 'utf8'), key: readFileSync(config.key, 'utf8') };
  const { dnsNames, ipAddresses } = apiCertificateNames(host);
  const issued = ca.issueServerCertificate('appmeshd API', dnsNames, ipAddresses);
  return { cert: issued.certChainPem, key: issued.keyPem };
}
