/** Three-valued (Kleene) logic for facts that may be unknown. An unknown never turns into true. */
import type { Tri } from '../types';

export function and3(...xs: readonly Tri[]): Tri {
  let unknown = false;
  for (const x of xs) {
    if (x === false) return false;
    if (x === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}

export function or3(...xs: readonly Tri[]): Tri {
  let unknown = false;
  for (const x of xs) {
    if (x === true) return true;
    if (x === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

export function not3(x: Tri): Tri {
  return x === 'unknown' ? 'unknown' : !x;
}

/** The value shared by every alternative, or 'unknown' when they disagree (used over unknown facts). */
export function merge3(xs: readonly Tri[]): Tri {
  const first = xs[0];
  if (first === undefined) return 'unknown';
  return xs.every((x) => x === first) ? first : 'unknown';
}
