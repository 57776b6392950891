// Line charts on a <canvas>: the loss (log scale) and the test accuracy against epochs. Small and
// dependency-free; redrawn whole on every animation frame that has new points.

export interface Series {
  color: string;
  points: readonly (readonly [x: number, y: number])[];
  lineWidth: number;
  /** Stroke opacity (thin per-batch lines are drawn faint). */
  alpha?: number;
  /** Draw a dot on every point. */
  dots?: boolean;
}

export interface Axes {
  title: string;
  xLabel: string;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Log-scale y (yMin, yMax > 0). */
  log?: boolean;
  yTicks: number[];
  formatY: (v: number) => string;
}

const MARGIN = { left: 56, right: 14, top: 26, bottom: 40 };

/** Ticks at 1, 2 and 5 times the powers of ten in [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks;
}

/** Evenly spaced round ticks in [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const step = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

export function drawChart(canvas: HTMLCanvasElement, series: readonly Series[], axes: Axes): void {
  // Draw at the device's pixel density so lines stay sharp.
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';

  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const y1 = MARGIN.top;
  const fy = axes.log ? Math.log10 : (v: number) => v;
  const lo = fy(axes.yMin);
  const hi = fy(axes.yMax);
  const px = (x: number) => x0 + (x / axes.xMax) * (x1 - x0);
  const py = (y: number) => y0 - ((fy(Math.min(Math.max(y, axes.yMin), axes.yMax)) - lo) / (hi - lo)) * (y0 - y1);

  // Grid, ticks, labels.
  ctx.strokeStyle = '#e6e6e6';
  ctx.fillStyle = '#444';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of axes.yTicks) {
    const y = Math.round(py(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x0, y);
    ctx.lineTo(x1, y);
    ctx.stroke();
    ctx.fillText(axes.formatY(t), x0 - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xStep = Math.max(1, Math.ceil(axes.xMax / 10));
  for (let t = 0; t <= axes.xMax; t += xStep) {
    const x = Math.round(px(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, y0);
    ctx.lineTo(x, y1);
    ctx.stroke();
    ctx.fillText(String(t), x, y0 + 6);
  }
  ctx.fillText(axes.xLabel, (x0 + x1) / 2, y0 + 22);
  ctx.font = 'bold 13px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(axes.title, x0, 6);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(x0 + 0.5, y1 + 0.5, x1 - x0, y0 - y1);

  // The series, clipped to the plot area.
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y1, x1 - x0, y0 - y1);
  ctx.clip();
  for (const s of series) {
    ctx.globalAlpha = s.alpha ?? 1;
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.lineWidth;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    ctx.stroke();
    if (s.dots) {
      for (const [x, y] of s.points) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  ctx.restore();
  ctx.globalAlpha = 1;
}
