import { Recent } from '../../lambdas/core/recent';

describe('Recent: what was derived from the last few objects, by identity', () => {
  it('finds an entry only by the same key objects, all of them', () => {
    const cache = new Recent<string>(4);
    const facts = {};
    const need = {};
    const request = {};
    cache.set('input', facts, need, request);
    expect(cache.get(facts, need, request)).toBe('input');
    expect(cache.get({}, need, request)).toBeUndefined(); // an equal object is another key
    expect(cache.get(facts, need, {})).toBeUndefined();
    expect(cache.get(facts, need)).toBeUndefined();
    expect(cache.get(facts, {}, request)).toBeUndefined();
    const ctx = {};
    cache.set('lowered', ctx);
    expect(cache.get(ctx)).toBe('lowered');
  });

  it('keeps the last `size` entries: the oldest goes when a newer one comes', () => {
    const cache = new Recent<number>(3);
    const keys = [{}, {}, {}, {}];
    keys.forEach((k, i) => cache.set(i, k));
    expect(cache.get(keys[0] as object)).toBeUndefined();
    expect(keys.slice(1).map((k) => cache.get(k))).toEqual([1, 2, 3]);
  });
});
