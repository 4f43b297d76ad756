// Every CLI subcommand, in the order --help lists them. A command's module is loaded only when
// it runs (esbuild turns each import() into a lazily evaluated module of the one bundle), so
// `netdiag dns` does not pay for the certificate or bind-analysis code at start-up.
import type { CliCommand } from './command';

export interface CommandEntry {
  name: string;
  /** One line for the command list in --help. */
  summary: string;
  load: () => Promise<CliCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'diagnose', summary: 'DNS, TCP to every address, TLS and HTTP for a URL, host:port or host', load: async () => (await import('./commands/diagnose.ts')).diagnoseCommand },
  { name: 'bind-scan', summary: 'what the configs in a folder bind and connect to, and bind mistakes', load: async () => (await import('./commands/bindScan.ts')).bindScanCommand },
  { name: 'dns', summary: 'DNS records of any type, +trace from the root, the system resolver explained, resolvers compared', load: async () => (await import('./commands/dns.ts')).dnsCommand },
  { name: 'cert', summary: 'a certificate chain from a file or server, verified and explained; --scan for the TLS setup', load: async () => (await import('./commands/cert.ts')).certCommand },
  { name: 'trace', summary: 'the route to a host (tracepath, traceroute or tracert)', load: async () => (await import('./commands/trace.ts')).traceCommand },
];
