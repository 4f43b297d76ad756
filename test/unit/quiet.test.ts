// The quiet gate of a run (src/engine/quiet.ts): work beside the critical path waits while a
// timed window is open, runs once it closes or has lasted long enough for it (LONG_WINDOW_MS,
// SMALL_WORK_AFTER_MS for small work), and never runs synchronously from `later`.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { LONG_WINDOW_MS, Quiet, SMALL_WORK_AFTER_MS } from '../../src/engine/quiet';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Quiet', () => {
  it('runs work later, never inside the call, when no window is open', async () => {
    const quiet = new Quiet();
    let ran = false;
    quiet.later(() => (ran = true));
    assert.equal(ran, false);
    await sleep(5);
    assert.equal(ran, true);
  });

  it('holds work while a window is open and runs it once the window closes', async () => {
    const quiet = new Quiet();
    const order: string[] = [];
    const close = quiet.window();
    quiet.later(() => order.push('beside'));
    await sleep(10);
    await turn();
    assert.equal(order.length, 0, 'nothing ran inside the open window');
    order.push('closed');
    close();
    close(); // idempotent
    await sleep(5);
    assert.deepEqual(order, ['closed', 'beside']);
  });

  it('a window that closes and the next that opens in the same turn leave no gap for the work', async () => {
    const quiet = new Quiet();
    let ran = false;
    const connect = quiet.window();
    quiet.later(() => (ran = true));
    connect();
    const tls = quiet.window();
    await sleep(10);
    assert.equal(ran, false);
    tls();
    await sleep(5);
    assert.equal(ran, true);
  });

  it('runs the ready work by kind, readings, small work, tools, the rest, each kind in the order it came', async () => {
    const quiet = new Quiet();
    const order: string[] = [];
    const close = quiet.window();
    quiet.later(() => order.push('report 1'));
    quiet.later(() => order.push('ip started'), 'tool');
    quiet.later(() => order.push('chain described'), 'small');
    quiet.later(() => order.push('query sent'), 'reading');
    quiet.later(() => order.push('report 2'));
    quiet.later(() => order.push('DNS answer read'), 'small');
    close();
    await sleep(5);
    assert.deepEqual(order, ['query sent', 'chain described', 'DNS answer read', 'ip started', 'report 1', 'report 2']);
  });

  it('inside an open window, runs one piece a turn, so an event arriving meanwhile waits for one piece at most', async () => {
    const quiet = new Quiet();
    const order: string[] = [];
    const close = quiet.window();
    for (const n of [1, 2, 3]) {
      quiet.later(() => {
        order.push(`piece ${n}`);
        // The socket event that becomes ready while piece 1 runs.
        if (n === 1) setImmediate(() => order.push('event'));
      }, 'small');
    }
    await sleep(SMALL_WORK_AFTER_MS + 30);
    assert.deepEqual(order, ['piece 1', 'event', 'piece 2', 'piece 3']);
    close();
  });

  it('holds the work queued behind a piece that opens a window until that window closes', async () => {
    const quiet = new Quiet();
    const order: string[] = [];
    let answered = (): void => undefined;
    quiet.later(() => {
      order.push('query sent');
      answered = quiet.window();
    }, 'reading');
    quiet.later(() => order.push('chain described'), 'small');
    await sleep(10);
    assert.deepEqual(order, ['query sent'], 'the rest waits while the answer is awaited');
    order.push('answer');
    answered();
    await sleep(5);
    assert.deepEqual(order, ['query sent', 'answer', 'chain described']);
  });

  it('measures the age of the youngest open window: a window opened inside an old one holds small work back', async () => {
    const quiet = new Quiet();
    let ran = false;
    const handshake = quiet.window();
    await sleep(SMALL_WORK_AFTER_MS + 10);
    const query = quiet.window();
    quiet.later(() => (ran = true), 'small');
    await sleep(SMALL_WORK_AFTER_MS / 2);
    assert.equal(ran, false, 'the query window is young');
    query();
    await sleep(5);
    assert.equal(ran, true, 'the handshake window alone is old enough');
    handshake();
  });

  it(`runs the work inside a window that has lasted ${LONG_WINDOW_MS} ms`, async () => {
    const quiet = new Quiet();
    let ran = false;
    const close = quiet.window();
    quiet.later(() => (ran = true));
    await sleep(LONG_WINDOW_MS / 2);
    assert.equal(ran, false);
    await sleep(LONG_WINDOW_MS + 50);
    assert.equal(ran, true, 'the long window no longer holds it');
    close();
  });

  it(`small work may run in a window that has lasted ${SMALL_WORK_AFTER_MS} ms; other work still waits`, async () => {
    const quiet = new Quiet();
    const ran: string[] = [];
    const close = quiet.window();
    quiet.later(() => ran.push('report'));
    quiet.later(() => ran.push('bookkeeping'), 'small');
    await sleep(SMALL_WORK_AFTER_MS + 30);
    assert.deepEqual(ran, ['bookkeeping']);
    close();
    await sleep(5);
    assert.deepEqual(ran, ['bookkeeping', 'report']);
  });

  it('after() settles with what the work returned, or its error', async () => {
    const quiet = new Quiet();
    assert.equal(await quiet.after(() => 42), 42);
    await assert.rejects(
      quiet.after(() => {
        throw new Error('boom');
      }),
      /boom/,
    );
  });
});
