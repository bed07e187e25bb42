/**
 * Every command README.md and docs/*.md show runs as written: the lines of ```sh blocks, and inline code
 * that starts with `hwnas ` or `npx hwnas `. Each runs from source (runCli) in one temp folder, in the
 * order the docs show them, with the sample files they name made here (a partial latency table, a train.py
 * evaluator, fronts for metrics, a small user space). A command that cannot run here is in NOT_RUN with
 * the reason; one with placeholders (`<space>`, `DIR`) or a budget too long for a test is in RUN_AS with
 * the form that runs; a bare command name (`hwnas front`, a mention in prose) must be a command of the CLI. A new
 * doc command in none of these must run as written, and an entry no doc shows any more fails the test.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { tinyLayeredSpace } from '../helpers/data.js';
import { redisAvailable, startRedis, type TestRedis } from '../helpers/redis.js';

const NEEDS_BLOX = 'needs a downloaded BLOX release folder (not redistributable; docs/blox.md)';
const SERVES = 'a server that runs until Ctrl-C (test/cli/serve.test.ts and test/serve/server.test.ts run it)';

/** Doc commands that cannot run in a test, and why. */
const NOT_RUN: Record<string, string> = {
  'npm ci && npx hwnas reproduce': 'installs packages (npm ci); `npx hwnas reproduce` of docs/study.md runs',
  'npm test': 'the test suite itself',
  'npm ci': 'installs packages',
  'hwnas data import blox <dir>': NEEDS_BLOX,
  'hwnas data import blox': NEEDS_BLOX,
  'hwnas data import blox DIR': NEEDS_BLOX,
  'hwnas reproduce --space blox --blox-data DIR': NEEDS_BLOX,
  'hwnas reproduce --space blox --blox-data ~/blox-release': NEEDS_BLOX,
  'hwnas front --space blox --accuracy blox:test_top1 --latency model:cortex-m7 --constraint fits:cortex-m7':
    NEEDS_BLOX,
  'hwnas calibrate --write': "rewrites the repository's device files (`hwnas calibrate` runs)",
  'hwnas worker --queue URL [--concurrency K] [--evaluator "cmd"] [--objective SRC] [--space FILE]':
    'a synopsis of the options; the worker example of docs/distributed.md runs',
  // serves until Ctrl-C: test/cli/serve.test.ts starts it, reads its URL and stops it
  'hwnas serve': SERVES,
  'hwnas serve hwnas-study --port 0': SERVES,
  'hwnas serve runs --open': SERVES,
  'hwnas serve runs --host 0.0.0.0': SERVES,
  // needs python3-torch and dataset-fashion-mnist; test/distributed/trainer.test.ts runs this search
  [`hwnas open-search --space examples/fmnist-m7.json --evaluator "/usr/bin/python3 examples/train/train.py" --objective model:cortex-m7 --constraint fits:cortex-m7 --budget '{"epochs": 1, "train": 512}' --evals 2 --out runs/fmnist`]:
    'trains with PyTorch on Fashion-MNIST (python3-torch); test/distributed/trainer.test.ts runs it',
  'scripts/open-problem-study.sh /tmp/study14':
    'the whole open-problem study: 900 training runs, about an hour and a half on a shared 2-core machine',
  'npx tsx scripts/open-problem-summary.ts /tmp/study14': 'reads the outputs of the study above',
  // docs/open-problems.md, early stopping: searches that run for a fixed wall-clock budget (minutes each)
  'npm run bench early-stop': 'a benchmark of 6 searches of 60 s each (the formula learning curves)',
  'HWNAS_ES_REAL=1 HWNAS_ES_WARM=1 HWNAS_ES_SECONDS=300 HWNAS_ES_OUT=es-warm npm run bench early-stop':
    'trains networks on Fashion-MNIST for 3 x 300 s (needs /usr/bin/python3 with torch and dataset-fashion-mnist)',
  'HWNAS_ES_REAL=1 HWNAS_ES_SECONDS=300 HWNAS_ES_OUT=es-real npm run bench early-stop':
    'trains networks on Fashion-MNIST for 6 x 300 s (needs /usr/bin/python3 with torch and dataset-fashion-mnist)',
  'hwnas open-search --space examples/fmnist-m7.json --evaluator "/usr/bin/python3 examples/train/train.py" --objective model:cortex-m7 --objectives accuracy:max,latency:min --budget \'{"epochs": 6, "train": 512, "test": 500}\' --strategy random --early-stop asha --evals 40 --out fmnist-asha':
    'trains 40 networks on Fashion-MNIST (minutes; needs /usr/bin/python3 with torch and dataset-fashion-mnist)',
  'hwnas report es-real/seed0-asha --baseline es-real/seed0-full':
    'reads the folders of the Fashion-MNIST benchmark run above it',
};

const REDIS = 'redis://queue-host:6379/0';

/** Doc commands with placeholders, or budgets too long for a test: the form that runs instead. */
const RUN_AS: Record<string, string | string[]> = {
  'hwnas space info <space>': 'hwnas space info nb201',
  'hwnas arch <space> <arch>': 'hwnas arch nb201 11718',
  'hwnas arch blox <arch>': 'hwnas arch blox 0',
  // the docs run in a temp folder: the example space by its path in the repository
  'hwnas space info examples/fmnist-m7.json': `hwnas space info ${join(repoRoot, 'examples/fmnist-m7.json')}`,
  'hwnas calibrate [device]': 'hwnas calibrate cortex-m7',
  // a folder `hwnas reproduce` wrote (README shows `npx hwnas reproduce` with npm ci, not run)
  'hwnas report <folder>': ['hwnas reproduce --quiet', 'hwnas report hwnas-study'],
  // the folder of the open-search example above it
  'hwnas report DIR [--no-plots] [--json] [--space FILE.json]': 'hwnas report s1 --no-plots --json',
  'hwnas prune <space> --latency <src> --metric params/latency --ratio 0.7 --report':
    'hwnas prune nb201 --latency model:cortex-m7 --metric params/latency --ratio 0.7 --report',
  'hwnas latency <space> --latency <src> --per-block --out lut.csv':
    'hwnas latency nb201 --latency model:cortex-m7 --per-block --out lut.csv',
  'hwnas search --allow-missing':
    'hwnas search --space nb201 --accuracy nb201:cifar100 --latency table:m7.csv#ms --allow-missing --evals 300',
  // measuring 200 networks with ONNX Runtime takes minutes: three show the same command
  'hwnas measure nb201 --sample 200 -o ort.csv [--repeats 50] [--warmup 10] [--threads 1] [--seed 0] [--classes N]':
    'hwnas measure nb201 --sample 3 -o ort.csv --repeats 5 --warmup 1 --threads 1 --seed 0 --classes 10',
  // one Python process per evaluation: 500 take ~100 s on a shared 2-core machine; 60 run the same code
  'hwnas open-search --space nb201 --evaluator "python3 train.py --epochs 12" --objectives accuracy:max,latency:min --concurrency 4 --evals 500 --seed 0 --out s1':
    'hwnas open-search --space nb201 --evaluator "python3 train.py --epochs 12" --objectives accuracy:max,latency:min --concurrency 4 --evals 60 --seed 0 --out s1',
  // a local Redis instead of queue-host, and a budget the two toy workers finish in seconds
  [`hwnas open-search --space nb201 --queue ${REDIS} --objectives accuracy:max,latency:min --concurrency 32 --evals 2000 --out s2`]: `hwnas open-search --space nb201 --queue ${REDIS} --objectives accuracy:max,latency:min --concurrency 4 --evals 40 --out s2`,
};

/** Commands (text as shown) started in the background before the others: the worker of the queue. */
const BACKGROUND = new Set([
  `hwnas worker --queue ${REDIS} --concurrency 2 --evaluator "python3 train.py --epochs 12"`,
]);

interface DocCommand {
  file: string;
  text: string;
  /** Inline code in prose (a mention), not a line of a shell block (an example). */
  inline: boolean;
}

/** Commands of one markdown file, in order: lines of shell blocks, then inline `hwnas ...` code. */
function docCommands(file: string, markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(fence)) {
    if (!['sh', 'bash', 'shell', 'console'].includes(m[1]!)) continue;
    for (const raw of m[2]!.replace(/\\\n\s*/g, '').split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (line !== '' && !line.startsWith('#')) out.push({ file, text: line.replace(/\s+/g, ' '), inline: false });
    }
  }
  const prose = markdown.replace(fence, '');
  for (const m of prose.matchAll(/`((?:npx )?hwnas [^`]+)`/g))
    out.push({ file, text: m[1]!.replace(/\\\|/g, '|').replace(/\s+/g, ' ').trim(), inline: true });
  return out;
}

function allDocCommands(): DocCommand[] {
  const files = [
    'README.md',
    ...readdirSync(join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return files.flatMap((f) => docCommands(f, readFileSync(join(repoRoot, f), 'utf8')));
}

/** Command names of the CLI (`front`, `data import`, ...), for bare mentions. */
function commandNames(): Set<string> {
  const names = new Set<string>();
  const walk = (cmd: ReturnType<typeof buildProgram>, prefix: string) => {
    for (const sub of cmd.commands) {
      const name = `${prefix}${sub.name()}`;
      names.add(name);
      walk(sub, `${name} `);
    }
  };
  walk(buildProgram(), '');
  return names;
}

/** Shell words, as a POSIX shell splits the doc's line (quotes only: the docs use no expansions but ~). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g))
    out.push(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!);
  return out;
}

/** The argument vector of a doc command: `npx hwnas x` and `hwnas x` are both the source CLI. */
function cliArgs(text: string): string[] {
  const w = words(text);
  if (w[0] === 'npx') w.shift();
  expect(w[0], text).toBe('hwnas');
  return w.slice(1);
}

const isReport = (text: string) => /^(npx )?hwnas report /.test(text);

const TRAIN_PY = `import json, sys
req = json.load(sys.stdin)
i = req["index"]
print("epoch 1 of", sys.argv[sys.argv.index("--epochs") + 1])
print(json.dumps({"objectives": {"accuracy": 50 + (i * 7919) % 4000 / 100, "latency": 1 + (i * 104729) % 900 / 100}}))
`;

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('docCommands', () => {
  it('joins continued lines, drops comments and prose blocks, reads inline code with escaped pipes', () => {
    const md = [
      'Run `hwnas arch nb201 0` or `npx hwnas spaces`; `hwnas report DIR \\| x` in a table; not `npm test`.',
      '```sh',
      '# a comment',
      'hwnas search --space nb201 \\',
      '  --evals 10   # trailing comment',
      '```',
      '```json',
      'hwnas not-a-command',
      '```',
    ].join('\n');
    expect(docCommands('x.md', md)).toEqual([
      { file: 'x.md', text: 'hwnas search --space nb201 --evals 10', inline: false },
      { file: 'x.md', text: 'hwnas arch nb201 0', inline: true },
      { file: 'x.md', text: 'npx hwnas spaces', inline: true },
      { file: 'x.md', text: 'hwnas report DIR | x', inline: true },
    ]);
  });
});

describe('every command shown in README.md and docs/ runs as written', () => {
  let root = '';
  let redis: TestRedis | undefined;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hwnas-docs-'));
    if (redisAvailable) {
      redis = await startRedis();
      env.REDIS_URL = redis.url;
    }
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A fresh folder per doc file (its commands share it, as a reader's shell would) with the samples. */
  const folders = new Map<string, string>();
  function folderOf(file: string): string {
    const known = folders.get(file);
    if (known) return known;
    const dir = join(root, file.replace(/[^\w.-]+/g, '_'));
    mkdirSync(dir);
    // a partial nb201 latency table (docs/constraints.md, search --allow-missing)
    writeFileSync(
      join(dir, 'm7.csv'),
      `index,ms\n${Array.from({ length: 3000 }, (_, i) => `${i},${1 + ((i * 37) % 900) / 10}`).join('\n')}\n`,
    );
    // fronts for `hwnas metrics` (docs/search.md, docs/indicators.md)
    writeFileSync(join(dir, 'true.csv'), 'index,arch,accuracy,latency\n1,a,70,1\n2,b,80,2\n3,c,90,4\n');
    writeFileSync(join(dir, 'F.csv'), 'index,arch,accuracy,latency\n1,a,70,1\n2,b,80,2\n3,c,90,4\n');
    writeFileSync(join(dir, 'found.csv'), 'index,arch,accuracy,latency\n1,a,68,1.5\n3,c,85,4\n');
    writeFileSync(join(dir, 'my-space.json'), JSON.stringify(tinyLayeredSpace('my-space')));
    writeFileSync(join(dir, 'train.py'), TRAIN_PY);
    folders.set(file, dir);
    return dir;
  }

  it('every doc command is run, or listed with the reason it is not; no list entry is stale', async () => {
    const all = allDocCommands();
    const shown = new Set(all.map((c) => c.text));
    for (const listed of [...Object.keys(NOT_RUN), ...Object.keys(RUN_AS), ...BACKGROUND])
      expect(shown.has(listed), `'${listed}' is listed but no doc shows it any more`).toBe(true);
    const names = commandNames();
    const seen = new Set<string>();
    const failures: string[] = [];
    const background: ReturnType<typeof spawn>[] = [];
    // `hwnas report` reads the folder a `reproduce` or `open-search` of the same doc writes: reports run last
    const ordered = [...all].sort((a, b) => Number(isReport(a.text)) - Number(isReport(b.text)));
    // the queue's workers start first and serve the coordinator's jobs
    for (const c of all) {
      if (!redis || !BACKGROUND.has(c.text) || seen.has(c.text)) continue;
      seen.add(c.text);
      background.push(
        spawn(
          process.execPath,
          ['--import', tsxLoader, join(repoRoot, 'src/cli/run.ts'), ...cliArgs(c.text.replaceAll(REDIS, redis.url))],
          {
            cwd: folderOf(c.file),
            stdio: 'ignore',
          },
        ),
      );
    }
    for (const c of ordered) {
      if (seen.has(c.text) || NOT_RUN[c.text] !== undefined) continue;
      seen.add(c.text);
      // a bare command name in prose is a mention: it must name a command of the CLI (shown in a shell
      // block, it runs)
      const example = all.some((d) => d.text === c.text && !d.inline);
      if (!example && names.has(c.text.replace(/^(npx )?hwnas /, ''))) continue;
      if (!redis && c.text.includes(REDIS)) continue; // no redis-server: the distributed examples cannot run
      for (const step of [RUN_AS[c.text] ?? c.text].flat()) {
        const text = redis ? step.replaceAll(REDIS, redis.url) : step;
        // `[--flag]` is an optional flag of a synopsis: run with it
        const args = cliArgs(text.replace(/\[([^\]<>]*)\]/g, '$1'));
        const t0 = Date.now();
        const r = runCli(args, { cwd: folderOf(c.file), env, timeoutMs: 300_000 });
        if (process.env.DOCS_TIMES) console.info(`${Date.now() - t0} ms ${c.file}: ${text}`);
        if (r.code !== 0)
          failures.push(`${c.file}: ${c.text}\n  exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
    }
    for (const b of background) b.kill('SIGTERM');
    expect(failures, failures.join('\n')).toEqual([]);
    expect(seen.size).toBeGreaterThan(30);
  }, 1_200_000);
});
