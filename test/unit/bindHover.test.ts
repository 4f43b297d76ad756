// What a hover says over each kind of value, computed without network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BindAnalysis } from '../../src/engine/bind/analyze';
import { hoverAt } from '../../src/engine/bind/hover';

const COMPOSE = `services:
  api:
    image: api:1
    environment:
      HOST: 127.0.0.1
      PORT: "3000"
      DB_URL: postgres://db:5432/app
    ports:
      - "8080:3000"
  db:
    image: postgres:16
    expose:
      - "5432"
`;

function at(text: string, needle: string, delta = 1): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return i + delta;
}

describe('hoverAt', () => {
  const a = new BindAnalysis();
  a.update('docker-compose.yml', COMPOSE);
  const model = a.model({ interfaces: null, live: null });

  it('a bind value: the service, the address class and the finding there', () => {
    const spot = hoverAt(model, 'docker-compose.yml', COMPOSE, at(COMPOSE, '127.0.0.1'))!;
    assert.equal(spot.kind, 'bind');
    assert.equal(spot.title, 'Bind 127.0.0.1:3000 (HOST) of "api" (container)');
    assert.match(spot.meaning, /^Loopback: this container only/);
    assert.equal(spot.verdict, 'Problem: BIND_LOOPBACK_IN_CONTAINER');
    assert.equal(spot.target, null, 'a bind address is not a destination');
    assert.equal(COMPOSE.slice(spot.start, spot.end), '127.0.0.1');
  });

  it('a port mapping: published on every host interface, the target to diagnose', () => {
    const spot = hoverAt(model, 'docker-compose.yml', COMPOSE, at(COMPOSE, '8080:3000'))!;
    assert.equal(spot.kind, 'published');
    assert.equal(spot.title, 'Port mapping: host every interface:8080 → container port 3000/tcp');
    assert.match(spot.meaning, /every interface of the host/);
    assert.equal(spot.target, '127.0.0.1:8080');
  });

  it('a client URL naming a service of the project: no finding, a name to resolve', () => {
    const spot = hoverAt(model, 'docker-compose.yml', COMPOSE, at(COMPOSE, 'db:5432', 2))!;
    assert.equal(spot.kind, 'client');
    assert.equal(spot.verdict, 'OK: no bind problem found here');
    assert.match(spot.meaning, /The service "db" of this project/);
    assert.equal(spot.name, 'db');
    assert.equal(spot.target, 'postgres://db:5432/app');
  });

  it('an nginx server_name: a virtual-host name, not a bind, with its block\'s listens; never looked up', () => {
    const conf = 'server {\n  listen 127.0.0.1:8080;\n  server_name api.example.test *.example.test;\n}\nserver {\n  server_name _ other.example.test;\n}\n';
    const n = new BindAnalysis();
    n.update('nginx.conf', conf);
    const m = n.model({ interfaces: null, live: null });
    assert.deepEqual(m.vhosts?.map((v) => [v.service, v.name]), [['host:.', 'api.example.test'], ['host:.', '*.example.test'], ['host:.', 'other.example.test']]);
    const spot = hoverAt(m, 'nginx.conf', conf, at(conf, 'api.example.test'))!;
    assert.equal(spot.kind, 'vhost');
    assert.equal(spot.title, 'Virtual host api.example.test (server_name) of "project" (host)');
    assert.equal(
      spot.meaning,
      "A virtual-host name: nginx picks this server block when the client's Host header (or TLS SNI) is this name; it is not an address nginx binds — clients must resolve it to an address this server listens on (listen 127.0.0.1:8080).",
    );
    assert.equal(conf.slice(spot.start, spot.end), 'api.example.test');
    assert.equal(spot.name, null, 'a virtual-host name is not resolved');
    assert.equal(spot.target, null);
    assert.match(hoverAt(m, 'nginx.conf', conf, at(conf, '*.example'))!.meaning, /Host header \(or TLS SNI\) matches this wildcard/);
    assert.match(hoverAt(m, 'nginx.conf', conf, at(conf, 'other.example'))!.meaning, /\(no listen in this server block: nginx listens on \*:80/);
    assert.equal(hoverAt(m, 'nginx.conf', conf, at(conf, '_ other', 0))?.kind ?? null, null, '`_` is not a name');
  });

  it('any endpoint in a file the analysis does not know: address class from classifyAddress', () => {
    const text = 'upstream = "10.1.2.3:8443"\nother = 1\n';
    const spot = hoverAt(null, 'notes.txt', text, at(text, '10.1.2.3'))!;
    assert.equal(spot.kind, 'endpoint');
    assert.equal(spot.target, '10.1.2.3:8443');
    assert.match(spot.meaning, /IPv4, private \(RFC 1918\)/);
    assert.equal(spot.name, null, 'IP literals are never looked up');
    assert.equal(hoverAt(null, 'notes.txt', text, at(text, 'other')), null);
  });
});
