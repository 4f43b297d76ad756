// The common name of a certificate name, in Node's one-attribute-a-line form and in the report's
// one-line form, with commas escaped inside a value (RFC 4514 §2.4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonName } from '../../src/engine/tls/distinguishedName';

describe('commonName', () => {
  it("reads Node's form and the report's form alike", () => {
    assert.equal(commonName('C=US\nO=Acme\nCN=api.example.com'), 'api.example.com');
    assert.equal(commonName('CN=api.example.com, O=Acme, C=US'), 'api.example.com');
    assert.equal(commonName('O=Acme, CN=inner'), 'inner');
  });
  it('keeps an escaped comma inside the value', () => {
    assert.equal(commonName('CN=Foo\\, Inc\nOU=a=b'), 'Foo\\, Inc');
    assert.equal(commonName('CN=Foo\\, Inc, O=Acme'), 'Foo\\, Inc');
  });
  it('is null for a name without CN, an empty name and none', () => {
    assert.equal(commonName('O=Acme, C=US'), null);
    assert.equal(commonName(''), null);
    assert.equal(commonName(undefined), null);
  });
});
