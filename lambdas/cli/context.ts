/** `--context key=value` (repeatable): a repeated key becomes a multi-valued key; values are kept literally. */
import { UsageError } from './errors';
import { ownValue, setOwn } from '../core/own';

export type ContextMap = Record<string, string | string[]>;

export function collectContext(pair: string, previous: ContextMap = {}): ContextMap {
  const eq = pair.indexOf('=');
  if (eq <= 0)
    throw new UsageError(
      `--context ${JSON.stringify(pair)}: expected key=value, e.g. aws:SourceIp=198.51.100.7`,
    );
  const key = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1);
  const existing = ownValue(previous, key);
  const next: ContextMap = { ...previous };
  setOwn(
    next,
    key,
    existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value],
  );
  return next;
}
