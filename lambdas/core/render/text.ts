/**
 * Plain-text rendering for people (the CLI's `--format text`): for each denial, the cause first, then the
 * evidence, then the fix; what AWS's own message says; and a summary of every check. Colour only when asked.
 *
 * Two lengths: the default is compact (about 17 lines: caller, cause, evidence, fix, what changed, the check
 * counts and any layer that could not be read); `verbose` adds the explanation, the policy patch, the change
 * diff, AWS's message and the simulator's opinion when they agree, and every check with its detail.
 * Each section is one function below; `verbose` only adds lines, it never changes one.
 */
import { createColors } from 'picocolors';
import type { Check, Finding, RootCause } from '../model';
import { noDenialText } from '../report/group';
import { jsonText, safeFinding } from './safe';
import { changeLine, explainedWithoutCause, recordLine, simulatorLine } from './second-lines';

export interface TextOptions {
  readonly color: boolean;
  /** Every check and every detail (the CLI's --verbose); default compact. */
  readonly verbose?: boolean;
}

type Colors = ReturnType<typeof createColors>;

const STATUS_MARK: Readonly<Record<Check['status'], string>> = {
  deny: '✖',
  pass: '✓',
  unknown: '?',
  'not-applicable': '-',
};

function statusColor(c: Colors, status: Check['status']): (s: string) => string {
  switch (status) {
    case 'deny':
      return c.red;
    case 'pass':
      return c.green;
    case 'unknown':
      return c.yellow;
    default:
      return c.dim;
  }
}

const indent = (text: string, pad: string): string =>
  text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');

/** Who made the request, for a reader: ARN, else identity ARN, else principal id, else what kind of caller. */
export function callerLabel(p: Finding['request']['principal']): string {
  return (
    p.arn ??
    p.identityArn ??
    p.principalId ??
    (p.type === 'Anonymous' ? 'an unsigned request' : 'an unknown caller')
  );
}

/** Where the request came from, in words: its address, or the AWS service network CloudTrail names instead. */
export function fromText(r: Finding['request']): string {
  if (r.sourceIp !== null) return r.sourceIp;
  if (r.principal.type === 'AWSService')
    return 'an AWS service network (CloudTrail records no IP address for a service)';
  if (r.principal.invokedBy !== undefined)
    return `${r.principal.invokedBy}, with the caller's credentials (the service's network; CloudTrail records no address)`;
  return 'unknown address';
}

function header(f: Finding, c: Colors, verbose: boolean): string[] {
  const r = f.request;
  const what = `${r.actions.join(', ') || r.eventName} on ${r.resources.join(', ') || r.bucket || '(no resource)'}`;
  const verdict =
    f.verdict === 'explained'
      ? c.green(f.verdict)
      : f.verdict === 'partially-explained'
        ? c.yellow(f.verdict)
        : c.red(f.verdict);
  const caller = callerLabel(r.principal);
  const via = [
    r.vpcEndpointId ? `via ${r.vpcEndpointId}` : null,
    r.accessPointArn ? `through ${r.accessPointArn}` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [
    c.bold(`${c.red('✖')} ${r.eventName} denied: ${what}`) + `  [${verdict}]`,
    `  caller   ${caller} (${r.principal.type}${r.principal.accountId ? `, account ${r.principal.accountId}` : ''})${
      r.crossAccount
        ? c.yellow(` cross-account, bucket account ${r.bucketAccountId ?? 'not named in the record'}`)
        : ''
    }`,
    `  from     ${fromText(r)}${via ? ` ${via}` : ''}${r.secureTransport === false ? ' over plain HTTP' : ''}`,
    `  error    ${r.errorCode}${verbose && r.errorMessage ? `: ${r.errorMessage}` : ''}`,
    ...(recordLine(f) ? [`  record   ${recordLine(f)}`] : []),
    c.dim(
      `  event    ${f.eventId} at ${f.eventTime} (${f.region})${r.mapped ? '' : ' - operation not in the action table'}`,
    ),
  ];
  return lines;
}

function cause(f: Finding, rc: RootCause, n: number, c: Colors, verbose: boolean): string[] {
  const conf =
    rc.confidence === 'confirmed'
      ? c.green(rc.confidence)
      : rc.confidence === 'likely'
        ? c.yellow(rc.confidence)
        : c.dim(rc.confidence);
  const out = [c.bold(`Cause ${n}: ${rc.title}`), `  ${c.cyan(rc.id)} (${conf})`];
  if (verbose) out.push(indent(rc.explanation, '  '));
  if (rc.evidence.length > 0) {
    out.push('  Evidence:');
    for (const e of rc.evidence) {
      const where = [
        e.layer,
        verbose && e.policy ? `policy ${e.policy}` : null,
        e.statement ? `statement ${e.statement}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      out.push(`    - [${where}] ${e.detail}`);
    }
  }
  const fix = rc.fix;
  const check = fix.verified
    ? c.green('verified: the engine allows the request on this layer with the change')
    : c.dim('not verified');
  out.push(`  Fix: ${fix.summary}`, `       ${check}`);
  for (const cmd of fix.commands) out.push(`    ${c.dim('$')} ${cmd}`);
  if (fix.policyPatch && verbose) {
    out.push('    Policy change:');
    out.push(indent(jsonText(fix.policyPatch, 2), '      '));
  }
  if (fix.stillDeniedBy && fix.stillDeniedBy.length > 0)
    out.push(`    ${c.yellow('Still denied by')}: ${fix.stillDeniedBy.join('; ')}`);
  const changed = changeLine(f, rc);
  if (changed) out.push(`  ${changed}`);
  if (rc.change?.diff && verbose) out.push(indent(rc.change.diff, '    '));
  return out;
}

function checks(f: Finding, c: Colors, verbose: boolean): string[] {
  if (f.checks.length === 0) return [];
  const counts = new Map<Check['status'], number>();
  for (const k of f.checks) counts.set(k.status, (counts.get(k.status) ?? 0) + 1);
  const order: Check['status'][] = ['deny', 'unknown', 'pass', 'not-applicable'];
  const summary = order.filter((s) => counts.has(s)).map((s) => statusColor(c, s)(`${counts.get(s)} ${s}`));
  const width = Math.max(...f.checks.map((k) => k.layer.length));
  const out = [`Checks: ${summary.join(' · ')}`];
  // compact: only the layers that could not be read (the deny is the cause above)
  const listed = verbose ? f.checks : f.checks.filter((k) => k.status === 'unknown');
  for (const k of [...listed].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))) {
    const color = statusColor(c, k.status);
    const note =
      k.status === 'unknown' && k.missing?.length
        ? `could not read: ${k.missing.join('; ')}`
        : (k.detail ?? '');
    out.push(
      `  ${color(STATUS_MARK[k.status])} ${k.layer.padEnd(width)}  ${color(k.status)}${note ? c.dim(`  ${note}`) : ''}`,
    );
  }
  return out;
}

function renderOne(f: Finding, c: Colors, verbose: boolean): string {
  const out: string[] = [...header(f, c, verbose), ''];
  if (f.error)
    out.push(c.red(/^analysis failed/i.test(f.error) ? f.error : `Analysis failed: ${f.error}`), '');
  const definite = f.rootCauses.filter((r) => r.confidence !== 'possible');
  const possible = f.rootCauses.filter((r) => r.confidence === 'possible');
  const byRecord = explainedWithoutCause(f);
  if (byRecord) out.push(c.green(byRecord), '');
  else if (definite.length === 0 && !f.error) {
    out.push(
      possible.length > 0
        ? c.yellow(
            'No cause could be confirmed: the layers below could not be read, and any of them may have denied the request.',
          )
        : f.unmatchedDenial
          ? c.yellow(
              `No root cause matched, although our evaluation denies this request (${f.unmatchedDenial.join(', ')}): please report the record; the layers are under Checks.`,
            )
          : c.yellow('No cause found: every layer that could be read allows this request.'),
      '',
    );
  }
  definite.forEach((rc, i) => out.push(...cause(f, rc, i + 1, c, verbose), ''));
  if (possible.length > 0) {
    out.push(c.bold('Possible causes (layers that could not be checked):'));
    for (const rc of possible) {
      const missing = rc.evidence.map((e) => e.detail.replace(/^not read: /, '')).join('; ');
      out.push(`  ? ${c.cyan(rc.id)}${missing ? c.dim(`  missing: ${missing}`) : ''}`);
      // a change to the layer's one undecided Deny, verified whatever the missing facts are (fix/undecided-deny.ts)
      if (rc.fix.verified) out.push(`      ${c.green('verified fix:')} ${rc.fix.summary}`);
      // else the single read that would settle it (analyze.ts puts it in the possible cause's fix)
      const read = rc.fix.verified ? undefined : rc.fix.commands[0];
      if (read) out.push(`      ${c.dim('settle:')} ${read}`);
    }
    out.push('');
  }
  const m = f.awsMessage;
  if ((verbose && m.note) || m.agreesWithEvaluation === false) {
    const mark = m.agreesWithEvaluation === false ? c.red('AWS message disagrees') : 'AWS message';
    out.push(`${mark}: ${m.note ?? `${m.kind}${m.policyType ? ` (${m.policyType})` : ''}`}`, '');
  }
  const sim = simulatorLine(f);
  if (sim && (verbose || f.awsSimulator?.agrees === false))
    out.push(f.awsSimulator?.agrees === false ? c.red(sim) : sim, '');
  out.push(...checks(f, c, verbose));
  return out.join('\n').trimEnd();
}

/** One finding, without a trailing newline. */
export function renderFinding(f: Finding, opts: TextOptions): string {
  return renderOne(safeFinding(f), createColors(opts.color), opts.verbose === true);
}

/** Renders findings for a terminal or a log; colour only when `opts.color`. */
export function renderText(findings: readonly Finding[], opts: TextOptions): string {
  const c = createColors(opts.color);
  if (findings.length === 0) return `${noDenialText(0)}\n`;
  // Every string of a finding came from a request or a policy: made safe once, before any colour is added.
  return `${findings.map((f) => renderOne(safeFinding(f), c, opts.verbose === true)).join(`

${textRule(opts.color)}

`)}
`;
}

/** The rule between two findings. */
export const textRule = (color: boolean): string => createColors(color).dim('─'.repeat(72));
