// Entry of the separate bundle dist/engine.js (esbuild.js `engine`): the probes, node-forge and
// dns-packet load on the first diagnosis, not when the extension activates.
export { diagnose } from '../engine/diagnose';
export { prepareRun } from '../engine/prepare';
export { prepareOptions } from '../engine/setup';
export { toCurl } from '../engine/curl';
export { lookupDns } from '../engine/dns/lookup';
export { IANA_ROOT_HINTS } from '../engine/dns/rootHints';
export { defaultDnsServers, parseDnsServer } from '../engine/dns/servers';
export { osLookup } from '../engine/dns/system';
export { exportReport } from '../engine/export';
export { attachRoute, traceRoute } from '../engine/route';
export { checkEndpoint, checkFile, checkFromReport } from '../engine/tls/certCheck';
export { isPkcs12 } from '../engine/tls/certFile';
