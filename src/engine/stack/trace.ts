// A route trace added to a finished report (Trace route, --trace): the path MTU it measured joins
// the route of the address traced, the stack's findings are judged again with it, and the
// picture is redrawn with the trace's routers at the internet layer. Pure.
import type { Finding } from '../model/common';
import type { ConnectionResult, Report, RouteResult } from '../model/report';
import type { StackReport } from '../model/stack';
import { exchangeStalled, STACK_CODES, stackFindings } from './judge';
import { stackRows } from './picture';

/** The smallest `pmtu N` tracepath reported on the way (traceroute and tracert measure none). */
export function tracedPmtu(route: RouteResult): number | undefined {
  const values = route.hops.flatMap((h) => [...(h.note ?? '').matchAll(/\bpmtu (\d+)/g)].map((m) => Number(m[1])));
  return values.length > 0 ? Math.min(...values) : undefined;
}

/** The report's connections, findings and stack with the trace in them (`traced`: the address traced). */
export function restackWithTrace(report: Report, stack: StackReport, route: RouteResult, traced: string): { connections: ConnectionResult[]; findings: Finding[]; stack: StackReport } {
  const pmtu = tracedPmtu(route);
  const connections = report.connections.map((c) => {
    if (pmtu === undefined || c.address !== traced || !c.route || (c.route.pmtu !== undefined && c.route.pmtu <= pmtu)) return c;
    return { ...c, route: { ...c.route, pmtu, pmtuSource: 'trace' as const } };
  });
  const kept = report.findings.filter((f) => !STACK_CODES.has(f.code));
  const judged = stack.systemFacts === 'read' ? stackFindings(connections, { stalled: exchangeStalled(report.tls?.error?.code, report.http?.requests[0]?.error?.code) }) : [];
  return { connections, findings: [...kept, ...judged], stack: { ...stack, rows: stackRows({ ...report, connections, route }) } };
}
