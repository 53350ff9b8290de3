/**
 * The one error the input reader throws: unusable input. Its message is a single line,
 * `<source>: <what is wrong>`, fit to print as is (no stack trace needed).
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly source: string;

  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super(`${source}: ${oneLine(problem)}`, options);
    this.source = source;
  }
}

/** Collapse any whitespace run (newlines included) so the message stays on one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
