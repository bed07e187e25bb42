/** Run the hwnas CLI from source in a child process (as a user would), capturing output and exit code. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** tsx's loader by absolute URL: `--import tsx` alone resolves from the child's cwd (a temp folder in some tests). */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, ['--import', tsxLoader, `${root}src/cli/run.ts`, ...args], {
    cwd: opts.cwd ?? root,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const repoRoot = root;
