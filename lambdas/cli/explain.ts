/** `s3-403 explain`: every denial in the input, explained from a snapshot or the live account. */
import {
  explainRequest,
  type ChangeSource,
  type ExplainOptions as ExplainRequestOptions,
  type KmsDenialSource,
} from '../adapters/explain';
import type { AccountView } from '../adapters/types';
import { readDenials } from '../core/event';
import type { Finding } from '../core/model';
import { renderSlack } from '../core/render/slack';
import { renderSns } from '../core/render/sns';
import { renderText } from '../core/render/text';
import { EXIT, UsageError } from './errors';
import { loadSnapshotView, readInput } from './files';
import { useColor, type CliIo } from './io';
import { liveOptions, loadLiveAws, requireCredentials } from './live';

export const EXPLAIN_FORMATS = ['text', 'json', 'slack', 'sns'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

export interface ExplainOptions {
  readonly event: string;
  readonly snapshot?: string;
  readonly format: ExplainFormat;
  readonly profile?: string;
  readonly region?: string;
}

/** Machine formats are JSON arrays, one element per finding, in input order ([] when there is none). */
export function renderFindings(findings: readonly Finding[], format: ExplainFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(findings, null, 2)}\n`;
    case 'slack':
      return `${JSON.stringify(
        findings.map((f) => renderSlack(f)),
        null,
        2,
      )}\n`;
    case 'sns':
      return `${JSON.stringify(
        findings.map((f) => renderSns(f)),
        null,
        2,
      )}\n`;
    case 'text': {
      const text = renderText(findings, { color });
      return text.endsWith('\n') ? text : `${text}\n`;
    }
  }
}

async function liveView(
  io: CliIo,
  opts: ExplainOptions,
): Promise<{ view: AccountView; explain: ExplainRequestOptions }> {
  const aws = await loadLiveAws(io);
  const live = liveOptions(opts, io.env);
  await requireCredentials(aws, live);
  const changes = aws.changeSource?.(live);
  const simulator = aws.simulator?.(live);
  return {
    view: new aws.AwsAccountView(live),
    explain: {
      ...(changes ? { changes } : {}),
      ...(changes && 'kmsDenial' in changes ? { kmsDenials: changes as ChangeSource & KmsDenialSource } : {}),
      ...(simulator ? { simulator } : {}),
    },
  };
}

export async function explainCommand(opts: ExplainOptions, io: CliIo): Promise<number> {
  if (opts.event === '-' && opts.snapshot === '-')
    throw new UsageError('--event and --snapshot cannot both be - (stdin)');
  const input = await readInput(io, opts.event);
  const requests = readDenials(input.data, input.name);
  const findings: Finding[] = [];
  if (opts.snapshot !== undefined || requests.length > 0) {
    // A snapshot is always validated; the live account is only contacted when there is something to explain.
    const source =
      opts.snapshot !== undefined
        ? { view: await loadSnapshotView(io, opts.snapshot) }
        : await liveView(io, opts);
    for (const request of requests)
      findings.push(await explainRequest(request, source.view, 'explain' in source ? source.explain : {}));
  }
  io.stdout(renderFindings(findings, opts.format, useColor(io)));
  return EXIT.ok;
}
