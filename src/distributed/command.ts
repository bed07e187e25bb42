/**
 * The evaluator command: a user program (training script, on-board measurement harness) started once per
 * evaluation, spawned from an argument vector (no shell) in its own process group. It reads one JSON
 * request on stdin and prints one JSON reply as the last non-empty line of stdout (protocol
 * `hwnas-evaluator/1`, docs/distributed.md). Timeouts kill the whole process group; non-zero exits,
 * malformed replies and non-finite objectives come back as failed evaluations with the reason.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { fail } from '../errors.js';
import { jsonText } from '../io/json-text.js';
import { toOnnx } from '../ir/onnx.js';
import { toTorchSource } from '../ir/torch.js';
import type { SearchSpace } from '../space/types.js';
import { LastLineBuffer } from './last-line.js';
import { EARLY_STOP, type Progress, parseProgressLine } from './progress.js';
import type { EvalJob, EvalResult, Evaluator, OnProgress } from './types.js';

export const PROTOCOL = 'hwnas-evaluator/1';

export interface CommandEvaluatorOptions {
  /** Program and its arguments (see shellWords for a string form). */
  argv: readonly string[];
  /** Space the architecture indices belong to: notations and the exported ONNX file. */
  space: SearchSpace;
  /** Kill the program after this long (default 1 hour). */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL of the process group on timeout or abort (default 2 s). */
  killGraceMs?: number;
  /** Export the network as ONNX for the program (default true). */
  onnx?: boolean;
  /** Export the network as a PyTorch module source file for the program (default true). */
  torch?: boolean;
  /** Folder for the per-evaluation temp folders (default the OS temp folder). */
  tmpDir?: string;
  /** Longest reply line accepted (default 1 MiB); any amount of earlier output is read and dropped. */
  maxLineBytes?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The JSON object an evaluator program reads on stdin. */
export interface EvaluatorRequest {
  protocol: string;
  study: string;
  evaluation: number;
  space: string;
  index: number;
  notations: Record<string, string | number>;
  codes: number[];
  /** Path of the exported network (ONNX, opset 17), or null when export is off or failed. */
  onnx: string | null;
  onnxError?: string;
  /**
   * Path of the network as a PyTorch module source (`hwnas export-torch`: class Net, build(),
   * load_weights()), or null when export is off (--no-torch) or failed (`torchError` then says why).
   */
  torch: string | null;
  torchError?: string;
  /** Network input (one image, channels x height x width): the ONNX input `input` is N x c x h x w. */
  inputShape: { c: number; h: number; w: number } | null;
  seed: number;
  budget: unknown;
  timeoutMs: number;
}

/** Fails (a user error) when the program cannot be found or run; called before a search starts. */
export function checkProgram(program: string, cwd = process.cwd()): void {
  const candidates =
    program.includes('/') || isAbsolute(program)
      ? [isAbsolute(program) ? program : join(cwd, program)]
      : (process.env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, program));
  for (const path of candidates) {
    try {
      if (!statSync(path).isFile()) continue;
      accessSync(path, constants.X_OK);
      return;
    } catch {}
  }
  fail(
    `evaluator program '${program}' not found or not executable`,
    'give a program on PATH or a path to an executable file, e.g. --evaluator "python3 train.py"',
  );
}

function lastLine(text: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l !== '') return l;
  }
  return '';
}

function clip(s: string, n = 200): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n)}...` : t;
}

/** Turn the program's stdout into a result (exported for tests of the protocol). */
export function parseReply(stdout: string): EvalResult {
  return parseReplyLine(lastLine(stdout));
}

/** The reply line (the last non-empty one of stdout, trimmed) as a result. */
function parseReplyLine(line: string): EvalResult {
  if (line === '') return { ok: false, reason: 'malformed reply: no output on stdout' };
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    return { ok: false, reason: `malformed reply: not JSON: '${clip(line, 80)}'` };
  }
  if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) {
    return { ok: false, reason: `malformed reply: not a JSON object: '${clip(line, 80)}'` };
  }
  const r = reply as { objectives?: unknown; error?: unknown };
  if (r.error !== undefined) return { ok: false, reason: `evaluator error: ${clip(String(r.error))}` };
  const o = r.objectives;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    return { ok: false, reason: 'malformed reply: needs {"objectives": {...}} or {"error": "..."}' };
  }
  const objectives: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return { ok: false, reason: `objective '${k}' is not a finite number (got ${clip(jsonText(v), 40)})` };
    }
    objectives[k] = v;
  }
  return { ok: true, objectives };
}

export class CommandEvaluator implements Evaluator {
  readonly title: string;
  readonly progressive = true;
  private readonly o: Required<Omit<CommandEvaluatorOptions, 'cwd' | 'env'>> &
    Pick<CommandEvaluatorOptions, 'cwd' | 'env'>;

  constructor(opts: CommandEvaluatorOptions) {
    if (opts.argv.length === 0 || opts.argv[0] === '') fail('the evaluator command is empty');
    this.o = {
      timeoutMs: 3_600_000,
      killGraceMs: 2000,
      onnx: true,
      torch: true,
      tmpDir: tmpdir(),
      maxLineBytes: 1 << 20,
      ...opts,
    };
    this.title = `command: ${opts.argv.join(' ')}`;
  }

  async evaluate(arch: number, signal: AbortSignal, job?: EvalJob, onProgress?: OnProgress): Promise<EvalResult> {
    const { space } = this.o;
    const dir = mkdtempSync(join(this.o.tmpDir, 'hwnas-eval-'));
    try {
      const seed = job?.seed ?? 0;
      let onnx: string | null = null;
      let onnxError: string | undefined;
      let inputShape: EvaluatorRequest['inputShape'] = null;
      let torch: string | null = null;
      let torchError: string | undefined;
      if (this.o.onnx || this.o.torch) {
        let graph: ReturnType<SearchSpace['network']> | undefined;
        try {
          graph = space.network(arch);
          inputShape = { ...graph.inputShape };
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          if (this.o.onnx) onnxError = why;
          if (this.o.torch) torchError = why;
        }
        if (graph && this.o.onnx) {
          try {
            const path = join(dir, `arch-${arch}.onnx`);
            writeFileSync(path, toOnnx(graph, { seed }));
            onnx = path;
          } catch (e) {
            onnxError = e instanceof Error ? e.message : String(e);
          }
        }
        if (graph && this.o.torch) {
          try {
            const path = join(dir, `arch-${arch}.py`);
            writeFileSync(path, toTorchSource(graph, { title: `${space.id} architecture ${arch}` }));
            torch = path;
          } catch (e) {
            torchError = e instanceof Error ? e.message : String(e);
          }
        }
      }
      const request: EvaluatorRequest = {
        protocol: PROTOCOL,
        study: job?.study ?? '',
        evaluation: job?.evaluation ?? 0,
        space: space.id,
        index: arch,
        notations: job?.notations ?? space.notations(arch),
        codes: space.decode(arch),
        onnx,
        ...(onnxError !== undefined ? { onnxError } : {}),
        torch,
        ...(torchError !== undefined ? { torchError } : {}),
        inputShape,
        seed,
        budget: job?.budget ?? null,
        timeoutMs: this.o.timeoutMs,
      };
      return await this.run(`${JSON.stringify(request)}\n`, signal, onProgress);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private run(input: string, signal: AbortSignal, onProgress?: OnProgress): Promise<EvalResult> {
    const [program, ...args] = this.o.argv;
    return new Promise<EvalResult>((resolve) => {
      if (signal.aborted) {
        resolve({ ok: false, reason: 'aborted' });
        return;
      }
      // detached: the program leads its own process group, so a timeout kills its children too.
      const child = spawn(program!, args, {
        cwd: this.o.cwd,
        env: this.o.env ?? process.env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let verdict: string | undefined; // why we killed it
      let badProgress = false; // the verdict is a bad progress line's reason
      let last: Progress | undefined; // last valid progress report
      // Progress lines are read as they come; the first bad one stops the program and fails the evaluation.
      const out = new LastLineBuffer(this.o.maxLineBytes, (line) => {
        const p = parseProgressLine(line, last?.fidelity);
        if (p.kind === 'none') return false;
        if (verdict !== undefined) return true; // stopping: later lines change nothing
        if (p.kind === 'bad') {
          badProgress = true;
          stop(p.reason);
        } else {
          last = p.progress;
          onProgress?.(p.progress);
        }
        return true;
      });
      let errTail = '';
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;
      const killGroup = (sig: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, sig);
        } catch {}
      };
      const stop = (why: string): void => {
        if (verdict !== undefined) return;
        verdict = why;
        killGroup('SIGTERM');
        graceTimer = setTimeout(() => killGroup('SIGKILL'), this.o.killGraceMs);
      };
      const timer = setTimeout(() => stop(`timed out after ${this.o.timeoutMs} ms`), this.o.timeoutMs);
      const onAbort = (): void => stop(signal.reason === EARLY_STOP ? EARLY_STOP : 'aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      const finish = (r: EvalResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (graceTimer) clearTimeout(graceTimer);
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => {
        errTail = (errTail + b.toString('utf8')).slice(-2000);
      });
      child.stdin.on('error', () => {}); // a program that exits without reading its request
      child.on('error', (e) => {
        finish({ ok: false, reason: `cannot start '${program}': ${e.message}` });
      });
      // 'exit' comes before the pipes close: kill leftovers of the group so their open pipes end too.
      child.on('exit', () => killGroup('SIGKILL'));
      child.on('close', (code, sig) => {
        const stderrLine = lastLine(errTail);
        const tail = stderrLine ? `: ${clip(stderrLine)}` : '';
        if (verdict === EARLY_STOP)
          finish(
            last
              ? { ok: true, objectives: last.objectives, fidelity: last.fidelity, stopped: true }
              : { ok: false, reason: 'stopped early before its first progress report' },
          );
        else if (verdict !== undefined)
          finish({ ok: false, reason: `${verdict}${verdict === 'aborted' || badProgress ? '' : tail}` });
        else if (sig) finish({ ok: false, reason: `killed by ${sig}${tail}` });
        else if (code !== 0) finish({ ok: false, reason: `exit code ${code}${tail}` });
        else {
          const reply = out.result();
          // A bad progress line in an unterminated last line is found only now.
          if (badProgress && verdict !== undefined) finish({ ok: false, reason: verdict });
          else if (!reply.ok)
            finish({
              ok: false,
              reason: `malformed reply: last line is ${reply.bytes} bytes (limit ${this.o.maxLineBytes})`,
            });
          else {
            const r = parseReplyLine(reply.line);
            finish(r.ok && last ? { ...r, fidelity: last.fidelity } : r);
          }
        }
      });
      child.stdin.end(input);
    });
  }
}
