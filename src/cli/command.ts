// The shape of one CLI subcommand. Each lives in src/cli/commands/<name>.ts and is listed in
// src/cli/commands.ts; main.ts only dispatches and maps errors to exit codes.

export class UsageError extends Error {}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour for the human output: false with --no-color, NO_COLOR or a non-TTY stdout. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  /** The command's own usage text, shown by `netdiag <command> --help`. */
  usage: string;
  /** Runs the command; returns the exit code (0 ok, 1 an error finding, 130 interrupted). */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
