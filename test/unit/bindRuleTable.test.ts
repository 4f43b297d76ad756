// Each bind rule on its own, against the smallest model that makes it fire and the same model
// written right; and the table: one rule per bind finding code, each making only its own code.
// (bindRules.test.ts runs the same rules end to end on fixture folders.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleInput, type RuleContext } from '../../src/engine/bind/ruleInput';
import { BIND_RULES } from '../../src/engine/bind/rules';
import { addressNotLocal, hostnameBind, liveMismatch, loopbackInContainer, nameMeansAllInterfaces, privilegedPort } from '../../src/engine/bind/rules/binds';
import { localhostFamilyMismatch, localhostInContainer, unknownTarget } from '../../src/engine/bind/rules/clients';
import { allInterfacesExposed, portConflict, portMismatch } from '../../src/engine/bind/rules/ports';
import { bindKind } from '../../src/engine/bind/values';
import { FINDINGS } from '../../src/engine/findings';
import type { BindModel, BindSite, ClientRef, PublishedPort, Service, SourceRange } from '../../src/engine/model/bind';

type Model = Omit<BindModel, 'findings'>;

function at(file: string, line = 0): SourceRange {
  return { file, start: line * 10, end: line * 10 + 5, line, column: 0, endLine: line, endColumn: 5 };
}

function service(id: string, patch: Partial<Service> = {}): Service {
  return { id, name: id, runtime: 'container', hostNetwork: false, source: at('compose.yaml'), dirs: [id], ...patch };
}

function bind(svc: string, address: string | null, port: number | null, patch: Partial<BindSite> = {}): BindSite {
  return { service: svc, address, kind: bindKind(address), port, protocol: 'tcp', origin: 'HOST', source: at(`${svc}/.env`), addressRange: address === null ? null : at(`${svc}/.env`), system: false, ...patch };
}

function published(svc: string, hostPort: number | null, containerPort: number, patch: Partial<PublishedPort> = {}): PublishedPort {
  return { service: svc, hostIp: null, hostPort, containerPort, protocol: 'tcp', origin: 'ports', source: at('compose.yaml', 3), ...patch };
}

function client(svc: string, host: string, port: number | null, patch: Partial<ClientRef> = {}): ClientRef {
  return { service: svc, host, port, url: null, origin: 'DATABASE_URL', source: at(`${svc}/.env`, 1), hostRange: at(`${svc}/.env`, 1), ...patch };
}

function model(patch: Partial<Model>): Model {
  return { services: [], binds: [], published: [], clients: [], vhosts: [], ...patch };
}

const CTX: RuleContext = { interfaces: [{ name: 'lo', address: '127.0.0.1', family: 4 }, { name: 'eth0', address: '10.0.0.2', family: 4 }], live: null };

function run(rule: (typeof BIND_RULES)[keyof typeof BIND_RULES], m: Model, ctx: RuleContext = CTX): { code: string; file: string; subject: string | undefined; message: string; fix: string | undefined }[] {
  return rule(ruleInput(m, ctx)).map((f) => ({ code: f.code, file: f.range.file, subject: f.subject, message: f.message, fix: f.fix?.edits[0]?.newText }));
}

describe('bind rule table', () => {
  it('has one rule for every bind finding code, and each rule makes only its own code', () => {
    // CLIENT_TARGET_UNREACHABLE is the live check's (vantage/check.ts), not a rule over the configs.
    const bindCodes = Object.keys(FINDINGS).filter((c) => /^(BIND|CLIENT)_/.test(c) && c !== 'CLIENT_TARGET_UNREACHABLE');
    assert.deepEqual(Object.keys(BIND_RULES).sort(), bindCodes.sort());
  });

  it('every finding carries the catalogue severity, layer and hint', () => {
    const m = model({ services: [service('api')], binds: [bind('api', '127.0.0.1', 8080)], published: [published('api', 8080, 8080)] });
    const [f] = loopbackInContainer(ruleInput(m, CTX));
    assert.ok(f);
    const spec = FINDINGS.BIND_LOOPBACK_IN_CONTAINER;
    assert.deepEqual([f.severity, f.layer, f.hint], [spec.severity, spec.layer, spec.hint]);
  });
});

describe('BIND_LOOPBACK_IN_CONTAINER', () => {
  it('fires for loopback in a container that is published, with a fix to the wildcard of its family', () => {
    const m = model({ services: [service('api')], binds: [bind('api', '[::1]', 8080)], published: [published('api', 8080, 8080)] });
    const [f] = run(loopbackInContainer, m);
    assert.equal(f?.subject, '[::1]:8080');
    assert.equal(f?.fix, '::');
    assert.match(f?.message ?? '', /published as 8080 → 8080/);
  });
  it('names the client that reaches the service when nothing is published', () => {
    const m = model({ services: [service('api'), service('web')], binds: [bind('api', '127.0.0.1', 8080)], clients: [client('web', 'api', 8080)] });
    assert.match(run(loopbackInContainer, m)[0]?.message ?? '', /reached by DATABASE_URL in web/);
  });
  it('is silent on the host network, for 0.0.0.0, and for a port nobody reaches', () => {
    assert.deepEqual(run(loopbackInContainer, model({ services: [service('api', { hostNetwork: true })], binds: [bind('api', '127.0.0.1', 8080)], published: [published('api', 8080, 8080)] })), []);
    assert.deepEqual(run(loopbackInContainer, model({ services: [service('api')], binds: [bind('api', '0.0.0.0', 8080)], published: [published('api', 8080, 8080)] })), []);
    assert.deepEqual(run(loopbackInContainer, model({ services: [service('api')], binds: [bind('api', '127.0.0.1', 9000)], published: [published('api', 8080, 8080)] })), []);
  });
});

describe('BIND_HOSTNAME', () => {
  it('fires for a URL and for a name where an address belongs', () => {
    const m = model({ services: [service('api')], binds: [bind('api', 'http://api:80', null), bind('api', 'api.internal', 80)] });
    const got = run(hostnameBind, m);
    assert.deepEqual(got.map((f) => f.subject), ['http://api:80', 'api.internal']);
    assert.match(got[0]!.message, /a URL where a bind address belongs/);
    assert.match(got[1]!.message, /binds addresses, not names/);
  });
  it("is silent for a name in Kestrel's URL lists, which binds every interface", () => {
    assert.deepEqual(run(hostnameBind, model({ services: [service('api')], binds: [bind('api', '*', 5000, { origin: 'ASPNETCORE_URLS', hostName: 'my-service' })] })), []);
  });
});

describe('BIND_NAME_ALL_INTERFACES', () => {
  it('explains, at the name, that Kestrel binds every interface for it: what clients type is not what it binds', () => {
    const [f] = run(nameMeansAllInterfaces, model({ services: [service('api')], binds: [bind('api', '*', 5000, { origin: 'Urls', hostName: 'my-awesome-service' })] }));
    assert.equal(f?.subject, 'my-awesome-service');
    assert.match(f?.message ?? '', /Kestrel does not resolve it: .* so "api" listens on \*:5000\. "my-awesome-service" is what clients type to reach the server, not what it binds/);
  });
  it('is silent for * and for addresses', () => {
    assert.deepEqual(run(nameMeansAllInterfaces, model({ services: [service('api')], binds: [bind('api', '*', 5000, { origin: 'Urls' }), bind('api', '127.0.0.1', 5001)] })), []);
  });
});

describe('BIND_ADDRESS_NOT_LOCAL', () => {
  const host = service('host:.', { runtime: 'host' });
  it('fires for an address no interface has, and lists the ones it has', () => {
    const [f] = run(addressNotLocal, model({ services: [host], binds: [bind('host:.', '10.9.9.9', 80)] }));
    assert.match(f?.message ?? '', /it has 127\.0\.0\.1, 10\.0\.0\.2/);
  });
  it('is silent for a local address (any case, brackets or zone), in a container, or without interfaces', () => {
    assert.deepEqual(run(addressNotLocal, model({ services: [host], binds: [bind('host:.', '10.0.0.2', 80)] })), []);
    assert.deepEqual(run(addressNotLocal, model({ services: [service('c')], binds: [bind('c', '10.9.9.9', 80)] })), []);
    assert.deepEqual(run(addressNotLocal, model({ services: [host], binds: [bind('host:.', '10.9.9.9', 80)] }), { interfaces: null, live: null }), []);
    const v6: RuleContext = { interfaces: [{ name: 'eth0', address: 'fe80::1', family: 6 }], live: null };
    assert.deepEqual(run(addressNotLocal, model({ services: [host], binds: [bind('host:.', '[FE80::1%eth0]', 80)] }), v6), []);
  });
});

describe('BIND_PRIVILEGED_PORT', () => {
  it('fires for a port below 1024 on the host', () => {
    assert.equal(run(privilegedPort, model({ services: [service('host:.', { runtime: 'host' })], binds: [bind('host:.', null, 80)] }))[0]?.subject, '(default address):80');
  });
  it('is silent for system daemons, containers and ports from 1024', () => {
    assert.deepEqual(run(privilegedPort, model({ services: [service('host:.', { runtime: 'host' })], binds: [bind('host:.', null, 80, { system: true }), bind('host:.', null, 1024)] })), []);
    assert.deepEqual(run(privilegedPort, model({ services: [service('c')], binds: [bind('c', null, 80)] })), []);
  });
});

describe('BIND_ALL_INTERFACES_EXPOSED', () => {
  it('fires for a data store published on every interface, with a fix to publish on loopback', () => {
    const [f] = run(allInterfacesExposed, model({ services: [service('db')], published: [published('db', 5432, 5432)] }));
    assert.match(f?.message ?? '', /\(PostgreSQL\)/);
    assert.equal(f?.fix, '127.0.0.1:');
    assert.equal(f?.subject, '5432:5432');
  });
  it('is silent on loopback, for an app port, and for an expose', () => {
    assert.deepEqual(run(allInterfacesExposed, model({ services: [service('db')], published: [published('db', 5432, 5432, { hostIp: '127.0.0.1' })] })), []);
    assert.deepEqual(run(allInterfacesExposed, model({ services: [service('web')], published: [published('web', 8080, 8080)] })), []);
    assert.deepEqual(run(allInterfacesExposed, model({ services: [service('db')], published: [published('db', null, 5432, { origin: 'expose' })] })), []);
    assert.deepEqual(run(allInterfacesExposed, model({ services: [service('db')], binds: [bind('db', '127.0.0.1', 5432)], published: [published('db', 5432, 5432)] })), [], 'loopback inside: BIND_LOOPBACK_IN_CONTAINER instead');
  });
});

describe('BIND_PORT_MISMATCH', () => {
  it('fires when the published container port is not the port the app binds', () => {
    const [f] = run(portMismatch, model({ services: [service('api')], binds: [bind('api', '0.0.0.0', 3000)], published: [published('api', 8080, 8080)] }));
    assert.match(f?.message ?? '', /published as 8080 → 8080, but the app listens on 3000/);
  });
  it("fires for a Kubernetes Service whose targetPort no selected pod listens on", () => {
    const m = model({
      services: [service('k8s:svc', { runtime: 'kubernetes', dirs: ['k8s-app:web'] }), service('k8s:web', { dirs: ['k8s-app:web'] })],
      published: [published('k8s:svc', 80, 8080, { origin: 'Service port' }), published('k8s:web', null, 3000, { origin: 'containerPort' })],
    });
    assert.match(run(portMismatch, m)[0]?.message ?? '', /sends Service port 80 to targetPort 8080, but the app listens on 3000/);
  });
  it('is silent when the ports agree or the app port is unknown', () => {
    assert.deepEqual(run(portMismatch, model({ services: [service('api')], binds: [bind('api', '0.0.0.0', 8080)], published: [published('api', 8080, 8080)] })), []);
    assert.deepEqual(run(portMismatch, model({ services: [service('api')], binds: [bind('api', '0.0.0.0', null)], published: [published('api', 8080, 8080)] })), []);
    assert.deepEqual(run(portMismatch, model({ services: [service('api')], binds: [bind('api', '0.0.0.0', null), bind('api', '0.0.0.0', 3000)], published: [published('api', 8080, 8080)] })), []);
  });
});

describe('BIND_PORT_CONFLICT', () => {
  it('fires for two services on the same host port, pointing at the other', () => {
    const m = model({ services: [service('a'), service('b')], published: [published('a', 8080, 80), published('b', 8080, 80, { source: at('compose.yaml', 9) })] });
    const [f] = run(portConflict, m);
    assert.match(f?.message ?? '', /published by "b" and also published by "a" \(compose.yaml:4\)/);
  });
  it('is silent for different addresses, other protocols, and profiles that never meet', () => {
    assert.deepEqual(run(portConflict, model({ services: [service('a'), service('b')], published: [published('a', 8080, 80, { hostIp: '127.0.0.1' }), published('b', 8080, 80, { hostIp: '127.0.0.2' })] })), []);
    assert.deepEqual(run(portConflict, model({ services: [service('a'), service('b')], published: [published('a', 53, 53), published('b', 53, 53, { protocol: 'udp' })] })), []);
    assert.deepEqual(run(portConflict, model({ services: [service('a', { profiles: ['dev'] }), service('b', { profiles: ['prod'] })], published: [published('a', 8080, 80), published('b', 8080, 80)] })), []);
  });
  it('is silent for a base in another Compose file that a service extends (a template, not run beside it)', () => {
    const services = [service('base', { source: at('common.yaml') }), service('web', { extends: { service: 'base', file: 'common.yaml' } })];
    assert.deepEqual(run(portConflict, model({ services, published: [published('base', 8080, 80), published('web', 8080, 80)] })), []);
  });
});

describe('CLIENT_LOCALHOST_IN_CONTAINER', () => {
  it('fires for localhost in a container and offers the one service that provides the port', () => {
    const m = model({ services: [service('db'), service('web')], binds: [bind('db', '0.0.0.0', 5432)], clients: [client('web', 'localhost', 5432)] });
    const [f] = run(localhostInContainer, m);
    assert.equal(f?.fix, 'db');
    assert.match(f?.message ?? '', /port 5432 is served by "db"/);
  });
  it('is silent when the container serves the port itself, or runs on the host', () => {
    assert.deepEqual(run(localhostInContainer, model({ services: [service('web')], binds: [bind('web', '0.0.0.0', 5432)], clients: [client('web', 'localhost', 5432)] })), []);
    assert.deepEqual(run(localhostInContainer, model({ services: [service('host:.', { runtime: 'host' })], clients: [client('host:.', 'localhost', 5432)] })), []);
  });
});

describe('BIND_LOCALHOST_FAMILY_MISMATCH', () => {
  const host = service('host:.', { runtime: 'host' });
  it('fires when localhost is typed and the server takes one loopback family only', () => {
    const [f] = run(localhostFamilyMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 3000)], clients: [client('host:.', 'localhost', 3000, { url: 'http://localhost:3000' })] }));
    assert.match(f?.message ?? '', /IPv4 only/);
    assert.equal(f?.fix, '127.0.0.1');
  });
  it('offers [::1] in a URL for a server on ::1', () => {
    const [f] = run(localhostFamilyMismatch, model({ services: [host], binds: [bind('host:.', '::1', 3000)], clients: [client('host:.', 'localhost', 3000, { url: 'http://localhost:3000' })] }));
    assert.equal(f?.fix, '[::1]');
  });
  it('is silent when the server listens on both families or on every interface', () => {
    assert.deepEqual(run(localhostFamilyMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 3000), bind('host:.', '::1', 3000)], clients: [client('host:.', 'localhost', 3000)] })), []);
    assert.deepEqual(run(localhostFamilyMismatch, model({ services: [host], binds: [bind('host:.', '0.0.0.0', 3000)], clients: [client('host:.', 'localhost', 3000)] })), []);
    assert.deepEqual(run(localhostFamilyMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 3000), bind('host:.', '*', 3000)], clients: [client('host:.', 'localhost', 3000)] })), []);
  });
});

describe('CLIENT_UNKNOWN_TARGET', () => {
  it('fires for a service name the project does not have, and lists the ones it has', () => {
    const [f] = run(unknownTarget, model({ services: [service('web'), service('db')], clients: [client('web', 'redis', 6379)] }));
    assert.match(f?.message ?? '', /no service in this project is named "redis" \(services: web, db\)/);
  });
  it('fires for a port the named service does not listen on', () => {
    const [f] = run(unknownTarget, model({ services: [service('web'), service('db')], binds: [bind('db', '0.0.0.0', 5432)], clients: [client('web', 'db', 5433)] }));
    assert.match(f?.message ?? '', /"db" listens on 5432, not 5433/);
  });
  it('is silent for dotted names, host.docker.internal, host apps, and a matching port', () => {
    const services = [service('web'), service('db')];
    for (const host of ['db.example.com', 'host.docker.internal', '10.0.0.5']) assert.deepEqual(run(unknownTarget, model({ services, clients: [client('web', host, 1)] })), [], host);
    assert.deepEqual(run(unknownTarget, model({ services: [service('host:.', { runtime: 'host' })], clients: [client('host:.', 'redis', 6379)] })), []);
    assert.deepEqual(run(unknownTarget, model({ services, binds: [bind('db', '0.0.0.0', 5432)], clients: [client('web', 'db', 5432)] })), []);
    assert.deepEqual(run(unknownTarget, model({ services, binds: [bind('db', '0.0.0.0', 5432), bind('db', '0.0.0.0', null)], clients: [client('web', 'db', 5433)] })), [], 'a port the config does not give may be any');
  });
});

describe('BIND_LIVE_MISMATCH', () => {
  const host = service('host:.', { runtime: 'host' });
  const live = (address: string): RuleContext => ({ interfaces: null, live: [{ protocol: 'tcp', address, port: 8080, pid: 42, process: 'node' }] });
  it('fires when the port is taken on another address than configured, naming the process', () => {
    const [f] = run(liveMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 8080)] }), live('0.0.0.0'));
    assert.match(f?.message ?? '', /taken on 0\.0\.0\.0:8080 by pid 42 \(node\)/);
  });
  it('is silent when the listener matches, when nothing listens, and without the live list', () => {
    assert.deepEqual(run(liveMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 8080)] }), live('127.0.0.1')), []);
    assert.deepEqual(run(liveMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 9090)] }), live('0.0.0.0')), []);
    assert.deepEqual(run(liveMismatch, model({ services: [host], binds: [bind('host:.', '127.0.0.1', 8080)] })), []);
  });
});
