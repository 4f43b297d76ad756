// Where the CLI keeps what makes its next run cheaper (the trust stores' index, V8's code cache of
// its bundles): the user's cache directory, as the platform names it. Nothing in it is needed:
// delete it at will.
import path from 'node:path';

/** `$XDG_CACHE_HOME/netdiag` (else `~/.cache/netdiag`), `~/Library/Caches/netdiag` on macOS, `%LOCALAPPDATA%\netdiag\Cache` on Windows; null without a home. */
export function userCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | null {
  const { isAbsolute, join } = platform === 'win32' ? path.win32 : path.posix;
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'];
    return local && isAbsolute(local) ? join(local, 'netdiag', 'Cache') : null;
  }
  if (platform === 'darwin') return home ? join(home, 'Library', 'Caches', 'netdiag') : null;
  // The XDG Base Directory spec: a relative value is invalid and is ignored.
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'netdiag');
  return home ? join(home, '.cache', 'netdiag') : null;
}
