// Set-up before a diagnosis' clock starts (diagnose.ts calls this first): everything CPU-heavy
// the probes would otherwise do inside their timed windows, on the thread whose clock times the
// sockets. The trust stores' index, the TLS context (anchors and client certificate), and the
// first-use cost of the code that runs inside those windows (warmUp.ts). Its duration is the report's `setupMs`: set-up,
// not network. A second run in the same process with the same settings finds all of it done.
import { performance } from 'node:perf_hooks';
import { ms } from './abort';
import type { DiagnoseOptions } from './options';
import { secureContextFor } from './tls/secureContext';
import { storeIndex } from './tls/storeIndex';
import { warmUp } from './warmUp';

/** Prepares a run with these options; returns how long it took (ms). Never throws. */
export async function prepareRun(options: Pick<DiagnoseOptions, 'trust' | 'clientCertificate' | 'now'>): Promise<number> {
  const now = options.now ?? (() => performance.now());
  const start = now();
  storeIndex(options.trust);
  try {
    secureContextFor(options.trust, options.clientCertificate);
  } catch {
    // A client certificate OpenSSL refuses: the handshake builds the context again and reports why.
  }
  await warmUp();
  return ms(now() - start);
}
