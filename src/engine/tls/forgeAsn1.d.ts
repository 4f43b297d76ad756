// node-forge's ASN.1 layer on its own (lib/asn1.js with the util and oids modules it requires),
// about a fifth of the whole library: the module's export is what `forge.asn1` is. Importing it
// instead of 'node-forge' keeps PKCS#12, ciphers and the rest out of the bundles that only read
// certificate extensions (the diagnosis, `netdiag dns`, `netdiag trace`).
declare module 'node-forge/lib/asn1' {
  import type forge from 'node-forge';

  const asn1: typeof forge.asn1;
  export = asn1;
}
