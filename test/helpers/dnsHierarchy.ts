// A DNS delegation hierarchy on loopback for trace tests and benchmarks: a root server, a TLD
// server and zone servers, each on its own 127.53.0.x address and all on one port (configurable,
// random by default, so it runs unprivileged; glue cannot carry ports, so a trace uses the same
// port for every server, like `dig -p`). Each server answers authoritatively from its zones with
// referrals (NS in authority, glue in additional), NXDOMAIN/NODATA with the SOA, and REFUSED for
// zones it does not serve, never with RA set (none of them recurses, like real authoritative
// servers). Built on startDnsServer, so behaviours and delays still apply.
//
//   const h = await startDnsHierarchy();             // the default hierarchy below
//   traceName('www.example.test', 'A', { roots: h.roots, port: h.port, … });
//   await h.close();
import type { Answer, Question } from 'dns-packet';
import { startDnsServer } from './dnsServer';
import type { Behaviour, Responder, TestDnsServer, ZoneRecord } from './dnsServer';
import { HOSTILE_LABEL } from './hostileText';
import { encodeSvcb } from './svcb';

export interface ZoneData {
  /** The apex (`.` for the root). */
  zone: string;
  /** Owner name → records; delegations are NS records at a name below the apex (plus glue). */
  records: Record<string, ZoneRecord[]>;
  /** Answer every query with a referral to the apex itself, not authoritatively (a delegation loop). */
  referSelf?: boolean;
}

export interface HierarchyServer {
  name: string;
  address: string;
  zones: ZoneData[];
  behaviours?: Record<string, Behaviour>;
  /** Listen on TCP (default true). */
  tcp?: boolean;
}

export interface HierarchyOptions {
  servers?: HierarchyServer[];
  /** 0 or unset: a random free port shared by every server. */
  port?: number;
  /** Added to every answer of every server (benchmarks). */
  delayMs?: number;
}

export interface DnsHierarchy {
  port: number;
  servers: Map<string, TestDnsServer>;
  /** The root server(s) as trace roots. */
  roots: { name: string; address: string; source: 'hints' }[];
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, NXDOMAIN: 3, REFUSED: 5 } as const;
const TTL = 300;

function normal(name: string): string {
  const n = name.replace(/\.$/, '').toLowerCase();
  return n === '' ? '.' : n;
}

function inZone(name: string, zone: string): boolean {
  const n = normal(name);
  const z = normal(zone);
  return z === '.' || n === z || n.endsWith(`.${z}`);
}

function toAnswer(name: string, r: ZoneRecord): Answer {
  if (r.type === 'HTTPS' || r.type === 'SVCB') {
    // dns-packet encodes UNKNOWN_<n> as type n with raw RDATA; its declarations list only names.
    return { type: `UNKNOWN_${r.type === 'HTTPS' ? 65 : 64}`, name, ttl: r.ttl ?? TTL, data: r.data } as unknown as Answer;
  }
  return { ...r, name, ttl: r.ttl ?? TTL } as Answer;
}

/** The authoritative answer of one server for `q`, from the deepest zone it serves that holds the name. */
export function authoritativeAnswer(zones: readonly ZoneData[], asked: Question): Responder {
  // dns-packet names types it does not know UNKNOWN_<n>; the zone tables use HTTPS and SVCB.
  const q = { ...asked, type: asked.type === ('UNKNOWN_65' as string) ? 'HTTPS' : asked.type === ('UNKNOWN_64' as string) ? 'SVCB' : asked.type };
  const zone = [...zones].filter((z) => inZone(q.name, z.zone)).sort((a, b) => normal(b.zone).length - normal(a.zone).length)[0];
  if (zone === undefined) return { rcode: RCODE.REFUSED, answers: [], aa: false };
  const records = (name: string): ZoneRecord[] | undefined => {
    const key = Object.keys(zone.records).find((k) => normal(k) === normal(name));
    return key === undefined ? undefined : zone.records[key];
  };
  const apexNsRecords = (records(zone.zone) ?? []).filter((r) => r.type === 'NS');
  const apexNs = apexNsRecords.map((r) => toAnswer(zone.zone, r));
  const apexSoa = (records(zone.zone) ?? []).filter((r) => r.type === 'SOA').map((r) => toAnswer(zone.zone, r));
  const glueFor = (nsRecords: ZoneRecord[]): Answer[] =>
    nsRecords.flatMap((n) => (records(String(n.data)) ?? []).filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => toAnswer(String(n.data), r)));
  if (zone.referSelf) return { rcode: RCODE.NOERROR, answers: [], authorities: apexNs, additionals: glueFor(apexNsRecords), aa: false };

  // A delegation point between the apex and the name (excluding the apex) makes a referral (RFC 1034 §4.3.2).
  const labels = normal(q.name) === '.' ? [] : normal(q.name).split('.');
  for (let i = labels.length - 1; i >= 0; i--) {
    const cut = labels.slice(i).join('.');
    if (normal(cut) === normal(zone.zone) || !inZone(cut, zone.zone)) continue;
    const ns = (records(cut) ?? []).filter((r) => r.type === 'NS');
    // DS lives at the parent side of the cut (RFC 4035 §2.4): asked for DS at the cut, answer it.
    if (ns.length > 0 && !(q.type === 'DS' && normal(cut) === normal(q.name))) {
      return { rcode: RCODE.NOERROR, answers: [], authorities: ns.map((r) => toAnswer(cut, r)), additionals: glueFor(ns), aa: false };
    }
  }
  const answers: Answer[] = [];
  let current = q.name;
  for (let hops = 0; hops < 8; hops++) {
    const here = records(current);
    if (here === undefined) {
      return answers.length > 0 && !inZone(current, zone.zone)
        ? { rcode: RCODE.NOERROR, answers, aa: true }
        : { rcode: RCODE.NXDOMAIN, answers, authorities: apexSoa, aa: true };
    }
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname !== undefined && q.type !== 'CNAME') {
      answers.push(toAnswer(current, cname));
      current = String(cname.data);
      if (!inZone(current, zone.zone) || answers.some((a) => normal(a.name) === normal(current))) return { rcode: RCODE.NOERROR, answers, aa: true };
      continue;
    }
    const matchingRecords = here.filter((r) => r.type === q.type);
    answers.push(...matchingRecords.map((r) => toAnswer(current, r)));
    const authorities = matchingRecords.length === 0 ? apexSoa : q.type === 'NS' ? [] : apexNs;
    const additionals = q.type === 'NS' ? glueFor(matchingRecords) : [];
    return { rcode: RCODE.NOERROR, answers, authorities, additionals, aa: true };
  }
  return { rcode: RCODE.NOERROR, answers, aa: true };
}

const soa = (mname: string, serial: number): ZoneRecord => ({
  type: 'SOA',
  data: { mname, rname: 'hostmaster.example.test', serial, refresh: 3600, retry: 600, expire: 86400, minimum: 60 },
});
const ns = (name: string): ZoneRecord => ({ type: 'NS', data: name });
const a = (address: string): ZoneRecord => ({ type: 'A', data: address });

/** Server addresses of the default hierarchy. */
export const HIERARCHY = {
  root: '127.53.0.1',
  tld: '127.53.0.2',
  example1: '127.53.0.3',
  example2: '127.53.0.4',
  other: '127.53.0.5',
  lame: '127.53.0.6',
  loop: '127.53.0.7',
} as const;

/**
 * The default hierarchy: `.` → `test` → example.test (two servers, CNAMEs across zones, a
 * dangling CNAME, a CNAME loop, a TXT set too large for UDP, SRV, CAA, MX, HTTPS, DS/DNSKEY),
 * other.test, split.test (two servers that disagree on serial, NS set and address),
 * lame.test (first server refuses), noglue.test (in-zone NS without glue, plus an out-of-zone
 * NS, ns2.other.test, that must be resolved separately), loop.test (refers to itself), and a
 * PTR for 1.2.3.4 in in-addr.arpa on ns1.example.test.
 */
export function defaultHierarchy(): HierarchyServer[] {
  const H = HIERARCHY;
  const bigTxt: ZoneRecord[] = Array.from({ length: 16 }, (_, i) => ({ type: 'TXT', data: `record ${i} ${'x'.repeat(110)}` }));
  const example = (serial: number): ZoneData => ({
    zone: 'example.test',
    records: {
      'example.test': [
        soa('ns1.example.test', serial),
        ns('ns1.example.test'),
        ns('ns2.example.test'),
        { type: 'MX', data: { preference: 10, exchange: 'mail.example.test' } },
        { type: 'TXT', data: 'v=spf1 -all' },
        { type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } },
        { type: 'HTTPS', data: encodeSvcb({ priority: 1, target: '.', alpn: ['h2', 'h3'], port: 8443, ipv4hint: ['192.0.2.1'], ipv6hint: ['2001:db8::1'] }) },
        { type: 'DNSKEY', data: { flags: 257, algorithm: 13, key: Buffer.alloc(64, 7) } },
        a('192.0.2.1'),
      ],
      'ns1.example.test': [a(H.example1)],
      'ns2.example.test': [a(H.example2)],
      'host.example.test': [a('192.0.2.1'), { type: 'AAAA', data: '2001:db8::1' }],
      'www.example.test': [{ type: 'CNAME', data: 'web.other.test' }],
      'alias.example.test': [{ type: 'CNAME', data: 'host.example.test' }],
      'dangling.example.test': [{ type: 'CNAME', data: 'gone.other.test' }],
      'loop1.example.test': [{ type: 'CNAME', data: 'loop2.example.test' }],
      'loop2.example.test': [{ type: 'CNAME', data: 'loop1.example.test' }],
      'big.example.test': bigTxt,
      'mail.example.test': [a('192.0.2.25')],
      '_sip._tcp.example.test': [{ type: 'SRV', data: { priority: 10, weight: 5, port: 5060, target: 'sip.example.test' } }],
    },
  });
  const split = (serial: number, address: string, extraNs: boolean): ZoneData => ({
    zone: 'split.test',
    records: {
      'split.test': [soa('ns1.split.test', serial), ns('ns1.split.test'), ns('ns2.split.test'), ...(extraNs ? [ns('ns3.split.test')] : [])],
      'ns1.split.test': [a(H.example1)],
      'ns2.split.test': [a(H.example2)],
      'www.split.test': [a(address)],
    },
  });
  return [
    {
      name: 'a.root-servers.test',
      address: H.root,
      zones: [
        {
          zone: '.',
          records: {
            '.': [soa('a.root-servers.test', 2026112100), ns('a.root-servers.test')],
            'a.root-servers.test': [a(H.root)],
            test: [ns('ns1.nic.test')],
            'ns1.nic.test': [a(H.tld)],
          },
        },
      ],
    },
    {
      name: 'ns1.nic.test',
      address: H.tld,
      zones: [
        {
          zone: 'test',
          records: {
            test: [soa('ns1.nic.test', 2026112100), ns('ns1.nic.test')],
            'ns1.nic.test': [a(H.tld)],
            'example.test': [ns('ns1.example.test'), ns('ns2.example.test'), { type: 'DS', data: { keyTag: 12345, algorithm: 13, digestType: 2, digest: Buffer.alloc(32, 1) } }],
            'ns1.example.test': [a(H.example1)],
            'ns2.example.test': [a(H.example2)],
            'other.test': [ns('ns.other.test')],
            'ns.other.test': [a(H.other)],
            'split.test': [ns('ns1.split.test'), ns('ns2.split.test')],
            'ns1.split.test': [a(H.example1)],
            'ns2.split.test': [a(H.example2)],
            'lame.test': [ns('ns1.lame.test'), ns('ns2.lame.test')],
            'ns1.lame.test': [a(H.lame)],
            'ns2.lame.test': [a(H.other)],
            'noglue.test': [ns('ns.noglue.test'), ns('ns2.other.test')],
            'loop.test': [ns('ns.loop.test')],
            'ns.loop.test': [a(H.loop)],
          },
        },
      ],
    },
    {
      name: 'ns1.example.test',
      address: H.example1,
      zones: [example(2026112101), split(1, '192.0.2.50', false), { zone: 'in-addr.arpa', records: { 'in-addr.arpa': [soa('ns1.example.test', 1), ns('ns1.example.test')], '4.3.2.1.in-addr.arpa': [{ type: 'PTR', data: 'host.example.test' }] } }],
    },
    { name: 'ns2.example.test', address: H.example2, zones: [example(2026112101), split(2, '192.0.2.51', true)] },
    {
      name: 'ns.other.test',
      address: H.other,
      zones: [
        { zone: 'other.test', records: { 'other.test': [soa('ns.other.test', 7), ns('ns.other.test')], 'ns.other.test': [a(H.other)], 'ns2.other.test': [a(H.other)], 'web.other.test': [a('192.0.2.10')] } },
        { zone: 'lame.test', records: { 'lame.test': [soa('ns2.lame.test', 1), ns('ns1.lame.test'), ns('ns2.lame.test')], 'ns1.lame.test': [a(H.lame)], 'ns2.lame.test': [a(H.other)], 'www.lame.test': [a('192.0.2.60')] } },
        { zone: 'noglue.test', records: { 'noglue.test': [soa('ns.other.test', 1), ns('ns.noglue.test'), ns('ns2.other.test')], 'www.noglue.test': [a('192.0.2.70')] } },
      ],
    },
    // Named in lame.test's delegation but serves nothing: it refuses (a lame server).
    { name: 'ns1.lame.test', address: H.lame, zones: [] },
    { name: 'ns.loop.test', address: H.loop, zones: [{ zone: 'loop.test', referSelf: true, records: { 'loop.test': [ns('ns.loop.test')], 'ns.loop.test': [a(H.loop)] } }] },
  ];
}

/**
 * The default hierarchy with a hostile delegation: the TLD names the server of other.test
 * `<nsLabel>.other.test` (with glue, so the trace follows it), a name carrying terminal controls
 * and bidi overrides (HOSTILE_LABEL) that the trace's referral line and hop column print.
 */
export function hostileReferralHierarchy(nsLabel: string = HOSTILE_LABEL): HierarchyServer[] {
  const servers = defaultHierarchy();
  const tld = servers.find((s) => s.address === HIERARCHY.tld)?.zones[0];
  if (!tld) throw new Error('the default hierarchy has no TLD server');
  const name = `${nsLabel}.other.test`;
  tld.records['other.test'] = [ns(name)];
  tld.records[name] = [a(HIERARCHY.other)];
  return servers;
}

export async function startDnsHierarchy(options: HierarchyOptions = {}): Promise<DnsHierarchy> {
  const specs = options.servers ?? defaultHierarchy();
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = options.port && options.port > 0 ? options.port : 20000 + Math.floor(Math.random() * 40000);
    const started = new Map<string, TestDnsServer>();
    try {
      for (const spec of specs) {
        const server = await startDnsServer({
          host: spec.address,
          port,
          respond: (q) => authoritativeAnswer(spec.zones, q),
          // Authoritative servers do not recurse: RA is unset on every answer, as on real ones.
          recursionAvailable: false,
          truncateBySize: true,
          tcp: spec.tcp ?? true,
          ...(spec.behaviours ? { behaviours: spec.behaviours } : {}),
          ...(options.delayMs ? { delayAllMs: options.delayMs } : {}),
        });
        started.set(spec.address, server);
      }
      const rootSpec = specs[0];
      return {
        port,
        servers: started,
        roots: rootSpec ? [{ name: rootSpec.name, address: rootSpec.address, source: 'hints' }] : [],
        async close() {
          await Promise.all([...started.values()].map((s) => s.close()));
        },
      };
    } catch (err) {
      await Promise.all([...started.values()].map((s) => s.close()));
      if ((options.port && options.port > 0) || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error('No port was free on every hierarchy address after 20 attempts.');
}
