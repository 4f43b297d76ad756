// netdiag trace <host>: the route to a host with tracepath, traceroute or tracert.
import { hasErrors } from '../../engine/findings';
import { DEFAULTS, LIMITS } from '../../engine/options';
import { routeHostProblem, traceRoute } from '../../engine/route';
import { parseTarget } from '../../engine/target';
import type { Finding } from '../../engine/model/common';
import type { RouteResult } from '../../engine/model/report';
import { numberOption, parseStrict } from '../args';
import { UsageError, type CliCommand } from '../command';
import { renderRouteText } from '../httpText';
import { terminal } from '../terminal';
import { fromEach, parseFrom, printSides, VANTAGE_OPTIONS, VANTAGE_USAGE, withoutVantageFlags } from '../vantageArgs';

const USAGE = `Usage: netdiag trace <host> [options]

  <host>                    a host name, an IP address, or a URL (its host is traced)

Runs tracepath (Linux, no root needed), else traceroute (Linux, macOS), or tracert (Windows),
and prints each router with its round-trip times.

Options:
  --json                    print { route, findings } as JSON
  --max-hops N              stop after N hops (default ${DEFAULTS.traceMaxHops})
  --timeout MS              stop the whole trace after MS milliseconds (default ${DEFAULTS.traceTimeoutMs})
  -n, --numeric             addresses only, no reverse DNS names
  --no-color                plain text even on a terminal
${VANTAGE_USAGE}

With --from, the trace runs there with that side's tools (a helper container has none:
ROUTE_TOOL_MISSING); --json then prints {vantages: [{vantage, result, error?}]}.`;

interface Traced {
  route: RouteResult;
  findings: Finding[];
}

export const traceCommand: CliCommand = {
  name: 'trace',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseStrict(argv, {
      json: { type: 'boolean' },
      'max-hops': { type: 'string' },
      timeout: { type: 'string' },
      numeric: { type: 'boolean', short: 'n' },
      ...VANTAGE_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'trace needs a host: a name, an IP address or a URL.' : `trace takes one host, got ${positionals.length}.`);
    const host = parseTarget(positionals[0]!).target.host;
    const problem = routeHostProblem(host);
    if (problem !== null) throw new UsageError(`trace: ${problem}.`);
    const maxHops = values['max-hops'] === undefined ? DEFAULTS.traceMaxHops : numberOption(values['max-hops'], '--max-hops', LIMITS.traceMaxHops);
    const timeoutMs = values.timeout === undefined ? DEFAULTS.traceTimeoutMs : numberOption(values.timeout, '--timeout', LIMITS.timeoutMs);
    const local = (): Promise<Traced> => traceRoute(host, { signal: io.signal, timeoutMs, maxHops, names: values.numeric !== true });
    const term = terminal(io);
    const render = ({ route, findings }: Traced): string[] => [...renderRouteText(route, term), ...findings.flatMap((f) => ['', ...term.finding(f)])];
    const exitOf = ({ route, findings }: Traced): number => (route.error?.code === 'CANCELLED' ? 130 : hasErrors(findings) || route.error?.code === 'ROUTE_TOOL_MISSING' ? 1 : 0);
    const from = parseFrom(values);
    if (from.length === 0) {
      const traced = await local();
      if (values.json) term.printJson(traced);
      else term.print(render(traced));
      return exitOf(traced);
    }
    const isTrace = (json: unknown): json is Traced => typeof (json as { route?: { hops?: unknown } } | null)?.route?.hops === 'object';
    const sides = await fromEach(from, ['trace', ...withoutVantageFlags(argv), '--json'], isTrace, local, values, io);
    if (values.json) {
      term.printJson({ vantages: sides });
      return sides.some((s) => s.error) ? 2 : Math.max(0, ...sides.map((s) => (s.result ? exitOf(s.result) : 0)));
    }
    return printSides(sides, render, exitOf, io, term);
  },
};
