// DiagnoseOptions for tests and benchmarks: the engine's defaults, no DNS servers and empty trust
// stores (nothing leaves loopback unless a test names its servers), overridden by `patch`.
import { DEFAULT_TIMEOUTS, DEFAULTS, type DiagnoseOptions } from '../../src/engine/options';

export function testOptions(patch: Partial<DiagnoseOptions> = {}): DiagnoseOptions {
  return {
    timeouts: DEFAULT_TIMEOUTS,
    dnsServers: [],
    pinned: {},
    trust: { node: [], os: [], extra: [] },
    followRedirects: true,
    maxRedirects: DEFAULTS.maxRedirects,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    connectConcurrency: DEFAULTS.connectConcurrency,
    certExpiryWarningDays: DEFAULTS.certExpiryWarningDays,
    userAgent: 'netdiag-test',
    ...patch,
  };
}
