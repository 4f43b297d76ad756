// The options a command prepared while its target was typed serve the run that follows
// (src/vscode/preparedOptions.ts): once, for the same setup, and not once they are a minute old.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SetupInput } from '../../src/engine/setup';
import { PREPARED_MAX_AGE_MS, PreparedOptions } from '../../src/vscode/preparedOptions';

const setup: SetupInput = { dnsServers: ['127.0.0.1'], extraCaFiles: ['/tmp/ca.pem'] };

describe('PreparedOptions', () => {
  it('hands what was held to the run with the same setup, once', async () => {
    const prepared = new PreparedOptions<string>();
    let fresh = 0;
    const prepare = async (): Promise<string> => `fresh ${++fresh}`;
    prepared.hold(setup, Promise.resolve('while typing'));
    assert.equal(await prepared.take({ ...setup }, prepare), 'while typing');
    assert.equal(await prepared.take(setup, prepare), 'fresh 1', 'taken once: the next run prepares its own');
  });

  it('prepares afresh for another setup, and drops what it held', async () => {
    const prepared = new PreparedOptions<string>();
    prepared.hold(setup, Promise.resolve('while typing'));
    assert.equal(await prepared.take({ ...setup, extraCaFiles: [] }, async () => 'fresh'), 'fresh');
    assert.equal(await prepared.take(setup, async () => 'fresh again'), 'fresh again');
  });

  it(`prepares afresh when what it held is older than ${PREPARED_MAX_AGE_MS / 1000} s (a file may have changed)`, async () => {
    let clock = 0;
    const prepared = new PreparedOptions<string>(() => clock);
    prepared.hold(setup, Promise.resolve('while typing'));
    clock = PREPARED_MAX_AGE_MS + 1;
    assert.equal(await prepared.take(setup, async () => 'fresh'), 'fresh');
  });

  it('hands on a preparation that failed as it failed: the run reports it', async () => {
    const prepared = new PreparedOptions<string>();
    const failed = Promise.reject(new Error('CA file /tmp/ca.pem could not be read'));
    failed.catch(() => undefined);
    prepared.hold(setup, failed);
    await assert.rejects(prepared.take(setup, async () => 'fresh'), /could not be read/);
  });
});
