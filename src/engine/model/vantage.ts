// Where a diagnosis ran: this machine, a network namespace, a container, a Compose service, a
// Kubernetes pod or another host (docs/vantage.md). A Report made at a vantage carries this
// block; a comparison of vantages (comparison.ts) holds one per side. Plain JSON, public
// contract (docs/report.md): fields are added, never renamed. Types only.
import type { HostsEntry } from './dns';

export type VantageKind = 'local' | 'netns' | 'container' | 'compose' | 'pod' | 'ssh';

export interface VantageInterface {
  name: string;
  /** `ADDRESS/PREFIX` of each address, IPv4 first. */
  addresses: string[];
}

export interface VantageInfo {
  kind: VantageKind;
  /** As it is given to `--from`: `local`, `netns:blue`, `compose:web`, `ssh:deploy@db1`… */
  name: string;
  /** In plain words for headers: "this machine", "Compose service web", "host db1"… */
  label: string;
  /** The command that ran the engine there, secrets redacted; null on this machine. */
  how: string | null;
  /** The nameservers of that side's resolv.conf, in order (the resolvers its lookups use). */
  resolvers: string[];
  /** That side's search list. */
  search: string[];
  /** That side's hosts-file lines that name the target host. */
  hosts: HostsEntry[];
  /** That side's interfaces with their addresses (loopback included). */
  interfaces: VantageInterface[];
}
