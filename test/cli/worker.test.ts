/** hwnas worker: refusals at start, and Ctrl-C. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';
import { redisAvailable, redisSkipReason, startRedis } from '../helpers/redis.js';

describe.skipIf(!redisAvailable)(
  `hwnas worker: Ctrl-C${redisAvailable ? '' : ` (skipped: ${redisSkipReason})`}`,
  () => {
    it('a second Ctrl-C stops a worker whose Redis went away (the first waits for held jobs)', async () => {
      const redis = await startRedis();
      const args = ['worker', '--queue', redis.url, '--objective', 'model:cortex-m7'];
      const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args], {
        cwd: repoRoot,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += String(d);
      });
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const until = async (ok: () => boolean) => {
        const deadline = Date.now() + 60_000;
        while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      };
      try {
        await until(() => stdout.includes('ready'));
        await redis.stop();
        child.kill('SIGINT');
        await until(() => stderr.includes('finishing held jobs'));
        child.kill('SIGINT');
        expect(await exited).toBe(130);
        expect(stderr.trim().split('\n').at(-1)).toBe(
          'hwnas: worker stopped without waiting for its jobs (they return to the queue once their lock expires, --lock-ms 30000)',
        );
      } finally {
        child.kill('SIGKILL');
      }
    }, 120_000);
  },
);

describe('hwnas worker --space with a missing file', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('the same line as every other command, with a hint', () => {
    const missing = file('missing.json');
    const w = runCli([
      'worker',
      '--queue',
      'redis://127.0.0.1:1/0',
      '--objective',
      'model:cortex-m7',
      '--space',
      missing,
    ]);
    expectUserError(w, /^hwnas: cannot read space file .*missing\.json: ENOENT \(check the path, .*hwnas spaces/);
    expect(runCli(['space', 'info', missing]).stderr).toBe(w.stderr);
  });
});
