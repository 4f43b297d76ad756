// Every CLI subcommand, in the order --help lists them.
import type { CliCommand } from './command';
import { diagnoseCommand } from './commands/diagnose';

export const COMMANDS: readonly CliCommand[] = [diagnoseCommand];
