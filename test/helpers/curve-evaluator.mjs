#!/usr/bin/env node
/**
 * Evaluator program with progress lines (protocol hwnas-evaluator/1, docs/distributed.md) whose learning
 * curves come from a formula (curves.mjs): for epoch 1 .. max it sleeps `--epoch-ms` (default 0), then
 * prints `{"progress": {"fidelity": epoch, "objectives": {...}}}`; the reply is the last epoch's.
 * max: the request's budget (a number or {"epochs": n}), else 6. Objectives: accuracy (max), latency
 * (min), with `--size` also size (min); `--no-latency` leaves latency to another source (model:...).
 * `--bad decreasing|nan|fidelity|shape` prints a bad progress line at epoch 2; `--ignore-term` ignores
 * SIGTERM (so only the SIGKILL after the grace period ends it).
 */
import { curveAccuracy, curveLatency, curveSize } from './curves.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i < 0 ? dflt : args[i + 1];
};
const epochMs = Number(opt('--epoch-ms', '0'));
const bad = opt('--bad', '');
if (args.includes('--ignore-term')) process.on('SIGTERM', () => {});

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => {
  input += c;
});
process.stdin.on('end', async () => {
  const req = JSON.parse(input);
  const b = req.budget;
  const max = typeof b === 'number' ? b : typeof b?.epochs === 'number' ? b.epochs : 6;
  const objectivesAt = (epoch) => ({
    accuracy: curveAccuracy(req.index, epoch),
    ...(args.includes('--no-latency') ? {} : { latency: curveLatency(req.index) }),
    ...(args.includes('--size') ? { size: curveSize(req.index) } : {}),
  });
  for (let epoch = 1; epoch <= max; epoch++) {
    if (epochMs > 0) await new Promise((r) => setTimeout(r, epochMs));
    console.log(`epoch ${epoch}/${max}`); // a log line between progress lines is allowed
    if (epoch === 2 && bad !== '') {
      const line =
        bad === 'decreasing'
          ? { progress: { fidelity: 0.5, objectives: objectivesAt(epoch) } }
          : bad === 'nan'
            ? { progress: { fidelity: epoch, objectives: { ...objectivesAt(epoch), accuracy: 'NaN' } } }
            : bad === 'fidelity'
              ? { progress: { fidelity: 'two', objectives: objectivesAt(epoch) } }
              : { progress: [epoch] };
      console.log(JSON.stringify(line));
      continue;
    }
    console.log(JSON.stringify({ progress: { fidelity: epoch, objectives: objectivesAt(epoch) } }));
  }
  console.log(JSON.stringify({ objectives: objectivesAt(max) }));
});
