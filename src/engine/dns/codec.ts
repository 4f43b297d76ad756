// DNS messages to and from bytes for `netdiag dns`: queries with EDNS(0) and the header bits a
// user can ask for, and responses decoded into plain records with every section, flag and the
// OPT record. Decoding never throws: network bytes are untrusted (a malformed message is a
// string saying why). dns-packet does the RFC 1035 work; SVCB/HTTPS RDATA is ours (svcb.ts).
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, RecordType as PacketRecordType } from 'dns-packet';
import { errorInfo } from '../abort';
import type { DnsEdns, DnsRecord } from '../model/dns';
import { decodeSvcb, svcbText } from './svcb';

/** RFC 9460 type codes; dns-packet 5 names unknown types UNKNOWN_<n>. */
const TYPE_CODES: Readonly<Record<string, number>> = { SVCB: 64, HTTPS: 65 };

/** The RFC 8020-era default that avoids IP fragmentation (DNS Flag Day 2020). */
export const EDNS_UDP_PAYLOAD = 1232;

export interface QuerySpec {
  id: number;
  /** ASCII, without the root dot. */
  name: string;
  type: string;
  /** Recursion desired: true for a recursive resolver, false for iterative (trace) steps. */
  rd: boolean;
  /** EDNS DNSSEC OK (RFC 3225): ask for signatures; also how DS/DNSKEY presence is asked. */
  dnssecOk?: boolean;
  /** Checking disabled (RFC 4035 §3.2.2). */
  cd?: boolean;
  udpPayloadSize?: number;
}

export interface DecodedMessage {
  id: number;
  response: boolean;
  rcode: string;
  flags: string[];
  question: { name: string; type: string; class: string } | null;
  questionCount: number;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  edns: DnsEdns | null;
  tc: boolean;
  aa: boolean;
}

/** dns-packet's decoder sets `rcode` (header.decode) but its declarations omit it. */
interface RawResponse extends DecodedPacket {
  rcode?: unknown;
}

function packetType(type: string): PacketRecordType {
  const code = TYPE_CODES[type];
  // dns-packet encodes UNKNOWN_<n> as type n (types.toType); its declarations list only names.
  return (code === undefined ? type : `UNKNOWN_${code}`) as PacketRecordType;
}

/** The type's name as users write it: HTTPS, SVCB, or TYPEnnn (RFC 3597 §5) for unknown ones. */
export function typeName(raw: string): string {
  const unknown = /^UNKNOWN_(\d+)$/.exec(raw);
  if (!unknown) return raw;
  const code = Number(unknown[1]);
  const known = Object.entries(TYPE_CODES).find(([, c]) => c === code);
  return known ? known[0] : `TYPE${code}`;
}

export function encodeQuery(q: QuerySpec): Buffer {
  const flags = (q.rd ? dnsPacket.RECURSION_DESIRED : 0) | (q.cd ? dnsPacket.CHECKING_DISABLED : 0);
  const packet: Packet = {
    type: 'query',
    id: q.id,
    flags,
    questions: [{ type: packetType(q.type), name: q.name, class: 'IN' }],
    // EDNS(0) (RFC 6891 §6.1.2): advertise our UDP payload size so large answers need no TCP.
    additionals: [
      { type: 'OPT', name: '.', udpPayloadSize: q.udpPayloadSize ?? EDNS_UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: q.dnssecOk ? dnsPacket.DNSSEC_OK : 0, flag_do: q.dnssecOk === true, options: [] },
    ],
  };
  return dnsPacket.encode(packet);
}

/** Decodes a response, or says why it cannot be used. Never throws. */
export function decodeMessage(buf: Uint8Array): DecodedMessage | string {
  try {
    const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const raw = dnsPacket.decode(bytes) as RawResponse;
    const malformed = malformedRecord(bytes, raw);
    if (malformed !== null) return `malformed (${malformed})`;
    const opt = (raw.additionals ?? []).find((a) => a.type === 'OPT');
    const q = raw.questions?.[0];
    return {
      id: raw.id ?? 0,
      response: raw.flag_qr === true,
      rcode: typeof raw.rcode === 'string' ? raw.rcode : 'UNKNOWN',
      flags: headerFlags(raw),
      question: q === undefined ? null : { name: q.name, type: typeName(q.type), class: q.class ?? 'IN' },
      questionCount: raw.questions?.length ?? 0,
      answers: (raw.answers ?? []).map(toRecord),
      authority: (raw.authorities ?? []).map(toRecord),
      additional: (raw.additionals ?? []).filter((a) => a.type !== 'OPT').map(toRecord),
      edns: opt !== undefined && opt.type === 'OPT' ? { udpPayloadSize: opt.udpPayloadSize ?? 512, do: opt.flag_do === true, version: opt.ednsVersion ?? 0 } : null,
      tc: raw.flag_tc === true,
      aa: raw.flag_aa === true,
    };
  } catch (err) {
    return `undecodable (${errorInfo(err).message})`;
  }
}

/** A dns-packet decoder: it returns the value and leaves the bytes it read in `decode.bytes`. */
type Decoder<T> = ((buf: Buffer, offset: number) => T) & { bytes: number };

/** dns-packet exports its name and record codecs (index.js `exports.name`, `exports.answer`); its declarations omit them. */
const parts = dnsPacket as unknown as { name: { decode: Decoder<string> }; answer: { decode: Decoder<Answer> } };

/** RDATA sizes fixed by the type (RFC 1035 §3.4.1, RFC 3596 §2.2). */
const FIXED_RDLENGTH: Readonly<Record<string, number>> = { A: 4, AAAA: 16 };

/**
 * Why a resource record of `buf` is malformed, or null. dns-packet reads each RDATA by its type
 * and ignores RDLENGTH (RFC 1035 §4.1.3), so an A record of 3 bytes reads a byte of the next
 * record (or past the end, `127.0.1.undefined`): walk the records again and hold each RDATA to
 * its RDLENGTH and the message's end, as kdig does ("malformed reply").
 */
function malformedRecord(buf: Buffer, raw: DecodedPacket): string | null {
  let offset = 12;
  for (let i = 0; i < (raw.questions?.length ?? 0); i++) {
    parts.name.decode(buf, offset);
    offset += parts.name.decode.bytes + 4;
  }
  const sections: [string, number][] = [['answer', raw.answers?.length ?? 0], ['authority', raw.authorities?.length ?? 0], ['additional', raw.additionals?.length ?? 0]];
  for (const [section, count] of sections) {
    for (let i = 0; i < count; i++) {
      const owner = parts.name.decode(buf, offset);
      const fixed = offset + parts.name.decode.bytes;
      if (fixed + 10 > buf.length) return `the ${section} section ends inside a record header`;
      const type = typeName(parts.answer.decode(buf, offset).type);
      const consumed = parts.answer.decode.bytes;
      const rdlength = buf.readUInt16BE(fixed + 8);
      const end = fixed + 10 + rdlength;
      const what = `${type} record of ${owner === '' ? '.' : owner} in the ${section} section`;
      if (end > buf.length) return `the ${what} claims ${rdlength} bytes of data but the message ends ${buf.length - fixed - 10} bytes after its header`;
      const size = FIXED_RDLENGTH[type];
      if (size !== undefined && rdlength !== size) return `the ${what} has ${rdlength} bytes of data instead of ${size}`;
      if (offset + consumed !== end) return `the data of the ${what} does not fill its ${rdlength} bytes`;
      offset = end;
    }
  }
  return null;
}

function headerFlags(p: DecodedPacket): string[] {
  const bits: [boolean | undefined, string][] = [
    [p.flag_aa, 'AA'],
    [p.flag_tc, 'TC'],
    [p.flag_rd, 'RD'],
    [p.flag_ra, 'RA'],
    [p.flag_ad, 'AD'],
    [p.flag_cd, 'CD'],
  ];
  return bits.filter(([set]) => set === true).map(([, name]) => name);
}

function toRecord(a: Answer): DnsRecord {
  const ttl = 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0;
  const type = typeName(a.type);
  if ((type === 'HTTPS' || type === 'SVCB') && 'data' in a && a.data instanceof Uint8Array) {
    const svcb = decodeSvcb(a.data);
    return typeof svcb === 'string'
      ? { name: a.name, type, ttl, data: `\\# ${a.data.length} ${Buffer.from(a.data).toString('hex')} (${svcb})` }
      : { name: a.name, type, ttl, data: svcbText(svcb), svcb };
  }
  return { name: a.name, type, ttl, data: dataText(a) };
}

/** The record's data in presentation-like text; unknown types as RFC 3597 `\# len hex`. */
function dataText(a: Answer): string {
  switch (a.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return a.data;
    case 'TXT':
      return (Array.isArray(a.data) ? a.data : [a.data]).map((s) => JSON.stringify(s.toString())).join(' ');
    case 'MX':
      return `${a.data.preference ?? 0} ${a.data.exchange}`;
    case 'SRV':
      return `${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}`;
    case 'SOA':
      return [a.data.mname, a.data.rname, a.data.serial, a.data.refresh, a.data.retry, a.data.expire, a.data.minimum].join(' ');
    case 'CAA':
      return `${a.data.flags ?? 0} ${a.data.tag} ${JSON.stringify(a.data.value)}`;
    case 'DS':
      return `${a.data.keyTag} ${a.data.algorithm} ${a.data.digestType} ${Buffer.from(a.data.digest).toString('hex').toUpperCase()}`;
    case 'DNSKEY':
      return `${a.data.flags} 3 ${a.data.algorithm} ${Buffer.from(a.data.key).toString('base64')}`;
    default:
      return 'data' in a && a.data instanceof Uint8Array ? `\\# ${a.data.length} ${Buffer.from(a.data).toString('hex')}` : JSON.stringify('data' in a ? a.data : null, bufferAsHex);
  }
}

function bufferAsHex(_key: string, value: unknown): unknown {
  const v = value as { type?: unknown; data?: unknown } | null;
  return v !== null && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data as number[]).toString('hex') : value;
}

/** SOA serial from a record's data text (the third field), or null. */
export function soaSerial(record: DnsRecord): number | null {
  const n = Number(record.data.split(' ')[2]);
  return record.type === 'SOA' && Number.isFinite(n) ? n : null;
}

/** The PTR name of an IP address (RFC 1035 §3.5, RFC 3596 §2.5), or null for a non-IP. */
export function reverseName(ip: string): string | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return `${v4.slice(1).reverse().join('.')}.in-addr.arpa`;
  if (!ip.includes(':')) return null;
  let canonical: string;
  try {
    canonical = new URL(`http://[${ip.split('%')[0]}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [left = '', right] = canonical.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

/** Lower case, no root dot: how names are compared (RFC 4343). */
export function normalName(name: string): string {
  const n = name.replace(/\.$/, '').toLowerCase();
  return n === '' ? '.' : n;
}

/** True when `name` is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
  const n = normalName(name);
  const z = normalName(zone);
  return z === '.' || n === z || n.endsWith(`.${z}`);
}
