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
  cli: {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  reportView: {
    entryPoints: ['webview/report/main.ts'],
    outfile: 'dist/webview/report.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
};

async function main() {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const names = Object.keys(targets).filter((n) => !only || only.split(',').includes(n));
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
