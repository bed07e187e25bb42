/** `hwnas arch <space> <arch>`: every notation, params, MACs, memory and a per-layer table. */
import type { Command } from 'commander';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import {
  countMacs,
  countParams,
  countPtflops,
  nodeMacs,
  nodeParams,
  peakActivationBytes,
  weightBytes,
} from '../ir/count.js';
import type { Graph } from '../ir/graph.js';
import { getSpace } from '../space/all.js';

function layerRows(g: Graph) {
  return g.nodes
    .filter((n) => n.op !== 'input')
    .map((n) => ({
      scope: n.scope,
      op: n.op,
      block: n.block,
      shape: [n.shape.c, n.shape.h, n.shape.w],
      params: nodeParams(n, g),
      macs: nodeMacs(n, g),
    }));
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

export function register(program: Command): void {
  program
    .command('arch')
    .description('an architecture in every notation, with params, MACs, memory and a per-layer table')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .argument(
      '<arch>',
      'architecture in any notation the space prints (index, cell string, codes, arch vector, hash, compact, ops)',
    )
    .option('--classes <n>', "classifier width, e.g. 10, 100, 120 for NB201 (default: the space's dataset)")
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nMACs count conv and linear multiply-accumulates; flops follow ptflops 0.6.9 (BLOX blox-info).\n' +
        'Peak activation memory: live tensors in execution order at 4 (fp32) or 1 (int8) bytes per value.',
    )
    .action((spaceName: string, arch: string, f: { classes?: string; json?: boolean }) => {
      const space = getSpace(spaceName);
      const index = space.parse(arch);
      const classes =
        f.classes === undefined ? space.defaultClasses : parseIntOption('--classes', f.classes, 1, 1_000_000);
      const g = space.network(index, { classes });
      const s = g.inputShape;
      const report = {
        space: space.id,
        index,
        notations: space.notations(index),
        classes,
        input: [s.c, s.h, s.w],
        params: countParams(g),
        macs: countMacs(g),
        flops: countPtflops(g),
        peakActivationBytes: { fp32: peakActivationBytes(g, 4), int8: peakActivationBytes(g, 1) },
        weightBytes: { fp32: weightBytes(g, 4), int8: weightBytes(g, 1) },
        layers: layerRows(g),
      };
      if (f.json) {
        process.stdout.write(toJson(report));
        return;
      }
      const out: string[] = [`${space.id} architecture ${index}`];
      for (const [k, v] of Object.entries(report.notations)) out.push(`  ${k}: ${v}`);
      out.push(`input ${s.c}x${s.h}x${s.w}, ${classes} classes`);
      out.push(`params ${num(report.params)}  MACs ${num(report.macs)}  flops (ptflops) ${num(report.flops)}`);
      out.push(
        `peak activations ${num(report.peakActivationBytes.fp32)} B fp32 / ${num(report.peakActivationBytes.int8)} B int8; ` +
          `weights ${num(report.weightBytes.fp32)} B fp32 / ${num(report.weightBytes.int8)} B int8`,
      );
      const w = Math.max(...report.layers.map((l) => l.scope.length), 5);
      out.push('');
      out.push(
        `${'scope'.padEnd(w)}  ${'op'.padEnd(13)}  ${'output'.padEnd(12)}  ${'params'.padStart(10)}  ${'MACs'.padStart(12)}  block`,
      );
      for (const l of report.layers) {
        out.push(
          `${l.scope.padEnd(w)}  ${l.op.padEnd(13)}  ${l.shape.join('x').padEnd(12)}  ${num(l.params).padStart(10)}  ${num(l.macs).padStart(12)}  ${l.block < 0 ? '-' : l.block}`,
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
