// IANA's root hints (https://www.internic.net/domain/named.root, IPv4 addresses; b.root moved to
// 170.247.170.2 in November 2023). The trace starts here unless the caller gives its own roots.
import type { TraceServer } from '../model/dns';

export const IANA_ROOT_HINTS: readonly TraceServer[] = [
  ['a', '198.41.0.4'],
  ['b', '170.247.170.2'],
  ['c', '192.33.4.12'],
  ['d', '199.7.91.13'],
  ['e', '192.203.230.10'],
  ['f', '192.5.5.241'],
  ['g', '192.112.36.4'],
  ['h', '198.97.190.53'],
  ['i', '192.36.148.17'],
  ['j', '192.58.128.30'],
  ['k', '193.0.14.129'],
  ['l', '199.7.83.42'],
  ['m', '202.12.27.33'],
].map(([letter, address]) => ({ name: `${letter}.root-servers.net`, address: address ?? null, source: 'hints' as const }));
