// A tensor's values as text, numpy-style: nested brackets, one uniform number format (integers as
// `1.`, fixed-point padded to align, or scientific when the magnitudes are far apart), and, past
// 1,000 values, only the first and last 3 entries of each axis with `...` between.
//
// Display only: each value is printed with the fewest digits (at most 8 significant, as numpy's
// default precision) that read back as the same float32, so nothing here decides any result.

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const MAX_DIGITS = 8;
const LINE_WIDTH = 75;

/** Indices shown along an axis of length n: all, or the first and last EDGE_ITEMS (-1 = `...`). */
function shownIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), -1, ...tail];
}

/** The shortest decimal that reads back as the float32 v (up to 9 significant digits always do). */
function shortest(v: number): string {
  for (let p = 1; p < 9; p++) {
    const text = v.toPrecision(p);
    if (Math.fround(Number(text)) === v) return text;
  }
  return v.toPrecision(9);
}

/** Significant digits of v's shortest form (for scientific notation), at most MAX_DIGITS + 1. */
function significantDigits(v: number): number {
  const mantissa = Number(shortest(v)).toExponential().split('e')[0];
  return Math.min(MAX_DIGITS + 1, mantissa.replace(/[-.]/g, '').length);
}

/** Digits after the point of v's shortest fixed-point form, at most MAX_DIGITS (numpy's precision). */
function fractionDigits(v: number): number {
  const [mantissa, exponent = '0'] = shortest(v).split('e');
  const point = mantissa.indexOf('.');
  const decimals = point < 0 ? 0 : mantissa.replace(/0+$/, '').length - point - 1;
  return Math.min(MAX_DIGITS, Math.max(0, decimals - Number(exponent)));
}

type Formatter = (v: number) => string;

/** One number format for all `values` (the finite ones decide it), as numpy chooses. */
function chooseFormat(values: number[]): Formatter {
  const finite = values.filter((v) => Number.isFinite(v));
  const special: Formatter = (v) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  const magnitudes = finite.map(Math.abs).filter((a) => a > 0);
  const max = magnitudes.length ? Math.max(...magnitudes) : 0;
  const min = magnitudes.length ? Math.min(...magnitudes) : 0;
  let body: Formatter;
  if (max >= 1e8 || min < 1e-4 || max / min > 1e3) {
    const digits = Math.max(1, ...finite.map(significantDigits));
    // numpy's forms: 1.e-05, 1.5e+00 (a point always, two exponent digits at least).
    body = (v) => v.toExponential(digits - 1).replace(/^(-?\d)e/, '$1.e').replace(/e([+-])(\d)$/, 'e$10$2');
  } else if (finite.every((v) => Number.isInteger(v))) {
    body = (v) => `${Object.is(v, -0) ? '-0' : v.toFixed(0)}.`;
  } else {
    const decimals = Math.max(...finite.map(fractionDigits));
    // numpy pads the shorter fractions with spaces, not zeros: 0.5 beside 0.125 is `0.5  `.
    body = (v) => v.toFixed(decimals).replace(/0+$/, (zeros) => ' '.repeat(zeros.length));
  }
  return (v) => (Number.isFinite(v) ? body(v) : special(v));
}

/** Pads every string to the widest: numbers aligned on their decimal point, nan and inf to the right. */
function align(texts: string[]): string[] {
  const numbers = texts.filter((t) => t.includes('.'));
  const left = Math.max(0, ...numbers.map((t) => t.indexOf('.')));
  const right = Math.max(0, ...numbers.map((t) => t.length - t.indexOf('.')));
  const width = Math.max(left + right, ...texts.map((t) => t.length));
  return texts.map((t) => (t.includes('.') ? t.padStart(left + t.length - t.indexOf('.')).padEnd(left + right) : t).padStart(width));
}

/**
 * `data` (row-major, of `shape`) as numpy prints an array's values; continuation lines are
 * indented by `indent` spaces plus the nesting depth.
 */
export function formatValues(data: ArrayLike<number>, shape: readonly number[], indent = 0): string {
  const summarize = data.length > SUMMARY_THRESHOLD;
  if (shape.length === 0) return chooseFormat([data[0]])(data[0]);
  if (data.length === 0) return '[]';

  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  // The flat offsets of the shown values, in order, and so one format for exactly those.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    for (const i of shownIndices(shape[axis], summarize)) {
      if (i < 0) continue;
      if (axis === shape.length - 1) shown.push(offset + i);
      else collect(axis + 1, offset + i * strides[axis]);
    }
  };
  collect(0, 0);
  const format = chooseFormat(shown.map((o) => data[o]));
  const texts = align(shown.map((o) => format(data[o])));
  const textOf = new Map(shown.map((o, k) => [o, texts[k]]));

  const render = (axis: number, offset: number): string => {
    const pad = ' '.repeat(indent + axis + 1);
    const items = shownIndices(shape[axis], summarize);
    if (axis === shape.length - 1) {
      // One row, wrapped at LINE_WIDTH like numpy.
      const lines: string[] = [];
      let line = '';
      for (const i of items) {
        const item = i < 0 ? '...' : textOf.get(offset + i)!;
        if (line !== '' && pad.length + line.length + item.length + 2 > LINE_WIDTH) {
          lines.push(line.trimEnd());
          line = '';
        }
        line += `${item}, `;
      }
      lines.push(line.slice(0, -2));
      return `[${lines.join(`\n${pad}`)}]`;
    }
    const blank = '\n'.repeat(shape.length - axis - 1);
    const parts = items.map((i) => (i < 0 ? '...' : render(axis + 1, offset + i * strides[axis])));
    return `[${parts.join(`,${blank}${pad}`)}]`;
  };
  return render(0, 0);
}
