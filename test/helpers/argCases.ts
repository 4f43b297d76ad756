// Hostile and out-of-range command-line arguments, for every subcommand: numbers a timer cannot
// hold (Node clamps 2^31 ms to 1 ms), negative and fractional numbers, header injection (CR/LF),
// header names that are not tokens and values beyond Latin-1, CONNECT as a method, proxy URLs of
// unsupported schemes, and trace targets that would reach the tool as options. Each must end the
// run with exit 2 and one line that names what is wrong, before anything is sent: the cases point
// at `port` (a silent server the test starts) and `dns` (a DNS server it starts), so a test can
// also check that nobody was contacted.

export interface ArgCase {
  /** A short name for the test title. */
  name: string;
  /** The CLI arguments, given the loopback port of a silent TCP server and a DNS server `ADDR:PORT`. */
  args: (peer: { port: number; dns: string }) => string[];
  /** What the one line on stderr must say. */
  says: RegExp;
}

const TIMEOUT = /--timeout takes a whole number of ms from 1 to 600000/;

/** Numbers outside each numeric option's range, in every subcommand that has one. */
export const NUMERIC_ARG_CASES: readonly ArgCase[] = [
  { name: 'diagnose --timeout 2^31', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--timeout', '2147483648'], says: TIMEOUT },
  { name: 'diagnose --timeout -1', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--timeout', '-1'], says: TIMEOUT },
  { name: 'diagnose --timeout 0', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--timeout', '0'], says: TIMEOUT },
  { name: 'diagnose --timeout 1.5', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--timeout', '1.5'], says: TIMEOUT },
  { name: 'diagnose --max-redirects 100000', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--max-redirects', '100000'], says: /--max-redirects takes a whole number from 0 to 50/ },
  { name: 'diagnose --max-redirects -1', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--max-redirects', '-1'], says: /--max-redirects takes a whole number from 0 to 50/ },
  { name: 'cert --timeout 2^31', args: ({ port }) => ['cert', `127.0.0.1:${port}`, '--timeout', '2147483648'], says: TIMEOUT },
  { name: 'cert --concurrency 0', args: ({ port }) => ['cert', `127.0.0.1:${port}`, '--scan', '--concurrency', '0'], says: /--concurrency takes a whole number from 1 to 64/ },
  { name: 'dns --timeout 2^30', args: ({ dns }) => ['dns', 'app.test', '--server', dns, '--no-system', '--timeout', '1073741824'], says: TIMEOUT },
  { name: 'dns --timeout -5', args: ({ dns }) => ['dns', 'app.test', '--server', dns, '--no-system', '--timeout', '-5'], says: TIMEOUT },
  { name: 'trace --timeout 2^31', args: () => ['trace', '127.0.0.1', '--timeout', '2147483648'], says: TIMEOUT },
  { name: 'trace --max-hops 256', args: () => ['trace', '127.0.0.1', '--max-hops', '256'], says: /--max-hops takes a whole number from 1 to 255/ },
];

/** Requests, proxies and trace targets that cannot be sent as given. */
export const INPUT_ARG_CASES: readonly ArgCase[] = [
  { name: '-H with CR/LF (header injection)', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '-H', 'X-A: a\r\nInjected: 1'], says: /carriage return \(U\+000D\).*line break/ },
  { name: '-H with a name that is not a token', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '-H', 'Bad Name: v'], says: /header name "Bad Name" has a space/ },
  { name: '-H with a value beyond Latin-1', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '-H', 'X-Price: 5 €'], says: /"€" \(U\+20AC\).*Latin-1/ },
  { name: '-H with an escape character', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '-H', 'X-T: \x1b[2J'], says: /control character \(U\+001B\)/ },
  { name: '-X CONNECT', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '-X', 'CONNECT'], says: /--method CONNECT: CONNECT opens a tunnel.*--proxy/ },
  { name: '-X with a space', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '-X', 'GE T'], says: /"GE T" is not an HTTP method/ },
  { name: '--proxy socks5://', args: ({ port }) => ['diagnose', `http://127.0.0.1:${port}/`, '--proxy', `socks5://127.0.0.1:${port}`], says: /--proxy "socks5:.*socks5:\/\/ proxies are not supported/ },
  { name: '--proxy https://', args: ({ port }) => ['diagnose', `https://127.0.0.1:${port}/`, '--proxy', `https://user:secret@127.0.0.1:${port}`], says: /--proxy "https:\/\/user:\*\*\*@.*https:\/\/ proxies .* are not supported/ },
  { name: 'trace -- -b (an option as the host)', args: () => ['trace', '--', '-b'], says: /"-b" is not a host name or IP address/ },
  { name: 'trace http://-V/', args: () => ['trace', 'http://-V/'], says: /"-v" is not a host name or IP address/ },
];
