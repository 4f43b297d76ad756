// netdiag: the engine from a terminal or CI. Proves the engine is free of VS Code.
// Exit codes: 0 no error finding, 1 an error finding, 2 bad usage or input, 130 interrupted.
import { diagnose } from '../engine/diagnose';
import { hasErrors } from '../engine/findings';
import { prepareOptions, SetupError } from '../engine/setup';
import { parseTarget, TargetError } from '../engine/target';
import { VERSION } from '../engine/version';
import { parseCommand, USAGE, UsageError } from './args';
import { renderText } from './text';

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const parsed = parseTarget(command.target);
  const { options, warnings } = await prepareOptions({ ...command.setup, sslCertFile: process.env['SSL_CERT_FILE'] });
  for (const w of warnings) process.stderr.write(`netdiag: warning: ${w}\n`);

  const controller = new AbortController();
  const interrupted = (): void => controller.abort();
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const report = await diagnose(parsed, {
    ...options,
    signal: controller.signal,
    ...(command.verbose ? { log: (m: string) => process.stderr.write(`netdiag: ${m}\n`) } : {}),
  });
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);

  const color = command.color ?? (process.stdout.isTTY === true && !('NO_COLOR' in process.env));
  process.stdout.write(command.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, color));
  if (report.cancelled) return 130;
  return hasErrors(report.findings) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof TargetError || err instanceof SetupError) {
      process.stderr.write(`netdiag: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    // An engine bug: say so in one line; the stack only with NETDIAG_DEBUG.
    process.stderr.write(`netdiag: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env['NETDIAG_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 3;
  },
);
