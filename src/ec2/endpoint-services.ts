// The endpoint services appmeshd offers and every DNS name derived from them.
// All vpce/private DNS names are built here and nowhere else.

/** The short service codes, as they appear in service names and DNS names. */
export const ENDPOINT_SERVICE_CODES = ['appmesh', 'appmesh-envoy-management', 'logs'] as const;
export type EndpointServiceCode = (typeof ENDPOINT_SERVICE_CODES)[number];

export const endpointServiceName = (region: string, code: EndpointServiceCode) => `com.amazonaws.${region}.${code}`;

export function endpointServiceNames(region: string): string[] {
  return ENDPOINT_SERVICE_CODES.map((code) => endpointServiceName(region, code));
}

/** The service code of a service name of this region, or undefined (unknown or another region's). */
export function serviceCodeOf(serviceName: string, region: string): EndpointServiceCode | undefined {
  return ENDPOINT_SERVICE_CODES.find((code) => endpointServiceName(region, code) === serviceName);
}

/** Endpoint policies are not supported for the Envoy connection (App Mesh user guide); CloudWatch Logs supports them. */
export const policySupported = (code: EndpointServiceCode) => code !== 'appmesh-envoy-management';

/** The SigV4 service an HTTP API endpoint serves; undefined for the Envoy (gRPC relay) endpoint. */
export const apiSigningName = (code: EndpointServiceCode): string | undefined =>
  code === 'appmesh-envoy-management' ? undefined : code;

/** The public name the service's private DNS remaps inside a VPC, e.g. appmesh.us-east-1.amazonaws.com. */
export const privateDnsName = (code: EndpointServiceCode, region: string) => `${code}.${region}.amazonaws.com`;

/** e.g. appmesh.us-east-1.vpce.amazonaws.com */
export const baseEndpointDnsName = (code: EndpointServiceCode, region: string) =>
  `${code}.${region}.vpce.amazonaws.com`;

/** vpce-<id>-<suffix>.<service>.<region>.vpce.amazonaws.com */
export function regionalEndpointDnsName(
  vpceId: string,
  suffix: string,
  code: EndpointServiceCode,
  region: string,
): string {
  return `${vpceId}-${suffix}.${baseEndpointDnsName(code, region)}`;
}

/** vpce-<id>-<suffix>-<zone>.<service>.<region>.vpce.amazonaws.com */
export function zonalEndpointDnsName(
  vpceId: string,
  suffix: string,
  zone: string,
  code: EndpointServiceCode,
  region: string,
): string {
  return `${vpceId}-${suffix}-${zone}.${baseEndpointDnsName(code, region)}`;
}

/** Every name a certificate for this endpoint must cover. */
export function endpointCertificateNames(
  vpceId: string,
  suffix: string,
  zones: string[],
  code: EndpointServiceCode,
  region: string,
): string[] {
  return [
    regionalEndpointDnsName(vpceId, suffix, code, region),
    ...zones.map((z) => zonalEndpointDnsName(vpceId, suffix, z, code, region)),
    privateDnsName(code, region),
  ];
}

/** A stable, made-up Route 53 zone id per region: one for the public vpce zone, one for the hidden private zone. */
export function vpceHostedZoneId(region: string): string {
  return `Z${zoneIdHash(`vpce:${region}`)}`;
}
export function privateHostedZoneId(region: string, vpcId: string): string {
  return `Z${zoneIdHash(`private:${region}:${vpcId}`)}`;
}

function zoneIdHash(text: string): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 13; round++) {
    for (const ch of `${text}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(36).toUpperCase();
  }
  return out.slice(0, 13);
}
