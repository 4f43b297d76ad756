import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../src/engine/model/common';
import type { TrustStores } from '../../src/engine/options';
import { verifyChain } from '../../src/engine/tls/verify';
import { LEAF_URLS, WRONG_HOST_NAME, testPki } from '../helpers/pki';
import type { ServerCase, TestPki } from '../helpers/pki';

const DAY = 86_400_000;
const opts = { expiryWarningDays: 21 };

let pki: TestPki;
let now: number;
before(async () => {
  pki = await testPki();
  now = Date.now();
});

/** The chain a server configured with `c` sends, as certificates. */
const sent = (c: ServerCase): X509Certificate[] => c.chain.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((pem) => new X509Certificate(pem));
const codes = (findings: Finding[]): string[] => findings.map((f) => f.code).sort();
const only = (findings: Finding[], code: string): Finding => {
  assert.deepEqual(codes(findings), [code]);
  const [f] = findings;
  assert.ok(f);
  return f;
};

describe('verifyChain', () => {
  it('finds nothing wrong with a good chain, for every key type and host form', () => {
    for (const c of [pki.rsa, pki.p256, pki.p384, pki.ed25519]) {
      for (const host of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '::1']) {
        const { verification, findings } = verifyChain(sent(c), host, pki.trust, now, opts);
        assert.deepEqual(findings, [], `${host}: ${JSON.stringify(findings)}`);
        assert.deepEqual(verification, { trusted: true, store: 'extra', hostnameMatches: true, errors: [] });
      }
    }
  });

  it('names the first store that anchors the chain: node, then os, then extra', () => {
    const root = pki.root.cert;
    const run = (stores: TrustStores): unknown => verifyChain(sent(pki.rsa), 'localhost', stores, now, opts).verification.store;
    assert.equal(run({ node: [], os: [root], extra: [root] }), 'os');
    assert.equal(run({ node: [root], os: [root], extra: [root] }), 'node');
    assert.equal(run({ node: [], os: [], extra: [pki.otherRoot.cert, root] }), 'extra');
    assert.equal(run({ node: [], os: [], extra: [] }), null);
  });

  it('anchors on an intermediate held in a store even when the server did not send it', () => {
    const { verification, findings } = verifyChain(sent(pki.incompleteChain), 'localhost', { node: [], os: [], extra: [pki.intermediate.cert] }, now, opts);
    assert.deepEqual(findings, []);
    assert.equal(verification.trusted, true);
  });

  it('CERT_EXPIRED: says which certificate, when, and how long ago', () => {
    const f = only(verifyChain(sent(pki.expired), 'localhost', pki.trust, now, opts).findings, 'CERT_EXPIRED');
    assert.match(f.message, /server certificate "localhost" expired on \d{4}-\d\d-\d\dT/);
    assert.match(f.message, /10 days ago/);
    assert.equal(f.subject, 'CN=localhost, O=Netdiag Test');
    const { verification } = verifyChain(sent(pki.expired), 'localhost', pki.trust, now, opts);
    assert.deepEqual(verification, { trusted: false, store: 'extra', hostnameMatches: true, errors: ['CERT_EXPIRED'] });
  });

  it('checks every certificate on the path, the intermediate and the root too', () => {
    const later = pki.intermediate.notAfter.getTime() + DAY * 2;
    const findings = verifyChain(sent(pki.rsa), 'localhost', pki.trust, later, opts).findings;
    assert.deepEqual(codes(findings), ['CERT_EXPIRED', 'CERT_EXPIRED']);
    assert.ok(findings.some((f) => /intermediate certificate "Netdiag Test Intermediate CA" expired/.test(f.message)));
    assert.ok(findings.some((f) => /server certificate "localhost" expired/.test(f.message)));
    // Near the end of the root's ten years, the root itself is named.
    const rootEnd = pki.root.notAfter.getTime() - DAY;
    const atRootEnd = verifyChain([new X509Certificate(pki.root.cert)], 'localhost', pki.trust, rootEnd, opts).findings;
    assert.ok(atRootEnd.some((f) => f.code === 'CERT_EXPIRES_SOON' && f.message.includes('"Netdiag Test Root CA" expires on')), JSON.stringify(atRootEnd));
  });

  it('CERT_NOT_YET_VALID: gives the start date and this clock', () => {
    const f = only(verifyChain(sent(pki.notYetValid), 'localhost', pki.trust, now, opts).findings, 'CERT_NOT_YET_VALID');
    assert.match(f.message, /valid only from .*, 9 days from now \(this machine's clock says/);
  });

  it('CERT_EXPIRES_SOON: a warning that keeps the chain trusted', () => {
    const { verification, findings } = verifyChain(sent(pki.expiresSoon), 'localhost', pki.trust, now, opts);
    const f = only(findings, 'CERT_EXPIRES_SOON');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /expires on .*, in 4 days/);
    assert.equal(verification.trusted, true);
    assert.deepEqual(verifyChain(sent(pki.expiresSoon), 'localhost', pki.trust, now, { expiryWarningDays: 3 }).findings, []);
  });

  it('CERT_HOSTNAME_MISMATCH lists the names the certificate covers', () => {
    const wrong = only(verifyChain(sent(pki.wrongHost), 'localhost', pki.trust, now, opts).findings, 'CERT_HOSTNAME_MISMATCH');
    assert.equal(wrong.message, `The certificate covers ${WRONG_HOST_NAME}, but not localhost.`);
    const { verification, findings } = verifyChain(sent(pki.rsa), '127.0.0.2', pki.trust, now, opts);
    assert.equal(only(findings, 'CERT_HOSTNAME_MISMATCH').message, 'The certificate covers localhost, 127.0.0.1, ::1, but not 127.0.0.2.');
    assert.deepEqual(verification, { trusted: false, store: 'extra', hostnameMatches: false, errors: ['CERT_HOSTNAME_MISMATCH'] });
    only(verifyChain(sent(pki.rsa), 'sub.localhost', pki.trust, now, opts).findings, 'CERT_HOSTNAME_MISMATCH');
  });

  it('CERT_SELF_SIGNED, unless a store holds the certificate', () => {
    const { verification, findings } = verifyChain(sent(pki.selfSigned), 'localhost', pki.trust, now, opts);
    assert.match(only(findings, 'CERT_SELF_SIGNED').message, /self-signed certificate \("localhost", issued by itself\)/);
    assert.equal(verification.store, null);
    const pinned = verifyChain(sent(pki.selfSigned), 'localhost', { node: [], os: [], extra: [pki.selfSigned.cert] }, now, opts);
    assert.deepEqual(pinned.findings, []);
    assert.deepEqual(pinned.verification, { trusted: true, store: 'extra', hostnameMatches: true, errors: [] });
  });

  it('CERT_UNTRUSTED_ROOT names the root of a complete chain', () => {
    const { verification, findings } = verifyChain(sent(pki.untrustedRoot), 'localhost', pki.trust, now, opts);
    assert.match(only(findings, 'CERT_UNTRUSTED_ROOT').message, /ends at the root "CN=Elsewhere Root CA, O=Elsewhere Inc"/);
    assert.deepEqual(verification, { trusted: false, store: null, hostnameMatches: true, errors: ['CERT_UNTRUSTED_ROOT'] });
    assert.deepEqual(verifyChain(sent(pki.untrustedRoot), 'localhost', { node: [], os: [], extra: [pki.otherRoot.cert] }, now, opts).findings, []);
  });

  it('CERT_INCOMPLETE_CHAIN names the missing issuer and where to fetch it', () => {
    const f = only(verifyChain(sent(pki.incompleteChain), 'localhost', pki.trust, now, opts).findings, 'CERT_INCOMPLETE_CHAIN');
    assert.match(f.message, /issuer of "localhost", "CN=Netdiag Test Intermediate CA, O=Netdiag Test", was not sent/);
    assert.ok(f.message.includes(LEAF_URLS.caIssuers));
    // A chain whose intermediate is sent but whose root is unknown and not sent is incomplete too.
    const noRoot = only(verifyChain(sent(pki.rsa), 'localhost', { node: [], os: [], extra: [] }, now, opts).findings, 'CERT_INCOMPLETE_CHAIN');
    assert.match(noRoot.message, /issuer of "Netdiag Test Intermediate CA", "CN=Netdiag Test Root CA, O=Netdiag Test"/);
  });

  it('builds the path from what was sent in any order, ignoring unrelated certificates', () => {
    const [leaf, intermediate] = sent(pki.rsa);
    assert.ok(leaf && intermediate);
    const shuffled = [leaf, new X509Certificate(pki.otherRoot.cert), intermediate];
    assert.deepEqual(verifyChain(shuffled, 'localhost', pki.trust, now, opts).findings, []);
  });

  it('CERT_WEAK_KEY for RSA below 2048 bits', () => {
    const { verification, findings } = verifyChain(sent(pki.rsa1024), 'localhost', pki.trust, now, opts);
    assert.match(only(findings, 'CERT_WEAK_KEY').message, /"localhost" has a 1024-bit RSA key/);
    assert.equal(verification.trusted, true);
  });

  it('CERT_WEAK_SIGNATURE for SHA-1, but not on a self-signed root taken from a store', () => {
    assert.match(only(verifyChain(sent(pki.sha1), 'localhost', pki.trust, now, opts).findings, 'CERT_WEAK_SIGNATURE').message, /signed with ecdsa-with-SHA1/);
    const trustedOldRoot = { node: [], os: [pki.sha1Root.cert], extra: [] };
    const { verification, findings } = verifyChain(sent(pki.sha1RootLeaf), 'localhost', trustedOldRoot, now, opts);
    assert.deepEqual(findings, []);
    assert.equal(verification.store, 'os');
  });

  it('returns an empty verdict for an empty chain', () => {
    assert.deepEqual(verifyChain([], 'localhost', pki.trust, now, opts), {
      verification: { trusted: false, store: null, hostnameMatches: false, errors: [] },
      findings: [],
    });
  });
});
