// Builds and signs X.509 v3 certificates (ECDSA P-256, SHA-256): the CA's own and the
// server certificates of endpoint listeners.
import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';
import { ipToBytes } from '../../net/ip-address.js';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

export interface CertificateRequest {
  subjectCommonName: string;
  issuerCommonName: string;
  organization: string;
  publicKey: KeyObject;
  /** The issuer's private key (the subject's own for a self-signed CA). */
  signingKey: KeyObject;
  /** The issuer's public key, for the authority key identifier. */
  issuerPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
}

const name = (cn: string, org: string) =>
  sequence(set(sequence(oid(OID.organization), utf8String(org))), set(sequence(oid(OID.commonName), utf8String(cn))));

const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** SHA-1 of the public key bits (RFC 5280 §4.2.1.2 method 1, over the whole SPKI for simplicity). */
export const keyIdentifier = (key: KeyObject) =>
  createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();

function ipBytes(ip: string): Buffer {
  const bytes = ipToBytes(ip);
  if (!bytes) throw new Error(`${ip} is not an IP address`);
  return bytes;
}

export function buildCertificate(req: CertificateRequest): string {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const extensions = [
    extension(OID.basicConstraints, true, req.isCA ? sequence(boolean(true)) : sequence()),
    // CA: digitalSignature + keyCertSign + cRLSign (0x86, 1 unused bit); leaf: digitalSignature (0x80, 7 unused bits).
    extension(OID.keyUsage, true, req.isCA ? bitString(Buffer.from([0x86]), 1) : bitString(Buffer.from([0x80]), 7)),
    extension(OID.subjectKeyId, false, octetString(keyIdentifier(req.publicKey))),
    extension(OID.authorityKeyId, false, sequence(implicitPrimitive(0, keyIdentifier(req.issuerPublicKey)))),
  ];
  if (!req.isCA) {
    extensions.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
    const alt = [
      ...(req.dnsNames ?? []).map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))),
      ...(req.ipAddresses ?? []).map((ip) => implicitPrimitive(7, ipBytes(ip))),
    ];
    if (alt.length) extensions.push(extension(OID.subjectAltName, false, sequence(...alt)));
  }
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name(req.issuerCommonName, req.organization),
    sequence(time(req.notBefore), time(req.notAfter)),
    name(req.subjectCommonName, req.organization),
    req.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, req.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}
