/**
 * `hwnas serve` at size: the list page over 100 study folders, the page of a 150-run study, and an open
 * search of 100,000 evaluations (downsampled curves and clouds: bytes per page load). Times are of the
 * server's JSON (cold: first request; warm: unchanged folder) and, with Chromium, of the page's first
 * full render. The baseline, measured in this process, is reading the same store bytes from disk.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/rng.js';
import { strategyNames } from '../src/search/index.js';
import { startServer } from '../src/serve/index.js';
import { buildConfig, runStudy } from '../src/study/index.js';
import { haveChromium, launchChromium } from '../test/helpers/browser.js';
import '../test/helpers/study-toy.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-serve-'));

/** Wall time, and CPU time of this process (the server runs in it: the part a loaded machine does not inflate). */
async function timed<T>(f: () => Promise<T>): Promise<[T, number, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  const v = await f();
  const used = process.cpuUsage(c);
  return [v, performance.now() - t, (used.user + used.system) / 1000];
}
const both = (wall: number, cpu: number) => `${wall.toFixed(0)} ms (cpu ${cpu.toFixed(0)} ms)`;

async function getBytes(url: string): Promise<number> {
  return (await (await fetch(url)).arrayBuffer()).byteLength;
}

function study(out: string, o: { devices: string; pruning: string; seeds: string; evals: string }) {
  const config = buildConfig({ accuracy: 'toy:acc', population: '20', sample: '5', ...o }, strategyNames);
  return runStudy(config, { out, threads: 2, quiet: true });
}

/** A history of `n` evaluations of nb201 with toy objectives (a few failures), as open-search writes it. */
function writeHistory(path: string, n: number): void {
  const rng = new Rng(7);
  const lines: string[] = [
    JSON.stringify({
      type: 'search',
      version: 1,
      study: 'bench',
      config: {
        space: 'nb201',
        strategy: 'random',
        seed: 7,
        objectives: [
          { name: 'accuracy', direction: 'max' },
          { name: 'latency', direction: 'min' },
        ],
      },
    }),
  ];
  for (let i = 0; i < n; i++) {
    const arch = Math.floor(rng.nextFloat() * 15625);
    lines.push(JSON.stringify({ type: 'ask', n: i, arch }));
    const lat = 1 + 9 * rng.nextFloat();
    const acc = 50 + 30 * (1 - Math.exp(-lat / 3)) + 5 * rng.nextFloat();
    const ok = rng.nextFloat() > 0.02;
    lines.push(
      JSON.stringify(
        ok
          ? {
              type: 'tell',
              n: i,
              arch,
              ok,
              objectives: { accuracy: acc, latency: lat },
              t: i * 10,
              ms: 9,
              worker: `w${i % 8}`,
            }
          : { type: 'tell', n: i, arch, ok, reason: 'exit code 1', t: i * 10, ms: 9, worker: `w${i % 8}` },
      ),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Time from navigation to the page's last figure drawn; bytes the page loaded (HTML, script, style, JSON). */
async function pageLoad(url: string, lastFigure: string): Promise<{ ms: number; busyMs: number; bytes: number }> {
  const browser = await launchChromium();
  try {
    const runs: number[] = [];
    const busy: number[] = [];
    let bytes = 0 as unknown;
    for (let r = 0; r < 3; r++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const task = async () =>
        (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0;
      const t0 = await task();
      const t = performance.now();
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector(lastFigure, { timeout: 60_000 });
      runs.push(performance.now() - t);
      busy.push((await task()) - t0);
      bytes = await page.evaluate(
        'performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation")).filter((e) => !e.name.includes("/events")).reduce((s, e) => s + e.decodedBodySize, 0)',
      );
      await page.close();
    }
    // TaskDuration: seconds the page's main thread was busy (parsing, script, layout, paint).
    return { ms: median(runs), busyMs: median(busy) * 1000, bytes: Number(bytes) };
  } finally {
    await browser.close();
  }
}

try {
  // 1. The list page over 100 study folders (copies of one small study).
  const listRoot = join(dir, 'list');
  await study(join(dir, 'one'), { devices: 'toy:lat-a', pruning: 'none', seeds: '1', evals: '300' });
  for (let i = 0; i < 100; i++) {
    mkdirSync(join(listRoot, `study-${String(i).padStart(3, '0')}`), { recursive: true });
    cpSync(join(dir, 'one', 'study.sqlite'), join(listRoot, `study-${String(i).padStart(3, '0')}`, 'study.sqlite'));
  }
  const [, readMs] = await timed(async () => {
    for (let i = 0; i < 100; i++) readFileSync(join(listRoot, `study-${String(i).padStart(3, '0')}`, 'study.sqlite'));
  });
  let s = await startServer({ folder: listRoot, port: 0, host: '127.0.0.1' });
  const [, cold, coldCpu] = await timed(() => getBytes(new URL('/api/list', s.url).href));
  const warm: number[] = [];
  const warmCpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const [, w, c] = await timed(() => getBytes(new URL('/api/list', s.url).href));
    warm.push(w);
    warmCpu.push(c);
  }
  console.log(
    `list, 100 study folders: /api/list cold ${both(cold, coldCpu)}, warm ${both(median(warm), median(warmCpu))}; reading the 100 stores alone ${readMs.toFixed(1)} ms (cold/read ${(cold / readMs).toFixed(1)}x)`,
  );
  if (haveChromium) {
    const p = await pageLoad(s.url, 'table.list tbody tr:nth-child(100)');
    console.log(
      `list page first render (warm server): ${p.ms.toFixed(0)} ms, page main thread busy ${p.busyMs.toFixed(0)} ms, ${(p.bytes / 1024).toFixed(0)} KiB loaded (target < 200 ms)`,
    );
  }
  await s.close();

  // 2. A 150-run study: 2 devices x 5 pruning settings x 15 seeds, 3000 evaluations each.
  const big = join(dir, 'big');
  mkdirSync(big);
  const [, studyMs] = await timed(() =>
    study(join(big, 'study-150'), {
      devices: 'toy:lat-a,toy:lat-b',
      pruning: 'none,params/latency@0.5,params/latency@0.7,params/latency@0.9,random@0.7',
      seeds: '15',
      evals: '3000',
    }),
  );
  s = await startServer({ folder: big, port: 0, host: '127.0.0.1' });
  const [bytes150, cold150, cold150Cpu] = await timed(() => getBytes(new URL('/api/study/study-150', s.url).href));
  const [, warm150, warm150Cpu] = await timed(() => getBytes(new URL('/api/study/study-150', s.url).href));
  const [, read150] = await timed(async () => readFileSync(join(big, 'study-150', 'study.sqlite')));
  console.log(
    `150-run study (made in ${(studyMs / 1000).toFixed(1)} s): /api/study cold ${both(cold150, cold150Cpu)}, warm ${both(warm150, warm150Cpu)}, ${(bytes150 / 1024).toFixed(0)} KiB; reading its store ${read150.toFixed(1)} ms`,
  );
  if (haveChromium) {
    const p = await pageLoad(new URL('/study/study-150', s.url).href, 'figure[data-plot^="discovered-"]:last-of-type');
    console.log(
      `150-run study page first render: ${p.ms.toFixed(0)} ms, page main thread busy ${p.busyMs.toFixed(0)} ms, ${(p.bytes / 1024).toFixed(0)} KiB loaded (target < 1000 ms)`,
    );
  }
  await s.close();

  // 3. An open search of 100,000 evaluations.
  const openRoot = join(dir, 'open');
  mkdirSync(join(openRoot, 'os-100k'), { recursive: true });
  const history = join(openRoot, 'os-100k', 'history.jsonl');
  writeHistory(history, 100_000);
  const [, readHist] = await timed(async () =>
    readFileSync(history, 'utf8')
      .split('\n')
      .map((l) => l.length),
  );
  s = await startServer({ folder: openRoot, port: 0, host: '127.0.0.1' });
  const [bytesOpen, coldOpen, coldOpenCpu] = await timed(() => getBytes(new URL('/api/open/os-100k', s.url).href));
  const [, warmOpen, warmOpenCpu] = await timed(() => getBytes(new URL('/api/open/os-100k', s.url).href));
  // Live: 100 more evaluations appended; the server reads only those bytes, then recomputes the curves.
  const more: string[] = [];
  for (let i = 100_000; i < 100_100; i++)
    more.push(
      JSON.stringify({
        type: 'tell',
        n: i,
        arch: i % 15625,
        ok: true,
        objectives: { accuracy: 60, latency: 5 },
        t: i * 10,
        ms: 9,
      }),
    );
  writeFileSync(history, `${more.join('\n')}\n`, { flag: 'a' });
  const [, liveOpen, liveOpenCpu] = await timed(() => getBytes(new URL('/api/open/os-100k', s.url).href));
  console.log(
    `open search, 100,000 evaluations (${(readFileSync(history).length / 1048576).toFixed(1)} MiB history): /api/open cold ${both(coldOpen, coldOpenCpu)}, unchanged ${both(warmOpen, warmOpenCpu)}, after 100 more ${both(liveOpen, liveOpenCpu)}, ${(bytesOpen / 1024).toFixed(0)} KiB; reading + splitting the file alone ${readHist.toFixed(0)} ms`,
  );
  if (haveChromium) {
    const p = await pageLoad(new URL('/open/os-100k', s.url).href, 'figure[data-plot="open-front"]');
    console.log(
      `open search page (100,100 evaluations): first render ${p.ms.toFixed(0)} ms, page main thread busy ${p.busyMs.toFixed(0)} ms, ${(p.bytes / 1048576).toFixed(2)} MiB loaded (target < 5 MiB)`,
    );
  }
  await s.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
