// The one parser and validator of command-line options, shared by every subcommand: parseArgs in
// strict mode with its errors as one-line usage errors, a negative number taken as an option's
// value (so `--timeout -1` is judged by its range, not called ambiguous), and every numeric option
// checked against the engine's range for it (LIMITS in src/engine/options.ts, which the engine's
// setup applies to the VS Code settings too). Its own module, not a command's: each command is a
// bundle of its own (esbuild.js), and importing another command would pull that one in too.
import { parseArgs } from 'node:util';
import { rangeProblem, type Range } from '../engine/options';
import { UsageError } from './command';

type OptionSpec = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** parseArgs in strict mode, with its errors turned into one-line usage errors. */
export function parseStrict<T extends OptionSpec>(argv: readonly string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
}

/**
 * `--timeout -1` as `--timeout=-1`: parseArgs refuses a value that starts with a dash ("argument
 * is ambiguous"), which hides the real problem, the number. Only for options that take a value,
 * only before `--`, and only for something that reads as a negative number.
 */
function joinNegativeValues(argv: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : Object.entries(options).find(([, o]) => arg === `-${o.short}`)?.[0];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The value of a numeric flag (`raw` as typed) when it is a whole number in `range`; else a usage error naming the flag and the range. */
export function numberOption(raw: string, flag: string, range: Range): number {
  const n = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  const problem = rangeProblem(n, range);
  if (problem !== null) throw new UsageError(`${flag} ${problem}; got "${raw}".`);
  return n;
}
