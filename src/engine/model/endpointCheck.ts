// Every client reference of the bind analysis diagnosed live (`netdiag bind-scan --check`,
// Netdiag: Check Workspace Endpoints): one row per reference and vantage. Public contract
// (docs/report.md). Types only.
import type { BindScanJson, SourceRange } from './bind';
import type { ErrorInfo, LayerStatus, Verdict } from './common';
import type { Report } from './report';

export interface EndpointCheck {
  /** The reference as written (URL, host:port or host), any password replaced by `***`. */
  reference: string;
  /** The service whose config holds the reference. */
  service: string;
  /** The key it came from: `DATABASE_URL`, `proxy_pass`… */
  origin: string;
  source: SourceRange;
  /** The host inside the reference, for placing a problem on it. */
  hostRange: SourceRange;
  /** The vantage it was diagnosed from: `local`, or `compose:SERVICE` for the service's own container. */
  from: string;
  /** The vantage in plain words: "this machine", "Compose service web". */
  fromLabel: string;
  /** `ok`, `warn`, `fail`, or `skipped` when it was not diagnosed (`skipped` says why). */
  status: LayerStatus;
  /** The status of each layer the table shows. */
  dns: LayerStatus;
  tcp: LayerStatus;
  tls: LayerStatus;
  http: LayerStatus;
  verdict: Verdict;
  durationMs: number;
  /** The full diagnosis; null when it was skipped or the vantage could not run. */
  report: Report | null;
  /** Why the vantage could not run. */
  error?: ErrorInfo;
  /** Why the reference was not diagnosed (a templated host, a service that is not running). */
  skipped?: string;
}

/** `netdiag bind-scan --check --json`: the bind scan with every reference's check. */
export interface BindCheckJson extends BindScanJson {
  checks: EndpointCheck[];
}
