// Rewrites BENCHMARKS.md, chart.svg and the README headline from bench/compare/results.json
// without measuring anything (for work on the report or the chart):
// `node --import tsx bench/compare/render.ts`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeChart } from './chart.js';
import { writeReadmeHeadline, writeReport, type Results } from './report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const results = JSON.parse(readFileSync(`${here}results.json`, 'utf8')) as Results;
writeReport(results, `${repo}BENCHMARKS.md`);
writeChart(results, `${here}chart.svg`);
writeReadmeHeadline(results, `${repo}README.md`);
console.error('rewrote BENCHMARKS.md, bench/compare/chart.svg and the README headline from bench/compare/results.json');
