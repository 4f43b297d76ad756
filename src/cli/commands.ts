// Every CLI subcommand, in the order --help lists them. Each command is a bundle of its own
// (dist/cli/<bundle>.js, built from src/cli/commands/<bundle>.ts by esbuild.js), loaded only when
// it runs: `netdiag dns` neither reads nor compiles the certificate, diagnosis or bind-analysis
// code. The type-only imports tie each entry to its module's export without bundling it here.
import type { CliCommand } from './command';
import type * as BindScan from './commands/bindScan';
import type * as Cert from './commands/cert';
import type * as Diagnose from './commands/diagnose';
import type * as Dns from './commands/dns';
import type * as Trace from './commands/trace';

/** Loads a command bundle by its name and gives its exports. */
export type BundleLoader = <T>(bundle: string) => T;

export interface CommandEntry {
  name: string;
  /** One line for the command list in --help. */
  summary: string;
  /** The file name of the command's module and bundle, without extension. */
  bundle: string;
  command: (load: BundleLoader) => CliCommand;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'diagnose', summary: 'DNS, TCP to every address, TLS and HTTP for a URL, host:port or host', bundle: 'diagnose', command: (load) => load<typeof Diagnose>('diagnose').diagnoseCommand },
  { name: 'bind-scan', summary: 'what the configs in a folder bind and connect to, and bind mistakes', bundle: 'bindScan', command: (load) => load<typeof BindScan>('bindScan').bindScanCommand },
  { name: 'dns', summary: 'DNS records of any type, +trace from the root, the system resolver explained, resolvers compared', bundle: 'dns', command: (load) => load<typeof Dns>('dns').dnsCommand },
  { name: 'cert', summary: 'a certificate chain from a file or server, verified and explained; --scan for the TLS setup', bundle: 'cert', command: (load) => load<typeof Cert>('cert').certCommand },
  { name: 'trace', summary: 'the route to a host (tracepath, traceroute or tracert)', bundle: 'trace', command: (load) => load<typeof Trace>('trace').traceCommand },
];
