/** `hwnas spaces` (list) and `hwnas space info <space>` (decisions, choices, size, unique blocks). */
import type { Command } from 'commander';
import { toJson } from '../io/json.js';
import { getSpace, listSpaces } from '../space/all.js';
import { blockNetwork, type SearchSpace } from '../space/types.js';

/**
 * Number of structurally different blocks among the choices of `decision`: the nodes tagged with the
 * decision (op, attributes, shapes, wiring) in the network where only this decision varies. Two choices
 * with different names but the same layers count once.
 */
export function uniqueBlocks(space: SearchSpace, decision: number): number {
  const seen = new Set<string>();
  space.decisions[decision]!.choices.forEach((_, choice) => {
    const g = blockNetwork(space, decision, choice);
    const local = new Map<number, number>();
    const parts: string[] = [];
    for (const n of g.nodes) {
      if (n.block !== decision) continue;
      local.set(n.id, local.size);
      const inputs = n.inputs.map((i) => (local.has(i) ? `n${local.get(i)}` : `x${g.nodes[i]!.shape.c}`));
      parts.push(`${n.op}${JSON.stringify(n.attrs)}${n.shape.c}x${n.shape.h}x${n.shape.w}(${inputs.join(',')})`);
    }
    seen.add(parts.join(';'));
  });
  return seen.size;
}

function spaceSummary(name: string, title: string) {
  const s = getSpace(name);
  return { name, title, size: s.size, decisions: s.decisions.length, defaultClasses: s.defaultClasses };
}

function spaceInfo(space: SearchSpace) {
  const additive = (space as { additive?: unknown }).additive;
  return {
    id: space.id,
    title: space.title,
    size: space.size,
    defaultClasses: space.defaultClasses,
    ...(typeof additive === 'boolean' ? { additive } : {}),
    decisions: space.decisions.map((d, i) => ({
      name: d.name,
      choices: [...d.choices],
      uniqueBlocks: uniqueBlocks(space, i),
    })),
  };
}

export function register(program: Command): void {
  program
    .command('spaces')
    .description('list the built-in search spaces')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nAny file ending in .json is also a space: a user-defined macro space (docs/spaces.md).')
    .action((f: { json?: boolean }) => {
      const rows = listSpaces().map((s) => spaceSummary(s.name, s.title));
      if (f.json) {
        process.stdout.write(toJson(rows));
        return;
      }
      const w = Math.max(...rows.map((r) => r.name.length), 4);
      for (const r of rows)
        process.stdout.write(`${r.name.padEnd(w)}  ${r.size.toLocaleString('en-US').padStart(7)}  ${r.title}\n`);
      process.stdout.write(`${''.padEnd(w)}  user-defined macro spaces: any <file>.json (see docs/spaces.md)\n`);
    });

  const space = program.command('space').description('inspect a search space');
  space
    .command('info')
    .description('decisions, choices, size and unique blocks per decision of a space')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .option('--json', 'print JSON')
    .action((name: string, f: { json?: boolean }) => {
      const info = spaceInfo(getSpace(name));
      if (f.json) {
        process.stdout.write(toJson(info));
        return;
      }
      const out: string[] = [`${info.id}: ${info.title}`];
      out.push(
        `size ${info.size.toLocaleString('en-US')} architectures, ${info.decisions.length} decisions, ${info.defaultClasses} classes by default`,
      );
      if (info.additive === false) {
        out.push('not additive: some choices change channel counts, so block costs depend on the neighbouring choices');
      }
      const w = Math.max(...info.decisions.map((d) => d.name.length), 8);
      out.push(`${'decision'.padEnd(w)}  choices  unique  names`);
      for (const d of info.decisions) {
        out.push(
          `${d.name.padEnd(w)}  ${String(d.choices.length).padStart(7)}  ${String(d.uniqueBlocks).padStart(6)}  ${d.choices.join(', ')}`,
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
