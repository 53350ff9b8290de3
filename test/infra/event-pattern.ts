/**
 * A small EventBridge event-pattern matcher for the operators the stack uses:
 * exact values, prefix, suffix, anything-but (values or {prefix}), exists.
 * Semantics: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * and https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 *  - fields of a pattern are ANDed; the values of a leaf array are ORed;
 *  - a leaf matches an event array when any element matches;
 *  - a field missing from the event matches only {"exists": false}.
 * Any other operator throws, so a pattern the matcher does not understand can never pass silently.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MISSING = Symbol('missing');
type Value = Json | typeof MISSING;

export function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchObject(pattern, event as Json);
}

function matchObject(pattern: Record<string, unknown>, event: Json | typeof MISSING): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key.startsWith('$')) throw new Error(`event-pattern: operator ${key} is not implemented`);
    const value: Value = isObject(event) && key in event ? (event[key] as Json) : MISSING;
    if (Array.isArray(sub)) return matchLeaf(sub, value);
    if (isObject(sub as Json))
      return matchObject(sub as Record<string, unknown>, isObject(value as Json) ? value : MISSING);
    throw new Error(`event-pattern: "${key}" must be an array or an object, got ${JSON.stringify(sub)}`);
  });
}

function matchLeaf(matchers: unknown[], value: Value): boolean {
  return matchers.some((m) => {
    // exists looks at the field as a whole; every other operator at each element of an event array.
    if (isExists(m) || value === MISSING || !Array.isArray(value)) return matchOne(m, value);
    return value.some((element) => matchOne(m, element));
  });
}

function matchOne(matcher: unknown, value: Value): boolean {
  if (matcher === null || typeof matcher !== 'object') return value !== MISSING && value === matcher;
  const entries = Object.entries(matcher as Record<string, unknown>);
  if (entries.length !== 1)
    throw new Error(`event-pattern: one operator per matcher, got ${JSON.stringify(matcher)}`);
  const [op, arg] = entries[0]!;
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') throw new Error('event-pattern: exists takes true or false');
      return arg ? value !== MISSING && !isObject(value as Json) : value === MISSING;
    case 'prefix':
      return typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      return typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'anything-but':
      return value !== MISSING && !isObject(value as Json) && !anythingButExcludes(arg, value);
    default:
      throw new Error(`event-pattern: operator ${op} is not implemented`);
  }
}

function anythingButExcludes(arg: unknown, value: Json): boolean {
  if (Array.isArray(arg)) return arg.some((a) => a === value);
  if (arg !== null && typeof arg === 'object') {
    const [op, sub] = Object.entries(arg as Record<string, unknown>)[0] ?? [];
    if (op === 'prefix' && typeof sub === 'string') return typeof value === 'string' && value.startsWith(sub);
    throw new Error(`event-pattern: anything-but ${JSON.stringify(arg)} is not implemented`);
  }
  return arg === value;
}

function isObject(value: Json | typeof MISSING | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isExists(matcher: unknown): boolean {
  return matcher !== null && typeof matcher === 'object' && 'exists' in (matcher as object);
}
