/**
 * Headless Chromium (Debian `chromium`, driven by playwright-core) for the report tests: launch it with the
 * flags this offline machine needs, open a report, and collect console errors and what each plot shows.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface PlotBox {
  id: string | null;
  w: number;
  h: number;
  /** Drawn paths and circles inside the plot's SVG. */
  marks: number;
}

/** Open `htmlPath`; `errors` collects console errors, page errors and failed requests from then on. */
export async function openReport(
  browser: Browser,
  htmlPath: string,
): Promise<{ page: Page; errors: string[]; plots: PlotBox[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  const plots = await page.$$eval('figure.plot', (figs) =>
    figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return {
        id: f.getAttribute('data-plot'),
        w: box?.width ?? 0,
        h: box?.height ?? 0,
        marks: svg?.querySelectorAll('path, circle').length ?? 0,
      };
    }),
  );
  return { page, errors, plots };
}
