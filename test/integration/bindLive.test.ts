// The live check against real sockets on 127.0.0.1 and ::1: both are found with this process as
// their owner, and a configured bind that differs from what listens becomes BIND_LIVE_MISMATCH.
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BindAnalysis } from '../../src/engine/bind/analyze';
import { listListeners, localInterfaces } from '../../src/engine/bind/live';

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}

describe('live listeners', () => {
  let v4: Server;
  let v6: Server;
  let udp: UdpSocket;
  before(async () => {
    v4 = await listen('127.0.0.1');
    v6 = await listen('::1');
    udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  });
  after(() => {
    v4.close();
    v6.close();
    udp.close();
  });

  it('finds TCP sockets on 127.0.0.1 and ::1 and a UDP socket, owned by this process', async () => {
    const live = await listListeners();
    const p4 = (v4.address() as AddressInfo).port;
    const p6 = (v6.address() as AddressInfo).port;
    const pu = udp.address().port;
    const l4 = live.find((l) => l.protocol === 'tcp' && l.port === p4);
    const l6 = live.find((l) => l.protocol === 'tcp' && l.port === p6);
    const lu = live.find((l) => l.protocol === 'udp' && l.port === pu);
    assert.deepEqual(l4, { protocol: 'tcp', address: '127.0.0.1', port: p4, pid: process.pid, process: l4?.process });
    assert.equal(l6?.address, '::1');
    assert.equal(l6?.pid, process.pid);
    assert.equal(lu?.address, '127.0.0.1');
    assert.ok(l4?.process, 'the process name is read from /proc/<pid>/comm');
  });

  it('falls back to ss when /proc is not there', async () => {
    const live = await listListeners({ procRoot: '/nonexistent' });
    const p6 = (v6.address() as AddressInfo).port;
    assert.ok(live.some((l) => l.port === p6 && l.address === '::1'), 'ss lists the ::1 socket');
  });

  it('reports a port configured on ::1 but taken on 127.0.0.1, with the pid', async () => {
    const p4 = (v4.address() as AddressInfo).port;
    const p6 = (v6.address() as AddressInfo).port;
    const a = new BindAnalysis();
    a.update('svc/.env', `HOST=::1\nPORT=${p4}\n`);
    a.update('right/.env', `HOST=::1\nPORT=${p6}\n`);
    const model = a.model({ interfaces: localInterfaces(), live: await listListeners() });
    assert.deepEqual(model.findings.map((f) => `${f.code} ${f.range.file}`), [`BIND_LIVE_MISMATCH svc/.env`]);
    assert.match(model.findings[0]!.message, new RegExp(`listen on ::1:${p4} \\(HOST\\), but port ${p4} is actually taken on 127\\.0\\.0\\.1:${p4} by pid ${process.pid}`));
  });
});
