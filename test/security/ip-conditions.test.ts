/**
 * IP conditions, the boundary on both sides of each prefix length (issue 20, item 4). AWS: "The value must be in
 * the standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64). If you specify an IP address
 * without the associated routing prefix, IAM uses the default prefix value of /32."
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
 * A bare IPv6 address is likewise one address (/128): the page names no other default, and anything wider would
 * let in addresses the policy does not name. IpAddress matches inside the range and only there; NotIpAddress is its
 * complement. A bucket policy that restricts callers to an office network is a security control: one address too
 * many and an outsider is let in, one too few and a colleague is denied.
 */
import type { Tri } from '../../lambdas/core/policy/types';
import { conditionResult } from '../core/policy/language/helpers';

const ip = (op: 'IpAddress' | 'NotIpAddress', range: string, source: string): Tri =>
  conditionResult(op, 'aws:SourceIp', range, { values: { 'aws:SourceIp': source } });

/** [range, first address inside, last address inside, just below, just above] (null: no address there). */
type Boundary = [string, string, string, string | null, string | null];

const BOUNDARIES: readonly Boundary[] = [
  ['0.0.0.0/0', '0.0.0.0', '255.255.255.255', null, null],
  ['10.0.0.0/8', '10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0'],
  ['172.16.0.0/12', '172.16.0.0', '172.31.255.255', '172.15.255.255', '172.32.0.0'],
  ['203.0.113.0/24', '203.0.113.0', '203.0.113.255', '203.0.112.255', '203.0.114.0'],
  ['203.0.113.8/29', '203.0.113.8', '203.0.113.15', '203.0.113.7', '203.0.113.16'],
  ['203.0.113.6/31', '203.0.113.6', '203.0.113.7', '203.0.113.5', '203.0.113.8'],
  ['203.0.113.7/32', '203.0.113.7', '203.0.113.7', '203.0.113.6', '203.0.113.8'],
  ['203.0.113.7', '203.0.113.7', '203.0.113.7', '203.0.113.6', '203.0.113.8'], // bare IPv4 = /32
  ['::/0', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, null],
  [
    '2001:db8::/32',
    '2001:db8::',
    '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:db9::',
  ],
  [
    '2001:db8:1234:5678::/64',
    '2001:db8:1234:5678::',
    '2001:db8:1234:5678:ffff:ffff:ffff:ffff',
    '2001:db8:1234:5677:ffff:ffff:ffff:ffff',
    '2001:db8:1234:5679::',
  ],
  ['2001:db8::8/127', '2001:db8::8', '2001:db8::9', '2001:db8::7', '2001:db8::a'],
  ['2001:db8::8/128', '2001:db8::8', '2001:db8::8', '2001:db8::7', '2001:db8::9'],
  ['2001:db8::8', '2001:db8::8', '2001:db8::8', '2001:db8::7', '2001:db8::9'], // bare IPv6 = /128
];

describe('aws:SourceIp with IpAddress and NotIpAddress, both sides of every boundary', () => {
  it.each(BOUNDARIES)(
    '%s: first and last address inside, the neighbours outside',
    (range, first, last, below, above) => {
      for (const inside of [first, last]) {
        expect([inside, ip('IpAddress', range, inside), ip('NotIpAddress', range, inside)]).toEqual([
          inside,
          true,
          false,
        ]);
      }
      for (const outside of [below, above].filter((a): a is string => a !== null)) {
        expect([outside, ip('IpAddress', range, outside), ip('NotIpAddress', range, outside)]).toEqual([
          outside,
          false,
          true,
        ]);
      }
    },
  );

  it('a bare IPv4 address is one address (/32), not its /24', () => {
    expect(ip('IpAddress', '203.0.113.7', '203.0.113.8')).toBe(false);
    expect(ip('IpAddress', '203.0.113.7', '203.0.113.0')).toBe(false);
    expect(ip('NotIpAddress', '203.0.113.7', '203.0.113.200')).toBe(true);
  });

  it('a bare IPv6 address is one address (/128), not its /64', () => {
    expect(ip('IpAddress', '2001:db8::8', '2001:db8::1')).toBe(false);
    expect(ip('NotIpAddress', '2001:db8::8', '2001:db8::ffff')).toBe(true);
  });

  it('an IPv6 range never contains an IPv4 caller, and an IPv4 range no IPv6 caller', () => {
    expect(ip('IpAddress', '::/0', '203.0.113.7')).toBe(false);
    expect(ip('IpAddress', '0.0.0.0/0', '2001:db8::1')).toBe(false);
  });
});
