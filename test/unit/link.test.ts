import assert from 'node:assert/strict';
import type os from 'node:os';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { findInterface } from '../../src/engine/link';

const v4 = (address: string, cidr: string, mac: string, internal = false): os.NetworkInterfaceInfo => ({ address, netmask: '', family: 'IPv4', mac, internal, cidr });
const v6 = (address: string, cidr: string, mac: string, scopeid: number, internal = false): os.NetworkInterfaceInfo => ({ address, netmask: '', family: 'IPv6', mac, internal, cidr, scopeid });

const ZERO = '00:00:00:00:00:00';
const fabricated: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  lo: [v4('127.0.0.1', '127.0.0.1/8', ZERO, true), v6('::1', '::1/128', ZERO, 0, true)],
  eth0: [v4('192.168.1.20', '192.168.1.20/24', '52:54:00:12:34:56'), v6('2001:db8:1::20', '2001:db8:1::20/64', '52:54:00:12:34:56', 0), v6('fe80::1', 'fe80::1/64', '52:54:00:12:34:56', 2)],
  wlan0: [v4('10.0.0.5', '10.0.0.5/8', 'aa:bb:cc:dd:ee:ff'), v6('fe80::1', 'fe80::1/64', 'aa:bb:cc:dd:ee:ff', 3)],
  tun0: [v4('100.64.0.7', '100.64.0.7/32', ZERO)],
};

describe('findInterface', () => {
  it('finds the interface that owns an IPv4 address, with its addresses and MAC', () => {
    const link = findInterface('192.168.1.20', fabricated);
    assert.equal(link.localAddress, '192.168.1.20');
    assert.deepEqual(link.interface, {
      name: 'eth0',
      addresses: [
        { address: '192.168.1.20', family: 4, cidr: '192.168.1.20/24' },
        { address: '2001:db8:1::20', family: 6, cidr: '2001:db8:1::20/64' },
        { address: 'fe80::1', family: 6, cidr: 'fe80::1/64' },
      ],
      mac: '52:54:00:12:34:56',
      internal: false,
    });
  });

  it('reads an IPv4-mapped local address as IPv4', () => {
    const link = findInterface('::ffff:10.0.0.5', fabricated);
    assert.equal(link.localAddress, '10.0.0.5');
    assert.equal(link.interface?.name, 'wlan0');
  });

  it('compares IPv6 addresses numerically, whatever their spelling', () => {
    assert.equal(findInterface('2001:DB8:1:0::20', fabricated).interface?.name, 'eth0');
  });

  it('uses the zone id (name or scope id) to pick among interfaces sharing a link-local address', () => {
    assert.equal(findInterface('fe80::1%wlan0', fabricated).interface?.name, 'wlan0');
    assert.equal(findInterface('fe80::1%3', fabricated).interface?.name, 'wlan0');
    assert.equal(findInterface('fe80::1%eth0', fabricated).interface?.name, 'eth0');
    assert.equal(findInterface('fe80::1%eth0', fabricated).localAddress, 'fe80::1');
  });

  it('gives the loopback interface for any 127/8 source address, and leaves out an all-zero MAC', () => {
    const link = findInterface('127.0.0.2', fabricated);
    assert.equal(link.interface?.name, 'lo');
    assert.equal(link.interface?.internal, true);
    assert.equal(link.interface?.mac, undefined);
    assert.equal(findInterface('::1', fabricated).interface?.name, 'lo');
  });

  it('omits a MAC for a tunnel without one', () => {
    const link = findInterface('100.64.0.7', fabricated);
    assert.equal(link.interface?.name, 'tun0');
    assert.equal('mac' in (link.interface ?? {}), false);
  });

  it('returns null when no interface owns the address', () => {
    assert.deepEqual(findInterface('203.0.113.9', fabricated), { localAddress: '203.0.113.9', interface: null });
    assert.deepEqual(findInterface('', fabricated), { localAddress: '', interface: null });
    assert.deepEqual(findInterface('not-an-ip', fabricated), { localAddress: 'not-an-ip', interface: null });
  });

  it('finds the real loopback interface of this machine', () => {
    const real = networkInterfaces();
    const loName = Object.entries(real).find(([, infos]) => infos?.some((i) => i.address === '127.0.0.1'))?.[0];
    assert.ok(loName, 'this machine has 127.0.0.1');
    const link = findInterface('127.0.0.1');
    assert.equal(link.interface?.name, loName);
    assert.equal(link.interface?.internal, true);
    assert.ok(link.interface?.addresses.some((a) => a.address === '127.0.0.1' && a.family === 4 && a.cidr === '127.0.0.1/8'));
    if (process.platform === 'linux') assert.equal(loName, 'lo');
  });
});
