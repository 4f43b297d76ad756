// One set of defaults: package.json's settings (what the Settings UI shows) equal the extension's
// fallbacks, which come from the engine's defaults — the same ones the CLI's flags start from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TIMEOUTS, DEFAULTS } from '../../src/engine/options';
import { SETTING_DEFAULTS } from '../../src/vscode/settingDefaults';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as Manifest;
const contributed = Object.fromEntries(Object.entries(manifest.contributes.configuration.properties).map(([key, p]) => [key.replace(/^netdiag\./, ''), p.default]));

describe('setting defaults', () => {
  it("package.json's contributes.configuration defaults equal the extension's, setting by setting", () => {
    assert.deepEqual(contributed, { ...SETTING_DEFAULTS });
  });

  it("the engine's defaults are the settings' defaults", () => {
    assert.deepEqual(
      { dnsMs: contributed['timeouts.dnsMs'], connectMs: contributed['timeouts.connectMs'], tlsMs: contributed['timeouts.tlsMs'], httpMs: contributed['timeouts.httpMs'] },
      DEFAULT_TIMEOUTS,
    );
    assert.equal(contributed['http.followRedirects'], DEFAULTS.followRedirects);
    assert.equal(contributed['http.maxRedirects'], DEFAULTS.maxRedirects);
    assert.equal(contributed['http.maxBodyBytes'], DEFAULTS.maxBodyBytes);
  });
});
