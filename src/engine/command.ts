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

export interface CommandOptions {
  signal: AbortSignal;
  /** From the start; for an input still to come, from when it is written. */
  timeoutMs: number;
  /**
   * The program's stdin. A promise starts the program now and writes its input when the promise
   * settles: a tool that reads its questions from stdin (`ip -batch -`, `ss -F -`) is started
   * ahead, in a quiet moment, and asked once the questions are known. Stop it with `signal`.
   */
  input?: string | Promise<string>;
}

/** Runs a program without a shell; never rejects: a failure is `errorCode`. */
export type CommandRunner = (file: string, args: readonly string[], opts: CommandOptions) => Promise<CommandOutcome>;

export const execRunner: CommandRunner = (file, args, opts) =>
  new Promise((resolve) => {
    const later = typeof opts.input === 'object' ? opts.input : null;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const child = execFile(file, [...args], { signal: opts.signal, ...(later ? {} : { timeout: opts.timeoutMs }), windowsHide: true, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      ended = true;
      clearTimeout(timer);
      const out: CommandOutcome = { stdout: String(stdout), stderr: String(stderr) };
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        out.errorCode = e.code === 'ABORT_ERR' || e.name === 'AbortError' ? 'ABORT_ERR' : e.killed ? 'ETIMEDOUT' : String(e.code ?? 'EFAIL');
      }
      resolve(out);
    });
    // A program that exits before reading its input closes the pipe: that is its exit's story, not an error here.
    child.stdin?.on('error', () => undefined);
    if (!later) {
      child.stdin?.end(opts.input);
      return;
    }
    void later.then((input) => {
      if (ended) return;
      timer = setTimeout(() => child.kill(), opts.timeoutMs);
      child.stdin?.end(input);
    });
  });
