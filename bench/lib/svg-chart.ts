/** A dependency-free SVG line chart (step or straight lines) for BENCHMARKS.md figures. */

export interface ChartSeries {
  name: string;
  color: string;
  points: Array<[number, number]>;
  /** Draw as a step function (counts over time). */
  step?: boolean;
  dashed?: boolean;
  /** Line width (default 2). */
  width?: number;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  xMax?: number;
  yMax?: number;
  /** Vertical markers, e.g. "SIGTERM" at x. */
  markers?: Array<{ x: number; label: string }>;
  width?: number;
  height?: number;
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1, 2 or 5 × 10^k step giving about `count` ticks up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

const format = (value: number): string =>
  Math.abs(value) >= 1000 ? value.toLocaleString('en') : String(Number(value.toPrecision(6)));

export function lineChartSvg(options: ChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 400;
  const left = 70;
  const right = 20;
  const top = 40;
  const bottom = 80;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = options.series.flatMap((s) => s.points);
  const xMaxRaw = options.xMax ?? Math.max(1e-9, ...all.map((p) => p[0]));
  const yMaxRaw = options.yMax ?? Math.max(1e-9, ...all.map((p) => p[1]));
  const xStep = niceStep(xMaxRaw, 8);
  const yStep = niceStep(yMaxRaw, 5);
  const xMax = Math.ceil(xMaxRaw / xStep) * xStep;
  const yMax = Math.ceil(yMaxRaw / yStep) * yStep;
  const sx = (x: number): number => left + (Math.min(x, xMax) / xMax) * plotW;
  const sy = (y: number): number => top + plotH - (Math.min(y, yMax) / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(options.title)}</text>`,
  );
  for (let x = 0; x <= xMax + xStep / 2; x += xStep) {
    out.push(
      `<line x1="${sx(x).toFixed(1)}" y1="${top}" x2="${sx(x).toFixed(1)}" y2="${top + plotH}" stroke="#e5e5e5"/>`,
      `<text x="${sx(x).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${format(x)}</text>`,
    );
  }
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    out.push(
      `<line x1="${left}" y1="${sy(y).toFixed(1)}" x2="${left + plotW}" y2="${sy(y).toFixed(1)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${format(y)}</text>`,
    );
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">${escape(options.xLabel)}</text>`,
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`,
  );
  for (const [index, marker] of (options.markers ?? []).entries()) {
    out.push(
      `<line x1="${sx(marker.x).toFixed(1)}" y1="${top}" x2="${sx(marker.x).toFixed(1)}" y2="${top + plotH}" stroke="#999" stroke-dasharray="2 3"/>`,
      `<text x="${(sx(marker.x) + 3).toFixed(1)}" y="${top + 12 + index * 13}" fill="#555">${escape(marker.label)}</text>`,
    );
  }
  for (const series of options.series) {
    if (series.points.length === 0) continue;
    const path: string[] = [];
    series.points.forEach(([x, y], index) => {
      if (index === 0) path.push(`M${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
      else if (series.step) path.push(`H${sx(x).toFixed(1)}V${sy(y).toFixed(1)}`);
      else path.push(`L${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    });
    out.push(
      `<path d="${path.join('')}" fill="none" stroke="${series.color}" stroke-width="${series.width ?? 2}"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
  }
  options.series.forEach((series, index) => {
    const x = left + (index % 3) * (plotW / 3);
    const y = height - 30 + Math.floor(index / 3) * 16;
    out.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 24}" y2="${y - 4}" stroke="${series.color}" stroke-width="3"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${x + 30}" y="${y}">${escape(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Points of an empirical CDF (x = value, y = % of samples ≤ x) from ascending-sorted samples, at most `max` points. */
export function cdfPoints(sorted: ArrayLike<number>, max = 400): Array<[number, number]> {
  const n = sorted.length;
  if (n === 0) return [];
  const points: Array<[number, number]> = [[0, 0]];
  const step = Math.max(1, Math.floor(n / max));
  for (let i = 0; i < n; i += step) points.push([sorted[i], ((i + 1) / n) * 100]);
  points.push([sorted[n - 1], 100]);
  return points;
}
