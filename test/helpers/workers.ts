/**
 * `hwnas worker` processes for Redis tests: started from source with quick lock and stall settings (a
 * dead worker's job returns within about a second), their job log lines followed so a test knows which
 * job each one holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export interface WorkerProc {
  child: ChildProcess;
  stderr: string[];
  /** The job (`study.n`) the worker runs now and when it started it, from its log lines. */
  holding?: { job: string; at: number };
}

export async function startWorkers(
  url: string,
  count: number,
  evaluator: string,
  queueName: string,
): Promise<WorkerProc[]> {
  const procs = Array.from({ length: count }, () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/run.ts'),
        'worker',
        '--queue',
        url,
        '--queue-name',
        queueName,
        '--evaluator',
        evaluator,
        '--no-onnx',
        '--lock-ms',
        '1000',
        '--stalled-ms',
        '500',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const p: WorkerProc = { child, stderr: [] };
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      for (const line of s.split('\n')) {
        if (line) p.stderr.push(line);
        const m = /^(start|done) (\S+)/.exec(line);
        if (m?.[1] === 'start') p.holding = { job: m[2]!, at: Date.now() };
        else if (m && p.holding?.job === m[2]) p.holding = undefined;
      }
    });
    return p;
  });
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          p.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
            out += s;
            if (out.includes('ready ')) resolve();
          });
          p.child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${p.stderr.join('\n')}`)));
        }),
    ),
  );
  return procs;
}

export async function stopWorkers(procs: WorkerProc[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
          p.child.once('exit', () => resolve());
          p.child.kill('SIGTERM');
        }),
    ),
  );
}
