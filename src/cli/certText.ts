// A certificate check (`netdiag cert`) for a terminal: the chain with every detail, the path to the
// trust anchor, OCSP, the TLS scan and the findings.
import type { CertCheck } from '../engine/model/certCheck';
import type { Terminal } from './terminal';

/** The check for a terminal, as lines the terminal module escapes whole (certificate text is network data). */
export function renderCertText(check: CertCheck, term: Terminal): string[] {
  const { paint } = term;
  const out: string[] = [];
  const ok = !check.findings.some((f) => f.severity === 'error');
  out.push(`${paint('bold', check.source.label)}${check.source.format ? ` (${check.source.format})` : ''}`);
  out.push(paint(ok ? 'green' : 'red', `${ok ? '✔' : '✖'} ${check.verdict}`));
  if (check.tls) out.push(`  ${[check.tls.protocol, check.tls.cipher, check.tls.keyExchange, check.tls.alpn && `ALPN ${check.tls.alpn}`].filter(Boolean).join(' · ')}`);
  if (check.sentOrderKnown === false) out.push(paint('dim', "  (chain order from Node's view: the server speaks only TLS 1.3, whose Certificate message is encrypted)"));
  check.chain.forEach((c, i) => {
    out.push('', paint('bold', `${i + 1}. ${c.subject || '(empty subject)'}`));
    out.push(`   issuer      ${c.issuer}`);
    if (c.subjectAltNames.length > 0) out.push(`   names       ${c.subjectAltNames.slice(0, 8).join(', ')}${c.subjectAltNames.length > 8 ? ` … (${c.subjectAltNames.length} in all)` : ''}`);
    out.push(`   valid       ${c.notBefore} → ${c.notAfter} (${c.daysLeft < 0 ? `expired ${-c.daysLeft} days ago` : `${c.daysLeft} days left`})`);
    out.push(`   key         ${c.publicKey.type}${c.publicKey.bits ? ` ${c.publicKey.bits}` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}, signed ${c.signatureAlgorithm}`);
    if (c.keyUsage.length + c.extendedKeyUsage.length > 0) out.push(`   usage       ${[...c.keyUsage, ...c.extendedKeyUsage].join(', ')}`);
    out.push(`   CA          ${c.isCA ? `yes${c.pathLength !== undefined ? `, path length ${c.pathLength}` : ''}` : 'no'}${c.selfSigned ? ', self-signed' : ''}`);
    out.push(`   serial      ${c.serialNumber}`);
    out.push(`   SHA-256     ${c.fingerprint256}`);
  });
  if (check.path.length > 0) {
    out.push('', paint('bold', 'Path to the trust anchor'));
    for (const p of check.path) out.push(`  → ${p.subject}${p.store ? paint('green', `  [${p.store} store]`) : ''}`);
  }
  for (const k of check.privateKeys ?? []) out.push(`  private key: ${k.where}, ${k.description}${k.matchesLeaf === true ? ', matches certificate 1' : k.matchesLeaf === false ? ', does NOT match certificate 1' : ''} (not shown)`);
  if (check.revocation) out.push('', `OCSP ${check.revocation.responder ?? '(stapled)'}: ${check.revocation.status ?? check.revocation.error?.message ?? 'no answer'}`);
  const s = check.scan;
  if (s) {
    out.push('', paint('bold', `TLS configuration: grade ${s.grade.grade}`) + `  (${s.handshakes} connections, ${s.durationMs} ms)`);
    for (const r of s.grade.reasons) out.push(`  · ${r}`);
    for (const p of s.protocols) out.push(`  ${p.name.padEnd(8)} ${p.supported ? paint('green', 'yes') : p.tested ? 'no' : paint('dim', 'not tested')}${p.tested ? '' : `  (${p.note ?? ''})`}`);
    for (const p of s.protocols.filter((x) => x.supported)) {
      const order = s.cipherOrder.find((o) => o.protocol === p.name);
      out.push(`  ${p.name} suites${order ? (order.serverOrder ? " (server's order)" : " (client's order)") : ''}:`);
      for (const c of s.ciphers.filter((x) => x.protocol === p.name)) out.push(`    ${c.weak ? paint('yellow', c.name) : c.name}`);
    }
    out.push(`  ALPN        ${s.alpn.join(', ') || 'none'}`);
    if (s.groupsByProtocol.length === 0) out.push('  groups      none');
    for (const g of s.groupsByProtocol) out.push(`  groups      ${g.protocol}: ${g.groups.join(', ') || 'none'}`);
    out.push(`  resumption  ${s.resumption.map((r) => `${r.protocol} ${r.resumed ? 'yes' : 'no'}`).join(', ') || 'n/a'}`);
    if (s.withoutSni) out.push(`  without SNI ${s.withoutSni.handshake ? (s.withoutSni.sameCertificate === false ? 'another certificate' : 'same certificate') : 'refused'}`);
    out.push(`  OCSP staple ${s.ocsp.stapled ? 'yes' : 'no'}${s.ocsp.mustStaple ? ' (must-staple)' : ''}`);
    for (const why of s.incomplete) out.push(paint('yellow', `  incomplete: ${why}`));
  }
  if (check.findings.length > 0) {
    out.push('', paint('bold', 'Findings'));
    for (const f of check.findings) out.push(...term.finding(f));
  }
  return out;
}
