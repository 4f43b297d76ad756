// Running the operating system's own tools (tracepath, ip, ss, route, powershell…): execFile, no
// shell, output capped, bounded by a timeout and cancellable. The runner is injected wherever a
// tool runs, so tests can run it inside a network namespace or replay recorded output.
import { execFile } from 'node:child_process';

export interface CommandOutcome {
  stdout: string;
  stderr: string;
  /** Node's error code: ENOENT (no such tool), ABORT_ERR, ETIMEDOUT, or the exit status as text. */
  errorCode?: string;
}

/** Runs a program without a shell, `input` on its stdin; never rejects: a failure is `errorCode`. */
export type CommandRunner = (file: string, args: readonly string[], opts: { signal: AbortSignal; timeoutMs: number; input?: string }) => Promise<CommandOutcome>;

export const execRunner: CommandRunner = (file, args, opts) =>
  new Promise((resolve) => {
    const child = execFile(file, [...args], { signal: opts.signal, timeout: opts.timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const out: CommandOutcome = { stdout: String(stdout), stderr: String(stderr) };
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        out.errorCode = e.code === 'ABORT_ERR' || e.name === 'AbortError' ? 'ABORT_ERR' : e.killed ? 'ETIMEDOUT' : String(e.code ?? 'EFAIL');
      }
      resolve(out);
    });
    // A program that exits before reading its input closes the pipe: that is its exit's story, not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input);
  });
