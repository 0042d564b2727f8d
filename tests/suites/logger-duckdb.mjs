// SPDX-License-Identifier: Apache-2.0
//
// Helper of tests/suites/logger.sh: DuckDB (@duckdb/node-api, installed
// by tests/interop's package.json) reads every Parquet file the logger
// wrote under a store and checks the row count, that request ids are
// unique, the column types of the log format, and that every row sits
// in the hour partition of its timestamp (UTC).
//
//   node tests/suites/logger-duckdb.mjs INTEROP_DIR STORE_DIR ROWS
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [, , interop, store, rowsArg] = process.argv;
const require = createRequire(`${interop}/package.json`);
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
const glob = `${store}/inference-logs/**/*.parquet`;
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();
const num = (v) => (typeof v === 'bigint' ? Number(v) : v);
let failed = 0;
const fail = (msg) => { failed++; console.log(`FAIL: ${msg}`); };

const [c] = await rows(`SELECT count(*) AS n, count(DISTINCT request_id) AS d
  FROM read_parquet('${glob}', union_by_name = true)`);
if (num(c.n) !== Number(rowsArg)) fail(`DuckDB read ${c.n} rows, want ${rowsArg}`);
if (num(c.d) !== num(c.n)) fail(`${num(c.n) - num(c.d)} duplicated request ids`);

const want = { timestamp: 'TIMESTAMP WITH TIME ZONE', model_name: 'VARCHAR', model_version: 'VARCHAR', request_id: 'VARCHAR' };
for (const d of await rows(`DESCRIBE SELECT * FROM read_parquet('${glob}', union_by_name = true)`)) {
  if (want[d.column_name] && want[d.column_name] !== d.column_type)
    fail(`column ${d.column_name} is ${d.column_type}, want ${want[d.column_name]}`);
  else if (!want[d.column_name] && !['DOUBLE', 'VARCHAR'].includes(d.column_type) &&
           !['year', 'month', 'day', 'hour'].includes(d.column_name))
    fail(`column ${d.column_name} is ${d.column_type}`);
}

const [h] = await rows(`SELECT count(*) AS bad FROM (
  SELECT timezone('UTC', timestamp) AS t, year, month, day, hour
  FROM read_parquet('${glob}', union_by_name = true, hive_partitioning = true))
  WHERE CAST(year AS INT) <> year(t) OR CAST(month AS INT) <> month(t)
     OR CAST(day AS INT) <> day(t) OR CAST(hour AS INT) <> hour(t)`);
if (num(h.bad) !== 0) fail(`${h.bad} rows outside the hour partition of their timestamp`);

console.log(`duckdb: ${num(c.n)} rows, ${num(c.d)} distinct request ids, types and partitions checked${failed ? '' : ': ok'}`);
process.exit(failed ? 1 : 0);
