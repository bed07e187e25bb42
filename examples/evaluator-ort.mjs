#!/usr/bin/env node
/**
 * Example evaluator program for `hwnas open-search --evaluator` / `hwnas worker --evaluator`
 * (protocol hwnas-evaluator/1, docs/distributed.md). It measures the exported network on this host with
 * ONNX Runtime and replies with two objectives:
 *   latency  median inference time of one image, ms (minimise)
 *   size     ONNX file size, MB (minimise)
 * Replace the measurement with your training script or on-board harness; keep the contract:
 * read ONE JSON request on stdin, print ONE JSON object as the last line of stdout
 * ({"objectives": {...}} or {"error": "..."}), log anything else to stderr.
 *
 *   hwnas open-search --space nb201 --evaluator "node examples/evaluator-ort.mjs --repeats 20" \
 *     --objectives latency:min,size:min --evals 50 --out runs/ort
 */
import { readFileSync, statSync } from 'node:fs';
import ort from 'onnxruntime-node';

const args = process.argv.slice(2);
const repeats = Number(args[args.indexOf('--repeats') + 1] ?? 20) || 20;

function reply(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (!req.onnx) {
  reply({ error: `no ONNX file for architecture ${req.index}: ${req.onnxError ?? 'export disabled (--no-onnx)'}` });
} else {
  try {
    const { c, h, w } = req.inputShape;
    const session = await ort.InferenceSession.create(readFileSync(req.onnx), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    const input = new ort.Tensor('float32', new Float32Array(c * h * w).fill(0.5), [1, c, h, w]);
    for (let i = 0; i < 3; i++) await session.run({ input });
    const ms = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = process.hrtime.bigint();
      await session.run({ input });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ms.sort((a, b) => a - b);
    process.stderr.write(`arch ${req.notations?.arch ?? req.index}: ${ms.length} runs\n`);
    reply({ objectives: { latency: ms[ms.length >> 1], size: statSync(req.onnx).size / 1e6 } });
  } catch (e) {
    reply({ error: String(e?.message ?? e).split('\n')[0] });
  }
}
