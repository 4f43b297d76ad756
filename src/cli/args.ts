// Argument parsing every subcommand shares. Its own module, not a command's: each command is a
// bundle of its own (esbuild.js), and importing another command would pull that one in too.
import { parseArgs } from 'node:util';
import { UsageError } from './command';

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs in strict mode, with its errors turned into one-line usage errors. */
export function parseStrict<T extends NonNullable<OptionSpec>>(argv: readonly string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
}

/** A whole number for a flag; 0 only when allowed. */
export function wholeNumber(raw: string, flag: string, allowZero = false): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || (!allowZero && n === 0) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} takes a whole number${allowZero ? '' : ' above 0'}, got "${raw}".`);
  }
  return n;
}
