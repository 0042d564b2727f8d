#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The DuckDB peer of the Parquet benchmark (bench/sections/20-parquet.sh):
// the per-column work of `driftmon baseline` and `driftmon detect`, done by
// DuckDB (@duckdb/node-api, pinned in package.json) over the same Parquet
// file.
//
//   node duckdb_drift.mjs baseline --input F.parquet --threads N --output B.json
//       per numeric column: count, null count, mean, stddev, min, max and
//       the exact quantiles p01 p05 p10 .. p90 p95 p99 (quantile_disc) in
//       one query; then, as driftmon does, a 10-bin histogram whose edges
//       are the distinct deciles below the maximum, in a second query
//       (the edges must be known before counting).
//   node duckdb_drift.mjs detect --baseline B.json --input F.parquet --threads N --output R.json
//       per numeric column: count, null count, mean, stddev, min, max and
//       the histogram over the baseline's bin edges, in one query.  B.json
//       is driftmon's baseline.json (features[].bins.edges) or this
//       script's own baseline output (features[].edges).
//
//   node duckdb_drift.mjs scan --input F.parquet --threads N --output S.json
//       the bare scan: count(*), then sum, min and max of every numeric
//       column in one query (reads and decodes every value once; the
//       floor any profile of the file stands against).
//
// --quantiles exact|approx (baseline): quantile_disc (exact: holds every
// value, then sorts; the default) or approx_quantile (DuckDB's t-digest
// sketch: the like-for-like peer of driftmon's quantile sketch).
//
// --threads N: DuckDB's `threads` setting (0 = DuckDB's default, all
// cores).  Phase timings go to stderr ("peer baseline: ...").  Output
// JSON: {"rows": N, "threads": N, "features": [{"name", "count",
// "missing", "mean", "std", "min", "max", ["quantiles"], "edges",
// "counts"}]}; counts[i] counts the values x with edges[i-1] < x <=
// edges[i] (the last bin: x > the last edge), as driftmon bins them.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';

const QS = [0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.99];
const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const NUMERIC = /^(DOUBLE|FLOAT|REAL|BIGINT|INTEGER|SMALLINT|TINYINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|HUGEINT|DECIMAL.*)$/;

function usage(msg) {
	if (msg) process.stderr.write(`duckdb_drift: ${msg}\n`);
	process.stderr.write('usage: duckdb_drift.mjs baseline|detect|scan --input F.parquet ' +
		'[--baseline B.json] [--threads N] [--quantiles exact|approx] ' +
		'--output OUT.json\n');
	process.exit(2);
}

const job = process.argv[2];
const opt = {};
for (let i = 3; i < process.argv.length; i += 2) {
	const k = process.argv[i], v = process.argv[i + 1];
	if (!k.startsWith('--') || v === undefined) usage(`bad argument '${k}'`);
	opt[k.slice(2)] = v;
}
if (job !== 'baseline' && job !== 'detect' && job !== 'scan') usage();
const qfun = { exact: 'quantile_disc', approx: 'approx_quantile' }[opt.quantiles ?? 'exact'];
if (!qfun) usage('--quantiles: exact or approx');
if (!opt.input || !opt.output || (job === 'detect' && !opt.baseline)) usage('missing an option');
const threads = Number(opt.threads ?? 0);
if (!Number.isInteger(threads) || threads < 0) usage('--threads: not a count');

const ident = (s) => '"' + s.replaceAll('"', '""') + '"';
const str = (s) => "'" + s.replaceAll("'", "''") + "'";
// Exact doubles: the shortest text that reads back to the same double.
const dbl = (x) => `${str(String(x))}::DOUBLE`;
const num = (v) => (v === null || v === undefined ? null : Number(v));
const phases = [];
let t = performance.now();
const lap = (name) => {
	const now = performance.now();
	phases.push(`${name} ${((now - t) / 1000).toFixed(2)} s`);
	t = now;
};

const inst = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
const con = await inst.connect();
const src = `read_parquet(${str(opt.input)})`;
const rowsOf = async (sql) => (await con.runAndReadAll(sql)).getRowsJson();

// Numeric columns, in file order (what driftmon profiles as numeric).
const cols = (await rowsOf(`DESCRIBE SELECT * FROM ${src}`))
	.filter((r) => NUMERIC.test(String(r[1])))
	.map((r) => String(r[0]));
if (!cols.length) usage(`no numeric column in ${opt.input}`);
const nthreads = Number((await rowsOf(`SELECT current_setting('threads')`))[0][0]);

// count(*), then per column: count, avg, stddev, min, max [, extra]
function statsSql(extra) {
	const parts = ['count(*)'];
	cols.forEach((c, i) => {
		const x = ident(c);
		parts.push(`count(${x})`, `avg(${x})`, `stddev_samp(${x})`, `min(${x})`, `max(${x})`);
		if (extra) parts.push(extra(x, i));
	});
	return `SELECT ${parts.join(', ')} FROM ${src}`;
}
const histSql = (x, edges) => (edges.length
	? `histogram(${x}, [${edges.map(dbl).join(', ')}])`
	: `count(${x})`);
// histogram() gives {edge: n, ..., Infinity: n} without the empty buckets.
function binCounts(h, edges) {
	const counts = new Array(edges.length + 1).fill(0);
	if (!edges.length) {
		counts[0] = Number(h);
		return counts;
	}
	for (const { key, value } of h) {
		const k = Number(key);
		const i = k === Infinity ? edges.length : edges.indexOf(k);
		if (i < 0) throw new Error(`histogram bucket ${key} is not an edge`);
		counts[i] += Number(value);
	}
	return counts;
}
const PER = (extra) => 5 + (extra ? 1 : 0);

const out = { rows: 0, threads: nthreads, features: [] };
lap('setup');
if (job === 'baseline') {
	const qlist = `[${QS.join(', ')}]`;
	const r = (await rowsOf(statsSql((x) => `${qfun}(${x}, ${qlist})`)))[0];
	lap('stats+quantiles');
	out.rows = Number(r[0]);
	cols.forEach((name, i) => {
		const o = 1 + i * PER(true);
		const count = Number(r[o]);
		const q = (r[o + 5] || []).map(num);
		const quantiles = {};
		QS.forEach((p, j) => { quantiles[`p${String(Math.round(p * 100)).padStart(2, '0')}`] = q[j] ?? null; });
		const max = num(r[o + 4]);
		const edges = [];
		for (const p of DECILES) {
			const e = quantiles[`p${Math.round(p * 100)}`];
			if (e === null || e >= max) break;
			if (!edges.length || e > edges[edges.length - 1]) edges.push(e);
		}
		out.features.push({ name, count, missing: out.rows - count, mean: num(r[o + 1]),
			std: num(r[o + 2]), min: num(r[o + 3]), max, quantiles, edges });
	});
	const parts = out.features.map((f) => histSql(ident(f.name), f.edges));
	const h = (await rowsOf(`SELECT ${parts.join(', ')} FROM ${src}`))[0];
	lap('histograms');
	out.features.forEach((f, i) => { f.counts = binCounts(h[i], f.edges); });
} else if (job === 'scan') {
	const parts = ['count(*)'];
	cols.forEach((c) => {
		const x = ident(c);
		parts.push(`sum(${x})`, `min(${x})`, `max(${x})`);
	});
	const r = (await rowsOf(`SELECT ${parts.join(', ')} FROM ${src}`))[0];
	lap('scan');
	out.rows = Number(r[0]);
	cols.forEach((name, i) => {
		out.features.push({ name, sum: num(r[1 + 3 * i]), min: num(r[2 + 3 * i]),
			max: num(r[3 + 3 * i]) });
	});
} else {
	const base = JSON.parse(readFileSync(opt.baseline, 'utf8'));
	const edgesOf = new Map();
	for (const f of base.features || []) {
		const e = f.bins ? f.bins.edges : f.edges;
		if (Array.isArray(e)) edgesOf.set(f.name, e.map(Number));
	}
	lap('read baseline');
	const r = (await rowsOf(statsSql((x, i) => histSql(x, edgesOf.get(cols[i]) || []))))[0];
	lap('stats+histograms');
	out.rows = Number(r[0]);
	cols.forEach((name, i) => {
		const o = 1 + i * PER(true);
		const count = Number(r[o]);
		const edges = edgesOf.get(name) || [];
		out.features.push({ name, count, missing: out.rows - count, mean: num(r[o + 1]),
			std: num(r[o + 2]), min: num(r[o + 3]), max: num(r[o + 4]), edges,
			counts: binCounts(r[o + 5], edges) });
	});
}
writeFileSync(opt.output, JSON.stringify(out) + '\n');
lap('write');
process.stderr.write(`peer ${job}: ${phases.join(', ')}; ${cols.length} columns, ` +
	`${out.rows} rows, ${nthreads} threads\n`);
