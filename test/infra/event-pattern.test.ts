/**
 * The test matcher itself, against the examples of the EventBridge documentation:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
import { matches } from './event-pattern';

describe('event-pattern matcher (EventBridge semantics)', () => {
  it('ANDs fields and ORs the values of a leaf array', () => {
    const pattern = { source: ['aws.s3'], detail: { errorCode: ['AccessDenied', 'AccountProblem'] } };
    expect(matches(pattern, { source: 'aws.s3', detail: { errorCode: 'AccountProblem' } })).toBe(true);
    expect(matches(pattern, { source: 'aws.s3', detail: { errorCode: 'NoSuchKey' } })).toBe(false);
    expect(matches(pattern, { source: 'aws.kms', detail: { errorCode: 'AccessDenied' } })).toBe(false);
  });

  it('does not match a field that is missing from the event', () => {
    expect(matches({ detail: { errorCode: ['AccessDenied'] } }, { detail: {} })).toBe(false);
    expect(matches({ detail: { errorCode: ['AccessDenied'] } }, {})).toBe(false);
  });

  it('matches an event array when any element matches', () => {
    expect(matches({ resources: ['b'] }, { resources: ['a', 'b'] })).toBe(true);
    expect(matches({ resources: ['c'] }, { resources: ['a', 'b'] })).toBe(false);
  });

  it('prefix and suffix match the start and end of strings only', () => {
    expect(matches({ region: [{ prefix: 'us-' }] }, { region: 'us-east-1' })).toBe(true);
    expect(matches({ region: [{ prefix: 'us-' }] }, { region: 'eu-west-1' })).toBe(false);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.png' })).toBe(true);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 7 })).toBe(false);
  });

  it('anything-but excludes the listed values and never matches a missing field', () => {
    const pattern = { state: [{ 'anything-but': ['initializing', 'stopped'] }] };
    expect(matches(pattern, { state: 'running' })).toBe(true);
    expect(matches(pattern, { state: 'stopped' })).toBe(false);
    expect(matches(pattern, {})).toBe(false);
    expect(matches({ state: [{ 'anything-but': 'x' }] }, { state: 'x' })).toBe(false);
    expect(matches({ r: [{ 'anything-but': { prefix: 'us-' } }] }, { r: 'eu-west-1' })).toBe(true);
    expect(matches({ r: [{ 'anything-but': { prefix: 'us-' } }] }, { r: 'us-west-1' })).toBe(false);
  });

  it('exists looks at presence of a leaf, not at its value', () => {
    expect(matches({ a: { b: [{ exists: true }] } }, { a: { b: 'x' } })).toBe(true);
    expect(matches({ a: { b: [{ exists: true }] } }, { a: {} })).toBe(false);
    expect(matches({ a: { b: [{ exists: true }] } }, { a: { b: { c: 1 } } })).toBe(false);
    expect(matches({ a: { b: [{ exists: false }] } }, { a: {} })).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, {})).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, { a: { b: 'x' } })).toBe(false);
  });

  it('a missing field or an excluded value: [{exists:false},{anything-but}] (the loop guard shape)', () => {
    const guard = { arn: [{ exists: false }, { 'anything-but': ['me'] }] };
    expect(matches(guard, {})).toBe(true);
    expect(matches(guard, { arn: 'someone' })).toBe(true);
    expect(matches(guard, { arn: 'me' })).toBe(false);
  });

  it('throws on operators it does not implement, so no pattern passes by accident', () => {
    expect(() => matches({ a: [{ wildcard: '*' }] }, { a: 'x' })).toThrow(/wildcard is not implemented/);
    expect(() => matches({ $or: [] }, {})).toThrow(/\$or is not implemented/);
    expect(() => matches({ a: 'x' }, { a: 'x' })).toThrow(/must be an array or an object/);
  });
});

/**
 * Cases taken from the EventBridge documentation, one per rule the project's patterns rely on:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html (values, arrays, nesting)
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html (operators)
 */
describe('event-pattern matcher against the EventBridge documentation', () => {
  const ec2Event = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
  };

  it('eb-event-patterns: a pattern matches when every field it names matches (source, detail-type, nested detail.state)', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches({ ...pattern, detail: { state: ['running'] } }, ec2Event)).toBe(false);
  });

  it('eb-event-patterns: values in a pattern array are alternatives ("match any of the values")', () => {
    expect(matches({ detail: { state: ['pending', 'terminated'] } }, ec2Event)).toBe(true);
  });

  it('eb-event-patterns: an event array matches when the intersection with the pattern array is not empty', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0',
        'arn:aws:ec2:us-west-1:123456789012:instance/i-9999999999',
      ],
    };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches({ resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-0'] }, ec2Event)).toBe(false);
  });

  it('eb-event-patterns: matching is exact and case-sensitive', () => {
    expect(matches({ detail: { state: ['Terminated'] } }, ec2Event)).toBe(false);
    expect(matches({ source: ['aws.ec'] }, ec2Event)).toBe(false);
  });

  it('eb-event-patterns: null and the empty string are values that can be matched', () => {
    const event = { detail: { responseElements: null, eventName: '' } };
    expect(matches({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matches({ detail: { eventName: [''] } }, event)).toBe(true);
    expect(matches({ detail: { eventName: [null] } }, event)).toBe(false);
  });

  it('operators: prefix matching ("time": [{"prefix": "2017-12-22"}])', () => {
    expect(matches({ time: [{ prefix: '2017-12-22' }] }, ec2Event)).toBe(true);
    expect(matches({ time: [{ prefix: '2017-12-23' }] }, ec2Event)).toBe(false);
  });

  it('operators: anything-but with a string, a number, a list and a prefix', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2Event)).toBe(false);
    expect(
      matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 456 } }),
    ).toBe(true);
    expect(
      matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 123 } }),
    ).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2Event)).toBe(
      true,
    );
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, ec2Event)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2Event)).toBe(true);
  });

  it('operators: exists true/false on a leaf field; exists does not match an intermediate (object) node', () => {
    expect(matches({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, ec2Event)).toBe(false);
    expect(
      matches({ detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } }),
    ).toBe(false);
  });

  it('operators: matchers of one field are ORed, so exists can be combined with another operator', () => {
    const pattern = { detail: { state: [{ exists: false }, { prefix: 'term' }] } };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches(pattern, { detail: {} })).toBe(true);
    expect(matches(pattern, { detail: { state: 'running' } })).toBe(false);
  });

  it('numeric, wildcard, equals-ignore-case and $or are not used by the deployed patterns: the matcher refuses them', () => {
    expect(() => matches({ detail: { c: [{ numeric: ['>', 0] }] } }, { detail: { c: 5 } })).toThrow(
      /numeric is not implemented/,
    );
    expect(() => matches({ detail: { c: [{ 'equals-ignore-case': 'a' }] } }, { detail: { c: 'A' } })).toThrow(
      /not implemented/,
    );
  });
});
