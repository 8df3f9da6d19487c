// The deployment's certificate authority: created at first start in the data directory
// (ca/ca.key, ca/ca.pem) and reused afterwards; it issues the server certificates of the
// endpoint listeners. Clients trust it with the PEM `appmeshd ca` prints.
import { generateKeyPairSync, type KeyObject, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate } from './certificate.js';

const ORGANIZATION = 'appmeshd';
const CA_COMMON_NAME = 'appmeshd endpoint CA';
const DAY = 86_400_000;

export interface IssuedCertificate {
  /** The server certificate followed by the CA certificate. */
  certChainPem: string;
  keyPem: string;
}

export const caPaths = (dataDir: string) => ({
  dir: join(dataDir, 'ca'),
  key: join(dataDir, 'ca', 'ca.key'),
  cert: join(dataDir, 'ca', 'ca.pem'),
});

export class CertificateAuthority {
  private constructor(
    readonly certPem: string,
    private readonly key: KeyObject,
    private readonly publicKey: KeyObject,
  ) {}

  /** Loads the CA from the data directory, creating it on first use. */
  static open(dataDir: string): CertificateAuthority {
    const paths = caPaths(dataDir);
    if (existsSync(paths.key) && existsSync(paths.cert)) {
      const key = createPrivateKey(readFileSync(paths.key));
      const certPem = readFileSync(paths.cert, 'utf8');
      return new CertificateAuthority(certPem, key, createPublicKey(key));
    }
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Date.now();
    const certPem = buildCertificate({
      subjectCommonName: CA_COMMON_NAME,
      issuerCommonName: CA_COMMON_NAME,
      organization: ORGANIZATION,
      publicKey,
      signingKey: privateKey,
      issuerPublicKey: publicKey,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 3650 * DAY),
      isCA: true,
    });
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(paths.cert, certPem);
    return new CertificateAuthority(certPem, privateKey, publicKey);
  }

  /** The CA PEM of a data directory, without creating one. */
  static readPem(dataDir: string): string | undefined {
    const { cert } = caPaths(dataDir);
    return existsSync(cert) ? readFileSync(cert, 'utf8') : undefined;
  }

  get certificate(): X509Certificate {
    return new X509Certificate(this.certPem);
  }

  /** A fresh key and a server certificate for these DNS names and IP addresses. */
  issueServerCertificate(commonName: string, dnsNames: string[], ipAddresses: string[]): IssuedCertificate {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Date.now();
    const leaf = buildCertificate({
      subjectCommonName: commonName,
      issuerCommonName: CA_COMMON_NAME,
      organization: ORGANIZATION,
      publicKey,
      signingKey: this.key,
      issuerPublicKey: this.publicKey,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 397 * DAY),
      isCA: false,
      dnsNames,
      ipAddresses,
    });
    return { certChainPem: leaf + this.certPem, keyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })) };
  }
}
