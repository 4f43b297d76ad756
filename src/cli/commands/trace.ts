// netdiag trace <host>: the route to a host with tracepath, traceroute or tracert.
import { hasErrors } from '../../engine/findings';
import { DEFAULTS, LIMITS } from '../../engine/options';
import { routeHostProblem, traceRoute } from '../../engine/route';
import { parseTarget } from '../../engine/target';
import { numberOption, parseStrict } from '../args';
import { UsageError, type CliCommand } from '../command';
import { renderRouteText } from '../httpText';
import { terminal } from '../terminal';

const USAGE = `Usage: netdiag trace <host> [options]

  <host>                    a host name, an IP address, or a URL (its host is traced)

Runs tracepath (Linux, no root needed), else traceroute (Linux, macOS), or tracert (Windows),
and prints each router with its round-trip times.

Options:
  --json                    print { route, findings } as JSON
  --max-hops N              stop after N hops (default ${DEFAULTS.traceMaxHops})
  --timeout MS              stop the whole trace after MS milliseconds (default ${DEFAULTS.traceTimeoutMs})
  -n, --numeric             addresses only, no reverse DNS names
  --no-color                plain text even on a terminal`;

export const traceCommand: CliCommand = {
  name: 'trace',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseStrict(argv, {
      json: { type: 'boolean' },
      'max-hops': { type: 'string' },
      timeout: { type: 'string' },
      numeric: { type: 'boolean', short: 'n' },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'trace needs a host: a name, an IP address or a URL.' : `trace takes one host, got ${positionals.length}.`);
    const host = parseTarget(positionals[0]!).target.host;
    const problem = routeHostProblem(host);
    if (problem !== null) throw new UsageError(`trace: ${problem}.`);
    const maxHops = values['max-hops'] === undefined ? DEFAULTS.traceMaxHops : numberOption(values['max-hops'], '--max-hops', LIMITS.traceMaxHops);
    const timeoutMs = values.timeout === undefined ? DEFAULTS.traceTimeoutMs : numberOption(values.timeout, '--timeout', LIMITS.timeoutMs);
    const { route, findings } = await traceRoute(host, { signal: io.signal, timeoutMs, maxHops, names: values.numeric !== true });
    const term = terminal(io);
    if (values.json) term.printJson({ route, findings });
    else term.print([...renderRouteText(route, term), ...findings.flatMap((f) => ['', ...term.finding(f)])]);
    if (route.error?.code === 'CANCELLED') return 130;
    return hasErrors(findings) || route.error?.code === 'ROUTE_TOOL_MISSING' ? 1 : 0;
  },
};
