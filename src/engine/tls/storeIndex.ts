// The index of the trust stores that path building (verify.ts) looks issuers and anchors up in:
// store certificates by the key of their subject Name and by the SHA-256 of their DER, built from
// each certificate's facts (storeFacts.ts) without OpenSSL. X509Certificate costs about 0.2 ms
// per certificate, so only the candidates a lookup finds are parsed, and every match is
// confirmed by the same tests as always (equal fingerprint; subject printed as the issuer is,
// checkIssued and the signature).
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TrustStores } from '../options';
import type { TlsVerification } from '../model/certificate';
import { publicKeyOf } from './certificate';
import { nameKeys } from './derNames';
import { attachedFacts, computeFacts, digestOf } from './storeFacts';

export type StoreName = TlsVerification['store'] & string;

/** Anchoring preference when a certificate is in several stores (TlsVerification.store). */
const STORE_ORDER: readonly StoreName[] = ['node', 'os', 'extra'];

/** One store certificate, indexed from its facts; parsed with X509Certificate only when a lookup needs it. */
interface StoreEntry {
  pem: string;
  store: StoreName;
  /** Position across the stores in STORE_ORDER: lookups answer with the first match. */
  order: number;
  /** undefined until parsed; null when X509Certificate refuses it (loadTrustStores reported it). */
  cert?: X509Certificate | null;
}

export interface StoreIndex {
  /** By the key of the subject Name (nameKeys), in STORE_ORDER. */
  bySubject: Map<string, StoreEntry[]>;
  /** Entries whose Name could not be read without OpenSSL: candidates for every lookup. */
  unread: StoreEntry[];
  /** SHA-256 of the DER (what X509Certificate.fingerprint256 hashes) → entries, in STORE_ORDER. */
  byDigest: Map<string, StoreEntry[]>;
  /** How many entries were parsed with X509Certificate so far. */
  parsed: number;
}

// Stores are loaded once per configuration and hold a few hundred roots; index them once per
// TrustStores object (callers treat it as immutable, as its readonly arrays say).
const indexes = new WeakMap<TrustStores, StoreIndex>();

/** The index of `stores`, built on first use; src/engine/prepare.ts builds it before a run's clock starts. */
export function storeIndex(stores: TrustStores): StoreIndex {
  let index = indexes.get(stores);
  if (index) return index;
  index = { bySubject: new Map(), unread: [], byDigest: new Map(), parsed: 0 };
  let order = 0;
  const known = attachedFacts(stores);
  for (const store of STORE_ORDER) {
    for (const [i, pem] of stores[store].entries()) {
      const facts = known?.[store][i] ?? computeFacts(pem, false);
      // A certificate neither reader can read, or that X509Certificate refused, is left out.
      if (facts.digest === null || facts.error !== null) continue;
      const entry: StoreEntry = { pem, store, order: order++ };
      append(index.byDigest, facts.digest, entry);
      if (facts.subject !== null) append(index.bySubject, facts.subject, entry);
      else index.unread.push(entry);
    }
  }
  indexes.set(stores, index);
  return index;
}

function append(map: Map<string, StoreEntry[]>, key: string, entry: StoreEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function certOf(entry: StoreEntry, index: StoreIndex): X509Certificate | null {
  if (entry.cert === undefined) {
    index.parsed++;
    try {
      entry.cert = new X509Certificate(entry.pem);
    } catch {
      entry.cert = null; // loadTrustStores already reported it; a store must not break verification.
    }
  }
  return entry.cert;
}

/** The first store (node, os, extra) holding exactly this certificate. */
export function storeEntryHolding(cert: X509Certificate, index: StoreIndex): { store: StoreName } | undefined {
  return index.byDigest.get(digestOf(cert.raw))?.find((e) => certOf(e, index)?.fingerprint256 === cert.fingerprint256);
}

/** The first store certificate (in STORE_ORDER) that issued `cert`. */
export function storeIssuerOf(cert: X509Certificate, index: StoreIndex): { cert: X509Certificate; store: StoreName } | undefined {
  const key = nameKeys(cert.raw)?.issuer;
  // An issuer Name this reader cannot follow: every store certificate is a candidate.
  const named = key === undefined ? [...index.bySubject.values()].flat() : (index.bySubject.get(key) ?? []);
  const candidates = index.unread.length > 0 || key === undefined ? [...named, ...index.unread].sort((a, b) => a.order - b.order) : named;
  for (const entry of candidates) {
    const issuer = certOf(entry, index);
    if (issuer && issuer.subject === cert.issuer && issued(issuer, cert)) return { cert: issuer, store: entry.store };
  }
  return undefined;
}

/** `issuer` names and signed `cert` (checkIssued also compares key identifiers and key usage). */
export function issued(issuer: X509Certificate, cert: X509Certificate): boolean {
  const key: KeyObject | null = publicKeyOf(issuer);
  try {
    return key !== null && cert.checkIssued(issuer) && cert.verify(key);
  } catch {
    return false;
  }
}

/**
 * How many store certificates lookups on `stores` have parsed with X509Certificate so far: the
 * candidates, not the whole stores (the tests hold the index to that).
 */
export function parsedStoreCertificates(stores: TrustStores): number {
  return indexes.get(stores)?.parsed ?? 0;
}

/** The first store (node, os, extra) that holds this exact certificate, or null. */
export function storeHolding(cert: X509Certificate, stores: TrustStores): StoreName | null {
  return storeEntryHolding(cert, storeIndex(stores))?.store ?? null;
}
