// The bind analysis' own steps, not part of its output: what one extractor found in one file,
// before services are linked across files, and the local interfaces the rules compare binds with.
import type { BindSite, ClientRef, PublishedPort, Service, SourceRange, VirtualHost } from '../model/bind';

/** What one extractor found in one file, before services are linked across files. */
export interface FileFacts {
  file: string;
  format: string;
  services: Service[];
  binds: BindSite[];
  published: PublishedPort[];
  clients: ClientRef[];
  /** Virtual-host names (nginx `server_name`); absent for formats that have none. */
  vhosts?: VirtualHost[];
  /** Compose `env_file` and build contexts: files (relative paths) whose settings belong to a service. */
  attachments: { service: string; path: string; kind: 'env_file' | 'build' }[];
  /** Problems reading the file, as finding messages with their place. */
  parseErrors: { message: string; range: SourceRange }[];
}

/** An address of this machine's interfaces. */
export interface LocalInterface {
  name: string;
  address: string;
  family: 4 | 6;
}
