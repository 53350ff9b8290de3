/**
 * Records keyed by text a request chose (object keys, bucket names, key ARNs, VPC endpoint ids, session ARNs) are
 * read and written here, by own property only. A plain `record[key]` answers for a key named like a member of
 * Object.prototype (`constructor`, `toString`, `__proto__`) with that member, and `record['__proto__'] = v` replaces
 * the record's prototype instead of adding an entry: a hostile or merely unlucky key would read another object's
 * facts, or vanish.
 */

/** The entry of `record` named `key`, only if the record has it as its own property. */
export function ownValue<T>(
  record: Readonly<Record<string, T>> | null | undefined,
  key: string,
): T | undefined {
  return record !== null && record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Adds (or replaces) the entry `key` of `record` as an own, enumerable property, whatever the key. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/**
 * An empty record for entries keyed by request text, without a prototype. V8 keeps such an object as a hash table
 * from the start; an ordinary `{}` gets a new hidden class for each new key it is given (each bucket name, object
 * key or account id a request names), which costs more than the lookup itself. JSON and Object.keys see the same
 * entries. Read and write it with ownValue and setOwn, as any record keyed by request text.
 */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
