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
