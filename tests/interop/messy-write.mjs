// SPDX-License-Identifier: Apache-2.0
//
// Writes the messy table of messy.py (OUTDIR/records.jsonl) with three
// more real writers, for tests/suites/schema-interop.sh:
//
//   node messy-write.mjs OUTDIR
//
//   duckdb.csv        DuckDB COPY ... (FORMAT csv): true/false, dates,
//                     'YYYY-MM-DD HH:MM:SS'
//   duckdb.parquet    DuckDB: BOOLEAN, DATE, TIMESTAMP, TIME (micros),
//                     DECIMAL(12,2), BIGINT, INTEGER, dictionary VARCHAR
//   duckdb_empty.parquet  the same with the text columns' missing values
//                     stored as '' instead of NULL
//   duckdb_strings.parquet  every column VARCHAR (Spark's CSV read
//                     without inferSchema, written back)
//   duckdb_auto.parquet  python.csv converted by DuckDB's read_csv_auto,
//                     whose sniffer types the columns itself (yes/no a
//                     BOOLEAN, 14:23:05 a TIME, dates a DATE)
//   hyparquet.parquet hyparquet-writer: BOOLEAN, TIMESTAMP (dates too),
//                     INT64, INT32, DOUBLE, STRING (times of day too)
//   arrow.parquet     arrow-rs (parquet-wasm): Bool, Date32, Timestamp(ms,
//                     UTC), Time32(ms), Int64, Int32, Float64,
//                     dictionary-encoded Utf8
//
// Any failure exits non-zero: the suite never skips a writer silently.
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node messy-write.mjs OUTDIR');
  process.exit(2);
}
const src = path.resolve(dir, 'records.jsonl');
const rows = readFileSync(src, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const col = (name, f = (v) => v) => rows.map((r) => (r[name] === null ? null : f(r[name])));

// ---- DuckDB: CSV and Parquet from one typed table
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
const q = (s) => s.replace(/'/g, "''");
await con.run(`CREATE TABLE t AS SELECT
  customer_id::BIGINT AS customer_id, txn_id::VARCHAR AS txn_id,
  event_date::DATE AS event_date,
  strptime(signup_ts, '%Y-%m-%dT%H:%M:%SZ')::TIMESTAMP AS signup_ts,
  comment::VARCHAR AS comment, is_returning::BOOLEAN AS is_returning,
  newsletter::VARCHAR AS newsletter, pickup_time::TIME AS pickup_time,
  children::VARCHAR AS children, plan::VARCHAR AS plan,
  n_items::INTEGER AS n_items, amount::DECIMAL(12,2) AS amount,
  score::DOUBLE AS score, label::INTEGER AS label
  FROM read_json('${q(src)}', format = 'newline_delimited', columns = {
    customer_id: 'BIGINT', txn_id: 'VARCHAR', event_date: 'VARCHAR',
    signup_ts: 'VARCHAR', comment: 'VARCHAR', is_returning: 'BOOLEAN',
    newsletter: 'VARCHAR', pickup_time: 'VARCHAR', children: 'VARCHAR', plan: 'VARCHAR', n_items: 'INTEGER',
    amount: 'DOUBLE', score: 'DOUBLE', label: 'INTEGER'})`);
await con.run(`COPY t TO '${q(path.resolve(dir, 'duckdb.csv'))}' (FORMAT csv, HEADER)`);
await con.run(`COPY t TO '${q(path.resolve(dir, 'duckdb.parquet'))}' (FORMAT parquet)`);
// the text columns' missing values as '' (not NULL), as a writer that
// has no NULL for strings stores them
await con.run(`COPY (SELECT * REPLACE (coalesce(comment, '') AS comment,
  coalesce(plan, '') AS plan) FROM t)
  TO '${q(path.resolve(dir, 'duckdb_empty.parquet'))}' (FORMAT parquet)`);
// every column a string, as Spark writes a CSV it read without
// inferSchema (numbers, dates and booleans as their text)
await con.run(`COPY (SELECT COLUMNS(*)::VARCHAR FROM t)
  TO '${q(path.resolve(dir, 'duckdb_strings.parquet'))}' (FORMAT parquet)`);
// a CSV export converted as people do: DuckDB's sniffer picks the types
await con.run(`COPY (SELECT * FROM read_csv_auto('${q(path.resolve(dir, 'python.csv'))}'))
  TO '${q(path.resolve(dir, 'duckdb_auto.parquet'))}' (FORMAT parquet)`);

// ---- hyparquet-writer
const day = (s) => new Date(`${s}T00:00:00Z`);
const hyp = parquetWriteBuffer({
  columnData: [
    { name: 'customer_id', data: col('customer_id', (v) => BigInt(v)), type: 'INT64' },
    { name: 'txn_id', data: col('txn_id'), type: 'STRING' },
    { name: 'event_date', data: col('event_date', day), type: 'TIMESTAMP' },
    { name: 'signup_ts', data: col('signup_ts', (v) => new Date(v)), type: 'TIMESTAMP' },
    { name: 'comment', data: col('comment'), type: 'STRING' },
    { name: 'is_returning', data: col('is_returning'), type: 'BOOLEAN' },
    { name: 'newsletter', data: col('newsletter'), type: 'STRING' },
    { name: 'pickup_time', data: col('pickup_time'), type: 'STRING' },
    { name: 'children', data: col('children'), type: 'STRING' },
    { name: 'plan', data: col('plan'), type: 'STRING' },
    { name: 'n_items', data: col('n_items'), type: 'INT32' },
    { name: 'amount', data: col('amount'), type: 'DOUBLE' },
    { name: 'score', data: col('score'), type: 'DOUBLE' },
    { name: 'label', data: col('label'), type: 'INT32' },
  ],
});
writeFileSync(path.resolve(dir, 'hyparquet.parquet'), new Uint8Array(hyp));

// ---- arrow-rs through parquet-wasm
const dictOf = (vals) => {
  const keys = [...new Set(vals.filter((v) => v !== null))];
  const idx = vals.map((v) => (v === null ? null : keys.indexOf(v)));
  const dict = arrow.vectorFromArray(keys, new arrow.Utf8());
  const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
  const data = arrow.makeData({ type, length: vals.length, nullCount: idx.filter((v) => v === null).length,
    nullBitmap: arrow.vectorFromArray(idx.map((v) => v !== null), new arrow.Bool()).data[0].values,
    data: Int32Array.from(idx.map((v) => (v === null ? 0 : v))), dictionary: dict });
  return arrow.makeVector(data);
};
// 14:23:05 -> milliseconds since midnight
const msOfDay = (s) => s.split(':').reduce((a, x) => a * 60 + Number(x), 0) * 1000;
const table = new arrow.Table({
  customer_id: arrow.vectorFromArray(col('customer_id', (v) => BigInt(v)), new arrow.Int64()),
  txn_id: arrow.vectorFromArray(col('txn_id'), new arrow.Utf8()),
  event_date: arrow.vectorFromArray(col('event_date', day), new arrow.DateDay()),
  signup_ts: arrow.vectorFromArray(col('signup_ts', (v) => Date.parse(v)),
                                   new arrow.TimestampMillisecond('UTC')),
  comment: arrow.vectorFromArray(col('comment'), new arrow.Utf8()),
  is_returning: arrow.vectorFromArray(col('is_returning'), new arrow.Bool()),
  newsletter: arrow.vectorFromArray(col('newsletter'), new arrow.Utf8()),
  pickup_time: arrow.vectorFromArray(col('pickup_time', msOfDay), new arrow.TimeMillisecond()),
  children: dictOf(col('children')),
  plan: dictOf(col('plan')),
  n_items: arrow.vectorFromArray(col('n_items'), new arrow.Int32()),
  amount: arrow.vectorFromArray(col('amount'), new arrow.Float64()),
  score: arrow.vectorFromArray(col('score'), new arrow.Float64()),
  label: arrow.vectorFromArray(col('label'), new arrow.Int32()),
});
const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build();
const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
writeFileSync(path.resolve(dir, 'arrow.parquet'), pw.writeParquet(wasmTable, props));
