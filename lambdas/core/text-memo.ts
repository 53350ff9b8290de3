/**
 * A function of a text, remembered by the text: for the texts the engine meets again and again (condition keys and
 * action names, ARN heads, policy IP ranges). Bounded: past `max` distinct texts the memory starts over, since request
 * text can be anything and a miss only computes the value again. The values must be immutable, as they are shared.
 */
export function textMemo<V>(max: number, compute: (text: string) => V): (text: string) => V {
  const memory = new Map<string, V>();
  return (text: string): V => {
    const hit = memory.get(text);
    if (hit !== undefined) return hit;
    const value = compute(text);
    if (memory.size >= max) memory.clear();
    memory.set(text, value);
    return value;
  };
}
