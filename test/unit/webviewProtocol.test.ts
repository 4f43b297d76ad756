// What each panel accepts from the report webview, and which saved states the webview and the
// report panel's serializer take back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDiagnosisMessage, isLookupMessage, isViewState, layerDocsSection, type OpenLayerDocsMessage } from '../../src/protocol/reportView.ts';

const HOSTILE: unknown[] = [null, undefined, 'ready', 42, {}, { type: 'report' }, { type: 'status' }, { type: 'READY' }, { type: 1 }, { type: 'toString' }, { type: '__proto__' }, { type: 'constructor' }];

describe('the messages each panel accepts', () => {
  it('the report panel: the diagnosis buttons, not the lookup ones', () => {
    for (const type of ['ready', 'rerun', 'cancel', 'copyJson', 'copyCurl', 'editRequest', 'traceRoute', 'export', 'openLayerDocs']) assert.equal(isDiagnosisMessage({ type }), true, type);
    assert.equal(isDiagnosisMessage({ type: 'copyDig' }), false);
  });

  it('the lookup panel: the lookup buttons, not the diagnosis ones', () => {
    for (const type of ['ready', 'rerun', 'cancel', 'copyJson', 'copyDig']) assert.equal(isLookupMessage({ type }), true, type);
    for (const type of ['copyCurl', 'editRequest', 'traceRoute', 'export', 'openLayerDocs']) assert.equal(isLookupMessage({ type }), false, type);
  });

  it('a docs link opens a known layer\'s section only', () => {
    const asked = (layer: unknown): string | null => layerDocsSection({ type: 'openLayerDocs', layer } as OpenLayerDocsMessage);
    for (const layer of ['dns', 'application', 'tls', 'transport', 'internet', 'link']) assert.equal(asked(layer), layer);
    for (const layer of ['../../etc/passwd', 'TRANSPORT', '', undefined, 7, 'toString', '__proto__']) assert.equal(asked(layer), null, String(layer));
  });

  it('neither takes anything else a webview could post', () => {
    for (const value of HOSTILE) {
      assert.equal(isDiagnosisMessage(value), false, JSON.stringify(value) ?? String(value));
      assert.equal(isLookupMessage(value), false, JSON.stringify(value) ?? String(value));
    }
  });
});

describe('isViewState', () => {
  it('takes an empty state and a document of a known kind', () => {
    assert.equal(isViewState({ report: null, status: 'done' }), true);
    assert.equal(isViewState({ report: { kind: 'diagnosis' }, status: 'running', error: 'x' }), true);
    assert.equal(isViewState({ report: { kind: 'dns-lookup' }, status: 'cancelled' }), true);
  });

  it('refuses what an older version saved (no kind), unknown statuses and junk', () => {
    for (const value of [...HOSTILE, { report: { target: {} }, status: 'done' }, { report: null, status: 'sleeping' }, { report: { kind: 'other' }, status: 'done' }, { status: 'done' }]) {
      assert.equal(isViewState(value), false, JSON.stringify(value) ?? String(value));
    }
  });
});
