import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress, isPublicLookingName, normaliseAddress, unbracket } from '../../src/engine/address';
import type { AddressClass, Family } from '../../src/engine/report';

describe('classifyAddress', () => {
  const table: [string, Family, AddressClass][] = [
    // IPv4
    ['0.0.0.0', 4, 'unspecified'],
    ['0.1.2.3', 4, 'reserved'],
    ['127.0.0.1', 4, 'loopback'],
    ['127.255.255.254', 4, 'loopback'],
    ['10.0.0.1', 4, 'private'],
    ['172.16.0.1', 4, 'private'],
    ['172.31.255.255', 4, 'private'],
    ['172.32.0.1', 4, 'public'],
    ['192.168.1.1', 4, 'private'],
    ['100.64.0.1', 4, 'cgnat'],
    ['100.127.255.255', 4, 'cgnat'],
    ['100.128.0.1', 4, 'public'],
    ['169.254.169.254', 4, 'link-local'],
    ['192.0.2.10', 4, 'documentation'],
    ['198.51.100.7', 4, 'documentation'],
    ['203.0.113.99', 4, 'documentation'],
    ['224.0.0.251', 4, 'multicast'],
    ['239.255.255.250', 4, 'multicast'],
    ['255.255.255.255', 4, 'broadcast'],
    ['240.0.0.1', 4, 'reserved'],
    ['198.18.0.1', 4, 'reserved'],
    ['198.19.255.255', 4, 'reserved'],
    ['198.20.0.1', 4, 'public'],
    ['192.0.0.8', 4, 'reserved'],
    ['8.8.8.8', 4, 'public'],
    ['1.1.1.1', 4, 'public'],
    // IPv6
    ['::', 6, 'unspecified'],
    ['::1', 6, 'loopback'],
    ['0:0:0:0:0:0:0:1', 6, 'loopback'],
    ['fe80::1', 6, 'link-local'],
    ['fe80::1%eth0', 6, 'link-local'],
    ['febf::1', 6, 'link-local'],
    ['fc00::1', 6, 'unique-local'],
    ['fd12:3456:789a::1', 6, 'unique-local'],
    ['2001:db8::1', 6, 'documentation'],
    ['3fff::1', 6, 'documentation'],
    ['ff02::1', 6, 'multicast'],
    ['FF05::FB', 6, 'multicast'],
    ['fec0::1', 6, 'reserved'],
    ['100::1', 6, 'reserved'],
    ['2001:2::1', 6, 'reserved'],
    ['::1.2.3.4', 6, 'reserved'],
    ['4000::1', 6, 'reserved'],
    ['2606:4700:4700::1111', 6, 'public'],
    ['2a00:1450:4001::200e', 6, 'public'],
    ['64:ff9b::808:808', 6, 'public'],
    // IPv4-mapped IPv6: classified as the IPv4 address it carries.
    ['::ffff:127.0.0.1', 4, 'loopback'],
    ['::ffff:10.1.2.3', 4, 'private'],
    ['::FFFF:7f00:1', 4, 'loopback'],
    ['::ffff:8.8.8.8', 4, 'public'],
    ['::ffff:0.0.0.0', 4, 'unspecified'],
  ];
  for (const [address, family, cls] of table) {
    it(`${address} → ${cls} (IPv${family})`, () => {
      const c = classifyAddress(address);
      assert.equal(c.class, cls);
      assert.equal(c.family, family);
      assert.equal(c.address, address);
      assert.ok(c.description.length > 10, 'has a description');
    });
  }

  it('describes reachability in plain words', () => {
    assert.match(classifyAddress('192.168.0.10').description, /^private \(RFC 1918\): reachable only inside this network or over a VPN/);
    assert.match(classifyAddress('::ffff:192.168.0.10').description, /^IPv4-mapped 192\.168\.0\.10, private \(RFC 1918\)/);
    assert.match(classifyAddress('64:ff9b::c000:221').description, /NAT64.*embedded IPv4 192\.0\.2\.33/);
    assert.match(classifyAddress('fe80::1').description, /zone id/);
  });

  it('refuses what is not an IP address', () => {
    assert.throws(() => classifyAddress('example.com'), TypeError);
    assert.throws(() => classifyAddress(''), TypeError);
    assert.throws(() => classifyAddress('256.0.0.1'), TypeError);
  });
});

describe('normaliseAddress', () => {
  it('unmaps IPv4-mapped addresses, splits zone ids and lower-cases', () => {
    assert.deepEqual(normaliseAddress('::ffff:127.0.0.1'), { address: '127.0.0.1', zoneId: null });
    assert.deepEqual(normaliseAddress('::ffff:7f00:2'), { address: '127.0.0.2', zoneId: null });
    assert.deepEqual(normaliseAddress('FE80::1%eth0'), { address: 'fe80::1', zoneId: 'eth0' });
    assert.deepEqual(normaliseAddress('10.0.0.1'), { address: '10.0.0.1', zoneId: null });
    assert.deepEqual(normaliseAddress('2001:db8::1'), { address: '2001:db8::1', zoneId: null });
  });
});

describe('isPublicLookingName', () => {
  const table: [string, boolean][] = [
    ['example.com', true],
    ['api.example.org', true],
    ['EXAMPLE.COM.', true],
    ['xn--bcher-kva.de', true],
    ['my-service.eu-west-1.elb.amazonaws.com', true],
    ['localhost', false],
    ['LOCALHOST.', false],
    ['app.localhost', false],
    ['myhost', false],
    ['printer.local', false],
    ['db.svc.cluster.local', false],
    ['host.docker.internal', false],
    ['nas.lan', false],
    ['router.home.arpa', false],
    ['api.test', false],
    ['www.example', false],
    ['nothing.invalid', false],
    ['intranet.corp', false],
    ['build.localdomain', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['[::1]', false],
    ['fe80::1%eth0', false],
    ['', false],
  ];
  for (const [host, expected] of table) {
    it(`${JSON.stringify(host)} → ${expected}`, () => assert.equal(isPublicLookingName(host), expected));
  }
});

describe('unbracket', () => {
  it('takes the brackets off an IPv6 literal and leaves other hosts alone', () => {
    assert.equal(unbracket('[::1]'), '::1');
    assert.equal(unbracket('[fe80::1%eth0]'), 'fe80::1%eth0');
    assert.equal(unbracket('::1'), '::1');
    assert.equal(unbracket('example.com'), 'example.com');
  });
});
