// The DNS part of the warm-up (src/engine/warmUp.ts): what a lookup runs the first time, paid in
// memory before a lookup's or a diagnosis' clock starts. `netdiag dns` needs only this part.
import cluster from 'node:cluster';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { deadline } from '../abort';
import { decodeMessage, encodeQuery } from './codec';

/** A name that can never resolve (RFC 6761 §6.4): nothing here looks anything up anyway. */
const NOWHERE = 'warm-up.invalid';

let warm = false;

/** The wire codec both ways, the query ID's random source, a UDP socket and a deadline, once per process. Never throws. */
export function warmUpDns(): void {
  if (warm) return;
  warm = true;
  try {
    warmCodec();
    deadline(new AbortController().signal, 1000, 'warm-up').dispose();
    // Made and closed unbound: no port is taken, nothing is sent.
    dgram.createSocket('udp4').close();
    // A UDP socket's first bind asks whether it runs in a cluster worker, which loads Node's
    // cluster module then (lib/dgram.js, lazyLoadCluster); reading the same answer loads it now.
    void cluster.isWorker;
  } catch {
    // A path that cannot be exercised here stays cold; the lookup itself reports real failures.
  }
}

/** A query encoded, and it and an answer decoded. */
function warmCodec(): void {
  const id = randomInt(0, 0x10000);
  const query = encodeQuery({ name: NOWHERE, type: 'A', rd: true, id });
  const answer = dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name: NOWHERE, class: 'IN' }],
    answers: [{ type: 'A', name: NOWHERE, ttl: 1, data: '192.0.2.1' }],
  });
  decodeMessage(query);
  decodeMessage(answer);
}
