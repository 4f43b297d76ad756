// The TLS client context of a handshake: the trust stores as the anchors OpenSSL verifies
// against, the probe's permissive protocol settings, and the client certificate when there is
// one. Building it costs milliseconds to tens of them, so src/engine/prepare.ts builds it before
// a run's clock starts and the handshake takes it from here.
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { DiagnoseOptions, TrustStores } from '../options';
import { attachedFacts } from './storeFacts';

export type ClientCertificate = NonNullable<DiagnoseOptions['clientCertificate']>;

// tls.getCACertificates arrived in Node 22.15 / 23.5 (and is absent from @types/node 20).
type GetCACertificates = (type: 'default') => string[];

/** The native SecureContext behind tls.SecureContext (typed `any` by @types/node). */
interface NativeSecureContext {
  addCACert?: (pem: string) => void;
}

const BASE_OPTIONS: tls.SecureContextOptions = {
  minVersion: 'TLSv1',
  // Security level 0 admits SHA-1, RSA < 2048 and TLS 1.0/1.1 ciphers (OpenSSL 3 SSL_CTX_set_security_level).
  ciphers: 'DEFAULT:@SECLEVEL=0',
};

// A context built from `ca` parses every PEM of every store (about 300) each time, some 50 ms.
// Node's default store already holds its bundled roots (parsed once per process, natively), so
// when `trust.node` is exactly that list the context starts from it and only the OS and extra
// certificates Node does not bundle are added — the same set of anchors, far fewer parses.
// Cached by the stores' content when loadTrustStores made them (the extension loads them afresh
// for every diagnosis), else per TrustStores object; a few configurations at most.
const byContent = new Map<string, SecureContext>();
const byObject = new WeakMap<TrustStores, SecureContext>();
const MAX_CONTEXTS = 4;
// tls.connect ignores cert/key/pfx when a secureContext is given: a client certificate needs a
// context of its own, kept only as long as the options object that holds the certificate.
const withClientCertificate = new WeakMap<ClientCertificate, { trust: TrustStores; context: SecureContext }>();

export function secureContextFor(trust: TrustStores, clientCertificate?: ClientCertificate): SecureContext {
  if (clientCertificate) {
    const known = withClientCertificate.get(clientCertificate);
    if (known?.trust === trust) return known.context;
    const context = createContext(trust, clientCertificate);
    withClientCertificate.set(clientCertificate, { trust, context });
    return context;
  }
  const key = contentKey(trust);
  const known = key === null ? byObject.get(trust) : byContent.get(key);
  if (known) return known;
  const context = createContext(trust);
  if (key === null) byObject.set(trust, context);
  else {
    if (byContent.size >= MAX_CONTEXTS) byContent.delete(byContent.keys().next().value ?? '');
    byContent.set(key, context);
  }
  return context;
}

/** The SHA-256 of every certificate's digest, store by store; null without attached facts. */
function contentKey(trust: TrustStores): string | null {
  const facts = attachedFacts(trust);
  if (!facts) return null;
  const hash = createHash('sha256');
  for (const store of ['node', 'os', 'extra'] as const) hash.update(`${store}:${facts[store].map((f) => f.digest ?? '-').join(',')}\n`);
  return hash.digest('hex');
}

function createContext(trust: TrustStores, clientCertificate?: ClientCertificate): SecureContext {
  const fromCa = (): SecureContext => tls.createSecureContext({ ...BASE_OPTIONS, ca: [...trust.node, ...trust.os, ...trust.extra], ...clientCertificate });
  const added = defaultStoreAdditions(trust);
  if (added === null) return fromCa();
  // Without `ca`, createSecureContext starts from Node's shared default store (lib/internal/tls/
  // secure-context.js: context.addRootCerts()). addCACert is what it calls for each `ca` entry;
  // the first call on the shared store swaps in a fresh copy of the bundled roots before adding
  // (src/crypto/crypto_context.cc SecureContext::AddCACert, NewRootCertStore), so other contexts
  // are untouched and, as with `ca`, NODE_EXTRA_CA_CERTS is not among the anchors. Hence at least
  // one call, with a bundled root (already present) when there is nothing else to add.
  const context = tls.createSecureContext({ ...BASE_OPTIONS, ...clientCertificate });
  const native = context.context as NativeSecureContext;
  if (typeof native.addCACert !== 'function') return fromCa();
  for (const pem of added.length > 0 ? added : trust.node.slice(0, 1)) native.addCACert(pem);
  return context;
}

/**
 * The OS and extra certificates to add to Node's bundled roots so that the store holds exactly
 * node + os + extra; null when Node's default store cannot stand in for `trust.node`: the caller
 * chose other roots, Node was started with --use-openssl-ca on its command line (its default
 * store is then OpenSSL's), or Node 22.15 and later, which can list it, reports a default store
 * other than its bundled roots (--use-system-ca, --use-openssl-ca, NODE_EXTRA_CA_CERTS). Node 20
 * cannot tell --use-openssl-ca given in NODE_OPTIONS or built in (docs/report.md, `authorized`).
 */
function defaultStoreAdditions(trust: TrustStores): string[] | null {
  const bundled = tls.rootCertificates;
  if (bundled.length === 0 || trust.node.length !== bundled.length || trust.node.some((pem, i) => pem !== bundled[i])) return null;
  if (process.execArgv.includes('--use-openssl-ca')) return null;
  const getCACertificates = (tls as { getCACertificates?: GetCACertificates }).getCACertificates;
  if (typeof getCACertificates === 'function') {
    let defaults: string[];
    try {
      defaults = getCACertificates('default');
    } catch {
      return null;
    }
    const bodies = new Set(bundled.map(pemBody));
    if (defaults.length !== bundled.length || !defaults.every((pem) => bodies.has(pemBody(pem)))) return null;
  }
  // A certificate's identity: its DER's digest where loadTrustStores worked it out (storeFacts.ts),
  // else its base64 text, which costs a pass of a regular expression over every certificate.
  const facts = attachedFacts(trust);
  const identity = (store: keyof TrustStores, i: number, pem: string): string => facts?.[store][i]?.digest ?? pemBody(pem);
  const present = new Set(trust.node.map((pem, i) => identity('node', i, pem)));
  return (['os', 'extra'] as const).flatMap((store) =>
    trust[store].filter((pem, i) => {
      const id = identity(store, i, pem);
      if (present.has(id)) return false;
      present.add(id);
      return true;
    }),
  );
}

/** The base64 of a PEM block without its armour and line breaks: equal bodies, equal certificates. */
function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z0-9 ]+-----|\s+/g, '');
}

