/**
 * `explain --write-fixes DIR`: for each distinct problem whose fix is a verified policy patch, a folder
 * `DIR/<nn>-<root-cause>-<bucket>/` with the complete patched policy document (under the file name its
 * command reads, e.g. policy.json), the current document beside it (`policy.current.json`) and `apply.sh`,
 * the one command that applies it (from the finding's fix commands, lambdas/core/fix/commands.ts):
 *
 *   diff -u DIR/01-…/policy.current.json DIR/01-…/policy.json && sh DIR/01-…/apply.sh
 *
 * Names derived from request values (bucket, root cause) are reduced to [A-Za-z0-9._-], so nothing is ever
 * written outside DIR; text from the request in apply.sh is on one comment line, control characters removed.
 */
import { jsonText } from '../core/render/safe';
import type { AccessRequest, Finding, RootCause } from '../core/model';
import { DOCUMENT_LAYERS, patchedDocuments, type PatchedDocument } from '../core/report/fixes';
import { fileError } from './errors';
import type { Explainer } from './explainer';
import type { CliIo } from './io';

export interface FixCandidate {
  readonly finding: Finding;
  readonly request: AccessRequest;
}

/** A file or folder name from untrusted text: [A-Za-z0-9._-] only, no leading dot, at most 60 characters. */
export function safeName(text: string): string {
  const s = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 60);
  return s === '' ? 'x' : s;
}

/** One line of a shell comment: no control characters, no line or paragraph separators, no bidi overrides. */
const oneLine = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ');

/** The command of `cause` that writes this document, and the file it reads (file://NAME). */
function commandFor(cause: RootCause, doc: PatchedDocument): { command: string; file: string } | null {
  const writers: Record<string, RegExp> = {
    'kms-key-policy': /put-key-policy/,
    'identity-policy': /put-role-policy|put-user-policy|put-group-policy|create-policy-version/,
    'permissions-boundary': /create-policy-version/,
  };
  const wanted = writers[doc.layer] ?? /file:\/\//;
  for (const command of cause.fix.commands) {
    const file = /file:\/\/([A-Za-z0-9._-]+)/.exec(command)?.[1];
    if (file && wanted.test(command) && !file.startsWith('.')) return { command, file };
  }
  return null;
}

export async function writeFixes(
  io: CliIo,
  dir: string,
  candidates: readonly FixCandidate[],
  explainer: Explainer,
): Promise<void> {
  const written: string[] = [];
  const skipped: string[] = [];
  let n = 0;
  for (const { finding, request } of candidates) {
    const cause = finding.rootCauses.find(
      (c) => c.fix.verified && DOCUMENT_LAYERS.has(String(c.fix.policyPatch?.['layer'])),
    );
    if (!cause) continue; // e.g. Object Ownership: the fix is a command, already in the finding
    const facts = await explainer.factsOf(request);
    const docs = patchedDocuments(cause, facts, request);
    const files = docs.map((d) => ({ doc: d, cmd: commandFor(cause, d) })).filter((x) => x.cmd !== null);
    if (files.length === 0) {
      skipped.push(
        `${cause.id} for event ${finding.eventId}: the current document or its command is not known`,
      );
      continue;
    }
    n += 1;
    const folder = `${dir.replace(/\/+$/, '')}/${String(n).padStart(2, '0')}-${safeName(cause.id)}-${safeName(
      request.bucket ?? files[0]!.doc.target,
    )}`;
    await mkdir(io, folder);
    const script = [
      '#!/bin/sh',
      `# s3-403: ${oneLine(cause.title)}`,
      `# event ${oneLine(finding.eventId)}; review the change first:`,
      ...files.map(({ cmd }) => `#   diff -u ${cmd!.file.replace(/\.json$/, '')}.current.json ${cmd!.file}`),
      'set -eu',
      'cd "$(dirname "$0")"',
      ...files.map(({ cmd }) => cmd!.command),
      '',
    ].join('\n');
    for (const { doc, cmd } of files) {
      await write(io, `${folder}/${cmd!.file}`, `${jsonText(doc.patched, 2)}\n`);
      await write(
        io,
        `${folder}/${cmd!.file.replace(/\.json$/, '')}.current.json`,
        `${jsonText(doc.current ?? { Version: '2012-10-17', Statement: [] }, 2)}\n`,
      );
    }
    await write(io, `${folder}/apply.sh`, script);
    written.push(`${folder}/apply.sh`);
  }
  const lines = [
    `s3-403: wrote ${written.length} fix${written.length === 1 ? '' : 'es'} to ${dir}${written.length > 0 ? ' (review the diff, then run sh apply.sh):' : ''}`,
    ...written.map((w) => `  ${w}`),
    ...skipped.map((s) => `  not written: ${s}`),
  ];
  io.stderr(`${lines.join('\n')}\n`);
}

async function mkdir(io: CliIo, path: string): Promise<void> {
  try {
    await io.mkdir(path);
  } catch (err) {
    throw fileError(path, err, 'cannot create');
  }
}

async function write(io: CliIo, path: string, data: string): Promise<void> {
  try {
    await io.writeFile(path, data);
  } catch (err) {
    throw fileError(path, err, 'cannot write');
  }
}
