/**
 * Draws the K-means bench figure (time per iteration against samples, one line per system, one panel
 * per k, log-log like the SciPy 2020 poster) with vega-lite -> vega -> SVG -> resvg PNG. The Vega-Lite
 * spec is written next to the images so the plot can be reproduced.
 *
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** One point of the figure. */
export interface PlotPoint {
  system: string;
  n: number;
  k: number;
  secondsPerIter: number;
}

/** Writes `<base>.vl.json`, `<base>.svg` and `<base>.png`; returns their paths. */
export async function plotKMeans(points: readonly PlotPoint[], base: string, title: string): Promise<string[]> {
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: points.map((p) => ({ ...p })) },
    facet: { column: { field: 'k', type: 'ordinal', title: 'clusters k' } },
    spec: {
      width: 320,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'n', type: 'quantitative', scale: { type: 'log' }, title: 'samples (100 features)', axis: { format: '.0s' } },
        y: { field: 'secondsPerIter', type: 'quantitative', scale: { type: 'log' }, title: 'seconds per iteration' },
        color: { field: 'system', type: 'nominal', title: 'system' },
      },
    },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' })
    .render()
    .asPng();
  const paths = [`${base}.vl.json`, `${base}.svg`, `${base}.png`];
  await writeFile(paths[0] as string, `${JSON.stringify(spec, null, 2)}\n`);
  await writeFile(paths[1] as string, svg);
  await writeFile(paths[2] as string, png);
  return paths;
}
