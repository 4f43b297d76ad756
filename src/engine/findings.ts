// The catalogue of finding codes. A code is stable public API (docs/findings.md documents each);
// the message is written where the finding is made, with the facts of that run.
import type { Finding, FindingLayer, Severity } from './model/common';

interface FindingSpec {
  severity: Severity;
  layer: FindingLayer;
  /** A short title, used in docs and as the default message. */
  title: string;
  /** What to do about it, in plain words. */
  hint: string;
}

export const FINDINGS = {
  DNS_NXDOMAIN: {
    severity: 'error',
    layer: 'dns',
    title: 'The name does not exist',
    hint: 'Check the spelling and the domain; if the name is new, the zone may not be published yet or a resolver may cache the negative answer (up to the SOA minimum TTL).',
  },
  DNS_NODATA: {
    severity: 'error',
    layer: 'dns',
    title: 'The name exists but has no address',
    hint: 'Add an A and/or AAAA record (or a CNAME to a name that has them). A name with only MX or TXT records cannot be connected to.',
  },
  DNS_SERVFAIL: {
    severity: 'error',
    layer: 'dns',
    title: 'The resolver failed to answer (SERVFAIL)',
    hint: 'The recursive resolver could not get an answer from the authoritative servers: a broken delegation, DNSSEC validation failure, or unreachable name servers. Try another resolver to compare.',
  },
  DNS_REFUSED: {
    severity: 'warning',
    layer: 'dns',
    title: 'The DNS server refused the query',
    hint: 'The server does not resolve for this client (not a recursive resolver for you, or an ACL). Use the resolver your system uses, or one that allows you.',
  },
  DNS_TIMEOUT: {
    severity: 'error',
    layer: 'dns',
    title: 'No DNS answer in time',
    hint: 'The resolver did not answer: it is down, unreachable (firewall, VPN), or the query was lost. Check the nameservers in /etc/resolv.conf or the netdiag.dns.servers setting.',
  },
  DNS_BAD_RESPONSE: {
    severity: 'error',
    layer: 'dns',
    title: 'The DNS server sent no usable answer',
    hint: 'Every reply was malformed (undecodable, a record whose data does not fit its type) or mismatched (another ID or question, not a response), or the server answered an rcode that is no answer (FORMERR, NOTIMP). Something between you and the server, or the server itself, is broken: compare with another resolver.',
  },
  DNS_NO_RECURSION: {
    severity: 'warning',
    layer: 'dns',
    title: 'The DNS server does not recurse: its referral is not an answer',
    hint: 'The server answered without RA (recursion available) and referred the question to another zone\'s servers: it is an authoritative or root server, not a recursive resolver. Ask a recursive resolver (the one in /etc/resolv.conf, or --server), or follow the referrals with --trace.',
  },
  DNS_TRUNCATED: {
    severity: 'warning',
    layer: 'dns',
    title: 'The answer was still truncated',
    hint: 'The server set TC (truncated) on the answer that was used: over TCP this means it dropped records (RFC 7766 §8 allows 64 KiB). The records shown are only part of the answer; shrink the RRset or fix the server.',
  },
  DNS_TRACE_LIMIT: {
    severity: 'warning',
    layer: 'dns',
    title: 'The trace hit a safety limit',
    hint: 'A referral named more name servers without glue than a resolver looks up, or the trace needed more queries than allowed: resolvers bound both (against NXNSAttack-style amplification) and may fail the same way. Give the zone\'s name servers glue, or fewer of them.',
  },
  DNS_SYSTEM_WIRE_MISMATCH: {
    severity: 'warning',
    layer: 'dns',
    title: 'The system resolver and DNS disagree',
    hint: 'The operating system answers differently from the DNS servers: a hosts-file entry, a split-horizon or VPN resolver, a search domain, or a stale cache. Applications use the system answer.',
  },
  DNS_LOOKUP_FAILED: {
    severity: 'error',
    layer: 'dns',
    title: 'The system resolver could not resolve the name',
    hint: 'getaddrinfo failed. Check /etc/resolv.conf, /etc/hosts and /etc/nsswitch.conf (or the OS network settings), and whether the name exists.',
  },
  DNS_LAME_DELEGATION: {
    severity: 'warning',
    layer: 'dns',
    title: 'A delegated name server does not serve the zone',
    hint: 'The parent zone lists a server that does not answer authoritatively for the zone (it refuses, fails, times out or is not authoritative). Fix the server or remove it from the NS set at the parent and in the zone.',
  },
  DNS_INCONSISTENT_NS: {
    severity: 'warning',
    layer: 'dns',
    title: 'The NS sets at the parent and in the zone differ',
    hint: 'The delegation in the parent zone and the NS records the zone itself publishes should list the same servers (RFC 1034 §4.2.2). Update the registrar/parent delegation or the zone.',
  },
  DNS_SOA_SERIAL_MISMATCH: {
    severity: 'warning',
    layer: 'dns',
    title: 'The authoritative servers serve different versions of the zone',
    hint: 'Their SOA serials differ: zone transfers to a secondary fail or lag (check NOTIFY/AXFR/IXFR and the primary\'s logs). Clients get different answers depending on the server they ask.',
  },
  DNS_CNAME_LOOP: {
    severity: 'error',
    layer: 'dns',
    title: 'The CNAME chain loops',
    hint: 'An alias points (through other aliases) back to itself, so the name never resolves. Point one of the CNAMEs at a name with records.',
  },
  DNS_DANGLING_CNAME: {
    severity: 'error',
    layer: 'dns',
    title: 'A CNAME points to a name that does not exist',
    hint: 'The alias target is gone (a deleted cloud resource, a typo). Remove the CNAME or fix its target; a dangling CNAME to a third-party service can also be taken over by someone else.',
  },
  DNS_TRUNCATED_NO_TCP: {
    severity: 'error',
    layer: 'dns',
    title: 'The answer is too large for UDP and TCP fails',
    hint: 'The server set TC (truncated) but DNS over TCP on port 53 is blocked or not served. RFC 7766 requires TCP: open TCP/53 in firewalls and enable it on the server, or shrink the answer.',
  },
  DNS_HOSTS_OVERRIDE: {
    severity: 'info',
    layer: 'dns',
    title: 'A hosts-file line answers this name',
    hint: 'The system resolver answers from the hosts file before asking DNS (nsswitch order), so this machine may see another address than everyone else. Remove the line when it is no longer wanted.',
  },
  DNS_SEARCH_EXPANSION: {
    severity: 'info',
    layer: 'dns',
    title: 'The system resolver appended a search domain',
    hint: 'The name as typed has fewer dots than ndots, so a search-list domain was tried (and answered) first. Use the fully qualified name with a trailing dot to avoid surprises.',
  },
  DNS_SPLIT_HORIZON: {
    severity: 'warning',
    layer: 'dns',
    title: 'Resolvers give different answers for the same name',
    hint: 'Different resolvers (or the authoritative servers and a resolver) disagree: a split-horizon or VPN view, a stale cache (wait for the TTL or flush it), or a recent change still propagating.',
  },
  DNS_MISSING_GLUE: {
    severity: 'warning',
    layer: 'dns',
    title: 'A referral lacks glue for an in-zone name server',
    hint: 'The name server\'s name is inside the zone it serves, so resolvers need its address (glue) in the parent\'s referral (RFC 9471). Add glue records at the registrar/parent.',
  },
  DNS_DELEGATION_LOOP: {
    severity: 'error',
    layer: 'dns',
    title: 'The delegation loops',
    hint: 'A server referred back to a zone already visited (or upwards), so iterative resolution cannot finish. Fix the NS records of the zones involved.',
  },
  ADDRESS_PRIVATE_FOR_PUBLIC_NAME: {
    severity: 'info',
    layer: 'internet',
    title: 'A public-looking name resolves to a non-public address',
    hint: 'Only clients inside the same network (or VPN) can reach this address. If others must reach it, publish a public address or use split-horizon DNS deliberately.',
  },
  ADDRESS_NOT_ROUTABLE: {
    severity: 'error',
    layer: 'internet',
    title: 'The address cannot be connected to',
    hint: 'Unspecified (0.0.0.0, ::), multicast and broadcast addresses are bind or group addresses, not destinations. Use the address of a real host.',
  },
  TCP_RETRANSMISSIONS: {
    severity: 'warning',
    layer: 'transport',
    title: 'TCP resent data during the exchange',
    hint: 'Packets were lost on the path (or reordered): a congested or faulty link, Wi-Fi interference, a dropping firewall or a policer. Compare with another network, watch `ss -ti` for retrans, and trace the route to find the lossy hop.',
  },
  PATH_MTU_REDUCED: {
    severity: 'info',
    layer: 'transport',
    title: 'The path carries smaller packets than the interface',
    hint: 'Something on the way has a smaller MTU than this interface: a VPN or tunnel, PPPoE, the server\'s own link, or MSS clamping. Harmless while ICMP "packet too big" gets through; when it is filtered, large responses stall (an MTU black hole): allow ICMP type 3 code 4 (ICMPv6 type 2), or clamp the MSS on the tunnel.',
  },
  ROUTE_UNEXPECTED_INTERFACE: {
    severity: 'info',
    layer: 'internet',
    title: 'The route leaves through another interface than the default route',
    hint: 'A more specific route, a VPN or a policy rule sends this destination elsewhere than the default route. That is often wanted (a VPN, an operations network); when it is not, check `ip route get ADDRESS`, `ip rule` and the VPN\'s routes.',
  },
  LINK_NEIGHBOUR_UNRESOLVED: {
    severity: 'error',
    layer: 'link',
    title: 'The next hop did not answer ARP or neighbour discovery',
    hint: 'The gateway (or the destination on the same link) did not answer for its MAC address: it is down, on another VLAN or subnet, or the cable, Wi-Fi or bridge between you is broken. Check the gateway\'s address and `ip neigh`.',
  },
  TCP_REFUSED: {
    severity: 'error',
    layer: 'transport',
    title: 'Connection refused',
    hint: 'The host answered but nothing listens on that port (or a firewall rejects). Check that the server runs, which port it listens on, and which address it binds (127.0.0.1 is not reachable from elsewhere).',
  },
  TCP_TIMEOUT: {
    severity: 'error',
    layer: 'transport',
    title: 'Connection timed out',
    hint: 'No answer at all: a firewall drops the packets, the route is wrong, or the host is down. Check security groups and firewalls, and that the address is the right one.',
  },
  TCP_UNREACHABLE: {
    severity: 'error',
    layer: 'transport',
    title: 'Network or host unreachable',
    hint: 'This machine has no route to the address (for IPv6: often no IPv6 connectivity at all). Check the default route, VPN, and whether this address family works here.',
  },
  TCP_RESET: {
    severity: 'error',
    layer: 'transport',
    title: 'Connection reset',
    hint: 'The peer or a middlebox closed the connection abruptly: a proxy, a load balancer without a healthy backend, or a server that crashed or rejects this client.',
  },
  TCP_SOME_ADDRESSES_FAILED: {
    severity: 'warning',
    layer: 'transport',
    title: 'Some addresses of the name do not accept connections',
    hint: 'Clients that try a failing address first wait or fail before falling back. Remove the dead address from DNS or make the server listen on it.',
  },
  TCP_ADDRESSES_NOT_PROBED: {
    severity: 'info',
    layer: 'transport',
    title: 'Some addresses of the name were not probed',
    hint: 'The name has more addresses than Netdiag connects to (the first 16, in the resolver\'s order). Clients try them in that order too and rarely get far down such a list; diagnose a left-out address by itself (as an IP, or with --resolve) to check it.',
  },
  TCP_LOCALHOST_FAMILY_MISMATCH: {
    severity: 'warning',
    layer: 'transport',
    title: 'localhost works on one address family only',
    hint: 'localhost resolves to both ::1 and 127.0.0.1, but the server listens on only one. Bind the server to both (e.g. "::" with dual-stack, or both loopbacks), or have clients use the literal address.',
  },
  TLS_HANDSHAKE_FAILED: {
    severity: 'error',
    layer: 'tls',
    title: 'TLS handshake failed',
    hint: 'The server does not speak TLS on this port, or no protocol version or cipher is shared. Check the port (plain HTTP on a TLS port is common) and the server TLS configuration.',
  },
  TLS_HANDSHAKE_TIMEOUT: {
    severity: 'error',
    layer: 'tls',
    title: 'TLS handshake timed out',
    hint: 'The connection was accepted but the server never completed the handshake: a service that is not TLS, a stuck server, or a proxy waiting for something else.',
  },
  TLS_PROTOCOL_DEPRECATED: {
    severity: 'warning',
    layer: 'tls',
    title: 'Deprecated TLS version negotiated',
    hint: 'TLS 1.0 and 1.1 are deprecated (RFC 8996) and refused by current clients. Enable TLS 1.2 and 1.3 on the server.',
  },
  CERT_EXPIRED: {
    severity: 'error',
    layer: 'tls',
    title: 'Certificate expired',
    hint: 'Renew the certificate and reload the server (check that automatic renewal, e.g. certbot or cert-manager, runs and that the server picks up the new file).',
  },
  CERT_NOT_YET_VALID: {
    severity: 'error',
    layer: 'tls',
    title: 'Certificate not yet valid',
    hint: 'The certificate starts in the future: check the clock of this machine and of the machine that issued it.',
  },
  CERT_EXPIRES_SOON: {
    severity: 'warning',
    layer: 'tls',
    title: 'Certificate expires soon',
    hint: 'Renew it before it expires; check that automatic renewal works.',
  },
  CERT_HOSTNAME_MISMATCH: {
    severity: 'error',
    layer: 'tls',
    title: 'Certificate does not match the host name',
    hint: 'The certificate names (SANs) do not include the name you connect to. Use a name the certificate covers, or issue a certificate that includes this name (the CN is ignored by clients when SANs exist).',
  },
  CERT_SELF_SIGNED: {
    severity: 'error',
    layer: 'tls',
    title: 'Self-signed certificate',
    hint: 'No client trusts it by default. Use a certificate from a trusted CA, or add this certificate to the clients trust (netdiag.tls.extraCaFiles, NODE_EXTRA_CA_CERTS, the OS store).',
  },
  CERT_UNTRUSTED_ROOT: {
    severity: 'error',
    layer: 'tls',
    title: 'Chain ends at an untrusted root',
    hint: 'The chain is complete but its root is in none of the trust stores: a private or corporate CA. Add the root to the clients trust (netdiag.tls.extraCaFiles, NODE_EXTRA_CA_CERTS, the OS store).',
  },
  CERT_INCOMPLETE_CHAIN: {
    severity: 'error',
    layer: 'tls',
    title: 'Incomplete chain: an intermediate certificate is missing',
    hint: 'The server sends its certificate without the issuer that signed it, and no trust store holds it. When that issuer is an intermediate (browsers may hide this by fetching it; other clients fail), configure the server with the full chain (leaf then intermediates, e.g. fullchain.pem). When it is a private root, no chain helps: clients must trust that root (netdiag.tls.extraCaFiles, NODE_EXTRA_CA_CERTS, the OS store).',
  },
  CERT_CHAIN_LOOP: {
    severity: 'error',
    layer: 'tls',
    title: 'The chain goes round in a circle',
    hint: 'The server sends CA certificates that issued each other (cross-signed), so following issuers never reaches a root or a certificate a trust store holds. Send the chain that ends at a root your clients trust (leaf, then its intermediates), or have clients trust one of these CAs.',
  },
  CERT_WEAK_KEY: {
    severity: 'warning',
    layer: 'tls',
    title: 'Weak key',
    hint: 'RSA keys below 2048 bits are refused by current clients. Issue a new certificate with RSA 2048+ or an EC P-256 key.',
  },
  CERT_WEAK_SIGNATURE: {
    severity: 'warning',
    layer: 'tls',
    title: 'Weak signature algorithm',
    hint: 'SHA-1 and MD5 signatures are broken and refused by current clients. Reissue the certificate signed with SHA-256 or better.',
  },
  CERT_NO_SUBJECT: {
    severity: 'warning',
    layer: 'tls',
    title: 'Certificate has an empty subject',
    hint: 'Allowed when the names are in subjectAltName (RFC 5280 §4.1.2.6), but some older clients and tools show or match nothing. Reissue with a subject that has a CN.',
  },
  CERT_NO_COMMON_NAME: {
    severity: 'info',
    layer: 'tls',
    title: 'Certificate has no common name',
    hint: 'Current clients match only the subjectAltName, so this works; some old clients and dashboards show no name. Nothing to fix unless such a client must connect.',
  },
  CERT_NO_SAN: {
    severity: 'warning',
    layer: 'tls',
    title: 'Certificate has no subjectAltName',
    hint: 'Browsers, Go, Python and current Java ignore the CN and refuse a certificate without subjectAltName (RFC 6125); Node and curl still fall back to the CN. Reissue with the names in subjectAltName.',
  },
  CERT_MANY_NAMES: {
    severity: 'info',
    layer: 'tls',
    title: 'Certificate names very many hosts',
    hint: 'Hundreds of subjectAltNames make every handshake larger and slower, and some clients refuse very large certificates. Split it into certificates per service.',
  },
  CERT_TOO_LARGE: {
    severity: 'error',
    layer: 'tls',
    title: 'The certificate chain is too large for common clients',
    hint: 'OpenSSL (Node, curl, Python) refuses a Certificate message above 100 KiB by default. Reduce the number of subjectAltNames or split the certificate.',
  },
  CERT_KEY_LARGE: {
    severity: 'info',
    layer: 'tls',
    title: 'Very large RSA key',
    hint: 'RSA keys above 4096 bits make every handshake much slower for the server and add nothing practical over 3072 bits. Prefer EC P-256 or RSA 2048/3072.',
  },
  CERT_VALIDITY_TOO_LONG: {
    severity: 'warning',
    layer: 'tls',
    title: 'Certificate validity longer than 398 days',
    hint: 'Browsers refuse publicly trusted server certificates issued since 2020-09-01 with more than 398 days of validity (CA/Browser Forum BR §6.3.2). Reissue with a shorter lifetime, and automate renewal.',
  },
  CERT_NO_SERVER_AUTH: {
    severity: 'error',
    layer: 'tls',
    title: 'Certificate is not for TLS servers',
    hint: 'Its extended key usage lacks serverAuth (1.3.6.1.5.5.7.3.1), so clients refuse it for a server. Reissue it with extendedKeyUsage = serverAuth.',
  },
  CERT_LEAF_IS_CA: {
    severity: 'warning',
    layer: 'tls',
    title: 'The server certificate is a CA certificate',
    hint: 'The leaf has basicConstraints CA:TRUE: it could issue certificates for any name. Browsers refuse it as a server certificate. Reissue it with CA:FALSE.',
  },
  CERT_CHAIN_HAS_ROOT: {
    severity: 'info',
    layer: 'tls',
    title: 'The server sends its root certificate',
    hint: 'Clients use the root from their own trust store, so sending it only makes each handshake larger. Configure the chain as leaf plus intermediates.',
  },
  CERT_CHAIN_MISORDERED: {
    severity: 'warning',
    layer: 'tls',
    title: 'The chain is out of order or holds unrelated certificates',
    hint: 'TLS 1.2 requires leaf first, then each issuer in turn (RFC 5246 §7.4.2); strict clients (older Java, embedded stacks) fail otherwise. Order the file as leaf, intermediate(s), and drop certificates that do not belong.',
  },
  CERT_NOT_IN_NODE_ROOTS: {
    severity: 'warning',
    layer: 'tls',
    title: 'Trusted by this machine, but not by Node.js by default',
    hint: 'The chain ends at a CA only the OS store or an extra CA file holds (a corporate or private CA). Node programs and VS Code extensions use Node\'s bundled roots: set NODE_EXTRA_CA_CERTS=/path/ca.pem (or node --use-openssl-ca / --use-system-ca); VS Code itself reads the OS store.',
  },
  CERT_REVOKED: {
    severity: 'error',
    layer: 'tls',
    title: 'Certificate revoked',
    hint: 'The CA\'s OCSP responder says this certificate is revoked. Replace it with a newly issued one at once.',
  },
  CERT_OCSP_FAILED: {
    severity: 'warning',
    layer: 'tls',
    title: 'The revocation status could not be checked',
    hint: 'The OCSP responder named in the certificate did not give a usable answer (unreachable, error status, unknown certificate or bad signature). Retry later; clients that hard-fail on revocation will refuse the certificate.',
  },
  CERT_MUST_STAPLE_MISSING: {
    severity: 'error',
    layer: 'tls',
    title: 'Must-staple certificate without a stapled OCSP response',
    hint: 'The certificate demands OCSP stapling (RFC 7633) but the server sent no OCSP response, so Firefox refuses it. Enable stapling on the server (nginx ssl_stapling on; Apache SSLUseStapling on).',
  },
  TLS_CLIENT_CERT_REQUIRED: {
    severity: 'error',
    layer: 'tls',
    title: 'The server requires a client certificate',
    hint: 'The server asks for a certificate (mutual TLS) and refused the connection without one. Configure a client certificate: netdiag.tls.clientCertificate (PEM pair or PKCS#12) or --cert/--key/--pfx.',
  },
  TLS_CLIENT_CERT_REQUESTED: {
    severity: 'info',
    layer: 'tls',
    title: 'The server asks for an optional client certificate',
    hint: 'The server requests a client certificate but continues without one; some endpoints then behave differently (403, other content). Configure one if this endpoint needs it.',
  },
  TLS_SNI_DIFFERENT_CERT: {
    severity: 'warning',
    layer: 'tls',
    title: 'Without SNI the server sends another certificate',
    hint: 'Clients that send no server name (old clients, connections by IP, some health checks and proxies) get a certificate that does not match. Make the right certificate the default, or make sure every client sends SNI.',
  },
  TLS_SNI_REQUIRED: {
    severity: 'info',
    layer: 'tls',
    title: 'The server refuses clients that send no server name',
    hint: 'Handshakes without SNI fail. Current clients always send it; connections by IP address and some old clients cannot.',
  },
  TLS_SSL2_ENABLED: {
    severity: 'error',
    layer: 'tls',
    title: 'The server accepts SSL 2.0',
    hint: 'SSL 2.0 is broken beyond repair (RFC 6176 prohibits it) and lets attackers decrypt even TLS connections to servers sharing the key (DROWN, CVE-2016-0800). Disable it everywhere the certificate\'s key is used (OpenSSL: no SSLv2; nginx/Apache: remove SSLv2 from the protocol list).',
  },
  TLS_SSL3_ENABLED: {
    severity: 'error',
    layer: 'tls',
    title: 'The server accepts SSL 3.0',
    hint: 'SSL 3.0 is broken (POODLE, CVE-2014-3566; RFC 7568 prohibits it). Disable it (nginx ssl_protocols TLSv1.2 TLSv1.3; Apache SSLProtocol -all +TLSv1.2 +TLSv1.3).',
  },
  TLS_DEPRECATED_PROTOCOL_OFFERED: {
    severity: 'warning',
    layer: 'tls',
    title: 'The server still accepts TLS 1.0 or 1.1',
    hint: 'TLS 1.0 and 1.1 are deprecated (RFC 8996). Disable them (nginx ssl_protocols TLSv1.2 TLSv1.3;).',
  },
  TLS_NO_TLS13: {
    severity: 'info',
    layer: 'tls',
    title: 'The server does not offer TLS 1.3',
    hint: 'TLS 1.3 saves a round trip per connection and drops legacy ciphers. Enable it (OpenSSL 1.1.1+; nginx ssl_protocols TLSv1.2 TLSv1.3;).',
  },
  TLS_WEAK_CIPHERS: {
    severity: 'warning',
    layer: 'tls',
    title: 'Weak cipher suites are offered',
    hint: 'Suites without forward secrecy (static RSA key exchange), CBC suites, or below 128 bits are offered. Offer only ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2 (Mozilla "intermediate" configuration).',
  },
  TLS_NO_SERVER_CIPHER_ORDER: {
    severity: 'info',
    layer: 'tls',
    title: 'The server follows the client\'s cipher order',
    hint: 'With TLS 1.2 suites of mixed strength, let the server choose (nginx ssl_prefer_server_ciphers on). With only strong suites this is fine (Mozilla recommends it off for "intermediate").',
  },
  HTTP_REDIRECT_LOOP: {
    severity: 'error',
    layer: 'application',
    title: 'Redirect loop',
    hint: 'The redirects lead back to a URL already visited. Common causes: a proxy that terminates TLS and a backend that redirects to https because it sees http (set X-Forwarded-Proto and trust it), or two rules that undo each other.',
  },
  HTTP_TOO_MANY_REDIRECTS: {
    severity: 'error',
    layer: 'application',
    title: 'Too many redirects',
    hint: 'The redirect chain is longer than the limit. Shorten it (each hop costs a round trip or more), or raise the limit if it is intended.',
  },
  HTTP_INSECURE_REDIRECT: {
    severity: 'warning',
    layer: 'application',
    title: 'Redirect from HTTPS to plain HTTP',
    hint: 'A redirect leaves TLS: the next request, and anything it carries, travels in clear text. Redirect to an https:// URL.',
  },
  HTTP_CLIENT_ERROR: {
    severity: 'warning',
    layer: 'application',
    title: 'HTTP client error (4xx)',
    hint: 'The server is reachable and answered, but refused the request: check the path, the method, authentication and headers.',
  },
  HTTP_SERVER_ERROR: {
    severity: 'error',
    layer: 'application',
    title: 'HTTP server error (5xx)',
    hint: 'The network path works; the server (or the proxy in front of it: 502, 503, 504) failed. Check the server or upstream logs.',
  },
  HTTP_TIMEOUT: {
    severity: 'error',
    layer: 'application',
    title: 'HTTP response timed out',
    hint: 'The connection works but the server did not answer (or finish its answer) in time: a slow backend, a stuck worker, or a proxy waiting on an upstream.',
  },
  HTTP_BAD_RESPONSE: {
    severity: 'error',
    layer: 'application',
    title: 'Not a valid HTTP response',
    hint: 'The answer could not be read as HTTP: another protocol on this port or TLS expected (try https://), a malformed or cut-off response (a crashing backend), or a broken proxy.',
  },
  HTTP_HEADERS_TOO_LARGE: {
    severity: 'error',
    layer: 'application',
    title: 'The response headers are too large',
    hint: 'Node.js clients (and Netdiag) read at most 16 KiB of response headers by default (--max-http-header-size); browsers and curl allow more, so the endpoint may work there and fail in Node. The usual cause is oversized Set-Cookie headers, or a header that grows with every request: trim them.',
  },
  HTTP_REDIRECT_UNFOLLOWABLE: {
    severity: 'error',
    layer: 'application',
    title: 'A redirect no HTTP client can follow',
    hint: 'Location must name an http(s) (or, for a WebSocket, ws/wss) URL with a valid host. Browsers and curl refuse to follow redirects to file:, data: or javascript: URLs, which would make the client read its own files or run code; a redirect to another protocol or a malformed URL breaks clients too. Fix the Location the server sends.',
  },
  HTTP_BODY_TRUNCATED: {
    severity: 'info',
    layer: 'application',
    title: 'Body larger than the read limit',
    hint: 'Reading stopped at the limit (netdiag.http.maxBodyBytes); timings for the download cover only what was read.',
  },
  HTTP_UNREQUESTED_UPGRADE: {
    severity: 'error',
    layer: 'application',
    title: 'The server switched protocols without being asked',
    hint: 'A server may answer 101 Switching Protocols only to a request whose Upgrade header named the protocol (RFC 9110 §15.2.2, §7.8). An HTTP client that did not ask cannot go on: it fails or waits forever. Fix the server or the proxy in front of it.',
  },
  WEBSOCKET_NOT_UPGRADED: {
    severity: 'error',
    layer: 'application',
    title: 'The server did not switch to WebSocket',
    hint: 'A WebSocket endpoint answers the opening handshake with 101 Switching Protocols. A 200 means this URL serves plain HTTP: the wrong path, or a reverse proxy that drops Upgrade and Connection (nginx needs proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade and Connection "upgrade"). A 400 or 426 usually means a version, origin or authentication check failed.',
  },
  WEBSOCKET_NO_UPGRADE_HEADER: {
    severity: 'error',
    layer: 'application',
    title: 'A 101 answer without Upgrade: websocket',
    hint: 'A server that accepts a WebSocket answers 101 with Upgrade: websocket and Connection: Upgrade; without them a client must fail the connection (RFC 6455 §4.1). A proxy in between may strip them, or the server switched to another protocol.',
  },
  WEBSOCKET_BAD_ACCEPT: {
    severity: 'error',
    layer: 'application',
    title: 'The WebSocket accept key is missing or wrong',
    hint: 'Sec-WebSocket-Accept must be base64(SHA-1(the client\'s key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) (RFC 6455 §4.2.2); browsers and client libraries refuse the connection otherwise. A cache or proxy that replays an old answer, or a hand-written handshake, gets it wrong.',
  },
  PROXY_INVALID: {
    severity: 'error',
    layer: 'transport',
    title: 'The proxy setting is not a usable URL',
    hint: 'Write the proxy as http://host:port (or http://user:password@host:port) in http.proxy, HTTPS_PROXY or --proxy.',
  },
  PROXY_UNREACHABLE: {
    severity: 'error',
    layer: 'transport',
    title: 'The proxy cannot be reached',
    hint: 'The proxy name does not resolve or nothing accepts on its port. Check the proxy address and port, the VPN, and whether the proxy service runs.',
  },
  PROXY_AUTH_REQUIRED: {
    severity: 'error',
    layer: 'transport',
    title: 'The proxy asks for credentials (407)',
    hint: 'Put the credentials in the proxy URL (http://user:password@proxy:port) or use the scheme the proxy names in Proxy-Authenticate (NTLM/Negotiate need a local helper such as cntlm or px).',
  },
  PROXY_CONNECT_FAILED: {
    severity: 'error',
    layer: 'transport',
    title: 'The proxy refused or broke the CONNECT tunnel',
    hint: 'The proxy answered CONNECT with an error or with something that is not HTTP: the port may be blocked by policy (often only 443 is allowed), the upstream unreachable, or this is not an HTTP proxy.',
  },
  PROXY_TIMEOUT: {
    severity: 'error',
    layer: 'transport',
    title: 'The proxy did not answer in time',
    hint: 'The proxy accepted the connection but did not answer the CONNECT (or the request): it may be waiting on its upstream, or it is not an HTTP proxy.',
  },
  TLS_INTERCEPTED: {
    severity: 'warning',
    layer: 'tls',
    title: 'TLS is intercepted on the way',
    hint: 'A proxy or security product re-signs the server certificate with its own CA. Tools that do not trust that CA fail (add it: netdiag.tls.extraCaFiles, NODE_EXTRA_CA_CERTS); certificate pinning breaks.',
  },
  TLS_INTERCEPTION_SUSPECTED: {
    severity: 'info',
    layer: 'tls',
    title: 'The certificate through the proxy is anchored in a CA only this machine trusts',
    hint: 'Through a proxy, a chain that only the OS store or an extra CA file anchors usually means the proxy re-signs TLS. Compare with a direct connection when one is possible.',
  },
  HTTP3_ADVERTISED: {
    severity: 'info',
    layer: 'application',
    title: 'The server advertises HTTP/3',
    hint: 'Alt-Svc names h3: browsers may switch to QUIC (UDP 443) on the next request. If UDP is blocked they fall back to TCP; Netdiag tests TCP only.',
  },
  ROUTE_TOOL_MISSING: {
    severity: 'warning',
    layer: 'internet',
    title: 'No route tracing tool is installed',
    hint: 'Install one: Debian/Ubuntu `apt install iputils-tracepath` (no root needed) or `traceroute`; Fedora `dnf install traceroute`; macOS has traceroute; Windows has tracert.',
  },
  ROUTE_INCOMPLETE: {
    severity: 'warning',
    layer: 'internet',
    title: 'The route trace did not reach the host',
    hint: 'Routers after the last answering hop drop or do not answer the probes. A firewall that drops UDP/ICMP is common and not always the fault; compare with the TCP connect result.',
  },
  DIAGNOSIS_INCOMPLETE: {
    severity: 'error',
    layer: 'application',
    title: 'The diagnosis did not end within its overall bound',
    hint: 'Every step has its own timeout, so this should not happen: a step never ended. The results shown are what had finished. Please report it with the target (and --verbose output) so it can be fixed.',
  },
  CANCELLED: {
    severity: 'info',
    layer: 'application',
    title: 'Diagnosis cancelled',
    hint: 'The run was stopped before every probe finished; results shown are partial.',
  },
  BIND_LOOPBACK_IN_CONTAINER: {
    severity: 'error',
    layer: 'transport',
    title: 'A server in a container binds loopback',
    hint: 'Inside a container, 127.0.0.1 is the container itself: published ports and other containers arrive on its network interface. Bind 0.0.0.0 (or ::) inside the container; restrict who can reach it where the port is published (127.0.0.1:HOST:CONTAINER).',
  },
  BIND_HOSTNAME: {
    severity: 'warning',
    layer: 'transport',
    title: 'A name or URL is used as a bind address',
    hint: 'A server binds an address of its own interfaces (0.0.0.0 or :: for all, 127.0.0.1 for this machine only). The name or URL is what clients type; put it in the client configuration instead.',
  },
  BIND_NAME_ALL_INTERFACES: {
    severity: 'info',
    layer: 'transport',
    title: 'Kestrel binds every interface for this host name',
    hint: 'In Urls, ASPNETCORE_URLS, applicationUrl or a Kestrel endpoint, a host other than an IP address or localhost is read as "*": the server listens on every interface and never resolves the name. Write http://*:PORT (or 0.0.0.0) to say what it binds, and keep the name in the clients\' configuration.',
  },
  BIND_ADDRESS_NOT_LOCAL: {
    severity: 'error',
    layer: 'transport',
    title: 'The bind address belongs to no local interface',
    hint: 'A server can only bind addresses this machine has (see `ip addr`). Behind a proxy, NAT or load balancer, clients type the public address but the server binds its own address, or 0.0.0.0.',
  },
  BIND_ALL_INTERFACES_EXPOSED: {
    severity: 'warning',
    layer: 'transport',
    title: 'An internal service is published on every host interface',
    hint: 'Publish it as 127.0.0.1:HOST:CONTAINER when only this machine needs it, or do not publish it when only other containers do (they use the service name). Docker-published ports bypass host firewalls such as ufw.',
  },
  BIND_LOCALHOST_FAMILY_MISMATCH: {
    severity: 'warning',
    layer: 'transport',
    title: 'Clients type localhost but the server listens on one IP family',
    hint: 'localhost is both 127.0.0.1 and ::1. Make the client type the exact address the server binds (127.0.0.1 or [::1]), or make the server listen on both loopbacks.',
  },
  BIND_PORT_MISMATCH: {
    severity: 'error',
    layer: 'transport',
    title: 'A port is published or targeted where the app does not listen',
    hint: 'The container-side port of a mapping (HOST:CONTAINER), a Kubernetes targetPort or a probe port must be the port the app binds. Change the mapping or the app\'s port so they agree.',
  },
  BIND_PORT_CONFLICT: {
    severity: 'error',
    layer: 'transport',
    title: 'Two servers want the same port',
    hint: 'Only one socket can listen on a port and address. Give one of them another port, or bind them to different addresses.',
  },
  BIND_PRIVILEGED_PORT: {
    severity: 'warning',
    layer: 'transport',
    title: 'A port below 1024 on the host',
    hint: 'Use a port of 1024 or above (8080, 8443) and put a proxy or a port mapping in front, or grant CAP_NET_BIND_SERVICE (setcap, systemd AmbientCapabilities).',
  },
  BIND_LIVE_MISMATCH: {
    severity: 'info',
    layer: 'transport',
    title: 'What listens now differs from the configuration',
    hint: 'Stop the other program holding the port, or restart the server so it picks up this configuration; `ss -ltnp` shows who listens where.',
  },
  CLIENT_LOCALHOST_IN_CONTAINER: {
    severity: 'error',
    layer: 'transport',
    title: 'A client in a container connects to localhost',
    hint: 'In a container, localhost is that container. Reach another service by its service name (Compose, Kubernetes DNS), and a server on the host by host.docker.internal (add `extra_hosts: ["host.docker.internal:host-gateway"]` on Linux).',
  },
  CLIENT_UNKNOWN_TARGET: {
    severity: 'warning',
    layer: 'transport',
    title: 'A client points at a host:port no service provides',
    hint: 'Check the service name and port: between containers, use the service name and the container port (not the published host port).',
  },
  CLIENT_TARGET_UNREACHABLE: {
    severity: 'error',
    layer: 'transport',
    title: 'A client reference does not work when checked live',
    hint: 'Check Workspace Endpoints diagnosed this reference and it failed (the message says where: DNS, TCP, TLS or HTTP). Open its row for the full report; from inside a container, use the service name and the container port.',
  },
  CONFIG_PARSE_ERROR: {
    severity: 'error',
    layer: 'application',
    title: 'A configuration file could not be read',
    hint: 'Fix the syntax error at the position shown (or exclude the file with files.exclude); until then its binds and clients are not analysed.',
  },
  VANTAGE_DNS_DIFFERS: {
    severity: 'warning',
    layer: 'dns',
    title: 'The name resolves differently from the vantages',
    hint: 'Each side asks its own resolver and hosts file: a Compose service name resolves only inside its Compose network (Docker\'s 127.0.0.11, Podman\'s aardvark-dns), a pod name only through the cluster DNS, a VPN or split-horizon name only where that resolver is used.',
  },
  VANTAGE_REACH_DIFFERS: {
    severity: 'warning',
    layer: 'transport',
    title: 'One vantage connects and another does not',
    hint: 'The network between them differs: a port published only on a container network, a firewall or security group, a server bound to loopback (reachable only from its own machine or container), or a route missing on one side.',
  },
  VANTAGE_TLS_DIFFERS: {
    severity: 'warning',
    layer: 'tls',
    title: 'TLS differs between the vantages',
    hint: 'The vantages see different certificates or handshake results: an intercepting proxy or a different load balancer on one path, a different trust store, or a name that leads to another server.',
  },
  VANTAGE_HTTP_DIFFERS: {
    severity: 'warning',
    layer: 'application',
    title: 'The HTTP answer differs between the vantages',
    hint: 'The same URL gives another status from each side: access rules by source address, a proxy on one path, or another server behind the same name.',
  },
  VANTAGE_UNAVAILABLE: {
    severity: 'error',
    layer: 'link',
    title: 'A vantage could not be used',
    hint: 'Netdiag could not run there: the message says what is missing (no container engine, the container is not running, no permission, no Node, ssh refused) and how to fix it.',
  },
} as const satisfies Record<string, FindingSpec>;

export type FindingCode = keyof typeof FINDINGS;

/** Makes a finding from the catalogue; `message` states the facts of this run. */
export function finding(code: FindingCode, message?: string, subject?: string): Finding {
  const spec: FindingSpec = FINDINGS[code];
  const f: Finding = { code, severity: spec.severity, layer: spec.layer, message: message ?? spec.title, hint: spec.hint };
  if (subject !== undefined) f.subject = subject;
  return f;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
