// The pieces every public JSON shape shares: errors, findings, hops and verdicts. Part of the
// public contract (docs/report.md): fields are added, never renamed. Types only; no imports.

export type LayerName = 'link' | 'internet' | 'transport' | 'tls' | 'application';
/** What a finding belongs to: a layer of the connection, or `dns`, the name lookup before it (an application-layer exchange of its own). */
export type FindingLayer = LayerName | 'dns';
/** `pending` appears only in partial reports streamed while probes still run. */
export type LayerStatus = 'ok' | 'warn' | 'fail' | 'skipped' | 'pending';
export type Severity = 'error' | 'warning' | 'info';
export type Family = 4 | 6;

export interface ErrorInfo {
  /** Node's or our own stable code: ECONNREFUSED, ETIMEDOUT, DNS_TIMEOUT… */
  code: string;
  message: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  layer: FindingLayer;
  message: string;
  hint: string;
  /** What the finding is about when there are several: an address, a URL, a server. */
  subject?: string;
  /** The SHA-256 fingerprint of the certificate the finding is about (as in CertificateInfo). */
  certificate?: string;
}

export type IntermediaryRole = 'cdn' | 'cache' | 'load-balancer' | 'reverse-proxy' | 'proxy';

export type HopKind = 'client' | 'proxy' | 'dns' | 'address' | 'tls' | 'redirect' | 'server' | 'route';

export interface Hop {
  kind: HopKind;
  label: string;
  detail?: string;
  address?: string;
  durationMs?: number;
  status: LayerStatus;
  /** For intermediaries read from response headers (kind `proxy`): what the box does. */
  role?: IntermediaryRole;
}

export interface CnameLink {
  name: string;
  target: string;
  ttl: number;
}

/** The headline of a report: how it went, in a few words, decided by the engine. */
export interface Verdict {
  /** ok, warn or fail; `pending` while probes still run; `skipped` when cancelled. */
  status: LayerStatus;
  /** "Works", "Works, with 2 warnings", "Breaks at TLS (1 error)", "2 of 2 queries answered"… */
  text: string;
}
