/**
 * What was derived from the last few objects of one request (its condition context, its engine input), found again
 * by object identity.
 *
 * A WeakMap keyed by such short-lived objects kept every value alive until a full garbage collection: in a batch
 * `simulate`, a sampling heap profile counted about 7 KB a request of objects promoted to the old generation and freed
 * only by a full collection, most of them values of WeakMaps keyed by a request's objects (its lower-cased context, its
 * engine input), and garbage collection took 18% of the time. Here an entry is dropped as soon as `size` newer ones
 * came: an analysis asks again for what it derived from the objects of the request at hand, not for an older one, and a
 * miss only derives the value again.
 */
export class Recent<V> {
  private readonly a: (object | null)[];
  private readonly b: (object | null)[];
  private readonly c: (object | null)[];
  private readonly values: (V | undefined)[];
  private next = 0;

  /** Keeps the last `size` entries; an entry is found by up to three key objects, each compared by identity. */
  constructor(private readonly size: number) {
    this.a = new Array<object | null>(size).fill(null);
    this.b = new Array<object | null>(size).fill(null);
    this.c = new Array<object | null>(size).fill(null);
    this.values = new Array<V | undefined>(size).fill(undefined);
  }

  get(a: object, b: object | null = null, c: object | null = null): V | undefined {
    for (let i = 0; i < this.size; i++)
      if (this.a[i] === a && this.b[i] === b && this.c[i] === c) return this.values[i];
    return undefined;
  }

  set(value: V, a: object, b: object | null = null, c: object | null = null): void {
    const i = this.next;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
    this.values[i] = value;
    this.next = (i + 1) % this.size;
  }
}
