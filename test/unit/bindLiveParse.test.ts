// The parsers of the live check: /proc/net tables (both byte orders of the address words as the
// kernel prints them on little-endian machines), ss, lsof and netstat output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLsof, parseNetstat, parseProcNet, parseSs } from '../../src/engine/bind/live';

describe('live listener parsers', () => {
  it('/proc/net/tcp and tcp6: listening sockets only, addresses decoded', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4711 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4712 1 0000000000000000 100 0 0 10 0',
      '   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4713 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseProcNet(tcp, 'tcp', 4).map((r) => [r.l.address, r.l.port, r.inode]), [['127.0.0.1', 8080, '4711'], ['0.0.0.0', 80, '4712']]);
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5002 1 0000000000000000 100 0 0 10 0',
      '   2: 0000000000000000FFFF00000100007F:0035 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5003 1 0000000000000000 100 0 0 10 0',
      '   3: 000080FE00000000FF01000002FFFE00:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5004 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseProcNet(tcp6, 'tcp', 6).map((r) => `${r.l.address} ${r.l.port}`), ['::1 8080', ':: 22', '::ffff:127.0.0.1 53', 'fe80::1ff:fe:ff02 80']);
  });

  it('/proc/net/udp: unconnected sockets', () => {
    const udp = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  100: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 6001 2 0000000000000000 0',
      '  101: 0100007F:D000 0100007F:0035 01 00000000:00000000 00:00000000 00000000   101        0 6002 2 0000000000000000 0',
    ].join('\n');
    assert.deepEqual(parseProcNet(udp, 'udp', 4).map((r) => `${r.l.protocol} ${r.l.address}:${r.l.port}`), ['udp 127.0.0.53:53']);
  });

  it('ss -H -l -n -t -u -p', () => {
    const out = [
      'tcp   LISTEN 0      511          127.0.0.1:8080       0.0.0.0:*    users:(("node",pid=4242,fd=20))',
      'tcp   LISTEN 0      4096              [::]:22            [::]:*',
      'udp   UNCONN 0      0       127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=77,fd=13))',
    ].join('\n');
    assert.deepEqual(parseSs(out), [
      { protocol: 'tcp', address: '127.0.0.1', port: 8080, pid: 4242, process: 'node' },
      { protocol: 'tcp', address: '::', port: 22, pid: null, process: null },
      { protocol: 'udp', address: '127.0.0.53', port: 53, pid: 77, process: 'systemd-resolve' },
    ]);
  });

  it('lsof -F pcnPt', () => {
    const out = ['p501', 'cnode', 'f20', 'PTCP', 'n127.0.0.1:3000', 'f21', 'PTCP', 'n[::1]:3000', 'p77', 'cmDNSResponder', 'PUDP', 'n*:5353', 'PTCP', 'n10.0.0.2:50000->10.0.0.9:443'].join('\n');
    assert.deepEqual(parseLsof(out), [
      { protocol: 'tcp', address: '127.0.0.1', port: 3000, pid: 501, process: 'node' },
      { protocol: 'tcp', address: '::1', port: 3000, pid: 501, process: 'node' },
      { protocol: 'udp', address: '0.0.0.0', port: 5353, pid: 77, process: 'mDNSResponder' },
    ]);
  });

  it('netstat -an: Linux, macOS (dots before the port) and Windows rows', () => {
    const out = [
      'tcp        0      0 127.0.0.1:5432          0.0.0.0:*               LISTEN',
      'tcp6       0      0 :::80                   :::*                    LISTEN',
      'tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN',
      '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING',
      'tcp        0      0 10.0.0.2:50000          10.0.0.9:443            ESTABLISHED',
    ].join('\n');
    assert.deepEqual(parseNetstat(out).map((l) => `${l.address}:${l.port}`), ['127.0.0.1:5432', ':::80', '127.0.0.1:8080', '0.0.0.0:135']);
  });
});
