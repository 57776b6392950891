// Learning curves as a self-contained SVG (no library): two panels side by side,
//   left:  loss on a log scale: every batch's loss (thin) and the test loss after each epoch (dots);
//   right: accuracy in %: test (solid, dots) and train (dashed) after each epoch.
// The x axis counts epochs; step k of an epoch of n steps sits at epoch + (k + 1) / n.
import type { RunRecord } from './record.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const PANEL = { width: 430, height: 300, left: 62, right: 14, top: 34, bottom: 44 };
const LEGEND_HEIGHT = 28;

interface Scale {
  (v: number): number;
}

function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  return (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k). */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks for a log axis: 1, 2, 5 × 10^k inside [lo, hi]; every m × 10^k when that gives fewer than 3. */
function logTicks(lo: number, hi: number): number[] {
  const within = (mantissas: number[]) => {
    const ticks: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mantissas) {
        const t = m * 10 ** k;
        if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push(Number(t.toPrecision(6)));
      }
    }
    return ticks;
  };
  const coarse = within([1, 2, 5]);
  return coarse.length >= 3 ? coarse : within([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => v.toFixed(1);

function polyline(points: [number, number][], color: string, extra = ''): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
  return `<polyline fill="none" stroke="${color}" points="${d}" ${extra}/>`;
}

function dots(points: [number, number][], color: string): string {
  return points.map(([x, y]) => `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="3" fill="${color}"/>`).join('');
}

interface Axes {
  x: Scale;
  y: Scale;
  body: string[];
}

function panel(
  offsetX: number,
  title: string,
  yLabel: string,
  epochs: number,
  yTicks: number[],
  y: Scale,
  tickLabel: (v: number) => string,
): Axes {
  const { width, height, left, right, top, bottom } = PANEL;
  const x = linear(0, epochs, offsetX + left, offsetX + width - right);
  const body: string[] = [];
  const x0 = offsetX + left;
  const x1 = offsetX + width - right;
  body.push(`<text x="${fmt((x0 + x1) / 2)}" y="20" text-anchor="middle" font-weight="bold">${escape(title)}</text>`);
  for (const t of yTicks) {
    body.push(`<line x1="${fmt(x0)}" x2="${fmt(x1)}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${fmt(x0 - 6)}" y="${fmt(y(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  for (const t of niceTicks(0, epochs, Math.min(epochs, 10)).filter((t) => Number.isInteger(t))) {
    body.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${top}" y2="${height - bottom}" stroke="#f0f0f0"/>`);
    body.push(`<text x="${fmt(x(t))}" y="${height - bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  body.push(`<rect x="${fmt(x0)}" y="${top}" width="${fmt(x1 - x0)}" height="${height - top - bottom}" fill="none" stroke="#333"/>`);
  body.push(`<text x="${fmt((x0 + x1) / 2)}" y="${height - 8}" text-anchor="middle">epoch</text>`);
  const yMid = (top + height - bottom) / 2;
  body.push(`<text transform="translate(${fmt(offsetX + 16)},${fmt(yMid)}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  return { x, y, body };
}

/** The SVG document for one or more runs (each run gets a colour; the legend names them). */
export function learningCurvesSvg(runs: readonly RunRecord[], title?: string): string {
  if (runs.length === 0) throw new RangeError('learningCurvesSvg: no runs to plot');
  const { height, top, bottom } = PANEL;
  const epochs = Math.max(...runs.map((r) => r.epochs.length));
  const yBottom = height - bottom;

  // Loss panel, log scale over every batch loss and test loss.
  const losses = runs.flatMap((r) => [...r.batchLosses, r.initial.testLoss, ...r.epochs.map((e) => e.testLoss)]).filter((v) => v > 0);
  const lossLo = Math.min(...losses) * 0.9;
  const lossHi = Math.max(...losses) * 1.1;
  const logY = (v: number) => linear(Math.log10(lossLo), Math.log10(lossHi), yBottom, top)(Math.log10(Math.max(v, lossLo)));
  const lossPanel = panel(0, 'Loss', 'loss (log scale)', epochs, logTicks(lossLo, lossHi), logY, (t) => String(t));

  // Accuracy panel, percent, from a round value below the lowest epoch accuracy up to 100.
  const accuracies = runs.flatMap((r) => r.epochs.flatMap((e) => [e.testAccuracy, e.trainAccuracy])).map((a) => a * 100);
  const accLo = Math.max(0, Math.floor((Math.min(...accuracies) - 1) / 5) * 5);
  const accY = linear(accLo, 100, yBottom, top);
  const accPanel = panel(PANEL.width, 'Accuracy', 'accuracy (%)', epochs, niceTicks(accLo, 100), accY, (t) => `${t}`);

  runs.forEach((run, k) => {
    const color = COLORS[k % COLORS.length];
    const perEpoch = run.batchLosses.length / Math.max(1, run.epochs.length);
    const batchPoints = run.batchLosses.map((l, i): [number, number] => [lossPanel.x((i + 1) / perEpoch), logY(l)]);
    lossPanel.body.push(polyline(batchPoints, color, 'stroke-width="0.8" stroke-opacity="0.45"'));
    const testLoss: [number, number][] = [
      [lossPanel.x(0), logY(run.initial.testLoss)],
      ...run.epochs.map((e): [number, number] => [lossPanel.x(e.epoch), logY(e.testLoss)]),
    ];
    lossPanel.body.push(polyline(testLoss, color, 'stroke-width="2"'), dots(testLoss, color));
    const test = run.epochs.map((e): [number, number] => [accPanel.x(e.epoch), accY(e.testAccuracy * 100)]);
    const train = run.epochs.map((e): [number, number] => [accPanel.x(e.epoch), accY(e.trainAccuracy * 100)]);
    accPanel.body.push(polyline(train, color, 'stroke-width="1.5" stroke-dasharray="5 4"'));
    accPanel.body.push(polyline(test, color, 'stroke-width="2"'), dots(test, color));
  });

  const width = PANEL.width * 2;
  const legendY = height + 14;
  const legend = runs.map((run, k) => {
    const x = 20 + k * 300;
    const color = COLORS[k % COLORS.length];
    const label = `${run.name}: test ${(run.summary.testAccuracy * 100).toFixed(2)} %`;
    return `<line x1="${x}" x2="${x + 24}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>` +
      `<text x="${x + 30}" y="${legendY + 4}">${escape(label)}</text>`;
  });
  const key =
    `<text x="${width - 12}" y="${legendY + 4}" text-anchor="end" fill="#555">` +
    `thin: batch loss · dots: test · dashed: train</text>`;
  const heading = title ? `<title>${escape(title)}</title>` : '';
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + LEGEND_HEIGHT}" ` +
      `viewBox="0 0 ${width} ${height + LEGEND_HEIGHT}" font-family="sans-serif" font-size="12">`,
    heading,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...lossPanel.body,
    ...accPanel.body,
    ...legend,
    key,
    `</svg>`,
    '',
  ].join('\n');
}
