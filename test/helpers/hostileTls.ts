// TLS servers that misbehave on purpose, to prove a scan or a hello probe ends with a finding or a
// note and never hangs or crashes. Each reads the ClientHello (scriptedTls.ts) and then:
//
//   silent          says nothing, keeps the connection open          → each probe times out
//   drip            a valid ServerHello, one byte every 100 ms          → each probe times out
//   garbage         an HTTP error page                                  → not TLS
//   endless-record  a record header announcing 65535 bytes, then bytes forever → record overflow
//   huge-message    a handshake message announcing 16 MiB, then records forever → message too large
//   wrong-version   a TLS 1.2 ServerHello whatever version was asked    → only TLS 1.2
//   unoffered-suite a ServerHello with a suite nobody offered (0x1234)  → no suites, a note
//   sticky-suite    always ECDHE-RSA-AES128-GCM-SHA256 at TLS 1.2, offered or not → one suite, a note
//   reset           a TCP reset right after the hello                   → refused
//   half-hello      half a ServerHello, then FIN                        → refused
//   ssl2-lies       an SSL 2.0 SERVER-HELLO whose lengths exceed it      → malformed
//   share-required  TLS 1.3 only, and only with a key share for X25519 or P-256 (no HelloRetryRequest)
//                                                                       → the scan's real-share fallback
import type { LoopbackHost, RawTcpServer } from './servers';
import { alertRecord, SERVER_HELLO_DONE, serverHello, startScriptedTlsServer, tlsRecord, u16 } from './scriptedTls';

export type HostileBehaviour = 'silent' | 'drip' | 'garbage' | 'endless-record' | 'huge-message' | 'wrong-version' | 'unoffered-suite' | 'sticky-suite' | 'reset' | 'half-hello' | 'ssl2-lies' | 'share-required';

const TLS12 = 0x0303;

export function startHostileTlsServer(behaviour: HostileBehaviour, host: LoopbackHost = '127.0.0.1'): Promise<RawTcpServer> {
  return startScriptedTlsServer((hello, socket) => {
    const every = (ms: number, fn: () => void): void => {
      const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : fn()), ms);
      socket.once('close', () => clearInterval(timer));
    };
    const tls12Hello = (cipher: number): Buffer => tlsRecord(22, TLS12, Buffer.concat([serverHello({ version: TLS12, cipher }), SERVER_HELLO_DONE]));
    switch (behaviour) {
      case 'silent':
        return;
      case 'drip': {
        const bytes = tls12Hello(0xc02f);
        let at = 0;
        return every(100, () => at < bytes.length && socket.write(bytes.subarray(at, ++at)));
      }
      case 'garbage':
        return void socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      case 'endless-record':
        socket.write(Buffer.from([22, 3, 3, 0xff, 0xff]));
        return every(20, () => socket.write(Buffer.alloc(1024, 0x41)));
      case 'huge-message':
        socket.write(tlsRecord(22, TLS12, Buffer.concat([Buffer.from([2, 0xff, 0xff, 0xff]), Buffer.alloc(16000)])));
        return every(20, () => socket.write(tlsRecord(22, TLS12, Buffer.alloc(16000))));
      case 'wrong-version':
        if (hello.ssl2) return void socket.destroy();
        return void socket.write(tls12Hello(hello.suites[0] ?? 0xc02f));
      case 'unoffered-suite':
        if (hello.ssl2) return void socket.destroy();
        return void socket.write(tlsRecord(22, TLS12, Buffer.concat([serverHello({ version: Math.min(hello.version, TLS12), cipher: 0x1234, extensions: hello.versions.includes(0x0304) ? [[43, u16(0x0304)]] : [] }), SERVER_HELLO_DONE])));
      case 'sticky-suite':
        if (hello.ssl2 || hello.version !== TLS12 || hello.versions.length > 0) return void socket.destroy();
        return void socket.write(tls12Hello(0xc02f));
      case 'reset':
        return void socket.resetAndDestroy();
      case 'half-hello':
        return void socket.end(tls12Hello(0xc02f).subarray(0, 20));
      case 'share-required': {
        const group = hello.keyShareGroups.find((g) => g === 0x001d || g === 0x0017);
        // missing_extension (109) without a share, handshake_failure (40) without a group it has, protocol_version (70) below TLS 1.3.
        if (hello.ssl2 || !hello.versions.includes(0x0304)) return void socket.end(alertRecord(TLS12, 70));
        if (group === undefined) return void socket.end(alertRecord(TLS12, hello.keyShareGroups.length === 0 ? 109 : 40));
        return void socket.write(tlsRecord(22, TLS12, serverHello({ version: TLS12, cipher: hello.suites[0]!, extensions: [[43, u16(0x0304)], [51, Buffer.concat([u16(group), u16(32), Buffer.alloc(32, 5)])]] })));
      }
      case 'ssl2-lies':
        if (!hello.ssl2) return void socket.destroy();
        return void socket.write(Buffer.from([0x80, 11, 4, 0, 1, 0, 2, 0xff, 0xff, 0, 3, 0, 16]));
    }
  }, host);
}
