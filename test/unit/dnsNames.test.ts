// The DNS name limits (RFC 1035 §2.3.4) shared by the target parser, the lookup and wire queries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dnsNameProblem } from '../../src/engine/dns/names';
import { dnsQuestionOf } from '../../src/engine/dns/lookup';
import { parseTarget } from '../../src/engine/target';

describe('dnsNameProblem', () => {
  it('accepts names up to 253 octets with labels up to 63', () => {
    assert.equal(dnsNameProblem('example.com'), null);
    assert.equal(dnsNameProblem(`${'a'.repeat(63)}.com`), null);
    assert.equal(dnsNameProblem(Array(4).fill('a'.repeat(62)).join('.') + '.' + 'b'.repeat(1)), null);
  });
  it('names the first problem: the whole length, then each label in order', () => {
    assert.deepEqual(dnsNameProblem(''), { kind: 'empty' });
    assert.deepEqual(dnsNameProblem(Array(5).fill('a'.repeat(60)).join('.')), { kind: 'too-long', octets: 304 });
    assert.deepEqual(dnsNameProblem('a..b'), { kind: 'empty-label' });
    assert.deepEqual(dnsNameProblem(`${'x'.repeat(64)}.com`), { kind: 'label-too-long', label: 'x'.repeat(64), octets: 64 });
  });
  it('counts octets, not characters', () => {
    assert.equal(dnsNameProblem(`${'é'.repeat(32)}.com`)?.kind, 'label-too-long');
  });
  it('is what the target parser and the DNS lookup refuse', () => {
    assert.throws(() => parseTarget(`${'x'.repeat(64)}.com`), /DNS allows 63/);
    assert.throws(() => dnsQuestionOf(`${'x'.repeat(64)}.com`, undefined), /not a valid DNS name/);
    assert.throws(() => dnsQuestionOf('a..b', undefined), /not a valid DNS name/);
  });
});
