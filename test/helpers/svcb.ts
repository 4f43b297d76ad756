// SVCB and HTTPS RDATA (RFC 9460 §2.2) written for test DNS servers and round-trip tests: the
// engine only reads these records (src/engine/dns/svcb.ts decodes them); writing is the peers' job.

export interface SvcbInput {
  priority: number;
  target: string;
  alpn?: string[];
  port?: number;
  ipv4hint?: string[];
  ipv6hint?: string[];
  ech?: Uint8Array;
}

/** Encodes RDATA (keys in ascending order, §2.2). */
export function encodeSvcb(input: SvcbInput): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(input.priority);
  const target = input.target === '.' || input.target === '' ? [] : input.target.replace(/\.$/, '').split('.');
  const name = Buffer.concat([...target.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
  const params: Buffer[] = [];
  const param = (key: number, value: Buffer): void => {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(key, 0);
    h.writeUInt16BE(value.length, 2);
    params.push(h, value);
  };
  if (input.alpn) param(1, Buffer.concat(input.alpn.map((a) => Buffer.concat([Buffer.from([a.length]), Buffer.from(a, 'latin1')]))));
  if (input.port !== undefined) {
    const p = Buffer.alloc(2);
    p.writeUInt16BE(input.port);
    param(3, p);
  }
  if (input.ipv4hint) param(4, Buffer.from(input.ipv4hint.flatMap((a) => a.split('.').map(Number))));
  if (input.ech) param(5, Buffer.from(input.ech));
  if (input.ipv6hint) param(6, Buffer.concat(input.ipv6hint.map(ipv6Bytes)));
  return Buffer.concat([head, name, ...params]);
}

function ipv6Bytes(address: string): Buffer {
  const [left = '', right] = address.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
