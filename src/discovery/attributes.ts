// The reserved AWS_* instance attributes and what a service's DNS records demand of them.
import { isIPv4, isIPv6 } from 'node:net';
import { invalidInput } from './errors.js';
import type { ServiceSpec } from './kinds.js';

export const Attr = {
  ipv4: 'AWS_INSTANCE_IPV4',
  ipv6: 'AWS_INSTANCE_IPV6',
  port: 'AWS_INSTANCE_PORT',
  cname: 'AWS_INSTANCE_CNAME',
  aliasDnsName: 'AWS_ALIAS_DNS_NAME',
  initHealth: 'AWS_INIT_HEALTH_STATUS',
} as const;

export const CUSTOM_ATTRIBUTES_PER_INSTANCE = 30;
const MAX_TOTAL_ATTRIBUTE_CHARS = 5000;

export function checkAttributes(attributes: Record<string, string>, service: ServiceSpec): void {
  const ipv4 = attributes[Attr.ipv4];
  const ipv6 = attributes[Attr.ipv6];
  const port = attributes[Attr.port];
  if (ipv4 !== undefined && !isIPv4(ipv4)) throw invalidInput(`${Attr.ipv4} ${ipv4} is not an IPv4 address`);
  if (ipv6 !== undefined && !isIPv6(ipv6)) throw invalidInput(`${Attr.ipv6} ${ipv6} is not an IPv6 address`);
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw invalidInput(`${Attr.port} ${port} is not a port between 1 and 65535`);
  }
  const init = attributes[Attr.initHealth];
  if (init !== undefined) {
    if (init !== 'HEALTHY' && init !== 'UNHEALTHY')
      throw invalidInput(`${Attr.initHealth} must be HEALTHY or UNHEALTHY`);
    if (!service.healthCheckCustomConfig)
      throw invalidInput(`${Attr.initHealth} is only valid for services with HealthCheckCustomConfig`);
  }
  const custom = Object.keys(attributes).filter((k) => !k.startsWith('AWS_'));
  if (custom.length > CUSTOM_ATTRIBUTES_PER_INSTANCE)
    throw invalidInput(`An instance can have at most ${CUSTOM_ATTRIBUTES_PER_INSTANCE} custom attributes`);
  const total = Object.entries(attributes).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (total > MAX_TOTAL_ATTRIBUTE_CHARS)
    throw invalidInput(`Attributes may total at most ${MAX_TOTAL_ATTRIBUTE_CHARS} characters`);

  for (const record of service.dnsConfig?.DnsRecords ?? []) {
    const needs = (attr: string) => {
      if (attributes[attr] === undefined)
        throw invalidInput(`The service has a ${record.Type} record, so ${attr} is required`);
    };
    if (record.Type === 'A') needs(Attr.ipv4);
    if (record.Type === 'AAAA') needs(Attr.ipv6);
    if (record.Type === 'CNAME') needs(Attr.cname);
    if (record.Type === 'SRV') {
      needs(Attr.port);
      if (ipv4 === undefined && ipv6 === undefined)
        throw invalidInput(`The service has an SRV record, so ${Attr.ipv4} or ${Attr.ipv6} is required`);
    }
  }
}

/** Every key/value of `wanted` is present in `attributes`. */
export const matchesAll = (attributes: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>) =>
  Object.entries(wanted).every(([k, v]) => attributes[k] === v);
