// The tests' Compose project: `web` and `db` (busybox httpd on 8080) on a user network the test
// creates with a known subnet, started by podman-compose with an explicit --dns (the network's
// own resolver, aardvark-dns), so no container lists the machine's resolver. podman-compose 1.0.3
// ignores `dns:` in the file, hence --podman-run-args.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUSYBOX_IMAGE, compose, podman } from './containers';

export interface ComposeProject {
  /** The project folder (its name is the project name). */
  dir: string;
  network: string;
  gateway: string;
  /** The address of a service's container on the network. */
  address(service: string): string;
  down(): void;
}

const HTTPD = '["httpd", "-f", "-p", "8080", "-h", "/www"]';

/** A project named `name` on network `network` (subnet 10.89.N.0/24), `web`'s env pointing at db. */
export function startComposeProject(name: string, network: string, subnetThird: number, webEnv: Record<string, string>): ComposeProject {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'netdiag-compose-')), name);
  mkdirSync(dir);
  const gateway = `10.89.${subnetThird}.1`;
  podman('network', 'rm', '--force', network);
  podman('network', 'create', '--subnet', `10.89.${subnetThird}.0/24`, network);
  const env = Object.entries(webEnv).map(([k, v]) => `      ${k}: ${v}`).join('\n');
  writeFileSync(
    path.join(dir, 'compose.yaml'),
    `services:
  db:
    image: ${BUSYBOX_IMAGE}
    command: ${HTTPD}
    networks: [${network}]
  web:
    image: ${BUSYBOX_IMAGE}
    command: ${HTTPD}
    networks: [${network}]
    environment:
${env}
networks:
  ${network}:
    external: true
`,
  );
  compose(dir, `--podman-run-args=--dns ${gateway}`, 'up', '-d');
  return {
    dir,
    network,
    gateway,
    address: (service) => podman('inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, `${name}_${service}_1`),
    down() {
      try {
        compose(dir, 'down', '-t', '1');
      } finally {
        podman('network', 'rm', '--force', network);
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    },
  };
}
