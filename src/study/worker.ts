/**
 * Worker-thread entry: receives the study plan once (workerData; its per-architecture arrays are shared
 * memory, read by every worker, not copies), then runs the tasks it is sent one at a time and posts each
 * result back, transferring the result's buffers instead of copying them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunTask, StudyPlan } from './plan.js';
import { executeRun } from './run.js';

const plan = workerData as StudyPlan;
const port = parentPort;
if (!port) throw new Error('study worker started outside a worker thread');

port.on('message', (task: RunTask) => {
  const started = performance.now();
  const result = executeRun(plan, task);
  const elapsedMs = performance.now() - started;
  const transfer = new Set([
    result.archs.buffer,
    result.trace.buffer,
    result.igdTrace.buffer,
    ...result.fronts.map((f) => f.archs.buffer),
  ]);
  port.postMessage({ result, elapsedMs }, [...transfer] as ArrayBuffer[]);
});
