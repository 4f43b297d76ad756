// TLS: the handshake in one block, then the certificate chain in brief, the failing
// certificates marked. (The full certificate view is a separate panel.)
import type { CertificateInfo } from '../../src/engine/model/certificate';
import type { TlsResult } from '../../src/engine/model/report';
import { facts, h, section, srOnly, toneIcon } from './dom';
import { formatDate, formatMs, plural } from './format';

/** Which problems point at this certificate: dates, names (leaf), trust (last), key, signature. */
function problemsOf(cert: CertificateInfo, index: number, tls: TlsResult, startedAt: string): string[] {
  const problems: string[] = [];
  const errors = new Set(tls.verification.errors);
  const last = index === tls.chain.length - 1;
  if (cert.daysLeft < 0) problems.push(`expired ${plural(-cert.daysLeft, 'day')} ago`);
  if (Date.parse(cert.notBefore) > Date.parse(startedAt)) problems.push('not yet valid');
  if (index === 0 && !tls.verification.hostnameMatches) problems.push('does not cover the host name');
  if (last && errors.has('CERT_SELF_SIGNED') && cert.selfSigned) problems.push('self-signed, not trusted');
  if (last && errors.has('CERT_UNTRUSTED_ROOT')) problems.push('issuer not in any trust store');
  if (last && errors.has('CERT_INCOMPLETE_CHAIN')) problems.push('its issuer was not sent');
  if (cert.publicKey.type === 'rsa' && cert.publicKey.bits !== undefined && cert.publicKey.bits < 2048) problems.push(`weak key (RSA ${cert.publicKey.bits})`);
  if (!cert.selfSigned && /sha1|md5/i.test(cert.signatureAlgorithm)) problems.push(`weak signature (${cert.signatureAlgorithm})`);
  return problems;
}

function keyText(cert: CertificateInfo): string {
  const k = cert.publicKey;
  return [k.type.toUpperCase(), k.curve, k.bits !== undefined && k.curve === undefined ? `${k.bits} bits` : null].filter(Boolean).join(' ');
}

function role(index: number, cert: CertificateInfo): string {
  if (index === 0) return 'Server certificate';
  if (cert.selfSigned) return 'Root';
  return 'Intermediate';
}

export function renderTls(tls: TlsResult | null, startedAt: string): HTMLElement | null {
  if (!tls) return null;
  const v = tls.verification;
  const trust = v.trusted
    ? h('span', { class: 'result status-ok' }, toneIcon('pass-filled', 'ok'), ` Trusted${v.store ? ` (${v.store === 'node' ? "Node's bundled roots" : v.store === 'os' ? 'the OS store' : 'your extra CA files'})` : ''}`)
    : h('span', { class: 'result status-fail' }, toneIcon('error', 'fail'), ' Not trusted', tls.authorizationError ? h('span', { class: 'muted' }, ` (Node: ${tls.authorizationError})`) : null);
  const handshake = facts([
    ['Result', tls.error ? h('span', { class: 'result status-fail' }, toneIcon('error', 'fail'), ` ${tls.error.code}: ${tls.error.message}`) : trust],
    ['Host name', tls.error ? null : v.hostnameMatches ? 'matches the certificate' : h('span', { class: 'result status-fail' }, toneIcon('error', 'fail'), ' does not match the certificate')],
    ['SNI', tls.servername ?? 'none (IP address)'],
    ['Protocol', tls.protocol],
    ['Cipher', tls.cipher],
    ['Key exchange', tls.keyExchange],
    ['ALPN', tls.alpn ?? (tls.error ? null : 'none')],
    ['Handshake', formatMs(tls.durationMs)],
  ]);
  const chain = h('ol', { class: 'chain', attrs: { 'aria-label': 'Certificate chain as sent, server certificate first' } });
  tls.chain.forEach((cert, i) => {
    const problems = problemsOf(cert, i, tls, startedAt);
    const failing = problems.length > 0;
    const validity = cert.daysLeft < 0 ? `expired ${plural(-cert.daysLeft, 'day')} ago` : `${plural(cert.daysLeft, 'day')} left`;
    chain.append(
      h(
        'li',
        { class: `cert ${failing ? 'status-fail' : 'status-ok'}`, attrs: { 'data-testid': `cert-${i}`, 'data-status': failing ? 'fail' : 'ok' } },
        h('div', { class: 'cert-head' }, toneIcon(failing ? 'error' : 'verified-filled', failing ? 'fail' : 'ok'), srOnly(failing ? 'Problem: ' : 'OK: '), h('span', { class: 'cert-role' }, role(i, cert)), h('span', { class: 'cert-subject mono' }, cert.subject)),
        failing ? h('p', { class: 'cert-problems' }, problems.join('; ')) : null,
        facts([
          ['Issuer', h('span', { class: 'mono' }, cert.issuer)],
          ['Valid', `${formatDate(cert.notBefore, false)} → ${formatDate(cert.notAfter, false)} (${validity})`],
          ['Key', keyText(cert)],
          ['Signature', cert.signatureAlgorithm],
          ['Names', cert.subjectAltNames.length > 0 ? h('span', { attrs: { title: cert.subjectAltNames.join(', ') } }, `${plural(cert.subjectAltNames.length, 'SAN')}: ${cert.subjectAltNames.slice(0, 4).join(', ')}${cert.subjectAltNames.length > 4 ? ', …' : ''}`) : i === 0 ? 'no SANs' : null],
        ]),
      ),
    );
  });
  return section('tls', 'TLS', handshake, tls.chain.length > 0 ? h('h3', null, 'Certificate chain') : null, tls.chain.length > 0 ? chain : null);
}
