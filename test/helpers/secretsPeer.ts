// An HTTP server that plants secrets where a diagnosis records what it saw, and the request that
// plants the rest: a redirect whose Location carries a password and a signature, cookies and a
// token in the response headers, and (in `plantedRequest`) a URL password, a username that is a
// token, credential query parameters and every kind of credential header. Every planted value
// holds PLANTED, so a test can sweep any output (text, JSON, Markdown, HAR, curl, logs) for it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every planted value contains this (lower case); no output may, unless secrets are revealed. */
export const PLANTED = 'planted';

/** Credential headers a request carries: the fixed list of old, and those only a rule finds. */
export const PLANTED_HEADERS: Readonly<Record<string, string>> = {
  Authorization: 'Bearer planted-authorization',
  Cookie: 'sid=planted-cookie-request',
  'Private-Token': 'planted-gitlab-token',
  'X-Goog-Api-Key': 'planted-google-key',
  'X-Vault-Token': 'planted-vault-token',
  'Ocp-Apim-Subscription-Key': 'planted-azure-key',
  'X-Access-Token': 'planted-access-token',
  'X-Amz-Security-Token': 'planted-aws-token',
};

export interface SecretsPeer {
  port: number;
  /** A URL of the peer with a password and a credential query parameter in it. */
  urlWithPassword: string;
  /** A URL whose username alone is the credential (`https://TOKEN@host`). */
  urlWithTokenUser: string;
  close(): Promise<void>;
}

export async function startSecretsPeer(): Promise<SecretsPeer> {
  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    if ((req.url ?? '').startsWith('/start')) {
      res.writeHead(302, {
        Location: `http://user:planted-location-password@127.0.0.1:${port}/next?sig=planted-signature&page=2`,
        'Set-Cookie': 'session=planted-cookie-response; HttpOnly',
        'X-Session-Token': 'planted-response-token',
      });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Upstream-Api-Key': 'planted-response-key' });
    res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    urlWithPassword: `http://user:planted-url-password@127.0.0.1:${port}/start?access_token=planted-query-token&page=1`,
    urlWithTokenUser: `http://planted-username-token@127.0.0.1:${port}/start`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
