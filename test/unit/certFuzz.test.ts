// Fuzz: mutated DER certificates (and PKCS#7/PKCS#12-looking prefixes) through everything a user's
// file goes through: readCertFile, describeCertificate, checkFile. With a fixed seed, thousands
// of cases must end in a result or a clear "cannot parse" (CertParseError / CertPasswordError),
// never another exception, and quickly (a hang would stop the run at the test timeout).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { CertParseError, describeCertificate } from '../../src/engine/tls/certificate';
import { checkFile } from '../../src/engine/tls/certCheck';
import { CertPasswordError, readCertFile } from '../../src/engine/tls/certFile';
import { forgeCert, mustStapleExt, nameConstraintsExt, policiesExt, sctListExt } from '../helpers/badCerts';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';
import { prng } from '../helpers/prng';

const SEED = 0x5eed5;
const CASES = 4000;

function mutate(input: Buffer, rand: () => number): Buffer {
  const out = Buffer.from(input);
  const pick = (n: number): number => Math.floor(rand() * n);
  switch (pick(6)) {
    case 0: // flip bits
      for (let i = 0, n = 1 + pick(8); i < n; i++) out[pick(out.length)]! ^= 1 << pick(8);
      return out;
    case 1: // a random byte somewhere, often in the DER headers
      out[rand() < 0.5 ? pick(Math.min(64, out.length)) : pick(out.length)] = pick(256);
      return out;
    case 2: // truncate
      return out.subarray(0, pick(out.length));
    case 3: { // a length byte set to something large
      const i = pick(Math.min(200, out.length));
      out[i] = 0x80 | (1 + pick(4));
      return out;
    }
    case 4: // duplicate a slice into itself
      return Buffer.concat([out.subarray(0, pick(out.length)), out.subarray(pick(out.length))]);
    default: // random tail
      return Buffer.concat([out, Buffer.from(Array.from({ length: 1 + pick(32) }, () => pick(256)))]);
  }
}

let pki: TestPki;
let seeds: Buffer[];
before(async () => {
  pki = await testPki();
  const rich = forgeCert(pki, {
    extra: [
      { id: '2.5.29.30', value: nameConstraintsExt('.example.test', ['10.0.0.0', '255.0.0.0']) },
      { id: '2.5.29.32', value: policiesExt('2.23.140.1.2.1') },
      { id: '1.3.6.1.5.5.7.1.24', value: mustStapleExt() },
      { id: '1.3.6.1.4.1.11129.2.4.2', value: sctListExt(Buffer.alloc(32, 1), Date.now()) },
    ],
    ocspUrl: 'http://127.0.0.1:9/ocsp',
    caIssuersUrl: 'http://127.0.0.1:9/ca.der',
  });
  seeds = [pki.rsa.cert, pki.p256.cert, pki.ed25519.cert, pki.intermediate.cert, rich.cert].map((pem) => new X509Certificate(pem).raw);
});

describe('mutated DER certificates', () => {
  it(`${CASES} cases (seed ${SEED}): a result or a clear "cannot parse", nothing else, fast`, async () => {
    const rand = prng(SEED);
    let parsed = 0;
    let refused = 0;
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const input = mutate(seeds[i % seeds.length]!, rand);
      try {
        const file = readCertFile(input);
        for (const cert of file.certificates) describeCertificate(cert, Date.now());
        // Every fifth parsed case also goes through the whole file check (path, verdicts).
        if (parsed % 5 === 0) await checkFile(input, `case-${i}.der`, { trust: pki.trust, timeoutMs: 100, expiryWarningDays: 21 });
        parsed++;
      } catch (err) {
        if (!(err instanceof CertParseError || err instanceof CertPasswordError)) {
          assert.fail(`case ${i} (seed ${SEED}) threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}; input ${input.toString('base64')}`);
        }
        assert.match(err.message, /./);
        refused++;
      }
    }
    const elapsed = performance.now() - started;
    assert.equal(parsed + refused, CASES);
    assert.ok(refused > CASES / 10, `only ${refused} cases were refused: the mutations are too gentle`);
    assert.ok(parsed > 0, 'no mutated certificate parsed at all: the mutations are too harsh to exercise the field reader');
    assert.ok(elapsed < 30_000, `took ${Math.round(elapsed)} ms`);
  });
});
