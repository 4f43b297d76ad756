// Words, icons and numbers for the report: one place so every section says things the same way.
import type { FindingLayer, HopKind, LayerStatus, Severity } from '../../src/engine/model/common';

export interface StatusLook {
  icon: string;
  label: string;
}

const STATUS: Record<LayerStatus, StatusLook> = {
  ok: { icon: 'pass-filled', label: 'OK' },
  warn: { icon: 'warning', label: 'Warning' },
  fail: { icon: 'error', label: 'Failed' },
  skipped: { icon: 'circle-slash', label: 'Skipped' },
  pending: { icon: 'loading', label: 'Running' },
};

export function statusLook(status: LayerStatus): StatusLook {
  return STATUS[status];
}

export const SEVERITY_TONE = { error: 'fail', warning: 'warn', info: 'info' } as const satisfies Record<Severity, string>;

const SEVERITY: Record<Severity, StatusLook> = {
  error: { icon: 'error', label: 'Error' },
  warning: { icon: 'warning', label: 'Warning' },
  info: { icon: 'info', label: 'Info' },
};

export function severityLook(severity: Severity): StatusLook {
  return SEVERITY[severity];
}

export const LAYER_TITLES: Record<FindingLayer, string> = {
  link: 'Link',
  dns: 'DNS',
  internet: 'Internet',
  transport: 'Transport',
  tls: 'TLS',
  application: 'Application',
};

export const LAYER_SUBTITLES: Record<FindingLayer, string> = {
  link: 'interface and next hop',
  dns: 'name lookup',
  internet: 'IP: addresses and route',
  transport: 'TCP',
  tls: 'handshake and certificates',
  application: 'HTTP',
};

export const HOP_ICONS: Record<HopKind, string> = {
  client: 'device-desktop',
  proxy: 'server-process',
  dns: 'globe',
  address: 'plug',
  tls: 'lock',
  redirect: 'arrow-swap',
  server: 'server',
  route: 'type-hierarchy-sub',
};

export const HOP_TITLES: Record<HopKind, string> = {
  client: 'Client',
  proxy: 'Proxy',
  dns: 'Name',
  address: 'Address',
  tls: 'TLS',
  redirect: 'Redirect',
  server: 'Server',
  route: 'Route',
};

/** Milliseconds the way people read them: 0.4 ms, 24.8 ms, 1.25 s. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 1 : 2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${Math.round(ms * 10) / 10} ms`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** An ISO date in the reader's locale, or the raw text when it does not parse. */
export function formatDate(iso: string, withTime = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return withTime ? d.toLocaleString() : d.toLocaleDateString();
}

export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
