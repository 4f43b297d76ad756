// Entry of the separate bundle dist/engine.js (esbuild.js `engine`): the probes, node-forge and
// dns-packet load on the first diagnosis, not when the extension activates.
export { diagnose } from '../engine/diagnose';
export { prepareRun } from '../engine/prepare';
export { collectYoungGeneration } from '../engine/youngGeneration';
export { certCheckOptions, dnsLookupOptions, prepareOptions } from '../engine/setup';
export { toCurl } from '../engine/curl';
export { lookupDns } from '../engine/dns/lookup';
export { parseDnsServer } from '../engine/dns/servers';
export { exportReport } from '../engine/export';
export { attachRoute, routeHostProblem, traceRoute, traceTarget } from '../engine/route';
export { checkEndpoint, checkFile, checkFromReport } from '../engine/tls/certCheck';
export { certFileTooLarge, isPkcs12 } from '../engine/tls/certFile';
export { diagnoseAt } from '../engine/vantage/diagnoseAt';
export { compareVantages } from '../engine/vantage/compare';
export { checkReferences } from '../engine/vantage/check';
export { listContainers, sshConfigHosts } from '../engine/vantage/discover';
export { CHECK_DEFAULTS } from '../engine/vantage/check';
