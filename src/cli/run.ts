// The CLI's dispatch, shared by its two entries: dist/cli.js (main.ts, each command a bundle of
// its own) and dist/vantage.js (vantageMain.ts, every command a vantage runs in one file, for
// `node -` at a vantage). Exit codes: 0 no error finding, 1 an error finding, 2 bad usage or
// input, 130 interrupted, 3 an internal error (a bug: one line, the stack only with
// NETDIAG_DEBUG=1).
import { VERSION } from '../engine/version';
import { UsageError, type CliIo } from './command';
import { COMMANDS, type BundleLoader } from './commands';
import { terminalLine } from './terminal';

/** How an entry reaches the commands' code, and where a run may keep its caches. */
export interface CliEntry {
  /** The user's cache directory (cacheDir.ts), or null: nothing is written. */
  cacheDir: string | null;
  load: BundleLoader;
  /** After a command has run and printed (the code cache of its bundle). */
  afterRun(): void;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return `Usage: netdiag <command> [options]

Commands:
${list}

  netdiag <command> --help   options of a command
  -h, --help                 this help
  -v, --version              the version

Exit codes: 0 no error finding, 1 an error finding, 2 bad usage or input, 130 interrupted.
`;
}

async function main(argv: string[], entry: CliEntry): Promise<number> {
  const out = (s: string): void => void process.stdout.write(s);
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('No command given. Try: netdiag diagnose https://example.com');
  if (first === '-h' || first === '--help' || first === 'help') {
    out(usage());
    return 0;
  }
  if (first === '-v' || first === '--version') {
    out(`${VERSION}\n`);
    return 0;
  }
  const found = COMMANDS.find((c) => c.name === first);
  if (!found) throw new UsageError(`Unknown command "${first}". Try: netdiag --help`);
  const { cacheDir } = entry;
  const command = found.command(entry.load);
  if (rest.includes('-h') || rest.includes('--help')) {
    out(`${command.usage}\n`);
    return 0;
  }
  const noColor = rest.includes('--no-color');
  const controller = new AbortController();
  // Ctrl-C stops every probe and the command prints what finished; should it not return within
  // a moment, or on a second Ctrl-C, the process ends anyway. Either way the exit code is 130.
  let giveUp: NodeJS.Timeout | undefined;
  const interrupted = (): void => {
    if (controller.signal.aborted) exitInterrupted();
    controller.abort();
    giveUp = setTimeout(exitInterrupted, INTERRUPT_GRACE_MS);
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  const io: CliIo = {
    stdout: out,
    stderr: (s) => void process.stderr.write(s),
    color: !noColor && process.stdout.isTTY === true && !('NO_COLOR' in process.env),
    env: process.env,
    signal: controller.signal,
    cacheDir,
  };
  try {
    const code = await command.run(
      rest.filter((a) => a !== '--no-color'),
      io,
    );
    return controller.signal.aborted ? 130 : code;
  } finally {
    clearTimeout(giveUp);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    // After the run, so a code cache holds every function it compiled; the output is already written.
    entry.afterRun();
  }
}

/** How long an interrupted command has to print what finished before the process ends without it. */
const INTERRUPT_GRACE_MS = 2000;

function exitInterrupted(): void {
  process.stderr.write('netdiag: interrupted\n');
  process.exit(130);
}

let settled = false;
// Every command ends with a result or an error; a promise that never settles would let Node exit
// quietly with code 0 once nothing is left to wait for (runCli says so instead: it is a bug).

/**
 * Errors that are the user's input, not a bug. By code, not class: each command bundle has its
 * own copy of UsageError, TargetError, SetupError and CertParseError.
 */
function isInputError(err: unknown): err is Error {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  return code === 'USAGE' || code === 'SETUP_INVALID' || code.startsWith('TARGET_') || code.startsWith('CERT_PARSE') || code.startsWith('VANTAGE_');
}

/** Runs the command `argv` names and sets the process's exit code. */
export function runCli(argv: string[], entry: CliEntry): void {
  process.on('beforeExit', () => {
    if (settled) return;
    settled = true;
    process.stderr.write(terminalLine('netdiag: internal error: the command ended without a result (a step never finished)'));
    process.exitCode = 3;
  });
  main(argv, entry).then(
    (code) => {
      settled = true;
      exitWhenWritten(code);
    },
    (err: unknown) => {
      settled = true;
      if (isInputError(err)) {
        process.stderr.write(terminalLine(`netdiag: ${err.message}`));
        exitWhenWritten(2);
        return;
      }
      process.stderr.write(terminalLine(`netdiag: internal error: ${err instanceof Error ? err.message : String(err)}`));
      if (process.env['NETDIAG_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      exitWhenWritten(3);
    },
  );
}

/**
 * Ends the process once what it wrote has left (an empty write's callback comes after every
 * earlier write's, also where pipes are asynchronous), rather than after Node has closed each
 * handle and torn the heap down, 2–3 ms of every run. A command returns only when its work has
 * ended or been stopped (the diagnosis' late probes stop once it has printed).
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
