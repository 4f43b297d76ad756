// One build script, a named config per target: the extension host bundle, the CLI and each
// webview. `--watch` rebuilds on change, `--production` minifies and drops source maps.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {Record<string, import('esbuild').BuildOptions>} */
const targets = {
  extension: {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // The engine as its own bundle, required on the first diagnosis (src/vscode/loadEngine.ts), so
  // activation does not parse it: esbuild cannot split CommonJS output.
  engine: {
    entryPoints: ['src/vscode/engineEntry.ts'],
    outfile: 'dist/engine.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // The CLI's entry: argv dispatch only, loaded by every run. Each command is a bundle of its own
  // (`cli/<command>` below), which the entry loads on demand through V8's code cache
  // (src/engine/loadBundle.ts): a run reads and compiles its command's code and nothing else.
  cli: {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  ...cliCommands(),
  // The CLI as one file for vantages (src/cli/vantageMain.ts): piped to `node -` where no other
  // file of Netdiag exists (docs/vantage.md).
  vantage: {
    entryPoints: ['src/cli/vantageMain.ts'],
    outfile: 'dist/vantage.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  // The bind analysis (YAML, JSONC and TOML parsers included) as its own bundle, required on the
  // first analysis or hover (src/vscode/bind/loadBind.ts), so activation stays cheap.
  bind: {
    entryPoints: ['src/vscode/bind/bindEntry.ts'],
    outfile: 'dist/bind.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  reportView: {
    entryPoints: ['webview/report/main.ts'],
    outfile: 'dist/webview/report.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  comparisonView: {
    entryPoints: ['webview/comparison/main.ts'],
    outfile: 'dist/webview/comparison.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  endpointsView: {
    entryPoints: ['webview/endpoints/main.ts'],
    outfile: 'dist/webview/endpoints.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  certificateView: {
    entryPoints: ['webview/certificate/main.ts'],
    outfile: 'dist/webview/certificate.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
};

/** One target per file in src/cli/commands/: `cli/<name>` → dist/cli/<name>.js (src/cli/commands.ts lists them). */
function cliCommands() {
  const fs = require('node:fs');
  const out = {};
  for (const file of fs.readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts'))) {
    const name = file.slice(0, -'.ts'.length);
    out[`cli/${name}`] = {
      entryPoints: [`src/cli/commands/${file}`],
      outfile: `dist/cli/${name}.js`,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // jsonc-parser's UMD build requires its modules dynamically, which esbuild cannot follow.
      mainFields: ['module', 'main'],
    };
  }
  return out;
}

/** Codicons' stylesheet and font, next to the webview bundles that link them (webviewHtml.ts). */
function copyCodicons() {
  const fs = require('node:fs');
  const path = require('node:path');
  fs.mkdirSync('dist/webview', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join('node_modules', '@vscode', 'codicons', 'dist', file), path.join('dist', 'webview', file));
  }
}

async function main() {
  copyCodicons();
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  // `--only=cli` also builds every `cli/<command>` bundle.
  const names = Object.keys(targets).filter((n) => !only || only.split(',').some((o) => n === o || n.startsWith(`${o}/`)));
  const contexts = await Promise.all(
    names.map((name) =>
      esbuild.context({
        bundle: true,
        minify: production,
        sourcemap: production ? false : 'linked',
        sourcesContent: false,
        logLevel: 'warning',
        legalComments: 'none',
        metafile: true,
        ...targets[name],
      }),
    ),
  );
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log(`watching ${names.join(', ')}`);
    return;
  }
  for (const [i, ctx] of contexts.entries()) {
    const result = await ctx.rebuild();
    const outputs = Object.entries(result.metafile?.outputs ?? {}).filter(([f]) => !f.endsWith('.map'));
    for (const [file, info] of outputs) console.log(`${names[i]}: ${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    await ctx.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
