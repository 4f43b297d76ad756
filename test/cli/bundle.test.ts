// The built CLI holds the engine and nothing of VS Code: it proves the engine runs without it
// (docs/architecture.md). Every CLI bundle is checked: no `vscode` module is required or imported,
// and (from the source map of a development build) no source under src/vscode/ or webview/ was
// bundled.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../helpers/cli';

const DIST = dirname(CLI);

/** dist/cli.js and any bundle the CLI loads beside it (dist/cli-*.js, dist/cli/**), and dist/vantage.js (the CLI a vantage runs). */
function cliBundles(): string[] {
  const own = readdirSync(DIST).filter((f) => /^(cli([-.].+)?|vantage)\.js$/.test(f)).map((f) => join(DIST, f));
  const folder = join(DIST, 'cli');
  const nested = existsSync(folder) ? readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => join(folder, f)) : [];
  return [...own, ...nested];
}

describe('the CLI bundle', () => {
  it('exists (npm run build makes it)', () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  });

  for (const file of cliBundles()) {
    it(`${file.slice(DIST.length + 1)} requires and imports no vscode module`, () => {
      const code = readFileSync(file, 'utf8');
      assert.doesNotMatch(code, /require\(\s*["']vscode["']\s*\)/);
      assert.doesNotMatch(code, /\bfrom\s*["']vscode["']|import\(\s*["']vscode["']\s*\)/);
    });

    it(`${file.slice(DIST.length + 1)} bundles no source from src/vscode/ or webview/`, (t) => {
      const map = `${file}.map`;
      if (!existsSync(map)) return t.skip('no source map (a production build)');
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      assert.ok(sources.some((s) => s.includes('src/engine/')), 'the map lists the engine, so it is the right map');
      assert.deepEqual(sources.filter((s) => /(^|\/)(src\/vscode|webview)\//.test(s)), []);
    });
  }
});
