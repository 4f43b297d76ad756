// Test certificates made in-process: a CA and a leaf it signs, with any subject and names the test
// wants (including hostile text for the rendering tests). Keys come from node:crypto (fast);
// node-forge builds and signs the certificates, so they are RSA (forge signs only with RSA).
import crypto from 'node:crypto';
import forge from 'node-forge';

function rsaKeys() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem);
  return { pem, key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function baseCert(publicKey, commonName, days) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${crypto.randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

/**
 * @param {{commonName?: string, dnsNames?: string[], ipAddresses?: string[], caName?: string, days?: number}} [o]
 * @returns {{caPem: string, certPem: string, keyPem: string}}
 */
export function makeCertificates({ commonName = 'localhost', dnsNames = ['localhost'], ipAddresses = ['127.0.0.1', '::1'], caName = 'Netdiag Test CA', days = 30 } = {}) {
  const ca = rsaKeys();
  const caCert = baseCert(ca.publicKey, caName, days + 1);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.key, forge.md.sha256.create());

  const leaf = rsaKeys();
  const cert = baseCert(leaf.publicKey, commonName, days);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // RFC 5280 §4.2.1.6: type 2 is dNSName, type 7 is iPAddress.
    { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))] },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(cert), keyPem: leaf.pem };
}
