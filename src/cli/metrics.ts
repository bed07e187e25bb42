/**
 * `hwnas metrics --points P.csv [--front F.csv] --indicator I`: a quality indicator of a point set against
 * a reference front, both read from CSV files (header row, one column per objective, all minimised).
 * Choices (docs/indicators.md): distance indicators need --front; --normalize maps both sets with the
 * ideal/nadir of the front (or --ideal/--nadir); hv needs --ref, or takes 1.1 per objective after
 * normalisation. `--columns latency,-accuracy` selects columns by name and negates those marked '-'.
 */
import type { Command } from 'commander';
import { toJson } from '../io/json.js';
import { HV_REFERENCE } from '../pareto/index.js';
import { computeMetric, indicators, type MetricsOptions } from '../pareto/indicator.js';

interface MetricsFlags extends MetricsOptions {
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('metrics')
    .description('quality indicator (GD variants, GD+, IGD, IGD+, hypervolume) of a point set against a front')
    .requiredOption('--points <P.csv>', 'points to rate: CSV with a header, one column per objective, all minimised')
    .option('--front <F.csv>', 'true (reference) Pareto front, same columns; required except for hv')
    .requiredOption('--indicator <name>', `one of ${indicators.join(', ')}`)
    .option('--p <p>', 'power of gd (original form) and gd-power', '2')
    .option('--ref <r1,r2,...>', 'hv reference point, in the units of the files')
    .option(
      '--normalize',
      `min-max normalise with the ideal and nadir of the front (hv: --ref is then ${HV_REFERENCE} per objective unless given)`,
    )
    .option('--ideal <v1,v2,...>', 'explicit normalisation lower bounds (with --nadir)')
    .option('--nadir <v1,v2,...>', 'explicit normalisation upper bounds (with --ideal)')
    .option('--columns <c1,-c2,...>', "objective columns by name; a leading '-' negates a maximised column")
    .option('--json', 'print a JSON object with the value and the settings used')
    .addHelpText('after', '\nThe value is the last token of the plain output. Definitions: docs/indicators.md.')
    .action((f: MetricsFlags) => {
      const r = computeMetric(f);
      process.stdout.write(f.json ? toJson(r) : `${r.indicator} ${r.value}\n`);
    });
}
