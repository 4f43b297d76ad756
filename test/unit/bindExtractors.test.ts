// One fixture per format: each extractor finds the binds, published ports and clients a reader
// of that file would, at the exact text of the value.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extractFile } from '../../src/engine/bind/formats';
import { parseHostPort, parsePortMapping, parseUrl, bindKind, commandBinds } from '../../src/engine/bind/values';
import type { SourceRange } from '../../src/engine/model/bind';

const DIR = join(__dirname, '../fixtures/bind/formats');

function facts(file: string): { format: string; binds: string[]; published: string[]; clients: string[] } {
  const text = readFileSync(join(DIR, file), 'utf8');
  const f = extractFile(file, text);
  assert.ok(f, `${file} is recognised`);
  const at = (r: SourceRange): string => `${r.line + 1}:${r.column + 1} ${text.slice(r.start, r.end)}`;
  assert.deepEqual(f.parseErrors, []);
  return {
    format: f.format,
    binds: f.binds.map((b) => `${b.address ?? '-'} ${b.kind} ${b.port ?? '-'}/${b.protocol} ${b.origin} @${at(b.addressRange ?? b.source)}`),
    published: f.published.map((p) => `${p.hostIp ?? '*'} ${p.hostPort ?? '-'}→${p.containerPort}/${p.protocol} ${p.origin}`),
    clients: f.clients.map((c) => `${c.host}:${c.port ?? '-'} ${c.origin} @${at(c.hostRange)}`),
  };
}

describe('extractors', () => {
  it('compose: short and long ports with host IPs, expose, environment, command, network_mode', () => {
    const f = facts('docker-compose.yml');
    assert.equal(f.format, 'compose');
    assert.deepEqual(f.published, ['* 8080→80/tcp ports', '127.0.0.1 9001→9000/tcp ports (long syntax)', '::1 5353→53/udp ports', '* -→7000/tcp expose']);
    assert.deepEqual(f.binds, ['0.0.0.0 all-ipv4 80/tcp HOST @14:14 0.0.0.0', '0.0.0.0 all-ipv4 80/tcp -b @16:26 0.0.0.0']);
    const compose = extractFile('docker-compose.yml', readFileSync(join(DIR, 'docker-compose.yml'), 'utf8'))!;
    assert.deepEqual(compose.services.map((s) => [s.id, s.runtime, s.hostNetwork]), [['app', 'container', true]]);
    assert.deepEqual(compose.attachments, [{ service: 'app', path: 'app', kind: 'build' }]);
  });

  it('Dockerfile: EXPOSE, ENV and exec-form CMD flags', () => {
    const f = facts('Dockerfile');
    assert.deepEqual(f.published, ['* -→8000/tcp EXPOSE', '* -→9090/tcp EXPOSE']);
    assert.deepEqual(f.binds, ['0.0.0.0 all-ipv4 8000/tcp --host @4:40 0.0.0.0', '0.0.0.0 all-ipv4 8000/tcp BIND_ADDRESS @2:18 0.0.0.0']);
  });

  it('dotenv: HOST+PORT, LISTEN_ADDR, DATABASE_URL, *_HOST+*_PORT', () => {
    const f = facts('.env.development');
    assert.deepEqual(f.binds, ['::1 loopback 9000/tcp LISTEN_ADDR @7:14 ::1', '127.0.0.1 loopback 4000/tcp HOST @2:13 127.0.0.1']);
    assert.deepEqual(f.clients, ['db.internal:5433 DATABASE_URL @4:38 db.internal', 'cache:6380 REDIS_HOST @5:12 cache']);
  });

  it('ASP.NET: Kestrel endpoints, applicationUrl lists, connection strings', () => {
    const a = facts('appsettings.Development.json');
    assert.deepEqual(a.binds, ['localhost loopback 5000/tcp Kestrel:Endpoints:Http:Url @4:32 localhost', '* all 5001/tcp Kestrel:Endpoints:Https:Url @5:34 *']);
    assert.deepEqual(a.clients, ['sql:1433 ConnectionStrings:Default @8:45 sql']);
    const l = facts('launchSettings.json');
    assert.deepEqual(l.binds, ['localhost loopback 7001/tcp applicationUrl @5:34 localhost', 'localhost loopback 5001/tcp applicationUrl @5:56 localhost']);
  });

  it('Spring Boot: properties and YAML', () => {
    const p = facts('application.properties');
    assert.deepEqual(p.binds, ['127.0.0.1 loopback 8081/tcp server.address @1:16 127.0.0.1', '- default 9091/tcp management.server.port @3:24 9091']);
    assert.deepEqual(p.clients, ['redis:6379 spring.data.redis.host @5:24 redis', 'db:5432 spring.datasource.url @4:41 db']);
    const y = facts('application-prod.yml');
    assert.deepEqual(y.binds, ['0.0.0.0 all-ipv4 8443/tcp server.address @2:12 0.0.0.0']);
    assert.deepEqual(y.clients, ['kafka:9092 spring.kafka.bootstrap-servers @6:24 kafka']);
  });

  it('nginx: listen forms, upstream servers, proxy_pass (not to an upstream name)', () => {
    const f = facts('nginx/nginx.conf');
    assert.deepEqual(f.binds, ['- default 80/tcp listen @4:12 80', ':: all 443/tcp listen @5:13 ::', '127.0.0.1 loopback 8081/tcp listen @6:12 127.0.0.1']);
    assert.deepEqual(f.clients, ['app1:8080 upstream backend @2:29 app1', '10.0.0.5:8080 upstream backend @2:47 10.0.0.5', 'static:9000 proxy_pass @9:37 static']);
    assert.equal(facts('conf.d/site.conf').format, 'nginx');
  });

  it('nginx: server_name values per server block with its listens; `_` and `""` skipped, wildcards and regexes kept', () => {
    const text = readFileSync(join(DIR, 'nginx/nginx.conf'), 'utf8');
    const f = extractFile('nginx/nginx.conf', text)!;
    assert.deepEqual(
      (f.vhosts ?? []).map((v) => `${v.name} @${v.source.line + 1}:${v.source.column + 1}-${v.source.endLine + 1}:${v.source.endColumn + 1} ${text.slice(v.source.start, v.source.end)} [${v.listens.join(' ')}]`),
      [
        'example.test @7:17-7:29 example.test [80 [::]:443 127.0.0.1:8081]',
        'www.example.test @7:30-7:46 www.example.test [80 [::]:443 127.0.0.1:8081]',
        '*.example.test @12:22-12:36 *.example.test []',
        '~^api\\d{1,3}\\.example\\.test$ @12:38-12:66 ~^api\\d{1,3}\\.example\\.test$ []',
      ],
    );
    assert.equal(extractFile('conf.d/site.conf', readFileSync(join(DIR, 'conf.d/site.conf'), 'utf8'))!.vhosts, undefined, 'no server_name, no vhosts');
  });

  it('Node: package.json scripts and vite.config server block', () => {
    assert.deepEqual(facts('package.json').binds, ['0.0.0.0 all-ipv4 5173/tcp --host @4:25 0.0.0.0', '127.0.0.1 loopback 8082/tcp -H @5:30 127.0.0.1']);
    assert.deepEqual(facts('vite.config.mjs').binds, ['127.0.0.1 loopback 5174/tcp server.host @3:20 127.0.0.1']);
  });

  it('Python: Procfile (gunicorn -b with $PORT, uvicorn, runserver) and gunicorn.conf.py', () => {
    assert.deepEqual(facts('Procfile').binds, ['0.0.0.0 all-ipv4 -/tcp -b @1:18 0.0.0.0', '127.0.0.1 loopback 8001/tcp --host @2:29 127.0.0.1', '0.0.0.0 all-ipv4 8002/tcp runserver @3:35 0.0.0.0']);
    assert.deepEqual(facts('gunicorn.conf.py').binds, ['127.0.0.1 loopback 8003/tcp bind @2:9 127.0.0.1']);
  });

  it('Kubernetes: containerPort, probe port, Service port/targetPort/nodePort, env', () => {
    const f = facts('k8s/deploy.yaml');
    assert.equal(f.format, 'kubernetes');
    assert.deepEqual(f.published, ['* -→8080/tcp containerPort', '* -→8080/tcp readinessProbe', '* 80→8080/tcp Service port', '* 30080→8080/tcp nodePort']);
    assert.deepEqual(f.clients, ['db:5432 DB_URL @18:33 db']);
  });

  it('Redis, PostgreSQL, MySQL, MongoDB', () => {
    assert.deepEqual(facts('redis.conf').binds, ['127.0.0.1 loopback 6380/tcp bind @2:6 127.0.0.1', '::1 loopback 6380/tcp bind @2:17 ::1']);
    assert.deepEqual(facts('postgresql.conf').binds, ['localhost loopback 5433/tcp listen_addresses @1:21 localhost', '10.1.2.3 specific 5433/tcp listen_addresses @1:31 10.1.2.3']);
    assert.deepEqual(facts('my.cnf').binds, ['0.0.0.0 all-ipv4 3308/tcp bind-address @4:16 0.0.0.0']);
    assert.deepEqual(facts('mongod.conf').binds, ['127.0.0.1 loopback 27018/tcp net.bindIp @3:11 127.0.0.1', '::1 loopback 27018/tcp net.bindIp @3:21 ::1']);
  });

  it('generic fallback: URLs and host:port in TOML and INI', () => {
    assert.deepEqual(facts('settings.toml').clients, ['api.internal:8080 url @2:15 api.internal', 'cache:11211 addr @3:9 cache']);
    assert.deepEqual(facts('config.ini').clients, ['auth.example.com:443 endpoint @2:20 auth.example.com']);
  });

  it('ignores files that are not configs', () => {
    assert.equal(extractFile('src/main.ts', 'const x = "http://localhost:1";'), null);
    assert.equal(extractFile('package-lock.json', '{}'), null);
  });
});

describe('values', () => {
  it('bindKind', () => {
    assert.deepEqual(['0.0.0.0', '::', '[::]', '*', '+', '127.0.0.2', '::1', 'localhost', '10.0.0.1', 'fe80::1%eth0', 'db', 'http://x', null].map(bindKind), ['all-ipv4', 'all', 'all', 'all', 'all', 'loopback', 'loopback', 'loopback', 'specific', 'specific', 'name', 'url', 'default']);
  });
  it('parseHostPort', () => {
    assert.deepEqual(parseHostPort('[::1]:80'), { host: '::1', port: 80, hostOffset: 1 });
    assert.deepEqual(parseHostPort(':8080'), { host: null, port: 8080, hostOffset: 0 });
    assert.deepEqual(parseHostPort('db:99999'), { host: 'db', port: null, hostOffset: 0 });
    assert.equal(parseHostPort('a b'), null);
  });
  it('parsePortMapping', () => {
    assert.deepEqual(parsePortMapping('80'), { hostIp: null, hostPort: null, containerPort: 80, protocol: 'tcp', hostIpOffset: 0 });
    assert.deepEqual(parsePortMapping('8080:80'), { hostIp: null, hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIpOffset: 0 });
    assert.deepEqual(parsePortMapping('127.0.0.1:8080:80/udp'), { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp', hostIpOffset: 0 });
    assert.deepEqual(parsePortMapping('[::1]:8080:80'), { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIpOffset: 1 });
    assert.deepEqual(parsePortMapping('127.0.0.1::80'), { hostIp: '127.0.0.1', hostPort: null, containerPort: 80, protocol: 'tcp', hostIpOffset: 0 });
    assert.equal(parsePortMapping('eighty'), null);
  });
  it('parseUrl: default ports, credentials, IPv6, JDBC', () => {
    assert.deepEqual(parseUrl('postgres://u:p@db/x'), { scheme: 'postgres', host: 'db', port: 5432, hostOffset: 15 });
    assert.deepEqual(parseUrl('http://[::1]:8080/'), { scheme: 'http', host: '::1', port: 8080, hostOffset: 8 });
    assert.equal(parseUrl('jdbc:mysql://m:3307/x')?.port, 3307);
    assert.equal(parseUrl('not a url'), null);
  });
  it('commandBinds ignores commands that start no server', () => {
    assert.deepEqual(commandBinds('curl -p 8080 --host x'), []);
    assert.equal(commandBinds('python -m http.server 8000 --bind 127.0.0.1')[0]?.port, 8000);
  });
});
