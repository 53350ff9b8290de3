/**
 * IpAddress / NotIpAddress: how policy ranges and request addresses are read.
 * IP = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
 * ("The value must be in the standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64). If you
 * specify an IP address without the associated routing prefix, IAM uses the default prefix value of /32.")
 * Ranges and request addresses are parsed once per text (module caches): every row below uses texts that no other
 * row of this file uses, so that each one is parsed here, not read back from a cache.
 */
import * as ipModule from '../../../../lambdas/core/policy/conditions/ip';
import { parseCidr, parseCidrUncached, parseRequestIp } from '../../../../lambdas/core/policy/conditions/ip';
import { INVALID } from '../../../../lambdas/core/policy/conditions/operator';
import { conditionResult, evaluate, request, statementDoc } from './helpers';

type Row = [string, string, unknown, string, boolean];

describe('policy ranges and request addresses (IP)', () => {
  const rows: Row[] = [
    ['a CIDR range holds its addresses', 'IpAddress', '192.0.2.64/26', '192.0.2.100', true],
    ['… and not the next range', 'IpAddress', '192.0.2.128/26', '192.0.2.100', false],
    ['a bare IPv4 address is a /32 (its own address)', 'IpAddress', '192.0.2.17', '192.0.2.17', true],
    ['a bare IPv4 address is a /32 (not its neighbour)', 'IpAddress', '192.0.2.18', '192.0.2.19', false],
    [
      'a bare IPv6 address is a /128 (its own address)',
      'IpAddress',
      '2001:db8:aa::5',
      '2001:db8:aa::5',
      true,
    ],
    [
      'a bare IPv6 address is a /128 (not its neighbour)',
      'IpAddress',
      '2001:db8:aa::6',
      '2001:db8:aa::7',
      false,
    ],
    ['an IPv6 range holds its addresses', 'IpAddress', '2001:db8:bb::/48', '2001:db8:bb:1::1', true],
    ['an IPv6 range does not hold an IPv4 address', 'IpAddress', '2001:db8:cc::/48', '192.0.2.33', false],
    ['an IPv4 range does not hold an IPv6 address', 'IpAddress', '192.0.2.192/26', '2001:db8:dd::1', false],
    [
      'an IPv4-mapped IPv6 request address is read as IPv4',
      'IpAddress',
      '198.51.100.64/26',
      '::ffff:198.51.100.70',
      true,
    ],
    ['spaces around a policy range are ignored', 'IpAddress', ' 198.51.100.128/25 ', '198.51.100.200', true],
    ['spaces around a bare policy address are ignored', 'IpAddress', ' 198.51.100.9 ', '198.51.100.9', true],
    [
      'spaces around the request address are ignored',
      'IpAddress',
      '198.51.100.16/28',
      ' 198.51.100.20 ',
      true,
    ],
    ['a policy value that is no CIDR matches nothing', 'IpAddress', '198.51.100.0/33', '198.51.100.1', false],
    [
      '… and NotIpAddress with a value that is no CIDR is true',
      'NotIpAddress',
      '198.51.100.0/40',
      '198.51.100.2',
      true,
    ],
    [
      'a policy value that is no address matches nothing',
      'IpAddress',
      'office-network',
      '198.51.100.3',
      false,
    ],
    ['a request address that is no address is in no range', 'IpAddress', '0.0.0.0/1', '300.1.2.3', false],
    [
      '… and NotIpAddress with a request address that is no address is true',
      'NotIpAddress',
      '0.0.0.0/2',
      'not-an-address',
      true,
    ],
    [
      'NotIpAddress: an address outside every listed range',
      'NotIpAddress',
      ['192.0.2.0/28', '2001:db8:ee::/48'],
      '192.0.2.40',
      true,
    ],
    [
      'NotIpAddress: an address inside one listed range',
      'NotIpAddress',
      ['192.0.2.0/29', '2001:db8:ef::/48'],
      '2001:db8:ef::9',
      false,
    ],
  ];
  it.each(rows)('%s', (_name, op, policyValue, requestValue, expected) => {
    expect(
      conditionResult(op, 'aws:SourceIp', policyValue, { values: { 'aws:SourceIp': requestValue } }),
    ).toBe(expected);
  });

  it('the condition detail names the address and the range', () => {
    const ev = evaluate(
      statementDoc({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.128/25' } },
      }),
      request({ values: { 'aws:SourceIp': '203.0.113.130' } }),
    );
    expect(ev.statements[0]?.conditions[0]?.detail).toBe('aws:SourceIp 203.0.113.130 is in 203.0.113.128/25');
  });
});

describe('the parse caches give what parsing gives', () => {
  it('a range read twice is the same range, and the same as an uncached read', () => {
    for (const text of ['10.20.0.0/16', '10.21.0.7', 'fd00:1::/64', 'fd00:2::1', 'bad', '10.22.0.0/99']) {
      const uncached = parseCidrUncached(text);
      expect(parseCidr(text)).toEqual(uncached);
      expect(parseCidr(text)).toEqual(uncached);
    }
    expect(parseCidr('10.23.0.0/16')).not.toBe(INVALID);
    expect(parseCidr('nope')).toBe(INVALID);
  });

  it('a request address read twice is the same address', () => {
    expect(parseRequestIp('10.30.0.1')).not.toBe(INVALID);
    expect(String(parseRequestIp('10.30.0.1'))).toBe('10.30.0.1');
    expect(parseRequestIp('10.30.0.256')).toBe(INVALID);
    expect(parseRequestIp('10.30.0.256')).toBe(INVALID);
    expect(String(parseRequestIp('::ffff:10.30.0.2'))).toBe('10.30.0.2');
  });
});

describe('the parse caches hold each text once and are bounded', () => {
  type IpModule = typeof ipModule;
  const fresh = (): IpModule => {
    let mod: IpModule | undefined;
    jest.isolateModules(() => {
      mod = jest.requireActual<IpModule>('../../../../lambdas/core/policy/conditions/ip');
    });
    return mod!;
  };

  it('a policy range text read again is the same parsed range, until 8192 other texts were read', () => {
    const ip = fresh();
    const first = ip.parseCidr('10.40.0.0/16');
    expect(ip.parseCidr('10.40.0.0/16')).toBe(first);
    const other = ip.parseCidr('10.41.0.0/16');
    expect(ip.parseCidr('10.40.0.0/16')).toBe(first);
    expect(ip.parseCidr('10.41.0.0/16')).toBe(other);
    for (let i = 2; i < 8192; i++) ip.parseCidr(`10.42.${i >> 8}.${i & 255}`);
    expect(ip.parseCidr('10.40.0.0/16')).toBe(first); // 8192 texts: still held
    ip.parseCidr('10.43.0.1'); // the 8193rd text: the cache starts again
    expect(ip.parseCidr('10.40.0.0/16')).not.toBe(first);
    expect(ip.parseCidr('10.40.0.0/16')).toEqual(first);
  });

  it('a request address read again is the same parsed address, until 4096 other addresses were read', () => {
    const ip = fresh();
    const first = ip.parseRequestIp('10.50.0.1');
    expect(ip.parseRequestIp('10.50.0.1')).toBe(first);
    const other = ip.parseRequestIp('10.50.0.2');
    expect(ip.parseRequestIp('10.50.0.1')).toBe(first);
    expect(ip.parseRequestIp('10.50.0.2')).toBe(other);
    for (let i = 2; i < 4096; i++) ip.parseRequestIp(`10.51.${i >> 8}.${i & 255}`);
    expect(ip.parseRequestIp('10.50.0.1')).toBe(first);
    ip.parseRequestIp('10.52.0.1');
    expect(ip.parseRequestIp('10.50.0.1')).not.toBe(first);
    expect(String(ip.parseRequestIp('10.50.0.1'))).toBe('10.50.0.1');
  });
});
