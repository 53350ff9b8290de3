/** `simulate --format text`: the decision first, then each layer and the statements that decided, then the causes. */
import pc from 'picocolors';
import { safeDeep } from '../core/render/safe';
import type { Simulation } from '../core/simulate';

export function renderSimulationText(untrusted: Simulation, color: boolean): string {
  const sim = safeDeep(untrusted); // request and policy text: no raw control or bidi character (SECURITY.md)
  const c = pc.createColors(color);
  const paint = sim.decision === 'allowed' ? c.green : sim.decision === 'unknown' ? c.yellow : c.red;
  const lines = [
    `${paint(c.bold(sim.decision.toUpperCase()))}  ${sim.request.principal}  ${sim.request.action}  ${sim.request.resource}`,
  ];
  const context = Object.entries(sim.request.context);
  if (context.length > 0)
    lines.push(
      `  context: ${context.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}`,
    );
  if (sim.missing && sim.missing.length > 0) {
    lines.push('', c.bold('Missing facts (the answer depends on them):'));
    for (const m of sim.missing) lines.push(`  - ${m}`);
  }
  lines.push('', c.bold('Layers:'));
  for (const layer of sim.layers) {
    const result =
      layer.result === 'allowed'
        ? c.green(layer.result)
        : layer.result.endsWith('denied')
          ? c.red(layer.result)
          : c.dim(layer.result);
    lines.push(`  ${layer.layer.padEnd(22)} ${result}${layer.note ? `  ${c.dim(layer.note)}` : ''}`);
    // the KMS call S3 makes for the caller, or the bucket behind an access point: say which resource it was
    if (layer.resource !== sim.request.resource) lines.push(`      ${c.dim(`for ${layer.resource}`)}`);
    if (layer.missing && layer.missing.length > 0) lines.push(`      missing: ${layer.missing.join(', ')}`);
    for (const s of layer.statements) {
      const name = s.sid ?? `#${s.index}`;
      const matched = s.matched === true ? 'matched' : s.matched === false ? 'did not match' : 'may match';
      lines.push(`      ${s.effect} ${name} (statement ${s.index} of ${s.policy}) ${matched}: ${s.detail}`);
    }
  }
  if (sim.rootCauses.length > 0) {
    lines.push('', c.bold('Root causes:'));
    for (const cause of sim.rootCauses) {
      lines.push(`  ${c.red(cause.id)} (${cause.confidence}): ${cause.title}`);
      lines.push(`      fix: ${cause.fix.summary}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
