// TLS: the handshake in one block, then the certificate chain in brief, each certificate with the
// problems the engine found in it (CertificateInfo.problems, errors first). (The full certificate
// view is a separate panel.)
import type { CertificateInfo } from '../../src/engine/model/certificate';
import type { Severity } from '../../src/engine/model/common';
import type { TlsResult } from '../../src/engine/model/report';
import { facts, h, section, srOnly, toneIcon } from './dom';
import { formatDate, formatMs, plural, SEVERITY_TONE, severityLook } from './format';

function keyText(cert: CertificateInfo): string {
  const k = cert.publicKey;
  return [k.type.toUpperCase(), k.curve, k.bits !== undefined && k.curve === undefined ? `${k.bits} bits` : null].filter(Boolean).join(' ');
}

/** How a certificate is marked: by its first (worst) problem's severity, or as fine. */
function problemLook(severity: Severity | undefined): { tone: 'ok' | 'warn' | 'fail' | 'info'; icon: string; label: string } {
  if (severity === undefined) return { tone: 'ok', icon: 'verified-filled', label: 'OK: ' };
  const look = severityLook(severity);
  return { tone: SEVERITY_TONE[severity], icon: look.icon, label: `${look.label}: ` };
}

function role(index: number, cert: CertificateInfo): string {
  if (index === 0) return 'Server certificate';
  if (cert.selfSigned) return 'Root';
  return 'Intermediate';
}

export function renderTls(tls: TlsResult | null): HTMLElement | null {
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
    const look = problemLook(cert.problems[0]?.severity);
    const validity = cert.daysLeft < 0 ? `expired ${plural(-cert.daysLeft, 'day')} ago` : `${plural(cert.daysLeft, 'day')} left`;
    chain.append(
      h(
        'li',
        { class: `cert status-${look.tone}`, attrs: { 'data-testid': `cert-${i}`, 'data-status': look.tone } },
        h('div', { class: 'cert-head' }, toneIcon(look.icon, look.tone), srOnly(look.label), h('span', { class: 'cert-role' }, role(i, cert)), h('span', { class: 'cert-subject mono' }, cert.subject)),
        cert.problems.length > 0 ? h('p', { class: 'cert-problems' }, cert.problems.map((p) => p.text).join('; ')) : null,
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
