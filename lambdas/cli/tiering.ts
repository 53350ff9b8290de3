/**
 * Batch `simulate` (issue 15) runs the same few dozen functions once per request, thousands of times. V8 optimizes a
 * function with TurboFan only after 3,000 calls (`--invocation-count-for-turbofan`, Node.js 22), so the first
 * 3,000 requests of a batch run that code unoptimized: in a 20,000-request batch, one function after another was
 * optimized between the 3,000th and the 8,000th request. With 600, the batch's functions are optimized from about
 * the 600th request on; measured on the bench's 20,000 requests (README, Performance): faster in 6 of 8 paired
 * runs, main-thread CPU lower in 7 of 8. Not for `explain` nor `simulate --explain`: their code is broad (root
 * causes, fixes and their verification), and compiling more of it cost more than it saved (`explain` of 1,000
 * records 14% slower, `simulate --explain` of 3,000 requests about 5% slower).
 *
 * Only on V8 12 (Node.js 22, the Lambda runtime this project targets), where the flag is known: V8 prints an error
 * for a flag it does not know to standard output, which carries the command's results.
 */
import { setFlagsFromString } from 'node:v8';

export const TURBOFAN_AFTER = 600;

/** Lowers V8's TurboFan threshold for the rest of the process; false (nothing done) on another V8 than 12. */
export function optimizeSooner(v8Version: string = process.versions.v8): boolean {
  if (!/^12\.\d+\./.test(v8Version)) return false;
  setFlagsFromString(`--invocation-count-for-turbofan=${TURBOFAN_AFTER}`);
  return true;
}
