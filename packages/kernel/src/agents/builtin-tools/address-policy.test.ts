/**
 * The address classes web_fetch refuses on its own, IPv4 and IPv6, including IPv6 forms that carry an
 * IPv4 address; public addresses pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { specialUse } from './address-policy.ts';

void describe('specialUse', () => {
  void it('names non-public IPv4 ranges', () => {
    const cases: [string, string][] = [
      ['0.0.0.0', 'unspecified ("this network")'],
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['10.20.30.40', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'carrier-grade NAT'],
      ['169.254.169.254', 'link-local'],
      ['192.0.2.1', 'documentation'],
      ['198.18.0.1', 'benchmarking'],
      ['224.0.0.251', 'multicast'],
      ['255.255.255.255', 'reserved'],
    ];
    for (const [ip, kind] of cases) assert.equal(specialUse(ip), kind, ip);
  });

  void it('names non-public IPv6 ranges and judges embedded IPv4 by its IPv4 address', () => {
    const cases: [string, string][] = [
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['[::1]', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback (IPv4 inside IPv6)'],
      ['::ffff:7f00:1', 'loopback (IPv4 inside IPv6)'],
      ['::ffff:10.0.0.1', 'private (IPv4 inside IPv6)'],
      ['::127.0.0.1', 'loopback (IPv4 inside IPv6)'],
      ['64:ff9b::a9fe:a9fe', 'link-local (IPv4 inside IPv6)'],
      ['2002:7f00:1::1', 'loopback (IPv4 inside IPv6)'],
      ['fe80::1', 'link-local'],
      ['febf:ffff::1', 'link-local'],
      ['fc00::1', 'private (unique local)'],
      ['fdff:ffff::1', 'private (unique local)'],
      ['ff02::1', 'multicast'],
      ['2001:db8::1', 'documentation'],
      ['2001::1', 'IETF protocol assignment (Teredo and others)'],
    ];
    for (const [ip, kind] of cases) assert.equal(specialUse(ip), kind, ip);
  });

  void it('passes public addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1', '64:ff9b::808:808']) {
      assert.equal(specialUse(ip), undefined, ip);
    }
  });

  void it('throws on something that is not an address', () => {
    assert.throws(() => specialUse('localhost'), TypeError);
  });
});
