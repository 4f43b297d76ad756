// Run inside a network namespace (`ip netns exec NS node --import tsx vantagePeer.ts`): the
// namespace's own resolver on 127.0.0.1:53 (it knows `svc.test`), an HTTP server on
// 127.0.0.1:18080 and a silent one on 127.0.0.1:18081. Prints `ready` when all listen; stops
// on SIGTERM.
import { startDnsServer } from './dnsServer';
import { startHttpServer, startSilentServer } from './servers';

async function main(): Promise<void> {
  const dns = await startDnsServer({ host: '127.0.0.1', port: 53, zone: { 'svc.test': [{ type: 'A', data: '127.0.0.1' }] } });
  const web = await startHttpServer('127.0.0.1', 18080);
  const silent = await startSilentServer('127.0.0.1', 18081);
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void Promise.all([dns.close(), web.close(), silent.close()]).then(() => process.exit(0));
  });
}

void main();
