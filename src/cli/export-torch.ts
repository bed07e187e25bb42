/**
 * `hwnas export-torch <space> <arch> [-o net.py] [--weights net.safetensors|net.pt]`: an architecture's
 * network as the source of a self-contained PyTorch module (imports only torch), and optionally its seeded
 * initialisation (the weights export-onnx writes for the same --seed) as a state dict.
 */
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { writeFilesAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { numel } from '../ir/graph.js';
import { toTorchSource } from '../ir/torch.js';
import { torchStateDict, toSafetensors, toTorchPt, weightsFormat } from '../ir/torch-weights.js';
import { getSpace } from '../space/all.js';

interface ExportFlags {
  out?: string;
  weights?: string;
  seed: string;
  classes?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('export-torch')
    .description('write the network of an architecture as a self-contained PyTorch module (and its seeded weights)')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .argument('<arch>', 'architecture in any notation of the space (index, cell string, arch vector, hash)')
    .option('-o, --out <file.py>', 'output file (default: print the source)')
    .option('--weights <file>', 'also write the seeded initialisation: .safetensors or .pt (a state dict)')
    .option('--seed <n>', 'seed of the He-initialised weights (as export-onnx --seed)', '0')
    .option('--classes <n>', "classifier width (default: the space's dataset)")
    .option('--json', 'print a JSON summary (needs -o)')
    .addHelpText(
      'after',
      '\nThe module defines Net (input N x C x H x W float32, output logits N x classes), build() and\n' +
        'load_weights(module, path), which reads either --weights format (.pt through torch.load(weights_only=True)).',
    )
    .action((spaceName: string, arch: string, f: ExportFlags) => {
      if (f.out !== undefined) checkOutputFile('--out', f.out);
      const format = f.weights === undefined ? undefined : weightsFormat(f.weights);
      if (f.weights !== undefined) {
        if (format === undefined)
          fail(
            `--weights ${f.weights}: unknown extension`,
            'name the file .safetensors (safetensors) or .pt (torch.load with weights_only=True)',
          );
        checkOutputFile('--weights', f.weights);
      }
      if (f.json && f.out === undefined)
        fail('--json needs -o FILE.py', 'the source goes to the file, the summary to stdout');
      const space = getSpace(spaceName);
      const index = space.parse(arch);
      const seed = parseIntOption('--seed', f.seed, 0, 0xffffffff);
      const classes = f.classes === undefined ? undefined : parseIntOption('--classes', f.classes, 1, 1_000_000);
      const graph = space.network(index, { classes });
      const source = toTorchSource(graph, {
        title: `${space.id} architecture ${space.format(index)} (index ${index})`,
      });
      const files: [string, string | Uint8Array][] = [];
      if (f.out !== undefined) files.push([f.out, source]);
      let weightBytes = 0;
      if (f.weights !== undefined) {
        const state = torchStateDict(graph, seed);
        const bytes =
          format === 'safetensors'
            ? toSafetensors(state, { space: space.id, index: String(index), seed: String(seed) })
            : toTorchPt(state);
        weightBytes = bytes.length;
        files.push([f.weights, bytes]);
      }
      writeFilesAtomic(files);
      const s = graph.inputShape;
      if (f.out === undefined) {
        process.stdout.write(source);
        return;
      }
      const summary = {
        out: f.out,
        ...(f.weights !== undefined ? { weights: f.weights, weightBytes } : {}),
        index,
        arch: space.format(index),
        input: [-1, s.c, s.h, s.w],
        output: [-1, numel(graph.nodes[graph.output]!.shape)],
        seed,
      };
      if (f.json) process.stdout.write(toJson(summary));
      else
        process.stdout.write(
          `wrote ${f.out}${f.weights !== undefined ? ` and ${f.weights} (${weightBytes} bytes, seed ${seed})` : ''} (input 1x${s.c}x${s.h}x${s.w} batch N)\n`,
        );
    });
}
