/**
 * Vega-Lite spec -> SVG (vega's headless View, no canvas) -> PNG (resvg). Text needs a font file: the
 * DejaVu fonts of Debian's fonts-dejavu-core when present, otherwise whatever the system has.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { releaseRender } from './gc.js';
import type { RenderedPlot } from './html.js';
import type { PlotRecipe, PlotSpec } from './plots.js';

const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
];
export const FONT_FAMILY = 'DejaVu Sans';

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, scale = 2): Uint8Array {
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  const resvg = new Resvg(svg, {
    font: {
      fontFiles,
      loadSystemFonts: fontFiles.length === 0,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: 'zoom', value: scale },
  });
  return resvg.render().asPng();
}

/** Either a built plot or a recipe that builds it when its turn comes (one figure's data held at a time). */
export type PlotSource = PlotSpec | PlotRecipe;

/**
 * Render each plot, one at a time, to `<dir>/<id>.svg` and `<dir>/<id>.png` through `write`, and hand it
 * to `onFigure` (the HTML report appends it to its file); nothing of a figure is kept once handed on.
 */
export async function renderEach(
  plots: Iterable<PlotSource>,
  dir: string,
  write: (path: string, content: string | Uint8Array) => void,
  onFigure: (plot: RenderedPlot) => void,
): Promise<void> {
  for (const source of plots) {
    const p = 'build' in source ? { ...source.build(), id: source.id } : source;
    const svg = await toSvg(p.spec);
    const png = svgToPng(svg);
    write(join(dir, `${p.id}.svg`), svg);
    write(join(dir, `${p.id}.png`), png);
    onFigure({ id: p.id, title: p.title, svg, png });
    await releaseRender();
  }
}

/** Render each plot to `<dir>/<id>.svg` and `<dir>/<id>.png` through `write`; returns them for the HTML. */
export async function renderPlots(
  plots: Iterable<PlotSource>,
  dir: string,
  write: (path: string, content: string | Uint8Array) => void,
): Promise<RenderedPlot[]> {
  const rendered: RenderedPlot[] = [];
  await renderEach(plots, dir, write, (p) => rendered.push(p));
  return rendered;
}
