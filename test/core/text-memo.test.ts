import { textMemo } from '../../lambdas/core/text-memo';

describe('textMemo: a function of a text, remembered by the text', () => {
  it('computes a text once, gives the same value again, and starts over past its bound', () => {
    const calls: string[] = [];
    const f = textMemo(3, (t: string) => {
      calls.push(t);
      return { t };
    });
    const a = f('a');
    expect(f('a')).toBe(a);
    f('b');
    f('c');
    expect(f('a')).toBe(a); // three texts: all remembered
    expect(calls).toEqual(['a', 'b', 'c']);
    f('d'); // a fourth text: the memory starts over with it
    expect(f('d')).toEqual({ t: 'd' });
    expect(f('a')).not.toBe(a);
    expect(f('a')).toEqual(a);
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  it('keys by the text alone, whatever it is (Object.prototype member names included)', () => {
    const f = textMemo(10, (t: string) => t.length);
    for (const t of ['__proto__', 'constructor', 'toString', '', 'x'.repeat(1000)])
      expect(f(t)).toBe(t.length);
  });
});
