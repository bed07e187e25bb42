/**
 * The HTML report of a small toy study, opened in headless Chromium (Debian `chromium`, driven by
 * playwright-core): it renders without console errors, every plot is there with a visible SVG, and a
 * screenshot is saved (in a temp folder).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/index.js';
import { runStudy } from '../../src/study/index.js';
import { CHROMIUM, haveChromium, launchChromium, openReport } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { toyReportConfig } from '../helpers/study-toy.js';

if (!haveChromium)
  console.warn(`report-html: skipping the browser check: ${CHROMIUM} is not installed (apt-get install chromium)`);

const config = toyReportConfig();

let dir: string;
let folder: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-report-'));
  folder = join(dir, 'study');
  await runStudy(config, { out: folder, threads: 1, quiet: true });
  await writeReport(folder, { plots: false });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hwnas report', () => {
  it('writes tables, plots (SVG and PNG) and one self-contained HTML file', () => {
    const r = runCli(['report', folder]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Wrote .*report\.html/);
    for (const stem of [
      'gd-toy-lat-a',
      'fronts-toy-lat-a',
      'discovered-toy-lat-a',
      'gd-toy-lat-b',
      'fronts-toy-lat-b',
      'discovered-toy-lat-b',
    ]) {
      const svg = readFileSync(join(folder, 'plots', `${stem}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toMatch(/<text/);
      const png = readFileSync(join(folder, 'plots', `${stem}.png`));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    for (const t of ['gd', 'gd-mean', 'igd-plus', 'hv', 'time-to-quality', 'pruning-audit']) {
      expect(statSync(join(folder, 'tables', `${t}.csv`)).size).toBeGreaterThan(0);
      expect(readFileSync(join(folder, 'tables', `${t}.md`), 'utf8')).toMatch(/^## /);
    }
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    // Self-contained: no external scripts, stylesheets or images.
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it.skipIf(!haveChromium)(
    'renders in headless Chromium without console errors, with every plot',
    async () => {
      const browser = await launchChromium();
      try {
        const { page, errors, plots } = await openReport(browser, join(folder, 'report.html'));
        expect(plots.map((p) => p.id)).toEqual([
          'gd-toy-lat-a',
          'fronts-toy-lat-a',
          'discovered-toy-lat-a',
          'gd-toy-lat-b',
          'fronts-toy-lat-b',
          'discovered-toy-lat-b',
        ]);
        for (const p of plots) {
          expect(p.w, p.id!).toBeGreaterThan(300);
          expect(p.h, p.id!).toBeGreaterThan(200);
          expect(p.marks, p.id!).toBeGreaterThan(5);
        }
        expect(await page.$$eval('section.table table tbody tr', (rows) => rows.length)).toBeGreaterThan(20);
        const shot = join(dir, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(10_000);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
