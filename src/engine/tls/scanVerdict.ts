// What a TLS scan's results mean: the findings (stable codes, docs/findings.md) and a summary
// grade in the spirit of SSL Labs' guide, from this scan only. Certificate problems are the
// certificate findings' business.
import { finding } from '../findings';
import type { Finding } from '../model/common';
import { isAnonymousSuite, isBrokenSuite } from './cipherSuites';
import type { ProtocolName, ScanCipher, ScanProtocol, TlsScan } from '../model/tlsScan';

export function scanFindings(protocols: ScanProtocol[], ciphers: ScanCipher[], order: TlsScan['cipherOrder'], withoutSni: TlsScan['withoutSni'], ocsp: TlsScan['ocsp'], sni: string | null): Finding[] {
  const out: Finding[] = [];
  const has = (name: ProtocolName): boolean => protocols.find((p) => p.name === name)?.supported === true;
  if (has('SSLv2')) out.push(finding('TLS_SSL2_ENABLED', `The server accepts SSL 2.0${suiteList(ciphers, 'SSLv2')}.`));
  if (has('SSLv3')) out.push(finding('TLS_SSL3_ENABLED', `The server accepts SSL 3.0${suiteList(ciphers, 'SSLv3')}.`));
  const old = protocols.filter((p) => p.supported && (p.name === 'TLSv1' || p.name === 'TLSv1.1')).map((p) => p.name);
  if (old.length > 0) out.push(finding('TLS_DEPRECATED_PROTOCOL_OFFERED', `The server accepts ${old.join(' and ')}.`));
  if (protocols.some((p) => p.supported) && !has('TLSv1.3')) out.push(finding('TLS_NO_TLS13', 'The server does not accept TLS 1.3.'));
  const weak = ciphers.filter((c) => c.weak);
  if (weak.length > 0) out.push(finding('TLS_WEAK_CIPHERS', `The server accepts ${weak.length} weak suite(s): ${weak.slice(0, 6).map((c) => `${c.name} (${c.protocol})`).join(', ')}${weak.length > 6 ? ', …' : ''}.`));
  const mixed = order.filter((o) => !o.serverOrder && o.protocol !== 'TLSv1.3' && ciphers.some((c) => c.protocol === o.protocol && c.weak));
  if (mixed.length > 0) out.push(finding('TLS_NO_SERVER_CIPHER_ORDER', `The server follows the client's order for ${mixed.map((o) => o.protocol).join(', ')}, where it also accepts weak suites.`));
  if (withoutSni && sni !== null) {
    if (!withoutSni.handshake) out.push(finding('TLS_SNI_REQUIRED', `Without a server name (SNI) the handshake fails; with "${sni}" it works.`));
    else if (withoutSni.sameCertificate === false) out.push(finding('TLS_SNI_DIFFERENT_CERT', `Without SNI the server sends another certificate${withoutSni.subject ? ` ("${withoutSni.subject}")` : ''} than for "${sni}".`));
  }
  if (ocsp.mustStaple && !ocsp.stapled) out.push(finding('CERT_MUST_STAPLE_MISSING', 'The certificate demands OCSP stapling (must-staple), but the server sent no OCSP response.'));
  return out;
}

function suiteList(ciphers: ScanCipher[], protocol: ProtocolName): string {
  const names = ciphers.filter((c) => c.protocol === protocol).map((c) => c.name);
  return names.length > 0 ? ` (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''})` : '';
}

/**
 * F for SSL 2.0 or without a usable protocol; C for SSL 3.0, suites under 128 bits or anonymous
 * suites; B for TLS 1.0/1.1 or weak suites; A without TLS 1.3 (or with an SNI or stapling
 * problem); A+ otherwise.
 */
export function grade(protocols: ScanProtocol[], ciphers: ScanCipher[], findings: Finding[]): TlsScan['grade'] {
  const reasons: string[] = [];
  const has = (name: ProtocolName): boolean => protocols.find((p) => p.name === name)?.supported === true;
  if (has('SSLv2')) return { grade: 'F', reasons: ['SSL 2.0 is accepted (RFC 6176 prohibits it)'] };
  if (!has('TLSv1.2') && !has('TLSv1.3')) {
    reasons.push(protocols.some((p) => p.supported) ? 'only SSL 3.0 or TLS 1.0/1.1, which current clients refuse' : 'no TLS version could be negotiated');
    return { grade: 'F', reasons };
  }
  let result: TlsScan['grade']['grade'] = 'A+';
  const cap = (g: 'A' | 'B' | 'C', why: string): void => {
    reasons.push(why);
    const order = ['A+', 'A', 'B', 'C', 'F'];
    if (order.indexOf(g) > order.indexOf(result)) result = g;
  };
  if (has('SSLv3')) cap('C', 'SSL 3.0 is accepted (POODLE; RFC 7568 prohibits it)');
  if (ciphers.some((c) => isBrokenSuite(c))) cap('C', 'suites under 128 bits or without encryption are accepted');
  if (ciphers.some((c) => isAnonymousSuite(c))) cap('C', 'anonymous suites (no server authentication) are accepted');
  if (has('TLSv1') || has('TLSv1.1')) cap('B', 'TLS 1.0/1.1 are accepted (RFC 8996)');
  if (ciphers.some((c) => c.weak)) cap('B', 'suites without forward secrecy or without AEAD are accepted');
  if (!has('TLSv1.3')) cap('A', 'no TLS 1.3');
  if (findings.some((f) => f.code === 'TLS_SNI_DIFFERENT_CERT' || f.code === 'CERT_MUST_STAPLE_MISSING')) cap('A', 'clients without SNI get another certificate, or a must-staple certificate is not stapled');
  if (reasons.length === 0) reasons.push('TLS 1.2 and 1.3 only, forward-secret AEAD suites only');
  return { grade: result, reasons };
}
