// What activate() returns: the extension's API for other extensions and the extension-host tests,
// plain JSON only (a test reads the Certificates view through it instead of a contributed command).
import type { CertCheck } from '../engine/tls/certCheck';

export interface NetdiagApi {
  certificates: {
    /** The checks the Certificates view lists, keyed `endpoint:host:port` or `file:<uri>`. */
    list(): { key: string; check: CertCheck }[];
  };
}
