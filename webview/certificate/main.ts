// The certificate viewer: renders the check the host put in `data-state` (a certificate file,
// already verified) — the verdict, each certificate with every detail, the path to the trust
// anchor, private keys named but never shown, and the findings. Read-only: it sends no messages.
// Every value from the file is set as text (through h()), never parsed as HTML.
import type { CertCheck } from '../../src/engine/model/certCheck';
import type { CertificateViewState } from '../../src/protocol/certificateView';
import { certificateRows, roleOf, storeText } from '../../src/protocol/certificateView';
import { facts, h, section, toneIcon } from '../report/dom';
import { renderFindings } from '../report/overview';

const STATUS_ICON: Record<CertCheck['status'], string> = { ok: 'pass-filled', warn: 'warning', fail: 'error' };

function readState(): CertificateViewState | null {
  const raw = document.body.dataset['state'];
  if (raw === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && 'title' in parsed ? (parsed as CertificateViewState) : null;
  } catch {
    return null;
  }
}

function render(state: CertificateViewState | null): HTMLElement {
  const root = h('main', { class: 'report certificate-view', attrs: { 'data-testid': 'certificate-view' } });
  if (!state) {
    root.append(h('p', { class: 'muted' }, 'Nothing to show.'));
    return root;
  }
  root.append(h('h1', null, state.title));
  const check = state.check;
  if (!check) {
    root.append(h('p', { class: 'result status-fail', attrs: { 'data-testid': 'certificate-error' } }, toneIcon('error', 'fail'), ' ', state.error ?? 'The file could not be read.'));
    return root;
  }
  root.append(
    h(
      'p',
      { class: `result verdict status-${check.status}`, attrs: { 'data-testid': 'verdict', 'data-status': check.status } },
      toneIcon(STATUS_ICON[check.status], check.status),
      ' ',
      check.verdict,
    ),
    facts([
      ['Format', check.source.format ?? ''],
      ['Certificates', String(check.chain.length)],
      ['Trust', check.verification.store ? `anchored by ${storeText(check.verification.store)}` : 'not anchored in any trust store'],
    ]),
  );

  const chain = h('ol', { class: 'chain cert-list' });
  check.chain.forEach((cert, i) => {
    const rows = certificateRows(cert).map((r): [string, string] => [r.label, r.value]);
    chain.append(
      h(
        'li',
        { class: 'cert-card', attrs: { 'data-testid': `cert-${i}` } },
        h('details', { attrs: i === 0 ? { open: '' } : {} }, h('summary', null, h('strong', null, `${roleOf(i, cert)}: `), cert.subject || '(empty subject)'), facts(rows)),
        h('details', { class: 'pem' }, h('summary', null, 'PEM'), h('pre', { class: 'pem-text' }, cert.pem)),
      ),
    );
  });
  root.append(section('chain', `Certificates (${check.chain.length})`, chain));

  if (check.path.length > 0) {
    const list = h('ol', { class: 'trust-path', attrs: { 'data-testid': 'trust-path' } });
    for (const p of check.path) list.append(h('li', null, p.subject, p.store ? h('span', { class: 'muted' }, ` — anchored by ${storeText(p.store)}`) : null));
    root.append(section('path', 'Path to the trust anchor', list));
  }
  if (check.privateKeys && check.privateKeys.length > 0) {
    const list = h('ul', { class: 'keys', attrs: { 'data-testid': 'private-keys' } });
    for (const k of check.privateKeys) {
      const match = k.matchesLeaf === true ? ', matches the first certificate' : k.matchesLeaf === false ? ', does not match the first certificate' : '';
      list.append(h('li', null, `${k.where}: ${k.description}${match}. The key itself is not shown.`));
    }
    root.append(section('keys', 'Private keys', list));
  }
  root.append(renderFindings(check.findings, true));
  return root;
}

document.body.append(render(readState()));
