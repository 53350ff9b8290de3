/**
 * The engine's caches change nothing: every result computed with them deep-equals the result computed without
 * them (issue 15: "nothing per request re-parses a policy or an IP range"; a cache must never change an answer).
 *  - compiled policies and statements (by NamedPolicy, by document, by statement object; lambdas/core/policy/parse.ts);
 *  - parsed CIDR ranges (conditions/ip.ts);
 *  - the statements that decided, read without tracing near misses (s3/evaluate.ts applyingStatements);
 *  - the resource-ARN-mismatch checker's compiled globs (the RegExp it used before).
 */
import fc from 'fast-check';
import { analyze } from '../../../lambdas/core/analyze';
import { globMatch } from '../../../lambdas/core/checkers/resource-arn-mismatch';
import { readDenials } from '../../../lambdas/core/event';
import type { NamedPolicy } from '../../../lambdas/core/model';
import { authorize, parsePolicy } from '../../../lambdas/core/policy';
import { parseCidr, parseCidrUncached } from '../../../lambdas/core/policy/conditions/ip';
import { withoutCompileCaches, type CompiledPolicy } from '../../../lambdas/core/policy/parse';
import { applyingStatements } from '../../../lambdas/core/policy/s3/evaluate';
import { benchInputs } from '../../../scripts/bench/engine';
import { scenarioFiles, viewFor } from '../../scenarios/load';

describe('compiled policies and statements are cached by identity, and the cache changes nothing', () => {
  it('every scenario denial gets the same finding with the compile caches and without them', () => {
    let n = 0;
    for (const scenario of scenarioFiles()) {
      for (const c of scenario.cases) {
        for (const req of readDenials(JSON.stringify(c.event), c.name)) {
          const facts = viewFor(scenario).gatherSync(req);
          const cached = analyze(req, facts);
          const again = analyze(req, facts); // every policy compiled already, patched copies included
          const fresh = withoutCompileCaches(() => analyze(req, facts));
          expect(JSON.stringify(again)).toBe(JSON.stringify(fresh));
          expect(cached).toStrictEqual(fresh);
          n += 1;
        }
      }
    }
    expect(n).toBeGreaterThan(50);
  });

  it('the engine workload decides the same with the compile caches and without them', () => {
    for (const inp of benchInputs(60)) {
      const fresh = withoutCompileCaches(() => JSON.stringify(authorize(inp)));
      expect(JSON.stringify(authorize(inp))).toBe(fresh);
    }
  });

  it('a patched copy of a policy reuses the unchanged statements and compiles the changed one', () => {
    const a = { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const b = { Sid: 'B', Effect: 'Deny', Action: 's3:*', Resource: '*' };
    const doc = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
    const named = (document: object): NamedPolicy => ({ name: 'p', source: 'identity-inline', document });
    const original = parsePolicy(named(doc([a, b]))) as CompiledPolicy;
    const b2 = { ...b, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const patched = parsePolicy(named(doc([a, b2]))) as CompiledPolicy;
    expect(patched.statements[0]).toBe(original.statements[0]);
    expect(patched.statements[1]).not.toBe(original.statements[1]);
    expect(patched.statements[1]?.conditions).toHaveLength(1);
    // the same statement object at another position is compiled for that position (its index and label)
    const shifted = parsePolicy(named(doc([b, a]))) as CompiledPolicy;
    expect(shifted.statements[1]?.index).toBe(2);
    expect(shifted.statements[1]?.label).toBe('Allow statement 2 (A)');
    expect(original.statements[0]?.label).toBe('Allow statement 1 (A)');
    // and the version decides whether ${...} is a variable
    const old = parsePolicy(named({ Version: '2008-10-17', Statement: [a, b] })) as CompiledPolicy;
    expect(old.statements[0]).not.toBe(original.statements[0]);
  });
});

describe('parsed CIDR ranges are cached, and the cache changes nothing', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
  const v6 = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
    .map((h) => h.map((x) => x.toString(16)).join(':'));
  const cidr = fc.oneof(
    fc.tuple(v4, fc.integer({ min: 0, max: 33 })).map(([a, b]) => `${a}/${b}`),
    fc.tuple(v6, fc.integer({ min: 0, max: 129 })).map(([a, b]) => `${a}/${b}`),
    v4,
    v6,
    fc.constantFrom('::ffff:10.0.0.1', ' 10.0.0.0/8 ', '2001:db8::/32', '10.0.0.0/', 'x', '', '::'),
    fc.string(),
  );

  it('gives what parsing gives, for any text, the first time and every time after', () => {
    fc.assert(
      fc.property(cidr, (text) => {
        const expected = parseCidrUncached(text);
        expect(parseCidr(text)).toEqual(expected);
        expect(parseCidr(text)).toEqual(expected);
      }),
    );
  });
});

describe('the statements that decided are read without tracing near misses, and are the same', () => {
  it('equal the displayed statements that match or might match, for every layer of the workload', () => {
    let compared = 0;
    for (const inp of benchInputs(200)) {
      const result = authorize({ ...inp, request: { ...inp.request } });
      const early = result.layers.flatMap((l) => l.policies.map((p) => applyingStatements(p)));
      const full = result.layers.flatMap((l) =>
        l.policies.map((p) => p.statements.filter((s) => s.matched !== false)),
      );
      expect(early).toStrictEqual(full);
      compared += early.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('the resource-ARN-mismatch checker matches Resource patterns as a RegExp does (* and ? any character)', () => {
  // `s`: line breaks too, as the engine matches them (an S3 key may hold any character)
  const regexp = (pattern: string, value: string): boolean =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      's',
    ).test(value);
  const chars = fc.constantFrom('a', 'b', '/', ':', '*', '?', '.', '\n', '\uE000', '-', '$', '(', 'é');
  const text = fc.array(chars, { maxLength: 12 }).map((cs) => cs.join(''));

  it('for any pattern and value (wildcards, line breaks, regex metacharacters)', () => {
    fc.assert(
      fc.property(text, text, (pattern, value) => {
        expect(globMatch(pattern, value)).toBe(regexp(pattern, value));
        expect(globMatch(pattern, value)).toBe(regexp(pattern, value)); // cached
      }),
      { numRuns: 3000 },
    );
  });

  it('for the shapes it classifies', () => {
    const cases: [string, string][] = [
      ['arn:aws:s3:::b', 'arn:aws:s3:::b'],
      ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/x'],
      ['arn:aws:s3:::b*', 'arn:aws:s3:::b/x'],
      ['arn:aws:s3:::b?', 'arn:aws:s3:::b/'],
      ['arn:aws:s3:::*/x', 'arn:aws:s3:::b/x'],
      ['*', 'arn:aws:s3:::b'],
      ['arn:aws:s3:::b/*', 'arn:aws:s3:::b'],
    ];
    for (const [p, v] of cases) expect(globMatch(p, v)).toBe(regexp(p, v));
  });
});
