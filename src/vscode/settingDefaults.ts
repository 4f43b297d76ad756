// The default of each netdiag.* setting. Where the engine has one (timeouts, redirects, body cap)
// it comes from src/engine/options.ts, the one place the CLI's flags start from too. package.json's
// contributes.configuration repeats them for the Settings UI; test/unit/settingDefaults.test.ts
// checks that the two agree. No vscode import, so that test runs under plain node.
import { DEFAULT_TIMEOUTS, DEFAULTS } from '../engine/options';

export const SETTING_DEFAULTS = {
  'bind.hoverDnsLookups': true,
  'dns.servers': [],
  'dns.compareWith': [],
  'tls.extraCaFiles': [],
  'tls.clientCertificate': {},
  'timeouts.dnsMs': DEFAULT_TIMEOUTS.dnsMs,
  'timeouts.connectMs': DEFAULT_TIMEOUTS.connectMs,
  'timeouts.tlsMs': DEFAULT_TIMEOUTS.tlsMs,
  'timeouts.httpMs': DEFAULT_TIMEOUTS.httpMs,
  'http.followRedirects': DEFAULTS.followRedirects,
  'http.maxRedirects': DEFAULTS.maxRedirects,
  'http.maxBodyBytes': DEFAULTS.maxBodyBytes,
  'recentTargets.max': 10,
  'vantage.containerEngine': 'auto',
  'vantage.image': DEFAULTS.vantageImage,
  'vantage.containerMethod': DEFAULTS.vantageMethod,
  'vantage.timeoutMs': DEFAULTS.vantageTimeoutMs,
} as const;
