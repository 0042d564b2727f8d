// SPDX-License-Identifier: Apache-2.0
//
// Files driftmon writes, read back by DuckDB: every value and every type
// is checked.  The SNAPPY and uncompressed ones are also read by a second,
// independent reader, hyparquet (which has no ZSTD without plug-ins).  The C unit test `writer_files_for_duckdb` (test_parquet)
// writes build/tests/parquet-written/written_*.parquet and, beside each,
// the values it wrote as JSON; this script reads each file with DuckDB
// (@duckdb/node-api) and compares.  Run by tests/interop/check-written.sh.
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] || 'build/tests/parquet-written';
const want = { d: 'DOUBLE', i64: 'BIGINT', i32: 'INTEGER', b: 'BOOLEAN', s: 'VARCHAR', ts: 'TIMESTAMP WITH TIME ZONE' };
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
let files = 0, failed = 0, values = 0;
const badFiles = new Set();
for (const f of readdirSync(dir).filter((x) => x.endsWith('.parquet')).sort()) {
  const file = path.join(dir, f);
  const exp = JSON.parse(readFileSync(file.replace(/\.parquet$/, '.json'), 'utf8'));
  const fail = (msg) => { failed++; badFiles.add(f); console.log(`FAIL ${f}: ${msg}`); };
  files++;
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjects();
  for (const d of desc)
    if (want[d.column_name] !== d.column_type) fail(`column ${d.column_name} is ${d.column_type}, want ${want[d.column_name]}`);
  const rows = (await con.runAndReadAll(
    `SELECT d, i64::VARCHAR, i32::VARCHAR, b, s, epoch_us(ts)::VARCHAR FROM read_parquet('${file}')`)).getRows();
  for (let j = 0; j < exp.columns.length; j++) {
    const vals = exp.columns[j].values;
    if (vals.length !== rows.length) { fail(`row count ${rows.length}, want ${vals.length}`); break; }
    let bad = 0;
    for (let i = 0; i < vals.length && bad < 5; i++) {
      const got = rows[i][j], w = vals[i];
      values++;
      const ok = (w === null) ? got === null
        : (j === 0) ? (Object.is(got, w) || (got === 0 && w === 0 && Object.is(got, -0) === Object.is(w, -0)))
        : got === w;
      if (!ok) { bad++; fail(`column ${exp.columns[j].name} row ${i}: got ${JSON.stringify(got)}, want ${JSON.stringify(w)}`); }
    }
  }
  // a second reader: hyparquet (timestamps as JS Dates: milliseconds)
  if (!f.includes('zstd')) {
    const b = readFileSync(file);
    const hrows = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) });
    if (hrows.length !== rows.length) fail(`hyparquet: ${hrows.length} rows`);
    let bad = 0;
    for (let i = 0; i < hrows.length && bad < 5; i++) {
      const h = hrows[i];
      const get = { d: h.d, i64: h.i64 === null ? null : String(h.i64), i32: h.i32 === null ? null : String(h.i32),
                    b: h.b, s: h.s, ts: h.ts === null ? null : h.ts.getTime() };
      for (const c of exp.columns) {
        let w = c.values[i];
        if (c.name === 'ts' && w !== null) w = Math.floor(Number(w) / 1000);
        const g = get[c.name];
        values++;
        if (!(Object.is(g, w) || (c.name === 'd' && g === w))) {
          bad++;
          fail(`hyparquet: column ${c.name} row ${i}: got ${JSON.stringify(g)}, want ${JSON.stringify(w)}`);
        }
      }
    }
  }
  // statistics: DuckDB's view of the footer
  const st = (await con.runAndReadAll(
    `SELECT path_in_schema, sum(stats_null_count)::BIGINT AS n FROM parquet_metadata('${file}') GROUP BY 1`)).getRowObjects();
  for (const s of st) {
    const col = exp.columns.find((c) => c.name === s.path_in_schema);
    const nulls = col.values.filter((v) => v === null).length;
    if (Number(s.n) !== nulls) fail(`column ${col.name}: null_count ${s.n}, want ${nulls}`);
  }
}
console.log(`driftmon-written Parquet read by DuckDB (and hyparquet): ${files} files, ${values} values`);
console.log(`${files - badFiles.size} passed, ${badFiles.size} failed`);
process.exit(failed || files === 0 ? 1 : 0);
