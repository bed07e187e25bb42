/** `hwnas nnmeter convert <folder> <out.json>`: an nn-Meter predictor folder as one plain JSON file. */
import type { Command } from 'commander';
import { loadPredictors, predictorsToJson } from '../hardware/nnmeter/index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { refuseSameFiles } from '../io/same-file.js';

export function register(program: Command): void {
  const cmd = program
    .command('nnmeter')
    .description('nn-Meter predictor packages (pickled scikit-learn forests + fusion_rules.json) without Python');
  cmd
    .command('convert')
    .description(
      'read an nn-Meter predictor folder (<kernel>.pkl + fusion_rules.json; pickles read by a restricted reader, nothing executed) and write the same predictors as plain JSON, which nnmeter:<file.json> reads',
    )
    .argument('<folder>', 'predictor folder as nn-Meter unpacks it (or a converted JSON file)')
    .argument('<out.json>', 'JSON file to write')
    .action((folder: string, out: string) => {
      checkOutputFile('<out.json>', out);
      refuseSameFiles([{ flag: '<folder>', path: folder, folder: true }], [{ flag: '<out.json>', path: out }]);
      const p = loadPredictors(folder);
      writeFileAtomic(out, `${JSON.stringify(predictorsToJson(p))}\n`);
      const trees = [...p.forests.values()].reduce((a, f) => a + f.roots.length, 0);
      process.stderr.write(
        `wrote ${p.forests.size} kernel predictors (${trees} trees) and the fusion rules to ${out}\n`,
      );
    });
}
