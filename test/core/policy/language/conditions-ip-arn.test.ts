/**
 * IpAddress / NotIpAddress (IPv4 and IPv6) and the ARN operators.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 * ("each of the six colon-delimited components of the ARN is checked separately")
 */
import { conditionResult } from './helpers';

type Row = [string, unknown, string | undefined, boolean];

describe('IP operators (…#Conditions_IPAddress)', () => {
  const rows: Row[] = [
    ['IpAddress', '203.0.113.0/24', '203.0.113.7', true],
    ['IpAddress', '203.0.113.0/24', '198.51.100.7', false],
    ['IpAddress', ['198.51.100.0/24', '203.0.113.0/24'], '203.0.113.7', true],
    ['IpAddress', '203.0.113.7', '203.0.113.7', true], // a bare address is a /32
    ['IpAddress', '203.0.113.7/32', '203.0.113.8', false],
    ['IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5678::1', true], // IPv6 CIDR
    ['IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5679::1', false],
    ['IpAddress', '2001:DB8:1234:5678::/64', '203.0.113.7', false], // families never match
    ['IpAddress', '203.0.113.0/24', '::ffff:203.0.113.7', true], // IPv4-mapped IPv6
    ['IpAddress', '0.0.0.0/0', 'not-an-ip', false],
    ['IpAddress', '203.0.113.0/24', undefined, false],
    ['IpAddressIfExists', '203.0.113.0/24', undefined, true],
    ['NotIpAddress', '203.0.113.0/24', '198.51.100.7', true],
    ['NotIpAddress', '203.0.113.0/24', '203.0.113.7', false],
    ['NotIpAddress', ['198.51.100.0/24', '2001:db8::/32'], '2001:db8::5', false],
    ['NotIpAddress', '203.0.113.0/24', undefined, true], // trap: through a VPC endpoint aws:SourceIp is absent
  ];
  it.each(rows)('%s %j, aws:SourceIp %j -> %s', (op, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: ['aws:SourceIp'] } : { values: { 'aws:SourceIp': rv } };
    expect(conditionResult(op, 'aws:SourceIp', pv, ctx)).toBe(expected);
  });
});

describe('ARN operators (…#Conditions_ARN)', () => {
  const rows: Row[] = [
    ['ArnEquals', 'arn:aws:iam::111122223333:role/AppRole', 'arn:aws:iam::111122223333:role/AppRole', true],
    ['ArnEquals', 'arn:aws:iam::111122223333:role/AppRole', 'arn:aws:iam::111122223333:role/approle', false],
    ['ArnEquals', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/AppRole', true], // ArnEquals takes wildcards too
    ['ArnLike', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/path/AppRole', true],
    ['ArnLike', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/alice', false],
    [
      'ArnLike',
      'arn:aws:ec2:*:*:instance/i-?????',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-12345',
      true,
    ],
    [
      'ArnLike',
      'arn:aws:ec2:*:*:instance/i-?????',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-123456',
      false,
    ],
    // the wildcard of one component never spans into the next one
    ['ArnLike', 'arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket-logs', true],
    ['ArnLike', 'arn:aws:sns:us-east-1*', 'arn:aws:sns:us-east-1:111122223333:topic', false],
    ['ArnLike', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:us-east-1:111122223333:topic', true],
    ['ArnLike', 'arn:aws:sns:*:111122223333:*', 'arn:aws:sns:us-east-1:444455556666:topic', false],
    ['ArnLike', 'arn:aws:sns:us-*-1:*:*', 'arn:aws:sns:us-east-1:1:x', true],
    ['ArnNotEquals', 'arn:aws:iam::111122223333:role/AppRole', 'arn:aws:iam::111122223333:role/Other', true],
    ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', 'arn:aws:iam::111122223333:role/AdminRole', false],
    ['ArnNotLike', 'arn:aws:iam::*:role/Admin*', undefined, true],
    ['ArnLike', 'arn:aws:iam::*:role/*', undefined, false],
    ['ArnLikeIfExists', 'arn:aws:iam::*:role/*', undefined, true],
  ];
  it.each(rows)('%s %j, aws:SourceArn %j -> %s', (op, pv, rv, expected) => {
    const ctx = rv === undefined ? { absent: ['aws:SourceArn'] } : { values: { 'aws:SourceArn': rv } };
    expect(conditionResult(op, 'aws:SourceArn', pv, ctx)).toBe(expected);
  });
});
