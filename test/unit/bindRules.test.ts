// Every bind rule against its fixtures: the positive folder gives exactly the expected findings at
// the expected places; the negative folder (the same setup, written right) gives none at all.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanDirectory } from '../../src/engine/bind/analyze';
import type { LocalInterface } from '../../src/engine/bind/facts';

const RULES = join(__dirname, '../fixtures/bind/rules');

/** A machine with loopback and one LAN address, so BIND_ADDRESS_NOT_LOCAL does not depend on the test host. */
const INTERFACES: LocalInterface[] = [
  { name: 'lo', address: '127.0.0.1', family: 4 },
  { name: 'lo', address: '::1', family: 6 },
  { name: 'eth0', address: '10.0.0.2', family: 4 },
];

const EXPECTED: Record<string, string[]> = {
  BIND_LOOPBACK_IN_CONTAINER: ['api/.env:1:6'],
  BIND_HOSTNAME: ['.env:1:6', 'conf/application.properties:1:16'],
  BIND_NAME_ALL_INTERFACES: ['appsettings.json:2:19', '.env:1:46'],
  BIND_ADDRESS_NOT_LOCAL: ['application.properties:1:16'],
  BIND_ALL_INTERFACES_EXPOSED: ['compose.yaml:5:10'],
  BIND_LOCALHOST_FAMILY_MISMATCH: ['client/.env:1:16'],
  BIND_PORT_MISMATCH: ['docker-compose.yml:5:10', 'k8s.yaml:25:7'],
  BIND_PORT_CONFLICT: ['docker-compose.yml:9:10', 'compose.profiles.yaml:11:10', 'compose.profiles.yaml:20:10'],
  BIND_PRIVILEGED_PORT: ['.env:1:6'],
  CLIENT_LOCALHOST_IN_CONTAINER: ['docker-compose.yml:5:43'],
  CLIENT_UNKNOWN_TARGET: ['docker-compose.yml:5:23', 'docker-compose.yml:6:16', 'docker-compose.yml:8:22'],
  CONFIG_PARSE_ERROR: ['appsettings.json:1:33', 'docker-compose.yml:5:3', 'settings.toml:1:8'],
};

async function findings(dir: string): Promise<{ code: string; at: string; message: string }[]> {
  const model = (await scanDirectory(dir)).model({ interfaces: INTERFACES, live: null });
  return model.findings.map((f) => ({ code: f.code, at: `${f.range.file}:${f.range.line + 1}:${f.range.column + 1}`, message: f.message }));
}

describe('bind rules', () => {
  for (const [code, places] of Object.entries(EXPECTED)) {
    it(`${code}: fires where the config is wrong`, async () => {
      const got = await findings(join(RULES, code, 'pos'));
      assert.deepEqual(got.map((f) => `${f.code} ${f.at}`).sort(), places.map((p) => `${code} ${p}`).sort());
      for (const f of got) assert.ok(f.message.length > 60, `${code} explains itself: ${f.message}`);
    });
    it(`${code}: stays silent where the config is right`, async () => {
      assert.deepEqual(await findings(join(RULES, code, 'neg')), []);
    });
  }

  it("files kept below a project's folder by convention belong to that project", async () => {
    // ASP.NET's Properties/launchSettings.json and Spring Boot's src/main/resources and config/.
    const model = (await scanDirectory(join(RULES, 'BIND_PORT_CONFLICT', 'neg'))).model({ interfaces: INTERFACES, live: null });
    const services = model.services.filter((s) => s.runtime === 'host');
    assert.deepEqual(services.map((s) => [s.name, s.dirs]), [['billing', ['billing']], ['shop', ['shop']]]);
    assert.equal(model.binds.filter((b) => b.service === 'host:shop').length, 2);
    assert.equal(model.binds.filter((b) => b.service === 'host:billing').length, 2);
  });

  it('Compose profiles: says which profiles start both services; disjoint ones are alternatives', async () => {
    const got = (await findings(join(RULES, 'BIND_PORT_CONFLICT', 'pos'))).filter((f) => f.at.startsWith('compose.profiles.yaml'));
    assert.match(got[0]!.message, /Both start with the profile "test"\.$/);
    assert.match(got[1]!.message, /"w" starts with the profile "debug", and the other always\.$/);
  });

  it('explains bind versus reach in the messages', async () => {
    const [loop] = await findings(join(RULES, 'BIND_LOOPBACK_IN_CONTAINER', 'pos'));
    assert.match(loop!.message, /127\.0\.0\.1:8080/);
    assert.match(loop!.message, /published as 8080 → 8080/);
    const [family] = await findings(join(RULES, 'BIND_LOCALHOST_FAMILY_MISMATCH', 'pos'));
    assert.match(family!.message, /IPv4 only/);
    assert.match(family!.message, /::1 first/);
    const unknown = await findings(join(RULES, 'CLIENT_UNKNOWN_TARGET', 'pos'));
    assert.match(unknown[0]!.message, /no service in this project is named "backend"/);
    assert.match(unknown[1]!.message, /"db" listens on 5432, not 5433/);
  });

  it('BIND_ADDRESS_NOT_LOCAL needs the interfaces: without them it is skipped', async () => {
    const model = (await scanDirectory(join(RULES, 'BIND_ADDRESS_NOT_LOCAL', 'pos'))).model({ interfaces: null, live: null });
    assert.deepEqual(model.findings, []);
  });
});
