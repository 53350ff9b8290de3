/**
 * How a decision made with inferred values is merged into the one the recorded facts make (lambdas/core/policy/
 * inferred.ts), with a stand-in for the engine so that each rule of the merge is seen on its own:
 *  - the second decision is made only when there is something to infer and something the record left unknown;
 *  - deciding with more known values never changes a decided result (three-valued logic is monotonic): when the
 *    second decision contradicts a decided layer or the decided outcome, the inference is not used at all;
 *  - what the second decision settles is marked with the inferred keys it rests on, so a cause read from it is
 *    "likely", never "confirmed" (the project's rule that an inference is never presented as a recorded fact).
 * aws:SecureTransport, the value a record without TLS details implies:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
 */
import type { ConditionContext } from '../../../../lambdas/core/model';
import { withInferred } from '../../../../lambdas/core/policy/inferred';
import type {
  AuthorizationResult,
  EngineRequest,
  LayerId,
  LayerOutcome,
  LayerResult,
} from '../../../../lambdas/core/policy/types';
import { request, roleSession } from './fixtures';

const INFERRED: ConditionContext['inferred'] = {
  'aws:SecureTransport': {
    value: 'false',
    confidence: 'likely',
    reason: 'the record has no tlsDetails',
    from: ['tlsDetails'],
  },
  'aws:SourceVpc': {
    value: 'vpc-1',
    confidence: 'likely',
    reason: 'stand-in',
    from: ['vpcEndpointId'],
  },
};

function recorded(inferred: ConditionContext['inferred'] | null = INFERRED, useInferred?: boolean) {
  const r = request(roleSession(), 's3:GetObject', undefined, {}, 'unknown');
  return {
    request: {
      ...r,
      ...(useInferred !== undefined ? { useInferred } : {}),
      context: { ...r.context, ...(inferred !== null ? { inferred } : {}) },
    } as EngineRequest,
  };
}

const layer = (id: LayerId, result: LayerOutcome, extra: Partial<LayerResult> = {}): LayerResult => ({
  layer: id,
  result,
  policies: [],
  ...extra,
});

/** A layer whose trace read the inferred aws:SecureTransport (written in another case, as policies may). */
const readsTls = (id: LayerId, result: LayerOutcome): LayerResult =>
  layer(id, result, {
    policies: [
      {
        policy: { name: 'p', source: 'bucket-policy' },
        decision: result === 'explicitly-denied' ? 'explicitly-denied' : 'implicitly-denied',
        statements: [
          {
            index: 1,
            sid: 'DenyPlainHttp',
            effect: 'Deny',
            matched: true,
            actionMatched: true,
            resourceMatched: true,
            conditions: [
              {
                key: 'AWS:SECURETRANSPORT',
                operator: 'Bool',
                values: ['false'],
                result: true,
                inferred: true,
              },
            ],
          },
        ],
      },
    ] as unknown as LayerResult['policies'],
  });

/**
 * A stand-in engine: `first` with the recorded facts, `second` when asked to read the inferred values too. Like the
 * engine's ContextView, it reports the inferred keys it asks for (`inferredRead`): every one, unless `asks` is false.
 */
function engine(first: AuthorizationResult, second: AuthorizationResult, asks = true) {
  const calls: boolean[] = [];
  const decide = (input: { request: EngineRequest }): AuthorizationResult => {
    calls.push(input.request.useInferred === true);
    if (asks)
      for (const k of Object.keys(input.request.context.inferred ?? {}))
        input.request.inferredRead?.add(k.toLowerCase());
    return input.request.useInferred === true ? second : first;
  };
  return { decide, calls };
}

const unknownBucket: AuthorizationResult = {
  decision: 'unknown',
  layers: [layer('identity-policy', 'allowed'), layer('bucket-policy', 'unknown')],
};
const deniedWithInference: AuthorizationResult = {
  decision: 'explicitly-denied',
  layers: [layer('identity-policy', 'allowed'), readsTls('bucket-policy', 'explicitly-denied')],
};

describe('when the engine decides a second time, with the inferred values', () => {
  it('a record that implies no value is decided once, with its recorded facts', () => {
    for (const inferred of [null, {}]) {
      const e = engine(unknownBucket, deniedWithInference);
      expect(withInferred(recorded(inferred), e.decide)).toBe(unknownBucket);
      expect(e.calls).toEqual([false]);
    }
  });

  it('a decision the recorded facts settle in every layer is decided once', () => {
    const decided: AuthorizationResult = {
      decision: 'allowed',
      layers: [layer('identity-policy', 'allowed'), layer('bucket-policy', 'not-applicable')],
    };
    const e = engine(decided, deniedWithInference);
    expect(withInferred(recorded(), e.decide)).toBe(decided);
    expect(e.calls).toEqual([false]);
  });

  it('a decided outcome with one layer left unknown is decided again, to settle that layer', () => {
    const first: AuthorizationResult = {
      decision: 'explicitly-denied',
      layers: [layer('identity-policy', 'explicitly-denied'), layer('bucket-policy', 'unknown')],
    };
    const second: AuthorizationResult = {
      decision: 'explicitly-denied',
      layers: [layer('identity-policy', 'explicitly-denied'), readsTls('bucket-policy', 'explicitly-denied')],
    };
    const e = engine(first, second);
    const r = withInferred(recorded(), e.decide);
    expect(e.calls).toEqual([false, true]);
    // the decision was the record's own: it rests on nothing inferred
    expect(r.decision).toBe('explicitly-denied');
    expect(r.dependsOnInferred).toBeUndefined();
    expect(r.layers[1]).toMatchObject({
      result: 'explicitly-denied',
      dependsOnInferred: ['aws:SecureTransport'],
    });
  });

  it('a first decision that never asked for an inferred key is not decided again: the second would be the same', () => {
    const e = engine(unknownBucket, deniedWithInference, false);
    expect(withInferred(recorded(), e.decide)).toBe(unknownBucket);
    expect(e.calls).toEqual([false]);
  });

  it('a request already deciding with the inferred values is not decided a third time', () => {
    const e = engine(unknownBucket, deniedWithInference);
    expect(withInferred(recorded(INFERRED, true), e.decide)).toBe(deniedWithInference);
    expect(e.calls).toEqual([true]);
  });
});

describe('the inference never contradicts what the record decides (monotonic): otherwise it is not used', () => {
  it('a decided layer that comes out differently', () => {
    const contradicts: AuthorizationResult = {
      decision: 'explicitly-denied',
      layers: [layer('identity-policy', 'implicitly-denied'), readsTls('bucket-policy', 'explicitly-denied')],
    };
    expect(withInferred(recorded(), engine(unknownBucket, contradicts).decide)).toBe(unknownBucket);
  });

  it('a decided outcome that comes out differently', () => {
    const first: AuthorizationResult = {
      decision: 'implicitly-denied',
      layers: [layer('identity-policy', 'implicitly-denied'), layer('bucket-policy', 'unknown')],
    };
    const second: AuthorizationResult = {
      decision: 'explicitly-denied',
      layers: [layer('identity-policy', 'implicitly-denied'), readsTls('bucket-policy', 'explicitly-denied')],
    };
    expect(withInferred(recorded(), engine(first, second).decide)).toBe(first);
  });

  it('a second decision whose layers are not the same layers, or not in the same order', () => {
    const more: AuthorizationResult = {
      decision: 'explicitly-denied',
      layers: [
        layer('identity-policy', 'allowed'),
        readsTls('bucket-policy', 'explicitly-denied'),
        layer('acl', 'allowed'),
      ],
    };
    // the same results, position by position, but another layer at each
    const swapped: AuthorizationResult = {
      decision: 'allowed',
      layers: [layer('bucket-policy', 'allowed'), layer('identity-policy', 'allowed')],
    };
    for (const second of [more, swapped])
      expect(withInferred(recorded(), engine(unknownBucket, second).decide)).toBe(unknownBucket);
  });

  it('a second decision that settles nothing leaves the first as it was', () => {
    const stillUnknown: AuthorizationResult = {
      decision: 'unknown',
      layers: [layer('identity-policy', 'allowed'), layer('bucket-policy', 'unknown')],
    };
    expect(withInferred(recorded(), engine(unknownBucket, stillUnknown).decide)).toBe(unknownBucket);
  });
});

describe('what the second decision settles is marked with the inferred keys it rests on', () => {
  it('the layer and the decision it settles name the key its trace read, spelled as inferred', () => {
    const r = withInferred(recorded(), engine(unknownBucket, deniedWithInference).decide);
    expect(r.decision).toBe('explicitly-denied');
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport']);
    expect(r.layers[0]).toEqual(layer('identity-policy', 'allowed'));
    expect(r.layers[1]).toMatchObject({
      result: 'explicitly-denied',
      dependsOnInferred: ['aws:SecureTransport'],
    });
  });

  it('a layer settled without a trace that shows the key rests on every inferred value', () => {
    const second: AuthorizationResult = {
      decision: 'explicitly-denied',
      layers: [layer('identity-policy', 'allowed'), layer('bucket-policy', 'explicitly-denied')],
    };
    const r = withInferred(recorded(), engine(unknownBucket, second).decide);
    expect(r.layers[1]?.dependsOnInferred).toEqual(['aws:SecureTransport', 'aws:SourceVpc']);
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport', 'aws:SourceVpc']);
  });

  it('a decision settled while every layer stays as the record left it rests on every inferred value', () => {
    const first: AuthorizationResult = {
      decision: 'unknown',
      layers: [layer('identity-policy', 'allowed'), layer('bucket-policy', 'allowed')],
    };
    const second: AuthorizationResult = { ...first, decision: 'allowed' };
    const r = withInferred(recorded(), engine(first, second).decide);
    expect(r.decision).toBe('allowed');
    expect(r.dependsOnInferred).toEqual(['aws:SecureTransport', 'aws:SourceVpc']);
    expect(r.layers.every((l) => l.dependsOnInferred === undefined)).toBe(true);
  });

  it('the grant side: what the record decided stays, what it left unknown is read from the second decision', () => {
    const grants = (first: AuthorizationResult['grant'], second: AuthorizationResult['grant']) =>
      withInferred(
        recorded(),
        engine({ ...unknownBucket, grant: first }, { ...deniedWithInference, grant: second }).decide,
      ).grant;
    expect(grants('unknown', true)).toBe(true);
    expect(grants('unknown', undefined)).toBe('unknown');
    expect(grants(false, true)).toBe(false);
    expect(grants(undefined, true)).toBeUndefined();
  });
});
