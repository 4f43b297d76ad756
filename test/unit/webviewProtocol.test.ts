import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWebviewToHost } from '../../src/protocol/reportView.ts';

describe('isWebviewToHost', () => {
  it('accepts each message the report view sends', () => {
    for (const type of ['ready', 'rerun', 'copyJson', 'copyCurl', 'cancel']) assert.equal(isWebviewToHost({ type }), true, type);
  });

  it('rejects anything else a webview could post', () => {
    for (const value of [null, undefined, 'ready', 42, {}, { type: 'report' }, { type: 'status' }, { type: 'READY' }, { type: 1 }, { type: 'toString' }, { type: '__proto__' }]) {
      assert.equal(isWebviewToHost(value), false, JSON.stringify(value) ?? String(value));
    }
  });
});
