// One set of defaults: package.json's settings (what the Settings UI shows) equal the extension's
// fallbacks, which come from the engine's defaults — the same ones the CLI's flags start from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TIMEOUTS, DEFAULTS, LIMITS, type Range } from '../../src/engine/options';
import { SETTING_DEFAULTS } from '../../src/vscode/settingDefaults';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number }> } };
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

  it("the settings' minimum and maximum are the ranges the engine's setup and the CLI check", () => {
    const properties = manifest.contributes.configuration.properties;
    const rangeOf = (key: string): Range => ({ min: properties[`netdiag.${key}`]?.minimum ?? NaN, max: properties[`netdiag.${key}`]?.maximum ?? NaN });
    for (const key of ['timeouts.dnsMs', 'timeouts.connectMs', 'timeouts.tlsMs', 'timeouts.httpMs']) assert.deepEqual(rangeOf(key), { min: LIMITS.timeoutMs.min, max: LIMITS.timeoutMs.max }, key);
    assert.deepEqual(rangeOf('http.maxRedirects'), { min: LIMITS.maxRedirects.min, max: LIMITS.maxRedirects.max });
    assert.deepEqual(rangeOf('http.maxBodyBytes'), { min: LIMITS.maxBodyBytes.min, max: LIMITS.maxBodyBytes.max });
  });
});
