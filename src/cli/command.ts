// The shape of one CLI subcommand. Each lives in src/cli/commands/<name>.ts, is built into a bundle
// of its own (dist/cli/<name>.js) and listed in src/cli/commands.ts; main.ts only dispatches and
// maps errors to exit codes.

/** Bad usage or input: one line, exit code 2. The code lets main.ts tell it from another bundle's errors. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour for the human output: false with --no-color, NO_COLOR or a non-TTY stdout. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** The user's cache directory for Netdiag (cacheDir.ts), or null when there is none. */
  cacheDir: string | null;
}

export interface CliCommand {
  name: string;
  /** The command's own usage text, shown by `netdiag <command> --help`. */
  usage: string;
  /** Runs the command; returns the exit code (0 ok, 1 an error finding, 130 interrupted). */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
