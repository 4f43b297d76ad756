// Every CLI subcommand, in the order --help lists them.
import type { CliCommand } from './command';
import { bindScanCommand } from './commands/bindScan';
import { certCommand } from './commands/cert';
import { diagnoseCommand } from './commands/diagnose';
import { dnsCommand } from './commands/dns';
import { traceCommand } from './commands/trace';

export const COMMANDS: readonly CliCommand[] = [diagnoseCommand, bindScanCommand, dnsCommand, certCommand, traceCommand];
