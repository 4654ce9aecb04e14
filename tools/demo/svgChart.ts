// A small self-contained SVG line chart (no library): series of y values over shared x values,
// axes with ticks, a legend. Used for the demo's CTR-per-round chart.

export interface ChartSeries {
  name: string;
  values: (number | null)[];
  color: string;
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Labels of the x positions (e.g. "round 1"). */
  x: string[];
  series: ChartSeries[];
  /** Format of y tick labels. Default: percent. */
  yFormat?: (v: number) => string;
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

/** A "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

export function renderLineChart(c: LineChart): string {
  const W = c.width ?? 760;
  const H = c.height ?? 440;
  const m = { left: 64, right: 190, top: 48, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const ys = c.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const step = niceStep((Math.max(...ys, 0.01) - 0) || 0.01, 6);
  const yMax = Math.ceil(Math.max(...ys, 0.01) / step) * step;
  const yMin = 0;
  const n = c.x.length;
  const px = (i: number) => m.left + (n <= 1 ? pw / 2 : (i / (n - 1)) * pw);
  const py = (v: number) => m.top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const yFormat = c.yFormat ?? ((v: number) => `${fmt(v * 100)}%`);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(c.title)}</text>`);
  for (let v = yMin; v <= yMax + step / 2; v += step) {
    const y = py(v).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${esc(yFormat(v))}</text>`);
  }
  c.x.forEach((label, i) => {
    out.push(`<text x="${px(i).toFixed(1)}" y="${m.top + ph + 18}" text-anchor="middle" fill="#444">${esc(label)}</text>`);
  });
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle" fill="#222">${esc(c.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#222">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, k) => {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      d += `${d === '' ? 'M' : 'L'}${px(i).toFixed(1)} ${py(v).toFixed(1)} `;
    });
    if (d) out.push(`<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    s.values.forEach((v, i) => {
      if (v !== null && Number.isFinite(v)) out.push(`<circle cx="${px(i).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(`${s.name}, ${c.x[i]}: ${yFormat(v)}`)}</title></circle>`);
    });
    const ly = m.top + 10 + k * 22;
    const lx = m.left + pw + 16;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle" fill="#222">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
