// execRunner (src/engine/command.ts) with real programs: no shell, stdin written at once or once
// a promised input settles (a tool started ahead and asked later), bounded and cancellable.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { execRunner } from '../../src/engine/command';

const never = new AbortController().signal;

describe('execRunner', () => {
  it('writes its input to the program at once', async () => {
    assert.deepEqual(await execRunner('cat', [], { signal: never, timeoutMs: 2000, input: 'now\n' }), { stdout: 'now\n', stderr: '' });
  });

  it('starts the program now and writes a promised input when it settles; the timeout runs from then', async () => {
    let write!: (text: string) => void;
    const input = new Promise<string>((resolve) => (write = resolve));
    const started = Date.now();
    const out = execRunner('cat', [], { signal: never, timeoutMs: 300, input });
    // Longer than the timeout: a program waiting for its questions is not late.
    await sleep(500);
    write('later\n');
    assert.deepEqual(await out, { stdout: 'later\n', stderr: '' });
    assert.ok(Date.now() - started >= 500);
  });

  it('a program that does not finish within the timeout after its input is stopped: ETIMEDOUT', async () => {
    const out = await execRunner('sleep', ['5'], { signal: never, timeoutMs: 200, input: Promise.resolve('') });
    assert.equal(out.errorCode, 'ETIMEDOUT');
  });

  it('a program still waiting for its input is stopped with the signal: ABORT_ERR', async () => {
    const stop = new AbortController();
    const out = execRunner('cat', [], { signal: stop.signal, timeoutMs: 2000, input: new Promise<string>(() => undefined) });
    await sleep(50);
    stop.abort();
    assert.equal((await out).errorCode, 'ABORT_ERR');
  });

  it('a program that is not installed: ENOENT, never a throw', async () => {
    assert.equal((await execRunner('netdiag-no-such-tool', [], { signal: never, timeoutMs: 1000, input: Promise.resolve('') })).errorCode, 'ENOENT');
  });
});
