/**
 * Batch `simulate` has V8 optimize its per-request code sooner (lambdas/cli/tiering.ts), only on V8 12 (Node.js 22):
 * V8 writes an error to standard output, where the results go, for a flag it does not know.
 */
import { optimizeSooner } from '../../lambdas/cli/tiering';

describe('optimizeSooner', () => {
  it('sets the TurboFan threshold on V8 12 (this Node.js 22)', () => {
    expect(optimizeSooner('12.4.254.21-node.57')).toBe(true);
  });

  it.each(['13.6.233.10-node.18', '11.3.244.8-node.19', '1.2.3', ''])('does nothing on V8 %p', (version) => {
    expect(optimizeSooner(version)).toBe(false);
  });
});
