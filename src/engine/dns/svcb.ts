// SVCB and HTTPS RDATA (RFC 9460 §2.2): decoded field by field with every length checked, since
// dns-packet 5 does not know these types and the bytes come from the network. Pure.
import type { SvcbData } from './model';

const KEY_NAMES: Record<number, string> = { 0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint' };

/** Decodes RDATA, or returns a string saying what is malformed. Never throws. */
export function decodeSvcb(rdata: Uint8Array): SvcbData | string {
  const buf = Buffer.from(rdata.buffer, rdata.byteOffset, rdata.byteLength);
  if (buf.length < 3) return 'SVCB RDATA shorter than 3 bytes';
  const priority = buf.readUInt16BE(0);
  // §2.2: the TargetName is uncompressed (RFC 3597 §4), so plain labels only.
  const labels: string[] = [];
  let offset = 2;
  for (;;) {
    const len = buf[offset];
    if (len === undefined) return 'SVCB target name runs past the RDATA';
    offset += 1;
    if (len === 0) break;
    if (len > 63) return 'SVCB target name has a compressed or invalid label';
    if (offset + len > buf.length) return 'SVCB target label runs past the RDATA';
    labels.push(buf.toString('latin1', offset, offset + len));
    offset += len;
  }
  const data: SvcbData = { priority, target: labels.length === 0 ? '.' : labels.join('.'), alpn: [], noDefaultAlpn: false, port: null, ipv4hint: [], ipv6hint: [], ech: false, mandatory: [], other: {} };
  while (offset < buf.length) {
    if (offset + 4 > buf.length) return 'SVCB parameter header runs past the RDATA';
    const key = buf.readUInt16BE(offset);
    const len = buf.readUInt16BE(offset + 2);
    offset += 4;
    if (offset + len > buf.length) return `SVCB parameter key${key} runs past the RDATA`;
    const value = buf.subarray(offset, offset + len);
    offset += len;
    const problem = applyParam(data, key, value);
    if (problem !== null) return problem;
  }
  return data;
}

function applyParam(data: SvcbData, key: number, value: Buffer): string | null {
  switch (key) {
    case 0:
      if (value.length % 2 !== 0) return 'SVCB mandatory list has an odd length';
      for (let i = 0; i < value.length; i += 2) data.mandatory.push(keyName(value.readUInt16BE(i)));
      return null;
    case 1: {
      // §7.1.1: a list of length-prefixed ALPN protocol ids.
      for (let i = 0; i < value.length; ) {
        const len = value[i] ?? 0;
        if (len === 0 || i + 1 + len > value.length) return 'SVCB alpn list is malformed';
        data.alpn.push(value.toString('latin1', i + 1, i + 1 + len));
        i += 1 + len;
      }
      return null;
    }
    case 2:
      data.noDefaultAlpn = true;
      return null;
    case 3:
      if (value.length !== 2) return 'SVCB port is not 2 bytes';
      data.port = value.readUInt16BE(0);
      return null;
    case 4:
      if (value.length === 0 || value.length % 4 !== 0) return 'SVCB ipv4hint length is not a multiple of 4';
      for (let i = 0; i < value.length; i += 4) data.ipv4hint.push([...value.subarray(i, i + 4)].join('.'));
      return null;
    case 5:
      data.ech = value.length > 0;
      return null;
    case 6:
      if (value.length === 0 || value.length % 16 !== 0) return 'SVCB ipv6hint length is not a multiple of 16';
      for (let i = 0; i < value.length; i += 16) data.ipv6hint.push(ipv6Text(value.subarray(i, i + 16)));
      return null;
    default:
      data.other[`key${key}`] = value.toString('hex');
      return null;
  }
}

function keyName(key: number): string {
  return KEY_NAMES[key] ?? `key${key}`;
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // The WHATWG URL parser gives the RFC 5952 form (zero runs compressed).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Presentation form (§2.1): `1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1`. */
export function svcbText(d: SvcbData): string {
  const parts = [String(d.priority), d.target === '.' ? '.' : `${d.target}.`];
  if (d.mandatory.length > 0) parts.push(`mandatory=${d.mandatory.join(',')}`);
  if (d.alpn.length > 0) parts.push(`alpn=${d.alpn.join(',')}`);
  if (d.noDefaultAlpn) parts.push('no-default-alpn');
  if (d.port !== null) parts.push(`port=${d.port}`);
  if (d.ipv4hint.length > 0) parts.push(`ipv4hint=${d.ipv4hint.join(',')}`);
  if (d.ech) parts.push('ech');
  if (d.ipv6hint.length > 0) parts.push(`ipv6hint=${d.ipv6hint.join(',')}`);
  for (const [k, v] of Object.entries(d.other)) parts.push(`${k}=${v}`);
  return parts.join(' ');
}
