/**
 * Condition operators at their edges: the first and last address of a CIDR range, bare IPv6 addresses, the W3C
 * ISO 8601 date forms with time-zone offsets and fractions of a second, and decimal numbers.
 * IP = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
 * ("The value must be in the standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)")
 * DATE = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
 * ("you must specify a date value that conforms to the W3C implementation of the ISO 8601 date formats",
 * https://www.w3.org/TR/NOTE-datetime: YYYY-MM-DDThh:mm[:ss[.s]]TZD, TZD = Z | +hh:mm | -hh:mm)
 * NUMERIC = https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
 * ("Numeric condition operators let you construct Condition elements that restrict access based on comparing a
 * key to an integer or decimal value")
 */
import { conditionResult } from './helpers';

type Row = [string, unknown, string, boolean];

describe('IpAddress / NotIpAddress at the edges of a range (IP)', () => {
  const rows: Row[] = [
    // a /24 holds exactly .0 to .255 of its network
    ['IpAddress', '203.0.113.0/24', '203.0.113.0', true],
    ['IpAddress', '203.0.113.0/24', '203.0.113.255', true],
    ['IpAddress', '203.0.113.0/24', '203.0.112.255', false],
    ['IpAddress', '203.0.113.0/24', '203.0.114.0', false],
    // a range that does not end on an octet boundary
    ['IpAddress', '10.0.0.0/13', '10.7.255.255', true],
    ['IpAddress', '10.0.0.0/13', '10.8.0.0', false],
    // a bare IPv4 address is a /32: the next address does not match
    ['IpAddress', '198.51.100.7', '198.51.100.8', false],
    // a bare IPv6 address is a /128: the next address does not match
    ['IpAddress', '2001:db8::1', '2001:db8::1', true],
    // (each row its own policy text: a range is parsed once per text)
    ['IpAddress', '2001:db8::a', '2001:db8::b', false],
    ['IpAddress', '2001:db8::1', '2001:db8:0:0:0:0:0:1', true], // the same address written in full
    ['NotIpAddress', '2001:db8::c', '2001:db8::d', true],
    // 0.0.0.0/0 is every IPv4 address, but not an IPv6 one (the families never match)
    ['IpAddress', '0.0.0.0/0', '198.51.100.7', true],
    ['IpAddress', '0.0.0.0/0', '2001:db8::1', false],
    ['NotIpAddress', '0.0.0.0/0', '2001:db8::1', true],
    ['IpAddress', '::/0', '2001:db8::1', true],
    ['IpAddress', '::/0', '198.51.100.7', false],
    // the IPv6 prefix length counts bits, not groups
    ['IpAddress', '2001:db8::/31', '2001:db9:ffff::1', true],
    ['IpAddress', '2001:db8::/31', '2001:dba::1', false],
  ];
  it.each(rows)('%s %j, aws:SourceIp %j -> %s', (op, pv, rv, expected) => {
    expect(conditionResult(op, 'aws:SourceIp', pv, { values: { 'aws:SourceIp': rv } })).toBe(expected);
  });

  it('a request address that is not an address is in no range: IpAddress fails and NotIpAddress holds (IP)', () => {
    expect(
      conditionResult('IpAddress', 'aws:SourceIp', '0.0.0.0/0', { values: { 'aws:SourceIp': '' } }),
    ).toBe(false);
    expect(
      conditionResult('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { values: { 'aws:SourceIp': 'x' } }),
    ).toBe(true);
  });
});

describe('Date operators with W3C ISO 8601 forms (DATE)', () => {
  const rows: Row[] = [
    // a positive offset is ahead of UTC: 05:30 at +05:30 is midnight UTC
    ['DateEquals', '2030-01-01T00:00:00Z', '2030-01-01T05:30:00+05:30', true],
    ['DateEquals', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00+05:30', false],
    // a negative offset is behind UTC: 16:00 at -08:00 the day before is midnight UTC
    ['DateEquals', '2030-01-01T00:00:00Z', '2029-12-31T16:00:00-08:00', true],
    ['DateLessThan', '2030-01-01T00:00:00Z', '2029-12-31T16:00:00-07:00', true], // 23:00 UTC
    ['DateLessThan', '2030-01-01T00:00:00Z', '2029-12-31T16:00:00-09:00', false], // 01:00 UTC
    // the offset in the policy value counts the same way
    ['DateEquals', '2030-01-01T01:00:00+01:00', '2030-01-01T00:00:00Z', true],
    // hh:mm without seconds
    ['DateEquals', '2030-01-01T10:20Z', '2030-01-01T10:20:00Z', true],
    ['DateLessThan', '2030-01-01T10:20Z', '2030-01-01T10:19:59Z', true],
    // a date alone is midnight UTC of that day
    ['DateEquals', '2030-06-15', '2030-06-15T00:00:00Z', true],
    ['DateGreaterThan', '2030-06-15', '2030-06-15T00:00:00Z', false],
    ['DateGreaterThanEquals', '2030-06-15', '2030-06-15T00:00:00Z', true],
    ['DateLessThanEquals', '2030-06-15', '2030-06-15T00:00:01Z', false],
    // hours, minutes and seconds each count
    ['DateLessThan', '2030-01-01T10:00:00Z', '2030-01-01T09:59:59Z', true],
    ['DateGreaterThan', '2030-01-01T10:00:00Z', '2030-01-01T10:01:00Z', true],
    ['DateEquals', '2030-01-01T10:00:00Z', '2030-01-01T10:00:01Z', false],
    ['DateEquals', '2030-02-01T00:00:00Z', '2030-01-01T00:00:00Z', false], // the month counts
    ['DateEquals', '2030-01-02T00:00:00Z', '2030-01-01T00:00:00Z', false], // the day counts
    // a decimal fraction of a second: .5 is half a second, the same as .500
    ['DateEquals', '2030-01-01T00:00:00.5Z', '2030-01-01T00:00:00.500Z', true],
    ['DateGreaterThan', '2030-01-01T00:00:00.05Z', '2030-01-01T00:00:00.4Z', true],
    ['DateLessThan', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00.001Z', false],
    // epoch (UNIX) seconds
    ['DateEquals', '0', '1970-01-01T00:00:00Z', true],
    ['DateGreaterThan', '1893456000', '1893456001', true],
    ['DateLessThan', '1893456000', '2029-12-31T23:59:59Z', true],
    // December and the 31st are dates
    ['DateEquals', '2030-12-31T00:00:00Z', '2030-12-31T00:00:00Z', true],
    ['DateEquals', '2030-01-31', '2030-01-31T00:00:00Z', true],
  ];
  it.each(rows)('%s %j, aws:CurrentTime %j -> %s', (op, pv, rv, expected) => {
    expect(conditionResult(op, 'aws:CurrentTime', pv, { values: { 'aws:CurrentTime': rv } })).toBe(expected);
  });
});

describe('values that are not W3C dates never match (DATE)', () => {
  // W3C: MM is 01 to 12, DD is 01 to 31; anything else is not a date, so no date relation holds for it
  const rows: Row[] = [
    ['DateGreaterThan', '2030-01-01T00:00:00Z', '2030-13-01T00:00:00Z', false],
    ['DateLessThan', '2030-01-01T00:00:00Z', '2029-00-10T00:00:00Z', false],
    ['DateGreaterThan', '2030-01-01T00:00:00Z', '2030-01-32T00:00:00Z', false],
    ['DateLessThan', '2030-01-01T00:00:00Z', '2029-12-00T00:00:00Z', false],
    ['DateGreaterThan', '2030-01-01T00:00:00Z', 'tomorrow', false],
  ];
  it.each(rows)('%s %j, aws:CurrentTime %j -> %s', (op, pv, rv, expected) => {
    expect(conditionResult(op, 'aws:CurrentTime', pv, { values: { 'aws:CurrentTime': rv } })).toBe(expected);
  });
});

describe('Numeric operators with integers and decimals (NUMERIC)', () => {
  const rows: Row[] = [
    ['NumericEquals', '0.5', '0.50', true],
    ['NumericEquals', '0.5', '0.05', false],
    ['NumericEquals', '-3', '-3.0', true],
    ['NumericLessThan', '0', '-0.001', true],
    ['NumericGreaterThan', '1.5', '1.25', false],
    ['NumericGreaterThan', '1.25', '1.5', true],
    ['NumericLessThanEquals', '100', '99.99', true],
    ['NumericGreaterThanEquals', '100', '100.01', true],
    ['NumericGreaterThanEquals', '100', '99.99', false],
    ['NumericLessThan', '10', '', false], // an empty value is not a number
    ['NumericEquals', '10', '1 0', false],
  ];
  it.each(rows)('%s %j, s3:max-keys %j -> %s', (op, pv, rv, expected) => {
    expect(conditionResult(op, 's3:max-keys', pv, { values: { 's3:max-keys': rv } })).toBe(expected);
  });
});
