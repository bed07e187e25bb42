/** `hwnas export-onnx <space> <arch> -o net.onnx`: an architecture's network as an ONNX model. */
import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { numel } from '../ir/graph.js';
import { toOnnx } from '../ir/onnx.js';
import { getSpace } from '../space/all.js';

interface ExportFlags {
  out: string;
  seed: string;
  classes?: string;
  foldBn?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('export-onnx')
    .description('write the network of an architecture as an ONNX model (opset 17, batch dimension N)')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .argument('<arch>', 'architecture in any notation of the space (index, cell string, arch vector, hash)')
    .requiredOption('-o, --out <file.onnx>', 'output file')
    .option('--seed <n>', 'seed of the He-initialised weights', '0')
    .option('--classes <n>', "classifier width (default: the space's dataset)")
    .option('--fold-bn', 'fold batch norms into the preceding convolutions')
    .option('--json', 'print a JSON summary')
    .addHelpText('after', '\nInput `input`: N x C x H x W float32; output `logits`: N x classes.')
    .action((spaceName: string, arch: string, f: ExportFlags) => {
      checkOutputFile('--out', f.out);
      const space = getSpace(spaceName);
      const index = space.parse(arch);
      const seed = parseIntOption('--seed', f.seed, 0, 0xffffffff);
      const classes = f.classes === undefined ? undefined : parseIntOption('--classes', f.classes, 1, 1_000_000);
      const graph = space.network(index, { classes });
      const bytes = toOnnx(graph, { seed, foldBn: f.foldBn === true });
      writeFileAtomic(f.out, bytes);
      const s = graph.inputShape;
      const summary = {
        out: f.out,
        bytes: bytes.length,
        index,
        arch: space.format(index),
        input: [-1, s.c, s.h, s.w],
        output: [-1, numel(graph.nodes[graph.output]!.shape)],
        seed,
        foldBn: f.foldBn === true,
      };
      if (f.json) process.stdout.write(toJson(summary));
      else process.stdout.write(`wrote ${f.out} (${bytes.length} bytes, input 1x${s.c}x${s.h}x${s.w} batch N)\n`);
    });
}
