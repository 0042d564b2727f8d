// SPDX-License-Identifier: Apache-2.0
//
// Makes the Parquet interop fixtures in tests/data/parquet/ with real
// writers, and the values DuckDB reads back from each file (the oracle the
// C tests compare every value against, NULLs included).
//
//   cd tests/interop && npm ci && node make-parquet-fixtures.mjs
//
// Writers: DuckDB (@duckdb/node-api: pages v1 and v2, every codec,
// several row groups, all the types), arrow-rs (parquet-wasm +
// apache-arrow: writer versions 1 and 2, dictionary on and off, every
// codec it has), hyparquet-writer (default and non-default encodings) and
// @dsnp/parquetjs (pages v1 and v2; its INT96 writer cannot make a
// timestamp -- it writes a 64-bit integer and a zero day -- so INT96 is
// covered by a hand-built page in tests/unit/test_parquet.c).  The versions are pinned in
// package.json / package-lock.json.
//
// Each fixture X.parquet gets X.expected.json (deduplicated: files with
// the same content share one, named in manifest.json):
//   { "rows": N, "skipped": [names of nested columns],
//     "columns": [ { "name", "kind", "values": [...] } ] }
// kind: i64 (booleans 0/1, integers, dates in days; decimal strings),
//       f64 (JSON numbers; "NaN", "inf", "-inf" as strings),
//       dec (decimal text), ns (timestamps: nanoseconds since the epoch,
//       as text), us (times of day: microseconds, as text), str, hex.

import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import parquetjs from '@dsnp/parquetjs';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../data/parquet');
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out))
  if (/\.(parquet|json)$/.test(f) && !f.startsWith('bad_')) unlinkSync(path.join(out, f));

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
const manifest = [];
const failures = [];

// ---------------------------------------------------------------- DuckDB
const N = 120;
await con.run(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`);
await con.run(`CREATE TABLE t AS SELECT
  i::INTEGER AS id,
  CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
  (i % 256 - 128)::TINYINT AS i8,
  ((i * 337) % 65536 - 32768)::SMALLINT AS i16,
  CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 123457 - 7000000)::INTEGER END AS i32,
  (i::BIGINT * 76543210987 - 4000000000000)::BIGINT AS i64,
  (i % 256)::UTINYINT AS u8,
  ((i * 7919) % 65536)::USMALLINT AS u16,
  ((i::UBIGINT * 2654435761) % 4294967296)::UINTEGER AS u32,
  (18446744073709551615::UBIGINT - i::UBIGINT * 1000003)::UBIGINT AS u64,
  (i / 7.0)::FLOAT AS f32,
  CASE WHEN i % 17 = 0 THEN NULL WHEN i = 5 THEN 'nan'::DOUBLE
       WHEN i = 6 THEN 'inf'::DOUBLE WHEN i = 7 THEN '-inf'::DOUBLE
       ELSE sin(i) * 1000 END AS f64,
  (i * 1.25 - 100)::DECIMAL(9,2) AS dec9,
  (i * 12345.6789 - 5)::DECIMAL(18,4) AS dec18,
  (i * 1234567.123456789)::DECIMAL(38,9) AS dec38,
  DATE '1969-12-01' + (i * 131)::INTEGER AS dt,
  TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i::BIGINT * 3600123457) AS ts,
  CAST(TIMESTAMP '2024-03-01 00:00:00' + to_milliseconds(i::BIGINT * 86400123) AS TIMESTAMP_MS) AS ts_ms,
  CAST(TIMESTAMP '2001-09-09 01:46:40' + to_microseconds(i::BIGINT * 1000001) AS TIMESTAMP_NS) AS ts_ns,
  CAST(TIMESTAMP '2020-06-15 12:00:00' + to_microseconds(i::BIGINT * 61000007) AS TIMESTAMPTZ) AS tstz,
  TIME '00:00:00' + to_microseconds(i::BIGINT * 700001) AS tod,
  CASE WHEN i % 9 = 0 THEN NULL ELSE 'cat_' || (i % 6) END AS s,
  repeat('x', i % 37) || i || 'é' AS s_long,
  (['sad', 'ok', 'happy'])[1 + i % 3]::mood AS e,
  CASE WHEN i % 5 = 0 THEN NULL ELSE ('\\x' || lpad(to_hex(i), 2, '0') || '\\x00\\xFF')::BLOB END AS bin,
  [i, i + 1] AS lst,
  {'a': i, 'b': 'z'} AS st
FROM range(${N}) r(i)`);

async function duck(name, opts, note) {
  const file = path.join(out, name);
  await con.run(`COPY t TO '${file}' (FORMAT parquet, ${opts})`);
  manifest.push({ file: name, writer: 'duckdb', note });
}

const codecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli'];
for (const v of ['v1', 'v2'])
  for (const c of codecs)
    await duck(`duckdb_${v}_${c}.parquet`, `COMPRESSION ${c}, PARQUET_VERSION ${v}`,
               `pages ${v}, ${c === 'lz4' ? 'LZ4_RAW' : c.toUpperCase()}`);
// several row groups
await con.run(`CREATE TABLE big AS SELECT i::BIGINT AS id,
  CASE WHEN i % 10 = 0 THEN NULL ELSE i * 0.5 END AS d,
  CASE WHEN i % 7 = 0 THEN NULL ELSE 'k' || (i % 50) END AS s
  FROM range(7000) r(i)`);
for (const v of ['v1', 'v2']) {
  const name = `duckdb_rowgroups_${v}.parquet`;
  await con.run(`COPY big TO '${path.join(out, name)}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION snappy, PARQUET_VERSION ${v})`);
  manifest.push({ file: name, writer: 'duckdb', note: `several row groups, pages ${v}` });
}

// ------------------------------------------------- arrow-rs (parquet-wasm)
function arrowTable() {
  const M = 150;
  const col = (f) => Array.from({ length: M }, (_, i) => f(i));
  const t = arrow.tableFromArrays({}); // placeholder for the type
  void t;
  const vecs = {
    i32: arrow.vectorFromArray(col(i => (i % 10 === 3 ? null : i * 1000 - 70000)), new arrow.Int32()),
    i64: arrow.vectorFromArray(col(i => BigInt(i) * 123456789012n - 9000000000000n), new arrow.Int64()),
    u8: arrow.vectorFromArray(col(i => (i * 7) % 256), new arrow.Uint8()),
    u32: arrow.vectorFromArray(col(i => (i * 2654435761) % 4294967296), new arrow.Uint32()),
    f64: arrow.vectorFromArray(col(i => (i % 8 === 0 ? null : Math.cos(i) * 1e5)), new arrow.Float64()),
    f32: arrow.vectorFromArray(col(i => i / 3), new arrow.Float32()),
    s: arrow.vectorFromArray(col(i => (i % 6 === 0 ? null : `label_${i % 9}`)), new arrow.Utf8()),
    s_uniq: arrow.vectorFromArray(col(i => `prefix/common/${i}/${'y'.repeat(i % 13)}`), new arrow.Utf8()),
    b: arrow.vectorFromArray(col(i => (i % 4 === 1 ? null : i % 3 === 0)), new arrow.Bool()),
    ts: arrow.vectorFromArray(col(i => (i % 5 === 2 ? null : 1700000000000 + i * 3600007)),
                              new arrow.TimestampMillisecond('UTC')),
    dt: arrow.vectorFromArray(col(i => new Date(Date.UTC(1960, 0, 1) + i * 86400000 * 97)), new arrow.DateDay()),
  };
  return new arrow.Table(vecs);
}

function arrowWrite(name, { version, dict, codec, encoding }, note, twin) {
  let b = new pw.WriterPropertiesBuilder()
    .setWriterVersion(version === 2 ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setDictionaryEnabled(dict)
    .setCompression(pw.Compression[codec]);
  if (encoding) b = b.setEncoding(pw.Encoding[encoding]);
  const props = b.build();
  const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(arrowTable(), 'stream'));
  const bytes = pw.writeParquet(wasmTable, props);
  writeFileSync(path.join(out, name), bytes);
  manifest.push({ file: name, writer: 'arrow-rs (parquet-wasm)', note, twin });
}

try {
  for (const version of [1, 2])
    for (const dict of [true, false])
      arrowWrite(`arrow_v${version}_${dict ? 'dict' : 'nodict'}_snappy.parquet`,
                 { version, dict, codec: 'SNAPPY' },
                 `writer version ${version}, dictionary ${dict ? 'on' : 'off'}, SNAPPY`);
  for (const codec of ['UNCOMPRESSED', 'GZIP', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'])
    arrowWrite(`arrow_v1_dict_${codec.toLowerCase()}.parquet`, { version: 1, dict: true, codec },
               `writer version 1, dictionary on, ${codec}${codec === 'LZ4' ? ' (Hadoop framing)' : ''}`,
               // DuckDB does not read the legacy LZ4 codec: its values are
               // those DuckDB reads from the same table written with SNAPPY
               codec === 'LZ4' ? 'arrow_v1_dict_snappy.parquet' : undefined);
} catch (e) {
  failures.push(`parquet-wasm: ${e.message}`);
}

// ---------------------------------------------------------- hyparquet-writer
try {
  const M = 130;
  const col = (f) => Array.from({ length: M }, (_, i) => f(i));
  const data = () => [
    { name: 'i32', data: col(i => (i % 7 === 0 ? null : i * 31 - 2000)), type: 'INT32' },
    { name: 'i64', data: col(i => BigInt(i) * 1000000007n - 50000000000n), type: 'INT64' },
    { name: 'd', data: col(i => (i % 9 === 0 ? null : Math.sqrt(i) * 1.5)), type: 'DOUBLE' },
    { name: 'f', data: col(i => i * 0.25), type: 'FLOAT' },
    { name: 's', data: col(i => (i % 4 === 0 ? null : `h${i % 5}`)), type: 'STRING' },
    { name: 'b', data: col(i => i % 2 === 0), type: 'BOOLEAN' },
    { name: 'ts', data: col(i => new Date(1600000000000 + i * 999)), type: 'TIMESTAMP' },
    { name: 'h', data: col(i => (i % 6 === 0 ? null : i * 0.5 - 20)), type: 'FLOAT16' },
    { name: 'id', data: col(i => `${(0x10000000 + i * 7919).toString(16)}-0000-4000-8000-${(i * 104729).toString(16).padStart(12, '0')}`), type: 'UUID' },
  ];
  writeFileSync(path.join(out, 'hyparquet_default.parquet'),
                new Uint8Array(parquetWriteBuffer({ columnData: data() })));
  manifest.push({ file: 'hyparquet_default.parquet', writer: 'hyparquet-writer', note: 'defaults (SNAPPY)' });
  const enc = data();
  enc[0].encoding = 'DELTA_BINARY_PACKED';
  enc[1].encoding = 'DELTA_BINARY_PACKED';
  enc[2].encoding = 'BYTE_STREAM_SPLIT';
  enc[3].encoding = 'BYTE_STREAM_SPLIT';
  enc[4].encoding = 'DELTA_BYTE_ARRAY';
  enc[5].encoding = 'RLE';
  writeFileSync(path.join(out, 'hyparquet_encodings.parquet'),
                new Uint8Array(parquetWriteBuffer({ columnData: enc, codec: 'UNCOMPRESSED' })));
  manifest.push({ file: 'hyparquet_encodings.parquet', writer: 'hyparquet-writer',
                  note: 'DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT, DELTA_BYTE_ARRAY, RLE booleans' });
  const dl = data();
  dl[4].encoding = 'DELTA_LENGTH_BYTE_ARRAY';
  dl[4].nullable = true;
  writeFileSync(path.join(out, 'hyparquet_dlba.parquet'),
                new Uint8Array(parquetWriteBuffer({ columnData: dl.slice(4, 5), codec: 'UNCOMPRESSED' })));
  manifest.push({ file: 'hyparquet_dlba.parquet', writer: 'hyparquet-writer', note: 'DELTA_LENGTH_BYTE_ARRAY' });
} catch (e) {
  failures.push(`hyparquet-writer: ${e.message}`);
}

// ------------------------------------------------------------ @dsnp/parquetjs
try {
  const { ParquetSchema, ParquetWriter } = parquetjs;
  for (const [v2, comp] of [[false, 'GZIP'], [true, 'SNAPPY'], [false, 'UNCOMPRESSED'], [true, 'BROTLI']]) {
    const fields = {
      name: { type: 'UTF8', optional: true },
      qty: { type: 'INT64' },
      n32: { type: 'INT32', optional: true },
      price: { type: 'DOUBLE' },
      f: { type: 'FLOAT' },
      ok: { type: 'BOOLEAN' },
      ts: { type: 'TIMESTAMP_MICROS', optional: true },
      tms: { type: 'TIMESTAMP_MILLIS' },
      day: { type: 'DATE' },
      u: { type: 'UINT_32' },
    };
    for (const k of Object.keys(fields)) fields[k].compression = comp;
    const schema = new ParquetSchema(fields);
    const name = `parquetjs_${v2 ? 'v2' : 'v1'}_${comp.toLowerCase()}.parquet`;
    const w = await ParquetWriter.openFile(schema, path.join(out, name),
                                           { useDataPageV2: v2, compression: comp });
    w.setRowGroupSize(64);
    for (let i = 0; i < 150; i++)
      await w.appendRow({
        name: i % 5 === 0 ? undefined : `fruit ${i % 7}`,
        qty: BigInt(i * 1000 - 3),
        n32: i % 3 === 0 ? undefined : i - 75,
        price: i * 1.1,
        f: i / 8,
        ok: i % 2 === 1,
        ts: i % 4 === 0 ? undefined : new Date(1500000000000 + i * 1234567),
        tms: new Date(1400000000000 + i * 777),
        day: new Date(Date.UTC(2001, 0, 1) + i * 86400000),
        u: (i * 2654435761) % 2147483648,
      });
    await w.close();
    manifest.push({ file: name, writer: '@dsnp/parquetjs', note: `pages ${v2 ? 'v2' : 'v1'}, ${comp}, row groups of 64` });
  }
} catch (e) {
  failures.push(`@dsnp/parquetjs: ${e.message}`);
}

// ------------------------------------------------ expected values by DuckDB
function kindOf(type) {
  if (/^(STRUCT|MAP|UNION)|\[\]$/.test(type)) return 'skip';
  if (type === 'BOOLEAN') return ['i64', (c) => `CAST(${c} AS INTEGER)::VARCHAR`];
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT)$/.test(type)) return ['i64', (c) => `${c}::VARCHAR`];
  if (type === 'FLOAT' || type === 'DOUBLE') return ['f64', (c) => `CAST(${c} AS DOUBLE)`];
  if (type.startsWith('DECIMAL')) return ['dec', (c) => `${c}::VARCHAR`];
  if (type === 'DATE') return ['i64', (c) => `(${c} - DATE '1970-01-01')::VARCHAR`];
  if (type.startsWith('TIMESTAMP')) return ['ns', (c) => `epoch_ns(${c})::VARCHAR`];
  if (type === 'TIME') return ['us', (c) => `datediff('microsecond', TIME '00:00:00', ${c})::VARCHAR`];
  if (type === 'BLOB') return ['hex', (c) => `hex(${c})`];
  if (type === 'VARCHAR' || type.startsWith('ENUM')) return ['str', (c) => `${c}::VARCHAR`];
  if (type === 'UUID') return ['hex', (c) => `upper(replace(${c}::VARCHAR, '-', ''))`];
  return 'skip';
}

const quote = (s) => `"${s.replace(/"/g, '""')}"`;
const seen = new Map();
for (const m of manifest) {
  const f = path.join(out, m.twin || m.file);
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${f}')`)).getRowObjects();
  const cols = [], skipped = [], exprs = [];
  for (const d of desc) {
    const k = kindOf(d.column_type);
    if (k === 'skip') { skipped.push(d.column_name); continue; }
    cols.push({ name: d.column_name, kind: k[0] });
    exprs.push(`${k[1](quote(d.column_name))} AS c${exprs.length}`);
  }
  const rows = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM read_parquet('${f}')`)).getRows();
  for (let j = 0; j < cols.length; j++)
    cols[j].values = rows.map((r) => {
      const v = r[j];
      if (v === null) return null;
      if (cols[j].kind === 'f64') {
        if (Number.isNaN(v)) return 'NaN';
        if (v === Infinity) return 'inf';
        if (v === -Infinity) return '-inf';
        return v;
      }
      return String(v);
    });
  const json = JSON.stringify({ rows: rows.length, skipped, columns: cols });
  const h = createHash('sha256').update(json).digest('hex');
  if (!seen.has(h)) {
    const ename = m.file.replace(/\.parquet$/, '.expected.json');
    writeFileSync(path.join(out, ename), json + '\n');
    seen.set(h, ename);
  }
  m.expected = seen.get(h);
  let meta;
  try {
    meta = (await con.runAndReadAll(
      `SELECT DISTINCT compression, encodings FROM parquet_metadata('${path.join(out, m.file)}')`)).getRowObjects();
  } catch {
    meta = [{ compression: 'LZ4 (DuckDB cannot read it)', encodings: '?' }];
  }
  m.codecs = [...new Set(meta.map((x) => x.compression))].join(',');
  m.encodings = [...new Set(meta.flatMap((x) => String(x.encodings).split(', ')))].sort().join(',');
}
writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
for (const m of manifest) console.log(`${m.file}: ${m.writer}; ${m.note}; ${m.codecs}; ${m.encodings}`);
for (const f of failures) console.log(`FAILED ${f}`);
void readFileSync;
