/**
 * What `explain` and `preflight` say of the values they read and passed over (../core/event/skipped.ts): after each
 * input, one warning naming the values that are not CloudTrail records (the first three, with their places); at
 * the end, one note counting CloudTrail's own digest files and Insights events, which hold no API call. Every
 * text taken from the input goes through safeText before it reaches the terminal.
 */
import { plural } from '../core/report/group';
import type { OnSkip, SkipReport } from '../core/event/skipped';
import { safeText } from '../core/render/safe';
import type { CliIo } from './io';

/** How many passed-over values a warning names; the rest are counted. */
const NAMED = 3;

const KINDS = ['digest', 'insight', 'control'] as const;

export class SkipTally {
  /** CloudTrail's own files and events, by kind: of the inputs read to their end, and of the current one. */
  private readonly counted = { digest: 0, insight: 0, control: 0 };
  private readonly current = { digest: 0, insight: 0, control: 0 };
  private others = 0;
  private named: SkipReport[] = [];

  constructor(private readonly io: CliIo) {}

  readonly onSkip: OnSkip = (report) => {
    if (report.kind !== 'other') this.current[report.kind] += 1;
    else {
      this.others += 1;
      if (this.named.length < NAMED) this.named.push(report);
    }
  };

  /** After one input was read to its end: the warning for the values of it that were passed over. */
  endInput(input: string): void {
    for (const kind of KINDS) this.counted[kind] += this.current[kind];
    if (this.others > 0) {
      const places = this.named.map((r) => {
        const where = r.source === input ? r.at : `${r.source}${r.at ? ` ${r.at}` : ''}`;
        const denial = r.errorCode !== null ? `; its errorCode is ${JSON.stringify(r.errorCode)}` : '';
        return `${where === '' ? 'the input' : where} (${r.what}${denial})`;
      });
      const more = this.others > this.named.length ? `; and ${this.others - this.named.length} more` : '';
      const verb =
        this.others === 1 ? 'is not a CloudTrail record and was' : 'are not CloudTrail records and were';
      this.io.stderr(
        safeText(
          `s3-403: warning: ${input}: ${plural(this.others, 'value')} ${verb} skipped: ${places.join('; ')}${more}`,
        ) + '\n',
      );
    }
    this.forgetInput();
  }

  /** An input that turned out unusable (its error is said instead): nothing of it is counted or warned about. */
  forgetInput(): void {
    for (const kind of KINDS) this.current[kind] = 0;
    this.others = 0;
    this.named = [];
  }

  /** After every input: the note for CloudTrail's own files and events, which hold no API call. */
  end(): void {
    const parts = [
      ...(this.counted.digest > 0 ? [plural(this.counted.digest, 'CloudTrail digest file')] : []),
      ...(this.counted.insight > 0 ? [plural(this.counted.insight, 'Insights event')] : []),
      ...(this.counted.control > 0 ? [plural(this.counted.control, 'CloudWatch Logs control message')] : []),
    ];
    if (parts.length === 0) return;
    const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
    this.io.stderr(`s3-403: note: skipped ${list}: they record no API call\n`);
  }
}
