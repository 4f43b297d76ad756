// A server that still speaks SSL 2.0 and/or SSL 3.0, for what this machine's OpenSSL cannot serve
// any more: it answers an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO listing the cipher kinds both
// sides have (draft-hickman-netscape-ssl-00 §2.6), and any SSL 3.0-or-newer ClientHello as an SSL
// 3.0-only server does (RFC 6101 §5.6.1.2: it answers with its own, lower version): ServerHello
// 3.0 with its first suite the client offers, its Certificate, ServerHelloDone. It never gets
// further than the hello flight; a real socket peer on loopback for the scan tests and benchmark.
import type { LoopbackHost, RawTcpServer } from './servers';
import { alertRecord, certificateMessage, SERVER_HELLO_DONE, serverHello, startScriptedTlsServer, tlsRecord, u16 } from './scriptedTls';

export interface LegacyPeerOptions {
  /** SSL 2.0 cipher kinds (three bytes each) in the server's order; absent: no SSL 2.0. */
  ssl2?: number[];
  /** SSL 3.0 suites in the server's order; absent: no SSL 3.0. */
  ssl3?: number[];
  /** The server's certificate, DER. */
  certificate: Buffer;
}

export function startLegacyTlsPeer(opts: LegacyPeerOptions, host: LoopbackHost = '127.0.0.1'): Promise<RawTcpServer> {
  return startScriptedTlsServer((hello, socket) => {
    if (hello.ssl2) {
      const kinds = (opts.ssl2 ?? []).filter((k) => hello.suites.includes(k));
      if (!opts.ssl2) return void socket.destroy();
      // NO-CIPHER-ERROR (0x0001) when nothing is shared.
      if (kinds.length === 0) return void socket.end(Buffer.from([0x80, 3, 0, 0, 1]));
      const specs = Buffer.concat(kinds.map((k) => Buffer.from([(k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff])));
      const connectionId = Buffer.alloc(16, 9);
      const body = Buffer.concat([Buffer.from([4, 0, 1]), u16(0x0002), u16(opts.certificate.length), u16(specs.length), u16(connectionId.length), opts.certificate, specs, connectionId]);
      return void socket.write(Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]));
    }
    if (!opts.ssl3 || hello.version < 0x0300) return void socket.end(alertRecord(0x0300, 70));
    const suite = opts.ssl3.find((s) => hello.suites.includes(s));
    if (suite === undefined) return void socket.end(alertRecord(0x0300, 40));
    return void socket.write(tlsRecord(22, 0x0300, Buffer.concat([serverHello({ version: 0x0300, cipher: suite }), certificateMessage([opts.certificate]), SERVER_HELLO_DONE])));
  }, host);
}
