/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the byte sources, the reader dispatch, the streaming CSV
 * reader and the CSV writer (src/io).  Most cases read a CSV text held in
 * memory and compare a rendering of everything the reader delivered
 * (names, row numbers, cells, NULLs) with the expected text; each such
 * input is read again with tiny block sizes (1, 2, 3, 5, 7, 16, 64
 * bytes) and small batches so that every record, quote and line end
 * also straddles a block and a batch boundary.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "dmtest.h"
#include "driftmon/table.h"
#include "io/io_internal.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_put(sbuf *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = 0;
}

static void sb_str(sbuf *s, const char *p)
{
	sb_put(s, p, strlen(p));
}

static void sb_u64(sbuf *s, unsigned long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%llu", v);
	sb_str(s, tmp);
}

/* Result of reading a whole CSV. */
typedef struct readout {
	dm_err err;   /* of open, or of the failing next */
	int open_err; /* err came from open */
	dm_diag diag;
	sbuf text; /* "names\nrow: |<cell>|NULL...\n" */
	size_t nbatches;
	uint64_t pieced; /* rows that pieces tokenised */
	uint64_t skipped;
	char skip_example[256];
	uint64_t headers, header_row1; /* rows repeating the header */
} readout;

/* Renders a batch: "<rownum>:" then "|<text>" or "|NULL" per cell. */
static void render_batch(sbuf *s, const dm_batch *b)
{
	size_t i, j;

	for (i = 0; i < b->nrows; i++) {
		sb_u64(s,
		       b->row_numbers ? b->row_numbers[i] : b->first_row + i);
		sb_str(s, ":");
		for (j = 0; j < b->ncols; j++) {
			const dm_column *c = &b->cols[j];

			assert_int_equal(c->type, DM_COL_TEXT);
			if (c->null && c->null[i]) {
				sb_str(s, "|NULL");
				continue;
			}
			sb_str(s, "|<");
			sb_put(s, c->str[i].ptr, c->str[i].len);
			sb_str(s, ">");
		}
		sb_str(s, "\n");
	}
}

/* Reads every batch of a reader into ro; frees the reader. */
/* The values the reader converted as it tokenised (dmio_csv_prenum) are
 * those of the batch's own cells: a number where one was taken, of the
 * row it is in (rows that pieces tokenised and moved included). */
static void check_prenum(const dm_reader *r, const dm_batch *b)
{
	size_t i, j;

	for (j = 0; j < b->ncols; j++) {
		const double *pre = dmio_csv_prenum(r, b, j);
		const dm_column *c = &b->cols[j];

		for (i = 0; pre && i < b->nrows; i++) {
			double x;
			uint64_t u, v;

			if (isnan(pre[i]))
				continue;
			assert_false(c->null && c->null[i]);
			assert_int_equal(dm_parse_double(c->str[i].ptr,
							 c->str[i].len, &x),
					 0);
			memcpy(&u, &x, sizeof(u));
			memcpy(&v, &pre[i], sizeof(v));
			assert_true(u == v);
		}
	}
}

/* Nonzero: drain reads ahead (dmio_csv_prefetch) before each batch. */
static int cur_prefetch;

static void drain(dm_reader *r, readout *ro)
{
	dm_batch *b;
	size_t j;

	for (j = 0; j < r->ncols; j++) {
		sb_str(&ro->text, j ? "," : "");
		sb_str(&ro->text, r->names[j]);
	}
	sb_str(&ro->text, "\n");
	for (;;) {
		if (cur_prefetch)
			dmio_csv_prefetch(r);
		ro->err = dm_reader_next(r, &b, &ro->diag);
		if (ro->err || !b)
			break;
		assert_true(b->nrows > 0);
		assert_int_equal(b->ncols, r->ncols);
		ro->nbatches++;
		check_prenum(r, b);
		render_batch(&ro->text, b);
	}
	ro->pieced = dmio_csv_rows_pieced(r);
	ro->skipped = r->rows_skipped;
	memcpy(ro->skip_example, r->skip_example, sizeof(ro->skip_example));
	ro->headers = r->rows_header;
	ro->header_row1 = r->header_row1;
	dm_reader_free(r);
}

/*
 * The piece sizes every reading is repeated with: 0 is the sequential
 * reader; the others cut each batch into pieces of about that many bytes,
 * tokenised on two threads (csv.c, "Parallel tokenising"), and must
 * deliver exactly the same batches, errors and skip counts.
 */
static const size_t pieces[] = {0, 1, 4, 9, 64};
static size_t cur_piece;

/* Reads data (named name) with the given block size, batch size and
 * bytes checked for NULs at open (0 = defaults), in pieces of cur_piece
 * bytes. */
static void read_mem(const char *name, const char *data, size_t len,
		     size_t block, size_t batch_rows, int lenient, size_t sniff,
		     readout *ro)
{
	dm_reader_opts opts = {batch_rows, lenient, cur_piece ? 2 : 0};
	dmio_csv_tuning tun = {block, 0, 0, sniff, cur_piece};
	dm_source *src = NULL;
	dm_reader *r = NULL;

	memset(ro, 0, sizeof(*ro));
	dm_diag_clear(&ro->diag);
	assert_int_equal(dm_source_open_mem(name, data, len, 0, &src), DM_OK);
	ro->err = dmio_csv_reader_open_ex(src, &opts, &tun, &r, &ro->diag);
	if (ro->err) {
		ro->open_err = 1;
		assert_null(r);
		return;
	}
	drain(r, ro);
}

static void readout_free(readout *ro)
{
	free(ro->text.p);
	ro->text.p = NULL;
}

static const size_t blocks[] = {0, 1, 2, 3, 5, 7, 16, 64};
static const size_t batches[] = {0, 1, 2, 3};

/*
 * Reads data with every block size and batch size above and checks that
 * each reading succeeds and renders as expected.  With the small blocks
 * the reader starts with one block (it normally reads 4 KiB at once to
 * look for NULs), so that boundaries fall everywhere in small inputs.
 */
static void check_csv_opts(const char *name, const char *data,
			   const char *expected, int lenient)
{
	size_t bi, ri, pi;

	for (pi = 0; pi < sizeof(pieces) / sizeof(pieces[0]); pi++)
		for (bi = 0; bi < sizeof(blocks) / sizeof(blocks[0]); bi++) {
			for (ri = 0; ri < sizeof(batches) / sizeof(batches[0]);
			     ri++) {
				readout ro;

				cur_piece = pieces[pi];
				read_mem(name, data, strlen(data), blocks[bi],
					 batches[ri], lenient,
					 blocks[bi] ? 1 : 0, &ro);
				if (ro.err)
					fail_msg("block %zu batch %zu piece "
						 "%zu: %s "
						 "(%s)",
						 blocks[bi], batches[ri],
						 cur_piece, ro.diag.msg,
						 dm_strerror(ro.err));
				if (strcmp(ro.text.p, expected) != 0)
					fail_msg("block %zu batch %zu piece "
						 "%zu:\n"
						 "got:\n%s\nexpected:\n%s",
						 blocks[bi], batches[ri],
						 cur_piece, ro.text.p,
						 expected);
				readout_free(&ro);
			}
		}
	cur_piece = 0;
}

static void check_csv(const char *data, const char *expected)
{
	check_csv_opts("t.csv", data, expected, 0);
}

/*
 * Reads data with every block size and checks that it fails with err
 * and exactly the message msg (and, if row != 0, diag.row == row).
 * Small blocks start small too (see check_csv_opts) unless at_open,
 * for errors found in the first 4 KiB read when the reader opens.
 */
static void check_error_full(const char *name, const char *data, size_t len,
			     int lenient, int at_open, dm_err err,
			     const char *msg, uint64_t row)
{
	size_t bi, pi;

	for (pi = 0; pi < sizeof(pieces) / sizeof(pieces[0]); pi++)
		for (bi = 0; bi < sizeof(blocks) / sizeof(blocks[0]); bi++) {
			readout ro;

			cur_piece = pieces[pi];
			read_mem(name, data, len, blocks[bi], 0, lenient,
				 blocks[bi] && !at_open ? 1 : 0, &ro);
			if (ro.err != err)
				fail_msg("block %zu piece %zu: got %s (%s), "
					 "expected "
					 "%s",
					 blocks[bi], cur_piece,
					 dm_strerror(ro.err), ro.diag.msg,
					 dm_strerror(err));
			assert_string_equal(ro.diag.msg, msg);
			if (row)
				assert_int_equal(ro.diag.row, row);
			readout_free(&ro);
		}
	cur_piece = 0;
}

static void check_error_opts(const char *name, const char *data, size_t len,
			     int lenient, dm_err err, const char *msg,
			     uint64_t row)
{
	check_error_full(name, data, len, lenient, 0, err, msg, row);
}

static void check_error(const char *data, dm_err err, const char *msg)
{
	check_error_opts("t.csv", data, strlen(data), 0, err, msg, 0);
}

/* ------------------------------------------------------------------ */
/* Dialect                                                             */
/* ------------------------------------------------------------------ */

static void csv_basic(void **state)
{
	(void)state;
	check_csv("a,b,c\n1,2,3\n4,5,6\n",
		  "a,b,c\n1:|<1>|<2>|<3>\n2:|<4>|<5>|<6>\n");
	check_csv("x\n1\n2\n3\n", "x\n1:|<1>\n2:|<2>\n3:|<3>\n");
	/* spaces are data */
	check_csv("a,b\n 1 , 2\n", "a,b\n1:|< 1 >|< 2>\n");
}

static void csv_quotes(void **state)
{
	(void)state;
	check_csv("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n",
		  "a,b\n1:|<x, y>|<he said \"hi\">\n");
	check_csv("a,b\n\"\"\"\",\"\"\"\"\"\"\n", "a,b\n1:|<\">|<\"\">\n");
	check_csv("a,b\n\"plain\",\"\"\n", "a,b\n1:|<plain>|<>\n");
	/* quoted header names */
	check_csv("\"a,1\",\"b\"\"2\"\n1,2\n", "a,1,b\"2\n1:|<1>|<2>\n");
	/* a quote inside an unquoted field is an ordinary character */
	check_csv("a,b\nab\"cd,x\"\n", "a,b\n1:|<ab\"cd>|<x\">\n");
	/* text after a closing quote is kept (Python's csv module) */
	check_csv("a,b\n\"ab\"cd,\"x\"\"y\"z\"w\n",
		  "a,b\n1:|<abcd>|<x\"yz\"w>\n");
	check_csv("a\n\"ab\"cd\r\n1\n", "a\n1:|<abcd>\n2:|<1>\n");
}

static void csv_embedded_newlines(void **state)
{
	(void)state;
	check_csv("a,b\n\"line1\nline2\",2\n3,\"x\r\ny\"\n5,6\n",
		  "a,b\n1:|<line1\nline2>|<2>\n2:|<3>|<x\r\ny>\n"
		  "3:|<5>|<6>\n");
	check_csv("a,b\n\"\n\n\",\",\"\n", "a,b\n1:|<\n\n>|<,>\n");
}

static void csv_crlf(void **state)
{
	(void)state;
	check_csv("a,b\r\n1,2\r\n3,4\r\n", "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
	check_csv("a,b\r\n\"1\",\"2\"\r\n\"3\",4\r\n",
		  "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
	/* a CR not before LF is data */
	check_csv("a,b\n1\r2,3\n", "a,b\n1:|<1\r2>|<3>\n");
	/* mixed line ends */
	check_csv("a,b\n1,2\r\n3,4\n", "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
}

/* Classic Mac line ends (a lone CR after the header) are line ends
 * throughout, at every block size; quoted fields and a BOM too. */
static void csv_cr_only(void **state)
{
	(void)state;
	check_csv("a,b\r1,2\r3,4\r", "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
	check_csv("a,b\r1,2\r3,4", "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
	check_csv("\xEF\xBB\xBF"
		  "a;b\r\"x;y\";2\r\r3;4\r",
		  "a,b\n1:|<x;y>|<2>\n2:|<3>|<4>\n");
	/* a CR inside quotes before the first line end is data */
	check_csv("\"x\ry\",b\n1,2\n", "x\ry,b\n1:|<1>|<2>\n");
	/* CRLF files are not CR-only */
	check_csv("a,b\r\n1,2\r\n", "a,b\n1:|<1>|<2>\n");
}

static void csv_no_final_newline(void **state)
{
	(void)state;
	check_csv("a,b\n1,2", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\n1,2\r", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\n1,\"2\"", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\n1,\"2\"\r", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\n1,", "a,b\n1:|<1>|NULL\n");
	check_csv("a,b\n1,\"\"", "a,b\n1:|<1>|<>\n");
	check_csv("a,b\n1,\"x\"y", "a,b\n1:|<1>|<xy>\n");
	check_csv("a,b", "a,b\n");
}

static void csv_bom(void **state)
{
	(void)state;
	check_csv("\xEF\xBB\xBF"
		  "a,b\n1,2\n",
		  "a,b\n1:|<1>|<2>\n");
	check_csv("\xEF\xBB\xBF\"a\",b\n1,2\n", "a,b\n1:|<1>|<2>\n");
	/* only at the start of the file */
	check_csv("a,b\n\xEF\xBB\xBF,2\n", "a,b\n1:|<\xEF\xBB\xBF>|<2>\n");
}

static void csv_semicolon(void **state)
{
	(void)state;
	check_csv("a;b;c\n1,5;2;3\n", "a,b,c\n1:|<1,5>|<2>|<3>\n");
	/* quoted separators in the header do not count */
	check_csv("\"a;1\",b\n1,2\n", "a;1,b\n1:|<1>|<2>\n");
	/* a quote inside a field is a character, as for the tokeniser */
	check_csv("ab\"c;d\n1;2\n", "ab\"c,d\n1:|<1>|<2>\n");
	check_csv("\"a\"\"b;\";c\n1;2\n", "a\"b;,c\n1:|<1>|<2>\n");
	/* a comma anywhere in the header wins */
	check_csv("a;b,c\n1;2,3\n", "a;b,c\n1:|<1;2>|<3>\n");
}

static void csv_tab(void **state)
{
	(void)state;
	check_csv("a\tb\n1,5\t2\n", "a,b\n1:|<1,5>|<2>\n");
	/* more tabs than semicolons */
	check_csv("a;x\tb\tc\n1\t2\t3\n", "a;x,b,c\n1:|<1>|<2>|<3>\n");
	/* .tsv: tab whatever the header holds */
	check_csv_opts("data.TSV", "a,b\tc\n1,2\t3\n", "a,b,c\n1:|<1,2>|<3>\n",
		       0);
	check_csv_opts("dir.csv/data.tsv", "a\n1,2\n", "a\n1:|<1,2>\n", 0);
}

/* Opens data with records limited to max_record bytes, at read sizes
 * 1, 7 and the default: the header always has ncols columns (what the
 * reader decides at open must not depend on how much a read brings). */
static void check_ncols_limited(const char *data, size_t max_record,
				size_t ncols)
{
	static const size_t block[] = {1, 7, 0};
	size_t k;

	for (k = 0; k < 3; k++) {
		dmio_csv_tuning tun = {block[k], max_record, 0, 0, 0};
		dm_reader_opts opts = {0, 0, 0};
		dm_source *src;
		dm_reader *r;
		dm_diag d;

		assert_int_equal(dm_source_open_mem("t.csv", data, strlen(data),
						    0, &src),
				 DM_OK);
		assert_int_equal(
			dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			DM_OK);
		assert_int_equal(r->ncols, ncols);
		dm_reader_free(r);
	}
}

/* Whitespace-separated files (R's write.table, the UCI repository's
 * .data files): runs of spaces and tabs separate fields, quoted fields
 * keep theirs, blanks that start or end a line go; at every block size
 * (a run or a quote cut by a read). */
static void csv_whitespace(void **state)
{
	(void)state;
	check_csv("a b\n1 2\n", "a,b\n1:|<1>|<2>\n");
	check_csv("  a   b  \n  1 \t  2  \r\n   \n3 4",
		  "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
	/* R's write.table: quoted names and text, "" inside, row names */
	check_csv(
		"\"x y\" \"z\"\n\"1\" \"a  b\" 2\n\"2\" \"c \"\"d\"\"\" NA\n",
		"Unnamed: 0,x y,z\n1:|<1>|<a  b>|<2>\n2:|<2>|<c \"d\">|<NA>\n");
	/* R's write.table escapes a quote in text with a backslash (there only)
	 */
	check_csv("a b\n\"x \\\"y\\\"\" 1\n\"a\\b\" 2\n",
		  "a,b\n1:|<x \"y\">|<1>\n2:|<a\\b>|<2>\n");
	check_csv("a,b\n\"x \\\"\"\",1\n", "a,b\n1:|<x \\\">|<1>\n");
	/* a record over two lines after the first: those before decide */
	check_csv("a b\n1 2\n\"x\ny\" 3\n", "a,b\n1:|<1>|<2>\n2:|<x\ny>|<3>\n");
	/* not laid out so: one column, as before */
	check_csv("first name\nJohn Smith\nJane Doe\n",
		  "first name\n1:|<John Smith>\n2:|<Jane Doe>\n");
	check_csv("a b\n1 2\n3\n", "a b\n1:|<1 2>\n2:|<3>\n");
	check_csv("a b c\n1 2\n", "a b c\n1:|<1 2>\n");
	check_csv("price\n1 2\n", "price\n1:|<1 2>\n");
	/* any of the separators in the header wins */
	check_csv("a b,c\n1 2,3\n", "a b,c\n1:|<1 2>|<3>\n");
	/* past the lines sniffed, where reads cut runs, quotes and R's
	 * escapes at every block size */
	{
		sbuf in = {0}, want = {0};
		int i;

		sb_str(&in, "a b c\n");
		sb_str(&want, "a,b,c\n");
		for (i = 1; i <= 40; i++) {
			sb_str(&in, i % 3 ? "  " : "");
			sb_u64(&in, (unsigned long long)i);
			sb_str(&in, i % 2 ? " \t  " : " ");
			sb_str(&in, i % 5 ? "\"q \\\"x\\\"\"" : "\"\"\"\"");
			sb_str(&in, i % 4 ? "   7" : " 7 ");
			sb_str(&in, i % 7 ? "\n" : "  \r\n");
			sb_u64(&want, (unsigned long long)i);
			sb_str(&want, ":|<");
			sb_u64(&want, (unsigned long long)i);
			sb_str(&want,
			       i % 5 ? ">|<q \"x\">|<7>\n" : ">|<\">|<7>\n");
		}
		check_csv(in.p, want.p);
		free(in.p);
		free(want.p);
	}
	/* lines past the record limit are not looked at, whatever the read
	 * size: each read decides on the same lines */
	check_ncols_limited("a b\n1 2\n333 4 5\n", 10, 2);
	/* blank lines are not among the lines looked at, whatever the
	 * read size (a read that stopped after 20 blank lines decided on
	 * the first line alone: found by fuzz_csv) */
	{
		sbuf in = {0};
		int i;

		sb_str(&in, "a b\n1 2\n");
		for (i = 0; i < 30; i++)
			sb_str(&in, "\n");
		sb_str(&in, "x\n");
		check_csv(in.p, "a b\n1:|<1 2>\n2:|<x>\n");
		free(in.p);
	}
	/* the 21st line and after are not looked at */
	check_error("a b\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n"
		    "1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n1 2\n3 4 5\n",
		    DM_EFORMAT, "'t.csv': row 21, expected 2 fields, found 3");
}

/* A header one name short of the first row (R's write.table with row
 * names): the first column is an unnamed index, "Unnamed: 0". */
static void csv_implicit_index(void **state)
{
	(void)state;
	check_csv("a,b\nr1,1,2\n\"r 2\",3,4\n",
		  "Unnamed: 0,a,b\n1:|<r1>|<1>|<2>\n2:|<r 2>|<3>|<4>\n");
	check_csv("a,b\n\nr1,1,2\n", "Unnamed: 0,a,b\n1:|<r1>|<1>|<2>\n");
	/* decided by the first row only */
	check_error("a,b\nr1,1,2\n3,4\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 3 fields, found 2");
	check_error("a,b\n1,2\nr1,3,4\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 2 fields, found 3");
	/* two more, or a name taken: as before */
	check_error("a,b\nr1,1,2,3\n", DM_EFORMAT,
		    "'t.csv': row 1, expected 2 fields, found 4 (is the first "
		    "line a title or a note, not the header?)");
	check_error("a,b\n1,2\n1,2,3,4\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 2 fields, found 4");
	check_error("Report of 2024-01-02\n\na,b,c\n1,2,3\n", DM_EFORMAT,
		    "'t.csv': row 1, expected 1 fields, found 3 (is the first "
		    "line a title or a note, not the header?)");
	check_error("Unnamed: 0,b\nr1,1,2\n", DM_EFORMAT,
		    "'t.csv': row 1, expected 2 fields, found 3");
	/* a header alone */
	check_csv("a,b\n", "a,b\n");
	/* a first record past the record limit decides nothing, whatever
	 * the read size (found by fuzz_csv) */
	check_ncols_limited("a\nyyyyyyyyyyyyyyyyyyyy,y\n", 10, 1);
}

static void csv_nulls(void **state)
{
	(void)state;
	check_csv("a,b,c\n,,\n1,,3\n,\"\",\n",
		  "a,b,c\n1:|NULL|NULL|NULL\n2:|<1>|NULL|<3>\n"
		  "3:|NULL|<>|NULL\n");
}

static void csv_null_flags_absent(void **state)
{
	const char *data = "a,b\n1,\n2,x\n";
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	assert_int_equal(
		dm_source_open_mem("t.csv", data, strlen(data), 0, &src),
		DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	assert_string_equal(r->ops->format, "csv");
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_non_null(b);
	assert_int_equal(b->nrows, 2);
	assert_null(b->cols[0].null); /* none missing */
	assert_non_null(b->cols[1].null);
	assert_int_equal(b->cols[1].null[0], 1);
	assert_int_equal(b->cols[1].null[1], 0);
	assert_null(b->row_numbers);
	assert_int_equal(b->first_row, 1);
	assert_int_equal(r->types[0], DM_COL_TEXT);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_null(b);
	assert_int_equal(r->rows_read, 2);
	/* at end, stays at end */
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_null(b);
	dm_reader_free(r);
}

static void csv_blank_lines(void **state)
{
	(void)state;
	/* blank trailing lines are ignored */
	check_csv("a,b\n1,2\n\n\n", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\r\n1,2\r\n\r\n\r\n", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\n1,2\n\r", "a,b\n1:|<1>|<2>\n");
	check_csv("a,b\n1,2\n\n", "a,b\n1:|<1>|<2>\n");
	/* blank lines elsewhere too, and are not counted as records */
	check_csv("\n\na,b\n\n1,2\n\r\n3,4\n", "a,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
	/* a line of one empty quoted field is not blank */
	check_csv("a\n1\n\"\"\n2\n", "a\n1:|<1>\n2:|<>\n3:|<2>\n");
}

static void csv_header_only(void **state)
{
	readout ro;

	(void)state;
	check_csv("a,b,c\n", "a,b,c\n");
	check_csv("a,b,c", "a,b,c\n");
	check_csv("a,b,c\r\n\r\n", "a,b,c\n");
	read_mem("t.csv", "a,b\n", 4, 0, 0, 0, 0, &ro);
	assert_int_equal(ro.err, DM_OK);
	assert_int_equal(ro.nbatches, 0);
	readout_free(&ro);
}

static void csv_row_numbers_batches(void **state)
{
	const char *data = "v\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
	dm_reader_opts opts = {3, 0, 0};
	uint64_t want_first[] = {1, 4, 7, 10};
	size_t want_n[] = {3, 3, 3, 1}, k = 0;
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	assert_int_equal(
		dm_source_open_mem("t.csv", data, strlen(data), 0, &src),
		DM_OK);
	assert_int_equal(dm_csv_reader_open(src, &opts, &r, &d), DM_OK);
	while (dm_reader_next(r, &b, &d) == DM_OK && b) {
		assert_true(k < 4);
		assert_int_equal(b->nrows, want_n[k]);
		assert_int_equal(b->first_row, want_first[k]);
		assert_null(b->row_numbers);
		k++;
	}
	assert_int_equal(k, 4);
	assert_int_equal(r->rows_read, 10);
	dm_reader_free(r);
}

static void csv_projection(void **state)
{
	const char *data = "a,b,c\n1,2,3\n4,5,6\n";
	uint8_t keep[3] = {0, 1, 0};
	dm_reader_opts opts = {1, 0, 0};
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;
	sbuf s = {0};

	(void)state;
	assert_int_equal(
		dm_source_open_mem("t.csv", data, strlen(data), 0, &src),
		DM_OK);
	assert_int_equal(dm_reader_open(src, &opts, &r, &d), DM_OK);
	assert_int_equal(dm_reader_project(r, keep), DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	render_batch(&s, b);
	assert_string_equal(s.p, "1:|NULL|<2>|NULL\n");
	/* NULL: every column again */
	assert_int_equal(dm_reader_project(r, NULL), DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	s.len = 0;
	render_batch(&s, b);
	assert_string_equal(s.p, "2:|<4>|<5>|<6>\n");
	dm_reader_free(r);
	free(s.p);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static void csv_err_empty_file(void **state)
{
	(void)state;
	check_error_opts("empty.csv", "", 0, 0, DM_EEMPTY,
			 "'empty.csv': file is empty", 0);
	check_error_opts("blank.csv", "\n\r\n\n", 4, 0, DM_EEMPTY,
			 "'blank.csv': no header row (the file has only "
			 "blank lines)",
			 0);
	check_error_opts("bom.csv", "\xEF\xBB\xBF", 3, 0, DM_EEMPTY,
			 "'bom.csv': no header row (the file has only "
			 "blank lines)",
			 0);
}

static void csv_err_header(void **state)
{
	(void)state;
	/* duplicate names are renamed as pandas renames them (a.1, a.2,
	 * skipping names the header has) */
	check_csv("a,b,c,b\n1,2,3,4\n", "a,b,c,b.1\n1:|<1>|<2>|<3>|<4>\n");
	check_csv("x,y,x,y,y,x.1\n1,2,3,4,5,6\n",
		  "x,y,x.2,y.1,y.2,x.1\n1:|<1>|<2>|<3>|<4>|<5>|<6>\n");
	check_csv("a,a.1,a,a.1\n1,2,3,4\n",
		  "a,a.1,a.2,a.1.1\n1:|<1>|<2>|<3>|<4>\n");
	/* empty names are named as pandas does; a clash is a duplicate */
	check_csv(",a,Unnamed: 0\n1,2,3\n",
		  "Unnamed: 0,a,Unnamed: 0.1\n1:|<1>|<2>|<3>\n");
	check_error("a,\"b\n", DM_EFORMAT,
		    "'t.csv': header: unterminated quoted field (column 2)");
}

static void csv_err_ragged(void **state)
{
	sbuf s = {0};
	int j;

	(void)state;
	/* a ragged row in training data is an error naming it (issue 2) */
	check_error("a,b,c\n1,2,3\n4,5\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 3 fields, found 2");
	check_error("a,b,c\n1,2,3\n4\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 3 fields, found 1");
	/* a comment line (numpy's savetxt, GDAL's tables): said so */
	check_error("a,b,c\n1,2,3\n## the next block ##\n4,5,6\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 3 fields, found 1 (a comment "
		    "line? lines that start with '#' are read as rows: remove "
		    "them)");
	check_error("a,b\n1,2,3,4\n", DM_EFORMAT,
		    "'t.csv': row 1, expected 2 fields, found 4 (is the first "
		    "line a title or a note, not the header?)");
	/* (one more in the first row: row names, csv_implicit_index) */
	/* records with quoted newlines count once */
	check_error("a,b\n\"1\n\n\",2\n3\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 2 fields, found 1");
	/* blank lines are not counted */
	check_error("a,b\n\n1,2\n\n\n3\n", DM_EFORMAT,
		    "'t.csv': row 2, expected 2 fields, found 1");
	/* the brief's example: 52 columns, a row with 51 */
	for (j = 0; j < 52; j++) {
		char nm[16];

		snprintf(nm, sizeof(nm), "%sf%d", j ? "," : "", j);
		sb_str(&s, nm);
	}
	sb_str(&s, "\n");
	for (j = 0; j < 51; j++)
		sb_str(&s, j ? ",1" : "1");
	sb_str(&s, "\n");
	check_error(s.p, DM_EFORMAT,
		    "'t.csv': row 1, expected 52 fields, found 51");
	free(s.p);
}

static void csv_err_unterminated_quote(void **state)
{
	(void)state;
	check_error_opts("t.csv", "a,b\n1,2\n3,\"abc\n4,5\n", 19, 0, DM_EFORMAT,
			 "'t.csv': column 'b': unterminated quoted field "
			 "starting at row 2",
			 2);
	/* a quote closed and reopened by "" at the very end */
	check_error_opts("t.csv", "a\n\"x\"\"", 6, 0, DM_EFORMAT,
			 "'t.csv': column 'a': unterminated quoted field "
			 "starting at row 1",
			 1);
	/* still fatal in lenient mode (and must not hang) */
	check_error_opts("t.csv", "a,b\n1,2\n3\n\"", 11, 1, DM_EFORMAT,
			 "'t.csv': column 'a': unterminated quoted field "
			 "starting at row 3",
			 3);
	/* beyond the last column: no column name */
	check_error_opts("t.csv", "a\n1,\"", 5, 0, DM_EFORMAT,
			 "'t.csv': unterminated quoted field starting at "
			 "row 1",
			 1);
}

static void csv_err_binary(void **state)
{
	static const char bin[] = "a,b\n1,x\0y\n";
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	sbuf s = {0};
	size_t i, off;

	(void)state;
	/* a NUL in the first 4 KiB: not a CSV file at all */
	check_error_full("t.csv", bin, sizeof(bin) - 1, 0, 1, DM_EFORMAT,
			 "'t.csv': binary data (NUL byte) — not a CSV file? "
			 "(at byte offset 7)",
			 0);
	check_error_full("img.png", png, sizeof(png) - 1, 1, 1, DM_EFORMAT,
			 "'img.png': binary data (NUL byte) — not a CSV file? "
			 "(at byte offset 8)",
			 0);
	/* further on: the row and column are named */
	sb_str(&s, "a,b\n");
	for (i = 0; i < 1100; i++)
		sb_str(&s, "1,2\n");
	off = s.len + 3;
	sb_put(&s, "1,x\0y\n", 6);
	assert_true(off == 4 + 4400 + 3);
	check_error_opts("t.csv", s.p, s.len, 0, DM_EFORMAT,
			 "'t.csv': row 1101, column 'b': binary data (NUL "
			 "byte) — not a CSV file? (at byte offset 4407)",
			 1101);
	check_error_opts("t.csv", s.p, s.len, 1, DM_EFORMAT,
			 "'t.csv': row 1101, column 'b': binary data (NUL "
			 "byte) — not a CSV file? (at byte offset 4407)",
			 1101);
	/* inside a quoted field */
	s.len -= 6;
	sb_put(&s, "\"x\0\",2\n", 7);
	check_error_opts("t.csv", s.p, s.len, 0, DM_EFORMAT,
			 "'t.csv': row 1101, column 'a': binary data (NUL "
			 "byte) — not a CSV file? (at byte offset 4406)",
			 1101);
	free(s.p);
}

static void csv_err_too_long(void **state)
{
	dm_reader_opts opts = {0, 0, 0};
	dmio_csv_tuning tun = {16, 100, 0, 0, 0};
	char data[8000]; /* more than the reader reads when it opens */
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	memset(data, 'x', sizeof(data));
	memcpy(data, "a\nshort\n", 8);
	assert_int_equal(
		dm_source_open_mem("t.csv", data, sizeof(data), 0, &src),
		DM_OK);
	assert_int_equal(dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			 DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_ETOOBIG);
	assert_string_equal(
		d.msg, "'t.csv': row 2, longer than 100 bytes (the limit)");
	/* the failure sticks */
	assert_int_equal(dm_reader_next(r, &b, &d), DM_ETOOBIG);
	assert_null(b);
	dm_reader_free(r);

	/* an unbalanced quote runs into the limit before EOF */
	data[8] = '"';
	assert_int_equal(
		dm_source_open_mem("t.csv", data, sizeof(data), 0, &src),
		DM_OK);
	assert_int_equal(dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			 DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_ETOOBIG);
	assert_string_equal(d.msg, "'t.csv': row 2, longer than 100 bytes (the "
				   "limit); is a quote unbalanced?");
	dm_reader_free(r);

	/* the header too */
	memset(data, 'x', sizeof(data));
	assert_int_equal(
		dm_source_open_mem("t.csv", data, sizeof(data), 0, &src),
		DM_OK);
	assert_int_equal(dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			 DM_ETOOBIG);
	assert_string_equal(
		d.msg, "'t.csv': header: longer than 100 bytes (the limit)");
}

/* The real limit: one 65 MiB line with the default tuning. */
static void csv_err_too_long_default(void **state)
{
	size_t n = DMIO_CSV_MAX_RECORD + ((size_t)1 << 20);
	char *data = malloc(n);
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	assert_non_null(data);
	memset(data, '7', n);
	memcpy(data, "a\n", 2);
	assert_int_equal(dm_source_open_mem("big.csv", data, n, 1, &src),
			 DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_ETOOBIG);
	assert_string_equal(d.msg, "'big.csv': row 1, longer than 67108864 "
				   "bytes (the limit)");
	dm_reader_free(r);
}

/* Reads data with explicit limits; returns the error (0 if none). */
static dm_err read_tuned(const char *data, size_t len,
			 const dmio_csv_tuning *tun, dm_diag *d)
{
	dm_reader_opts opts = {0, 0, 0};
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_err err;

	assert_int_equal(dm_source_open_mem("t.csv", data, len, 0, &src),
			 DM_OK);
	err = dmio_csv_reader_open_ex(src, &opts, tun, &r, d);
	if (err)
		return err;
	while ((err = dm_reader_next(r, &b, d)) == DM_OK && b)
		;
	dm_reader_free(r);
	return err;
}

/* The record limit is the same whether a record is seen in one read or
 * in many, complete or cut off by the end of the file. */
static void csv_err_too_long_in_buffer(void **state)
{
	dmio_csv_tuning tun = {0, 100, 0, 0, 0};
	char data[400];
	dm_diag d;

	(void)state;
	/* complete, followed by more rows */
	memset(data, 'y', sizeof(data));
	memcpy(data, "a\n1\n", 4);
	data[4 + 150] = '\n';
	assert_int_equal(read_tuned(data, 4 + 150 + 1 + 3, &tun, &d),
			 DM_ETOOBIG);
	assert_string_equal(
		d.msg, "'t.csv': row 2, longer than 100 bytes (the limit)");
	/* unterminated quote at the end of the file */
	data[4] = '"';
	assert_int_equal(read_tuned(data, 4 + 150, &tun, &d), DM_ETOOBIG);
	assert_string_equal(d.msg, "'t.csv': row 2, longer than 100 bytes (the "
				   "limit); is a quote unbalanced?");
	/* a NUL past the limit (and past the bytes checked at open) */
	tun.sniff_bytes = 1;
	data[4] = 'y';
	data[4 + 120] = 0;
	assert_int_equal(read_tuned(data, 4 + 150, &tun, &d), DM_ETOOBIG);
	assert_string_equal(
		d.msg, "'t.csv': row 2, longer than 100 bytes (the limit)");
	/* the header: complete, an unterminated quote, and a NUL */
	memset(data, 'y', sizeof(data));
	data[150] = '\n';
	assert_int_equal(read_tuned(data, 200, &tun, &d), DM_ETOOBIG);
	assert_string_equal(
		d.msg, "'t.csv': header: longer than 100 bytes (the limit)");
	memset(data, 'y', sizeof(data));
	data[0] = '"';
	assert_int_equal(read_tuned(data, 200, &tun, &d), DM_ETOOBIG);
	assert_string_equal(d.msg, "'t.csv': header: longer than 100 bytes "
				   "(the limit); is a quote unbalanced?");
	tun.block_size = 7;
	assert_int_equal(read_tuned(data, 200, &tun, &d), DM_ETOOBIG);
	assert_string_equal(d.msg, "'t.csv': header: longer than 100 bytes "
				   "(the limit); is a quote unbalanced?");
	data[0] = 'y';
	data[150] = 0;
	assert_int_equal(read_tuned(data, 200, &tun, &d), DM_ETOOBIG);
	tun.block_size = 0;
	assert_int_equal(read_tuned(data, 200, &tun, &d), DM_ETOOBIG);
	assert_string_equal(
		d.msg, "'t.csv': header: longer than 100 bytes (the limit)");
}

/* A NUL in the header, past the bytes checked at open; and one in the
 * text after a closing quote. */
static void csv_err_binary_header(void **state)
{
	dmio_csv_tuning tun = {0, 0, 0, 1, 0};
	dm_diag d;

	(void)state;
	assert_int_equal(read_tuned("a\n\"x\"y\0z\n", 10, &tun, &d),
			 DM_EFORMAT);
	assert_string_equal(d.msg, "'t.csv': row 1, column 'a': binary data "
				   "(NUL byte) — not a CSV file? (at byte "
				   "offset 6)");
	assert_int_equal(read_tuned("a,b\0c\n1,2\n", 10, &tun, &d), DM_EFORMAT);
	assert_string_equal(d.msg, "'t.csv': header: binary data (NUL byte) — "
				   "not a CSV file? (at byte offset 3)");
}

/* A wide header (the name array grows) and a wide row. */
static void csv_wide(void **state)
{
	sbuf s = {0};
	char cell[32];
	int j;
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	for (j = 0; j < 1000; j++) {
		snprintf(cell, sizeof(cell), "%scol%d", j ? "," : "", j);
		sb_str(&s, cell);
	}
	sb_str(&s, "\n");
	for (j = 0; j < 1000; j++) {
		snprintf(cell, sizeof(cell), "%s%d", j ? "," : "", j * 3);
		sb_str(&s, cell);
	}
	sb_str(&s, "\n");
	assert_int_equal(dm_source_open_mem("w.csv", s.p, s.len, 0, &src),
			 DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	assert_int_equal(r->ncols, 1000);
	assert_string_equal(r->names[999], "col999");
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->nrows, 1);
	assert_int_equal(b->cols[999].str[0].len, 4);
	assert_memory_equal(b->cols[999].str[0].ptr, "2997", 4);
	dm_reader_free(r);
	free(s.p);
}

/* More than 2^20 columns. */
static void csv_err_too_many_columns(void **state)
{
	size_t n = ((size_t)1 << 20) + 1, i;
	char *data = malloc(2 * n);
	dmio_csv_tuning tun = {0, 0, 0, 0, 0};
	dm_diag d;

	(void)state;
	assert_non_null(data);
	for (i = 0; i < n; i++) {
		data[2 * i] = 'x';
		data[2 * i + 1] = ',';
	}
	data[2 * n - 1] = '\n';
	assert_int_equal(read_tuned(data, 2 * n, &tun, &d), DM_ETOOBIG);
	assert_string_equal(d.msg, "'t.csv': header: 1048577 columns, more "
				   "than the limit of 1048576");
	free(data);
}

/* A source that fails after some bytes. */
typedef struct failing_source {
	dm_source base;
	const char *data;
	size_t ok_bytes;
} failing_source;

static dm_err failing_read(dm_source *src, uint64_t off, void *buf, size_t len,
			   size_t *got, dm_diag *diag)
{
	failing_source *fs = (failing_source *)src;

	*got = 0;
	if (off + len > fs->ok_bytes)
		return dm_diag_set(diag, DM_EIO, src->name, 0, NULL,
				   "read error at byte offset %llu",
				   (unsigned long long)off);
	if (off + len > src->size)
		len = (size_t)(src->size - off);
	memcpy(buf, fs->data + off, len);
	*got = len;
	return DM_OK;
}

static void failing_close(dm_source *src)
{
	(void)src;
}

static void csv_err_io(void **state)
{
	static const char data[] = "a,b\n1,2\n3,4\n5,6\n";
	dm_reader_opts opts = {0, 0, 0};
	dmio_csv_tuning tun = {4, 0, 0, 1, 0};
	failing_source fs;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	fs.base.read = failing_read;
	fs.base.close = failing_close;
	fs.base.size = sizeof(data) - 1;
	fs.base.name = "remote.csv";
	fs.data = data;
	fs.ok_bytes = 12;
	assert_int_equal(dmio_csv_reader_open_ex(&fs.base, &opts, &tun, &r, &d),
			 DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_EIO);
	assert_null(b);
	assert_string_equal(d.msg,
			    "'remote.csv': read error at byte offset 12");
	/* the failure sticks */
	assert_int_equal(dm_reader_next(r, &b, &d), DM_EIO);
	assert_string_equal(d.msg, "'remote.csv': the read failed earlier");
	dm_reader_free(r);
	/* while opening */
	fs.ok_bytes = 2;
	assert_int_equal(dmio_csv_reader_open_ex(&fs.base, &opts, &tun, &r, &d),
			 DM_EIO);
	assert_null(r);
}

/* ------------------------------------------------------------------ */
/* Lenient mode                                                        */
/* ------------------------------------------------------------------ */

static void csv_lenient_skips(void **state)
{
	const char *data = "a,b,c\n1,2,3\n4,5\n6,7,8\n9\n10,11,12,13\n"
			   "14,15,16\n";
	readout ro;
	size_t pi;

	(void)state;
	check_csv_opts("t.csv", data,
		       "a,b,c\n1:|<1>|<2>|<3>\n3:|<6>|<7>|<8>\n"
		       "6:|<14>|<15>|<16>\n",
		       1);
	for (pi = 0; pi < sizeof(pieces) / sizeof(pieces[0]); pi++) {
		cur_piece = pieces[pi];
		read_mem("t.csv", data, strlen(data), 0, 0, 1, 0, &ro);
		assert_int_equal(ro.err, DM_OK);
		assert_int_equal(ro.skipped, 3);
		assert_string_equal(ro.skip_example,
				    "row 2: expected 3 fields, found 2");
		readout_free(&ro);
	}
	cur_piece = 0;
}

/* Rows that repeat the header (files joined with cat, a BOM before the
 * second's) are skipped and counted, on one thread and in pieces; a row
 * that only starts like the header is data. */
static void csv_header_repeats(void **state)
{
	const char *data = "a,b\n1,2\na,b\n3,4\n\xEF\xBB\xBF"
			   "a,b\n5,6\na,c\n7,8\n\"a\",\"\"b\n";
	readout ro;
	size_t pi;

	(void)state;
	for (pi = 0; pi < sizeof(pieces) / sizeof(pieces[0]); pi++) {
		cur_piece = pieces[pi];
		read_mem("t.csv", data, strlen(data), 0, 0, 0, 0, &ro);
		assert_int_equal(ro.err, DM_OK);
		assert_string_equal(ro.text.p, "a,b\n1:|<1>|<2>\n3:|<3>|<4>\n"
					       "5:|<5>|<6>\n6:|<a>|<c>\n"
					       "7:|<7>|<8>\n");
		/* (the last line's fields are a and b once read: the
		 * header again, compared as values) */
		assert_int_equal(ro.headers, 3);
		assert_int_equal(ro.header_row1, 2);
		readout_free(&ro);
	}
	cur_piece = 0;
}

/* Whether the reader, opening data (t.csv, default reading), found no
 * header row. */
static int read_no_header(const char *data)
{
	dm_source *src = NULL;
	dm_reader *r = NULL;
	dm_diag d;
	int nh;

	assert_int_equal(
		dm_source_open_mem("t.csv", data, strlen(data), 0, &src),
		DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	nh = r->no_header;
	dm_reader_free(r);
	return nh;
}

/*
 * A file without a header row (pandas' to_csv(header=False), R's
 * write.table(col.names = FALSE), the UCI .data files): its first record
 * has a number in every column of numbers, and is read as row 1 of
 * columns named column_1, ...; at every read size (the lines looked at
 * are buffered first).  Headers with numbers stay headers: pandas'
 * labels, years, a fraction over integers, a name over numbers.
 */
static void csv_no_header(void **state)
{
	size_t i;
	struct {
		const char *data;
		int no_header;
	} cases[] = {
		{"1.5,a,3\n2.5,b,4\n", 1},
		{"\xEF\xBB\xBF\n\n7,x,2.5\n8,y,3.5\n", 1},
		{" 39, State-gov, 77516\n 50, Private, 83311\n", 1},
		{"7;a;9\n8;b;12\n", 1},	    /* separated by ; */
		{"1.5 2 7\n3.25 4 9\n", 1}, /* runs of blanks */
		{"a,b\n1,2\n", 0},
		{"x,5,7.5\n1,2,3.5\n", 0}, /* a name over numbers */
		{"name,3\nx,4\n", 0},	   /* one column of numbers */
		{"Unnamed: 0,5,7.5\nx,2,3.5\n", 0},
		{"0,1,2\n4.5,5,6\n", 0},
		{"country,2019,2020\nUS,1.5,2.5\n", 0},
		{"name,2000\nx,4\n", 0},
		{"id,0.5,0.9\na,1,2\n", 0},
		{"1,2,3\n", 0}, /* no data: a header */
		/* an escape says nothing: the values decide */
		{"1.5,\"a\"\"b\",3\n2.5,c,4\n", 1},
		{"1.5,2.5\nx,y\n", 0},	    /* no column of numbers */
		{"1.5,2\n2.5\n3.5,4\n", 0}, /* ragged: a header */
	};

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (read_no_header(cases[i].data) != cases[i].no_header)
			fail_msg("'%s': no_header %d, expected %d",
				 cases[i].data, !cases[i].no_header,
				 cases[i].no_header);
	/* a first row with an escape, read as data */
	check_csv("1.5,\"a\"\"b\",3\n2.5,c,4\n",
		  "column_1,column_2,column_3\n1:|<1.5>|<a\"b>|<3>\n"
		  "2:|<2.5>|<c>|<4>\n");
	check_csv("1.5,a,3\n2.5,b,4\n\n3.5,,5\n",
		  "column_1,column_2,column_3\n1:|<1.5>|<a>|<3>\n"
		  "2:|<2.5>|<b>|<4>\n3:|<3.5>|NULL|<5>\n");
	/* the lines looked at lie past the first block at every size */
	check_csv("9.5,x,0\n1.5,a,1\n2.5,b,2\n3.5,c,3\n4.5,d,4\n5.5,e,5\n",
		  "column_1,column_2,column_3\n1:|<9.5>|<x>|<0>\n"
		  "2:|<1.5>|<a>|<1>\n3:|<2.5>|<b>|<2>\n"
		  "4:|<3.5>|<c>|<3>\n5:|<4.5>|<d>|<4>\n"
		  "6:|<5.5>|<e>|<5>\n");
}

/*
 * A header that ends in a lone CR (classic Mac line ends) right at the
 * record limit: the CR's next byte is read before deciding, at every
 * read size (fuzz_csv: with small reads the header ran on past the limit
 * and failed, with large ones it was read).
 */
static void csv_cr_header_at_limit(void **state)
{
	/* the CR is byte 19 of the input (a blank line first), the limit */
	static const char data[] = "\naaaa,bbbb,cccc,ddd\r1,2,3,4\r5,6,7,8\r";
	static const size_t blocks_cr[] = {1, 2, 3, 5, 7, 16, 64, 1 << 16};
	size_t bi;

	(void)state;
	for (bi = 0; bi < sizeof(blocks_cr) / sizeof(blocks_cr[0]); bi++) {
		dm_reader_opts opts = {0, 0, 0};
		dmio_csv_tuning tun = {blocks_cr[bi], 19, 0, 1, 0};
		dm_source *src = NULL;
		dm_reader *r = NULL;
		dm_batch *b;
		dm_diag d;

		dm_diag_clear(&d);
		assert_int_equal(dm_source_open_mem("t.csv", data,
						    sizeof(data) - 1, 0, &src),
				 DM_OK);
		if (dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d) != DM_OK)
			fail_msg("block %zu: %s", blocks_cr[bi], d.msg);
		assert_int_equal(r->ncols, 4);
		assert_string_equal(r->names[3], "ddd");
		assert_int_equal(r->ops->next(r, &b, &d), DM_OK);
		assert_non_null(b);
		assert_int_equal(b->nrows, 2);
		dm_reader_free(r);
	}
}

/*
 * Differential check of the parallel tokeniser: random texts made of the
 * bytes that matter (quotes, separators, CR, LF, a BOM, CR-only line
 * ends, ragged rows) are read sequentially and in pieces of 1 to 31
 * bytes on two threads; everything delivered must be equal: rows, row
 * numbers, cells, batch count, the error, its message and row, and the
 * lenient skip count and example.
 */
/*
 * Pieces are there to be taken: on lines that are records, every piece
 * of a batch starts where the last ended and the sequential loop reads
 * only what the pieces could not reach (a batch's last rows when its
 * bytes were not all buffered).  With a blank line now and then, the
 * rows after it are moved up, not dropped.  The rows are those of the
 * sequential reader either way.
 */
static void csv_pieces_take_rows(void **state)
{
	static const size_t brs[] = {0, 64, 1000};
	size_t nrows = 5000, i, bi, blanks;
	sbuf data = {0};

	(void)state;
	for (blanks = 0; blanks < 2; blanks++) {
		data.len = 0;
		sb_str(&data, "id,x,label\n");
		for (i = 0; i < nrows; i++) {
			char line[96];

			snprintf(line, sizeof(line), "%zu,%.17g,\"v%zu\"\n", i,
				 (double)i / 7.0, i % 13);
			sb_str(&data, line);
			if (blanks && i % 97 == 50)
				sb_str(&data, "\n");
		}
		for (bi = 0; bi < sizeof(brs) / sizeof(brs[0]); bi++) {
			readout want, got;

			cur_piece = 0;
			read_mem("t.csv", data.p, data.len, 0, brs[bi], 0, 0,
				 &want);
			assert_int_equal(want.pieced, 0);
			cur_piece = 512;
			read_mem("t.csv", data.p, data.len, 0, brs[bi], 0, 0,
				 &got);
			assert_int_equal(got.err, DM_OK);
			assert_string_equal(got.text.p, want.text.p);
			/* all but the last rows of some batches */
			if (got.pieced < nrows * 9 / 10)
				fail_msg("batch %zu, blank lines %zu: %llu of "
					 "%zu rows from pieces",
					 brs[bi], blanks,
					 (unsigned long long)got.pieced, nrows);
			readout_free(&want);
			readout_free(&got);
		}
	}
	free(data.p);
	cur_piece = 0;
}

static void csv_pieces_differential(void **state)
{
	static const char alpha[] = "a1,,,\"\"\n\n\r x";
	static const size_t psz[] = {1, 2, 3, 7, 31};
	static const size_t brs[] = {0, 2, 7};
	uint64_t seed = 12345;
	char data[400];
	size_t it, n, i, pi, bi, diffs = 0, pieced = 0;

	(void)state;
	for (it = 0; it < 600; it++) {
		int lenient = (int)(it & 1);

		n = 0;
		if (it % 7 == 3) {
			memcpy(data, "\xEF\xBB\xBF", 3);
			n = 3;
		}
		memcpy(data + n, it % 5 == 2 ? "a,b,c\r" : "a,b,c\n", 6);
		n += 6;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		for (i = 0, n += (size_t)(seed >> 33) % 300; i + 9 < n; i++) {
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			data[9 + i] = alpha[(seed >> 33) % (sizeof(alpha) - 1)];
		}
		for (bi = 0; bi < sizeof(brs) / sizeof(brs[0]); bi++) {
			readout want;

			cur_piece = 0;
			read_mem("t.csv", data, n, 0, brs[bi], lenient, 0,
				 &want);
			for (pi = 0; pi < sizeof(psz) / sizeof(psz[0]); pi++) {
				readout got;

				cur_piece = psz[pi];
				read_mem("t.csv", data, n, 0, brs[bi], lenient,
					 0, &got);
				if (got.err != want.err ||
				    strcmp(got.diag.msg, want.diag.msg) ||
				    got.diag.row != want.diag.row ||
				    strcmp(got.text.p ? got.text.p : "",
					   want.text.p ? want.text.p : "") ||
				    got.nbatches != want.nbatches ||
				    got.skipped != want.skipped ||
				    strcmp(got.skip_example,
					   want.skip_example) ||
				    got.headers != want.headers) {
					diffs++;
					fail_msg("input %zu (%zu bytes, batch "
						 "%zu, piece %zu, lenient "
						 "%d): %s / %s\ngot:\n%s\n"
						 "expected:\n%s",
						 it, n, brs[bi], psz[pi],
						 lenient, got.diag.msg,
						 want.diag.msg, got.text.p,
						 want.text.p);
				}
				pieced++;
				readout_free(&got);
			}
			readout_free(&want);
		}
	}
	cur_piece = 0;
	assert_int_equal(diffs, 0);
	assert_int_equal(pieced, 600 * 3 * 5);
}

static void csv_lenient_row_numbers(void **state)
{
	const char *data = "a,b\n1,2\nbad\n3,4\n5,6\n";
	dm_reader_opts opts = {0, 1, 0};
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	assert_int_equal(
		dm_source_open_mem("t.csv", data, strlen(data), 0, &src),
		DM_OK);
	assert_int_equal(dm_reader_open(src, &opts, &r, &d), DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->nrows, 3);
	assert_int_equal(b->first_row, 1);
	assert_non_null(b->row_numbers);
	assert_int_equal(b->row_numbers[0], 1);
	assert_int_equal(b->row_numbers[1], 3);
	assert_int_equal(b->row_numbers[2], 4);
	assert_int_equal(r->rows_read, 3);
	assert_int_equal(r->rows_skipped, 1);
	dm_reader_free(r);

	/* skipped before the batch: first_row moves, no row_numbers */
	opts.batch_rows = 1;
	assert_int_equal(
		dm_source_open_mem("t.csv", data, strlen(data), 0, &src),
		DM_OK);
	assert_int_equal(dm_reader_open(src, &opts, &r, &d), DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->first_row, 1);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->first_row, 3);
	assert_null(b->row_numbers);
	dm_reader_free(r);
}

static void csv_lenient_all_bad(void **state)
{
	readout ro;

	(void)state;
	read_mem("t.csv", "a,b\n1\n2\n3\n", 10, 0, 0, 1, 0, &ro);
	assert_int_equal(ro.err, DM_OK);
	assert_int_equal(ro.nbatches, 0);
	assert_int_equal(ro.skipped, 3);
	readout_free(&ro);
}

/* ------------------------------------------------------------------ */
/* Large inputs and block boundaries                                   */
/* ------------------------------------------------------------------ */

/* Cell j of row i of the generated file, unescaped. */
static size_t gen_cell(size_t i, size_t j, char *out)
{
	switch ((i * 7 + j) % 5) {
	case 0:
		return (size_t)snprintf(out, 64, "%zu", i * 1000 + j);
	case 1:
		return (size_t)snprintf(out, 64, "text, with \"quotes\" %zu",
					i);
	case 2:
		return (size_t)snprintf(out, 64, "multi\nline\r\n%zu", i);
	case 3:
		return 0; /* NULL */
	default:
		return (size_t)snprintf(out, 64, "%.17g", (double)i / 7.0);
	}
}

/* A > 1 MiB file with quoted fields, "" escapes and newlines in
 * records: read with the default 1 MiB blocks (records span block
 * boundaries) and with odd small blocks; every cell is checked. */
static void csv_large_spanning_blocks(void **state)
{
	const size_t nrows = 40000, ncols = 4;
	sbuf s = {0};
	size_t i, j, bi, seen;
	static const size_t sizes[] = {0, 4093, 65521};

	(void)state;
	sb_str(&s, "c0,c1,c2,c3\r\n");
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++) {
			char cell[64];
			size_t n = gen_cell(i, j, cell), k;

			if (j)
				sb_str(&s, ",");
			if ((i * 7 + j) % 5 == 1 || (i * 7 + j) % 5 == 2) {
				sb_str(&s, "\"");
				for (k = 0; k < n; k++) {
					if (cell[k] == '"')
						sb_str(&s, "\"");
					sb_put(&s, &cell[k], 1);
				}
				sb_str(&s, "\"");
			} else {
				sb_put(&s, cell, n);
			}
		}
		sb_str(&s, "\r\n");
	}
	assert_true(s.len > ((size_t)1 << 20) * 2);
	for (bi = 0; bi < sizeof(sizes) / sizeof(sizes[0]); bi++) {
		dm_reader_opts opts = {1000, 0, 0};
		dmio_csv_tuning tun = {sizes[bi], 0, 0, 0, 0};
		dm_source *src;
		dm_reader *r;
		dm_batch *b;
		dm_diag d;

		seen = 0;
		assert_int_equal(
			dm_source_open_mem("big.csv", s.p, s.len, 0, &src),
			DM_OK);
		assert_int_equal(
			dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			DM_OK);
		while (dm_reader_next(r, &b, &d) == DM_OK && b) {
			for (i = 0; i < b->nrows; i++) {
				size_t row = (size_t)b->first_row + i - 1;

				assert_int_equal(row, seen);
				for (j = 0; j < ncols; j++) {
					char cell[64];
					size_t n = gen_cell(row, j, cell);
					const dm_column *c = &b->cols[j];

					if ((row * 7 + j) % 5 == 3) {
						assert_non_null(c->null);
						assert_int_equal(c->null[i], 1);
						continue;
					}
					assert_int_equal(c->str[i].len, n);
					assert_memory_equal(c->str[i].ptr, cell,
							    n);
				}
				seen++;
			}
		}
		assert_int_equal(seen, nrows);
		assert_int_equal(r->rows_read, nrows);
		assert_true(r->src->bytes_read == s.len);
		dm_reader_free(r);
	}
	free(s.p);
}

/* A long record (2.5 MiB, one quoted field with escapes) in the middle
 * of short ones, read with default blocks. */
static void csv_long_record(void **state)
{
	size_t n = (size_t)5 << 19, i;
	sbuf s = {0};
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	sb_str(&s, "a,b\n1,2\n3,\"");
	for (i = 0; i < n; i++)
		sb_str(&s, i % 1000 == 999 ? "\"\"" : "x");
	sb_str(&s, "\"\n5,6\n");
	assert_int_equal(dm_source_open_mem("t.csv", s.p, s.len, 0, &src),
			 DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	assert_int_equal(dm_reader_next(r, &b, &d), DM_OK);
	assert_int_equal(b->nrows, 3);
	assert_int_equal(b->cols[1].str[1].len, n);
	assert_int_equal(b->cols[1].str[1].ptr[998], 'x');
	assert_int_equal(b->cols[1].str[1].ptr[999], '"');
	assert_int_equal(b->cols[1].str[2].ptr[0], '6');
	dm_reader_free(r);
	free(s.p);
}

/* A batch whose bytes pass the batch byte limit ends early. */
static void csv_batch_byte_limit(void **state)
{
	dm_reader_opts opts = {0, 0, 0};
	dmio_csv_tuning tun = {64, 0, 256, 0, 0};
	sbuf s = {0};
	size_t i, total = 0, nb = 0;
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_diag d;

	(void)state;
	sb_str(&s, "a\n");
	for (i = 0; i < 1000; i++)
		sb_str(&s, "0123456789\n");
	assert_int_equal(dm_source_open_mem("t.csv", s.p, s.len, 0, &src),
			 DM_OK);
	assert_int_equal(dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			 DM_OK);
	while (dm_reader_next(r, &b, &d) == DM_OK && b) {
		assert_true(b->nrows * 11 <= 256 + 11);
		assert_int_equal(b->first_row, total + 1);
		assert_int_equal(b->cols[0].str[b->nrows - 1].len, 10);
		total += b->nrows;
		nb++;
	}
	assert_int_equal(total, 1000);
	assert_true(nb > 1000 / 24);
	dm_reader_free(r);
	free(s.p);
}

/* ------------------------------------------------------------------ */
/* Sources and dispatch                                                */
/* ------------------------------------------------------------------ */

static void source_file_errors(void **state)
{
	dm_source *src = (dm_source *)1;
	dm_diag d;

	(void)state;
	assert_int_equal(
		dm_source_open_file("tests/data/csv/nope.csv", &src, &d),
		DM_ENOENT);
	assert_null(src);
	assert_string_equal(d.msg, "'tests/data/csv/nope.csv': cannot open: "
				   "No such file or directory");
	assert_string_equal(d.file, "tests/data/csv/nope.csv");
	assert_int_equal(dm_source_open_file("tests/data/csv", &src, &d),
			 DM_EIO);
	assert_string_equal(
		d.msg, "'tests/data/csv': is a directory, not a data file");
}

static void source_file_pread(void **state)
{
	dm_source *src;
	dm_diag d;
	char buf[8];
	size_t got;

	(void)state;
	assert_int_equal(
		dm_source_open_file(DMTEST_DATA("csv/basic.csv"), &src, &d),
		DM_OK);
	assert_string_equal(src->name, "tests/data/csv/basic.csv");
	assert_true(src->size > 8);
	assert_int_equal(dm_source_pread(src, 0, buf, 4, &d), DM_OK);
	assert_memory_equal(buf, "id,s", 4);
	assert_int_equal(src->read(src, src->size - 2, buf, 8, &got, &d),
			 DM_OK);
	assert_int_equal(got, 2);
	assert_int_equal(src->read(src, src->size + 5, buf, 8, &got, &d),
			 DM_OK);
	assert_int_equal(got, 0);
	assert_int_equal(dm_source_pread(src, src->size - 2, buf, 4, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "'tests/data/csv/basic.csv': truncated"));
	dm_source_close(src);
	dm_source_close(NULL);
}

static void source_mem(void **state)
{
	char *data = strdup("hello");
	dm_source *src;
	dm_diag d;
	char buf[8];

	(void)state;
	assert_int_equal(dm_source_open_mem(NULL, data, 5, 1, &src), DM_OK);
	assert_string_equal(src->name, "<memory>");
	assert_int_equal(dm_source_pread(src, 1, buf, 4, &d), DM_OK);
	assert_memory_equal(buf, "ello", 4);
	assert_int_equal(src->bytes_read, 4);
	assert_int_equal(dm_source_pread(src, 2, buf, 4, &d), DM_EFORMAT);
	assert_string_equal(d.msg, "'<memory>': truncated: wanted 4 bytes at "
				   "byte offset 2, the object has 5 bytes");
	dm_source_close(src); /* frees data (ASan checks) */
}

static void reader_open_file(void **state)
{
	dm_reader *r;
	dm_batch *b;
	dm_diag d;
	sbuf s = {0};

	(void)state;
	assert_int_equal(
		dm_reader_open_file(DMTEST_DATA("csv/basic.csv"), NULL, &r, &d),
		DM_OK);
	assert_int_equal(r->ncols, 3);
	assert_string_equal(r->names[0], "id");
	assert_string_equal(r->names[1], "score");
	assert_string_equal(r->names[2], "comment");
	while (dm_reader_next(r, &b, &d) == DM_OK && b)
		render_batch(&s, b);
	assert_string_equal(s.p, "1:|<1>|<0.5>|<plain>\n"
				 "2:|<2>|NULL|<with, comma>\n"
				 "3:|<3>|<-1e-3>|<two\nlines \"quoted\">\n");
	dm_reader_free(r);
	free(s.p);
	assert_int_equal(
		dm_reader_open_file("tests/data/csv/missing.csv", NULL, &r, &d),
		DM_ENOENT);
	assert_null(r);
}

static void reader_fixtures(void **state)
{
	static const char *const files[] = {
		"csv/bom_crlf.csv", "csv/semicolon.csv", "csv/tabs.tsv"};
	size_t k;

	(void)state;
	for (k = 0; k < 3; k++) {
		char path[128];
		dm_reader *r;
		dm_batch *b;
		dm_diag d;
		sbuf s = {0};

		snprintf(path, sizeof(path), "tests/data/%s", files[k]);
		assert_int_equal(dm_reader_open_file(path, NULL, &r, &d),
				 DM_OK);
		assert_int_equal(r->ncols, 2);
		assert_string_equal(r->names[0], "x");
		assert_string_equal(r->names[1], "y");
		while (dm_reader_next(r, &b, &d) == DM_OK && b)
			render_batch(&s, b);
		assert_string_equal(s.p, "1:|<1,5>|<a b>\n2:|<2>|NULL\n");
		dm_reader_free(r);
		free(s.p);
	}
}

static void open_named(const char *name, const char *data, size_t len,
		       dm_err want, const char *msg)
{
	dm_source *src;
	dm_reader *r = (dm_reader *)1;
	dm_diag d;

	assert_int_equal(dm_source_open_mem(name, data, len, 0, &src), DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), want);
	assert_null(r);
	assert_string_equal(d.msg, msg);
	/* src was closed by dm_reader_open (ASan checks for leaks) */
}

/* data[0..n) compressed as gzip, in members pieces (as `cat a.gz b.gz`
 * makes), into a malloc'd buffer. */
static unsigned char *gzip_of(const char *data, size_t n, int members,
			      size_t *out_len)
{
	size_t cap = n + 1024 * (size_t)members + 64, len = 0;
	unsigned char *out = malloc(cap);
	int m;

	assert_non_null(out);
	for (m = 0; m < members; m++) {
		size_t a = n * (size_t)m / (size_t)members,
		       b = n * (size_t)(m + 1) / (size_t)members;
		z_stream z;

		memset(&z, 0, sizeof(z));
		assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
					      Z_DEFAULT_STRATEGY),
				 Z_OK);
		z.next_in = (unsigned char *)(uintptr_t)(data + a);
		z.avail_in = (uInt)(b - a);
		z.next_out = out + len;
		z.avail_out = (uInt)(cap - len);
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		len = cap - z.avail_out;
		deflateEnd(&z);
	}
	*out_len = len;
	return out;
}

/* data[0..n) as zstd frames (frames of them). */
static unsigned char *zstd_of(const char *data, size_t n, int frames,
			      size_t *out_len)
{
	size_t cap = ZSTD_compressBound(n) + 64 * (size_t)frames, len = 0;
	unsigned char *out = malloc(cap);
	int f;

	assert_non_null(out);
	for (f = 0; f < frames; f++) {
		size_t a = n * (size_t)f / (size_t)frames,
		       b = n * (size_t)(f + 1) / (size_t)frames;
		size_t r =
			ZSTD_compress(out + len, cap - len, data + a, b - a, 3);

		assert_false(ZSTD_isError(r));
		len += r;
	}
	*out_len = len;
	return out;
}

/* data[0..n) as bzip2 streams (streams of them: pbzip2, `cat a.bz2
 * b.bz2`). */
static unsigned char *bzip2_of(const char *data, size_t n, int streams,
			       size_t *out_len)
{
	size_t cap = n + n / 50 + 700 * (size_t)streams, len = 0;
	unsigned char *out = malloc(cap);
	int f;

	assert_non_null(out);
	for (f = 0; f < streams; f++) {
		size_t a = n * (size_t)f / (size_t)streams,
		       b = n * (size_t)(f + 1) / (size_t)streams;
		unsigned r = (unsigned)(cap - len);

		assert_int_equal(
			BZ2_bzBuffToBuffCompress((char *)out + len, &r,
						 (char *)(uintptr_t)(data + a),
						 (unsigned)(b - a), 9, 0, 0),
			BZ_OK);
		len += r;
	}
	*out_len = len;
	return out;
}

/* data[0..n) as xz streams (streams of them: `cat a.xz b.xz`). */
static unsigned char *xz_of(const char *data, size_t n, int streams,
			    size_t *out_len)
{
	size_t cap = lzma_stream_buffer_bound(n) + 128 * (size_t)streams,
	       len = 0;
	unsigned char *out = malloc(cap);
	int f;

	assert_non_null(out);
	for (f = 0; f < streams; f++) {
		size_t a = n * (size_t)f / (size_t)streams,
		       b = n * (size_t)(f + 1) / (size_t)streams;

		assert_int_equal(
			lzma_easy_buffer_encode(f ? 0 : 6, LZMA_CHECK_CRC64,
						NULL, (const uint8_t *)data + a,
						b - a, out, &len, cap),
			LZMA_OK);
	}
	*out_len = len;
	return out;
}

/* Reads data (named name) through dm_reader_open into ro. */
static void read_any(const char *name, const void *data, size_t len,
		     readout *ro)
{
	dm_source *src = NULL;
	dm_reader *r = NULL;

	memset(ro, 0, sizeof(*ro));
	dm_diag_clear(&ro->diag);
	assert_int_equal(dm_source_open_mem(name, data, len, 0, &src), DM_OK);
	ro->err = dm_reader_open(src, NULL, &r, &ro->diag);
	if (ro->err) {
		ro->open_err = 1;
		assert_null(r);
		return;
	}
	drain(r, ro);
}

static void read_any_error(const char *name, const void *data, size_t len,
			   dm_err want, const char *msg_start)
{
	readout ro;

	read_any(name, data, len, &ro);
	if (ro.err != want ||
	    strncmp(ro.diag.msg, msg_start, strlen(msg_start)) != 0)
		fail_msg("%s: got %s (%s), expected %s (%s...)", name,
			 dm_strerror(ro.err), ro.diag.msg, dm_strerror(want),
			 msg_start);
	readout_free(&ro);
}

/*
 * gzip (one member or several) and zstd (one frame or several) files are
 * read as the CSV they hold: the same batches as the plain text (quoted
 * newlines, CRLF); .tsv.gz is tab-separated; the source reads at any
 * offset (forward skips, rewinds); corrupt, truncated and trailing data
 * and compressed Parquet are one-line errors naming the file.
 */
/* A CSV of n rows: every 7th with a quoted line end and a CRLF (and a
 * blank line after it with blank), the others plain. */
static void mixed_rows(sbuf *t, size_t n, int blank)
{
	size_t i;

	sb_str(t, "id,name,x\r\n");
	for (i = 0; i < n; i++) {
		char row[96];

		snprintf(row, sizeof(row),
			 i % 7 ? "%zu,n%zu,%zu.25\n"
			       : "%zu,\"two\nlines, %zu\",%zu\r\n",
			 i, i * 31 % 97, i * 13);
		sb_str(t, row);
		if (blank && i % 7 == 0)
			sb_str(t, "\n");
	}
}

/*
 * Bytes read ahead (dmio_csv_prefetch, a task of the profile's pool
 * round) are the bytes fill would have read: the same rows from a file
 * and from a gzip stream, at every block size, with and without pieces,
 * with the read ahead ending inside a record, a quoted line end or at
 * the end of the input.
 */
static void csv_prefetch_same_rows(void **state)
{
	static const size_t blks[] = {0, 7, 4096, 65536};
	static const size_t pcs[] = {0, 512};
	char path[] = "/tmp/dm-test-csv-XXXXXX";
	sbuf t = {0};
	readout plain, ro;
	unsigned char *gz;
	size_t bi, pi, gzn;
	int fd;

	(void)state;
	mixed_rows(&t, 20000, 1);
	cur_piece = 0;
	read_mem("t.csv", t.p, t.len, 0, 0, 0, 0, &plain);
	assert_int_equal(plain.err, DM_OK);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, t.p, t.len) == (ssize_t)t.len);
	close(fd);
	cur_prefetch = 1;
	for (bi = 0; bi < sizeof(blks) / sizeof(blks[0]); bi++) {
		for (pi = 0; pi < sizeof(pcs) / sizeof(pcs[0]); pi++) {
			dm_reader_opts opts = {pi ? 97 : 0, 0, 2};
			dmio_csv_tuning tun = {blks[bi], 0, 0, 0, pcs[pi]};
			dm_source *src = NULL;
			dm_reader *r = NULL;
			dm_diag d;

			dm_diag_clear(&d);
			assert_int_equal(dm_source_open_file(path, &src, &d),
					 DM_OK);
			assert_int_equal(dmio_csv_reader_open_ex(src, &opts,
								 &tun, &r, &d),
					 DM_OK);
			memset(&ro, 0, sizeof(ro));
			drain(r, &ro);
			assert_int_equal(ro.err, DM_OK);
			assert_string_equal(ro.text.p, plain.text.p);
			readout_free(&ro);
		}
	}
	gz = gzip_of(t.p, t.len, 1, &gzn);
	read_any("x.csv.gz", gz, gzn, &ro);
	assert_int_equal(ro.err, DM_OK);
	assert_string_equal(ro.text.p, plain.text.p);
	readout_free(&ro);
	/* a stream that breaks off: the error of the read that meets it */
	read_any_error("x.csv.gz", gz, gzn / 2, DM_EFORMAT,
		       "'x.csv.gz': gzip data truncated: the file ends inside "
		       "the compressed stream");
	cur_prefetch = 0;
	free(gz);
	unlink(path);
	readout_free(&plain);
	free(t.p);
}

/* c[0..cn), named name, compressed with kind, reads as plain did; cut
 * short it is truncated; with a run of its middle bytes flipped it is
 * corrupt (if damaged) and, if trailing, with 3 bytes after it that do
 * not start another member, an error that says so. */
static void compressed_checks(const char *name, const char *kind,
			      const unsigned char *c, size_t cn,
			      const readout *plain, int damaged, int trailing)
{
	unsigned char *bad = malloc(cn + 3);
	readout ro;
	char want[160];
	size_t i;

	assert_non_null(bad);
	read_any(name, c, cn, &ro);
	assert_int_equal(ro.err, DM_OK);
	assert_string_equal(ro.text.p, plain->text.p);
	readout_free(&ro);
	snprintf(want, sizeof(want),
		 "'%s': %s data truncated: the file ends inside the "
		 "compressed stream",
		 name, kind);
	read_any_error(name, c, cn - 5, DM_EFORMAT, want);
	read_any_error(name, c, cn / 2, DM_EFORMAT, want);
	memcpy(bad, c, cn);
	memcpy(bad + cn, "ab\n", 3);
	if (trailing) {
		snprintf(want, sizeof(want),
			 "'%s': %s: 3 bytes after the compressed data are not "
			 "%s data",
			 name, kind, kind);
		read_any_error(name, bad, cn + 3, DM_EFORMAT, want);
	}
	if (damaged) {
		for (i = cn / 2; i < cn / 2 + 64 && i < cn; i++)
			bad[i] ^= 0x5a;
		snprintf(want, sizeof(want),
			 "'%s': %s data corrupt near compressed byte ", name,
			 kind);
		read_any_error(name, bad, cn, DM_EFORMAT, want);
	}
	free(bad);
}

static void compressed_input(void **state)
{
	sbuf t = {0};
	readout plain, ro;
	unsigned char *c;
	size_t n, cn, i;
	int k;

	(void)state;
	mixed_rows(&t, 6000, 0);
	n = t.len;
	read_any("x.csv", t.p, n, &plain);
	assert_int_equal(plain.err, DM_OK);
	for (k = 1; k <= 3; k += 2) {
		c = gzip_of(t.p, n, k, &cn);
		compressed_checks("x.csv.gz", "gzip", c, cn, &plain, k == 1, 1);
		free(c);
		c = zstd_of(t.p, n, k, &cn);
		compressed_checks("x.csv.zst", "zstd", c, cn, &plain, 0, 0);
		free(c);
		/* bzip2 and xz, one stream and three */
		c = bzip2_of(t.p, n, k, &cn);
		compressed_checks("x.csv.bz2", "bzip2", c, cn, &plain, k == 1,
				  1);
		free(c);
		c = xz_of(t.p, n, k, &cn);
		compressed_checks("x.csv.xz", "xz", c, cn, &plain, k == 1, 0);
		free(c);
	}
	/* the source itself: reads forward, skipping, and back (a restart
	 * of the stream), for each kind */
	for (k = DMIO_DZ_GZIP; k <= DMIO_DZ_XZ; k++) {
		/* the second member starts at n / 2 */
		const size_t offs[] = {0, 100, 50, n * 2 / 3, 7, n / 2 - 150};
		dm_source *mem, *dz;
		char buf[300];
		size_t got;
		dm_diag d;

		c = k == DMIO_DZ_GZIP	 ? gzip_of(t.p, n, 2, &cn)
		    : k == DMIO_DZ_ZSTD	 ? zstd_of(t.p, n, 2, &cn)
		    : k == DMIO_DZ_BZIP2 ? bzip2_of(t.p, n, 2, &cn)
					 : xz_of(t.p, n, 2, &cn);
		assert_int_equal(dm_source_open_mem("x.gz", c, cn, 0, &mem),
				 DM_OK);
		assert_int_equal(
			dmio_source_decompress(mem, (dmio_dz_kind)k, &dz, &d),
			DM_OK);
		assert_true(dz->size == UINT64_MAX);
		for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			assert_int_equal(dz->read(dz, offs[i], buf, sizeof(buf),
						  &got, &d),
					 DM_OK);
			if (got != sizeof(buf))
				fail_msg("offset %zu: %zu bytes", offs[i], got);
			assert_memory_equal(buf, t.p + offs[i], sizeof(buf));
		}
		assert_int_equal(
			dz->read(dz, n - 10, buf, sizeof(buf), &got, &d),
			DM_OK);
		assert_int_equal(got, 10);
		assert_int_equal(
			dz->read(dz, n + 5, buf, sizeof(buf), &got, &d), DM_OK);
		assert_int_equal(got, 0);
		dm_source_close(dz);
		free(c);
	}
	/* tab-separated by its name under the compression's */
	{
		sbuf tab = {0};

		/* (a ',' in a name: sniffed, ',' would be the separator) */
		sb_str(&tab, "a,x\tb\n1\t2\n3\t4\n");
		static const char *const names[] = {"dir.v2/x.tsv.gz",
						    "dir.v2/x.tsv.bz2",
						    "dir.v2/x.tsv.xz"};

		for (i = 0; i < 3; i++) {
			c = i == 0   ? gzip_of(tab.p, tab.len, 1, &cn)
			    : i == 1 ? bzip2_of(tab.p, tab.len, 1, &cn)
				     : xz_of(tab.p, tab.len, 1, &cn);
			read_any(names[i], c, cn, &ro);
			assert_int_equal(ro.err, DM_OK);
			assert_string_equal(ro.text.p,
					    "a,x,b\n1:|<1>|<2>\n2:|<3>|<4>\n");
			readout_free(&ro);
			free(c);
		}
		free(tab.p);
	}
	/* empty, Parquet, compressed twice */
	c = gzip_of("", 0, 1, &cn);
	read_any_error("e.csv.gz", c, cn, DM_EEMPTY, "'e.csv.gz': ");
	free(c);
	c = gzip_of("PAR1\0\0\0\0", 8, 1, &cn);
	read_any_error("p.parquet.gz", c, cn, DM_EUNSUPPORTED,
		       "'p.parquet.gz': a gzip-compressed Parquet file: "
		       "decompress it first (Parquet compresses its own "
		       "pages)");
	free(c);
	{
		unsigned char *c2;
		size_t cn2;

		c = gzip_of(t.p, 1000, 1, &cn);
		c2 = zstd_of((const char *)c, cn, 1, &cn2);
		read_any_error("x.csv.gz.zst", c2, cn2, DM_EUNSUPPORTED,
			       "'x.csv.gz.zst': zstd-compressed gzip data: "
			       "decompress it first");
		free(c2);
		free(c);
	}
	readout_free(&plain);
	free(t.p);
}

static void reader_dispatch(void **state)
{
	(void)state;
	/* content beats the name: "PAR1" goes to the Parquet reader, which
	 * rejects this stub (the message is its own) */
	{
		dm_source *src;
		dm_reader *r = (dm_reader *)1;
		dm_diag d;

		assert_int_equal(
			dm_source_open_mem("x.csv", "PAR1\0\0\0\0", 8, 0, &src),
			DM_OK);
		assert_int_not_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
		assert_null(r);
		assert_int_equal(strncmp(d.msg, "'x.csv': ", 9), 0);
		assert_null(strstr(d.msg, "CSV"));
	}
	/* gzip, zstd, bzip2 and xz are read (compressed_input); a stream
	 * that ends inside its header is truncated; ZIP is not read */
	open_named("x.csv.gz", "\x1f\x8b\x08\0\0\0", 6, DM_EFORMAT,
		   "'x.csv.gz': gzip data truncated: the file ends inside the "
		   "compressed stream (after 6 bytes of it)");
	open_named("x.csv", "\x28\xb5\x2f\xfd\0", 5, DM_EFORMAT,
		   "'x.csv': zstd data truncated: the file ends inside the "
		   "compressed stream (after 5 bytes of it)");
	open_named("x.csv.xz",
		   "\xfd"
		   "7zXZ\0\0\0",
		   8, DM_EFORMAT,
		   "'x.csv.xz': xz data truncated: the file ends inside the "
		   "compressed stream (after 8 bytes of it)");
	open_named("x.csv.bz2", "BZh91AY&SY", 10, DM_EFORMAT,
		   "'x.csv.bz2': bzip2 data truncated: the file ends inside "
		   "the compressed stream (after 10 bytes of it)");
	open_named("x.csv.bz2", "BZh9xxxxxxxx", 12, DM_EFORMAT,
		   "'x.csv.bz2': bzip2 data corrupt near compressed byte 5: "
		   "bad or damaged data");
	open_named("x.csv.zip", "PK\3\4\0\0\0\0", 8, DM_EUNSUPPORTED,
		   "'x.csv.zip': zip-compressed data is not supported; "
		   "decompress the file first");
	open_named("x.parquet", "a,b\n1,2\n", 8, DM_EFORMAT,
		   "'x.parquet': not a Parquet file (it does not start with "
		   "\"PAR1\")");
	open_named("x.jsonl", "{}\n", 3, DM_EUNSUPPORTED,
		   "'x.jsonl': JSON input is not supported; use CSV or "
		   "Parquet");
	open_named("x.txt", "", 0, DM_EEMPTY, "'x.txt': file is empty");
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

/* Writes b (with names) to a memory stream; returns the text. */
static char *write_to_string(char *const *names, size_t n, const dm_batch *b,
			     char sep, size_t *len)
{
	char *text = NULL;
	FILE *fp = open_memstream(&text, len);
	dm_csv_writer *w;

	assert_non_null(fp);
	assert_int_equal(dm_csv_writer_open(fp, sep, &w), DM_OK);
	assert_int_equal(dm_csv_write_header(w, names, n), DM_OK);
	assert_int_equal(dm_csv_write_batch(w, b), DM_OK);
	dm_csv_writer_free(w);
	assert_int_equal(fclose(fp), 0);
	return text;
}

static void writer_format(void **state)
{
	static const double v[] = {3.0,
				   -2.0,
				   0.0,
				   -0.0,
				   0.1,
				   1.0 / 3.0,
				   1e15,
				   123456789012345.0,
				   1e20,
				   1.5e-5,
				   0.0001,
				   2.5e300,
				   5e-324,
				   NAN,
				   INFINITY,
				   -INFINITY,
				   0.30000000000000004,
				   100.25,
				   999999999999999.0,
				   1e16};
	static const char *const want =
		"x\n3\n-2\n0\n-0\n0.1\n0.3333333333333333\n1e+15\n"
		"123456789012345\n1e+20\n1.5e-05\n0.0001\n2.5e+300\n"
		"4.94065645841247e-324\nnan\ninf\n-inf\n"
		"0.30000000000000004\n100.25\n999999999999999\n1e+16\n";
	char *names[] = {"x"};
	dm_column col = {DM_COL_DOUBLE, (double *)v, NULL, NULL};
	dm_batch b = {sizeof(v) / sizeof(v[0]), 1, &col, 1, NULL};
	size_t len;
	char *text;

	(void)state;
	text = write_to_string(names, 1, &b, ',', &len);
	assert_string_equal(text, want);
	free(text);
}

static void writer_quoting(void **state)
{
	dm_strref s[] = {{"plain", 5},	    {"a,b", 3},
			 {"say \"hi\"", 8}, {"two\nlines", 9},
			 {"cr\r", 3},	    {"", 0},
			 {"x", 1},	    {"semi;colon", 10}};
	uint8_t nul[] = {0, 0, 0, 0, 0, 0, 1, 0};
	dm_column col[2] = {{DM_COL_STRING, NULL, s, nul},
			    {DM_COL_TEXT, NULL, s, NULL}};
	dm_batch b = {8, 2, col, 1, NULL};
	char *names[] = {"na,me", "q\"n"};
	size_t len;
	char *text;

	(void)state;
	text = write_to_string(names, 2, &b, ',', &len);
	assert_string_equal(
		text, "\"na,me\",\"q\"\"n\"\nplain,plain\n\"a,b\",\"a,b\"\n"
		      "\"say \"\"hi\"\"\",\"say \"\"hi\"\"\"\n"
		      "\"two\nlines\",\"two\nlines\"\n\"cr\r\",\"cr\r\"\n"
		      "\"\",\"\"\n,x\nsemi;colon,semi;colon\n");
	free(text);
	text = write_to_string(names, 2, &b, ';', &len);
	assert_int_equal(strncmp(text, "\"na,me\";\"q\"\"n\"\n", 14), 0);
	assert_non_null(strstr(text, "\n\"semi;colon\";\"semi;colon\"\n"));
	free(text);
}

/* Header names that could mislead the reader's separator sniffing or
 * pass for a BOM are quoted, so that they read back unchanged. */
/* Cells longer than the write buffer, with and without quotes. */
static void writer_big_cells(void **state)
{
	const size_t n = 300000;
	char *big = malloc(n);
	dm_strref cells[2];
	dm_column col = {DM_COL_TEXT, NULL, cells, NULL};
	dm_batch b = {2, 1, &col, 1, NULL}, *rb;
	char *names[] = {"t"}, *text;
	size_t len, i;
	dm_source *src;
	dm_reader *r;
	dm_diag d;

	(void)state;
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	cells[0].ptr = big;
	cells[0].len = (uint32_t)n;
	cells[1].ptr = big;
	cells[1].len = (uint32_t)n;
	big[n / 2] = '"';		  /* the second cell... */
	cells[0].len = (uint32_t)(n / 2); /* ...the first has no quote */
	text = write_to_string(names, 1, &b, ',', &len);
	assert_int_equal(len, 2 + n / 2 + 1 + n + 3 + 1);
	assert_int_equal(dm_source_open_mem("big.csv", text, len, 1, &src),
			 DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	assert_int_equal(dm_reader_next(r, &rb, &d), DM_OK);
	assert_int_equal(rb->nrows, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(rb->cols[0].str[i].len, cells[i].len);
		assert_memory_equal(rb->cols[0].str[i].ptr, big, cells[i].len);
	}
	dm_reader_free(r);
	free(big);
}

static void writer_header_round_trip(void **state)
{
	static char *const sets[][2] = {{"a;b", NULL},
					{"x\ty", NULL},
					{"\xEF\xBB\xBFid", "v"},
					{"p;q", "r\ts"}};
	static const size_t nn[] = {1, 1, 2, 2};
	dm_strref cell[2] = {{"1", 1}, {"2", 1}};
	dm_column col[2] = {{DM_COL_TEXT, NULL, &cell[0], NULL},
			    {DM_COL_TEXT, NULL, &cell[1], NULL}};
	size_t k, j, len;

	(void)state;
	for (k = 0; k < 4; k++) {
		dm_batch b = {1, nn[k], col, 1, NULL};
		char *text = write_to_string(sets[k], nn[k], &b, ',', &len);
		dm_source *src;
		dm_reader *r;
		dm_batch *rb;
		dm_diag d;

		assert_int_equal(
			dm_source_open_mem("h.csv", text, len, 1, &src), DM_OK);
		assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
		assert_int_equal(r->ncols, nn[k]);
		for (j = 0; j < nn[k]; j++)
			assert_string_equal(r->names[j], sets[k][j]);
		assert_int_equal(dm_reader_next(r, &rb, &d), DM_OK);
		assert_non_null(rb);
		assert_int_equal(rb->cols[nn[k] - 1].str[0].ptr[0],
				 nn[k] == 1 ? '1' : '2');
		dm_reader_free(r);
	}
}

static void writer_errors(void **state)
{
	dm_csv_writer *w;
	char *names[] = {"a", "b"};
	double v = 1;
	dm_column col = {DM_COL_DOUBLE, &v, NULL, NULL};
	dm_batch b = {1, 1, &col, 1, NULL};
	FILE *fp = fopen("/dev/full", "w");

	(void)state;
	assert_int_equal(dm_csv_writer_open(stdout, '"', &w), DM_EINVAL);
	assert_int_equal(dm_csv_writer_open(stdout, '\n', &w), DM_EINVAL);
	if (fp) { /* a write error shows up as DM_EIO */
		setvbuf(fp, NULL, _IONBF, 0);
		assert_int_equal(dm_csv_writer_open(fp, ',', &w), DM_OK);
		assert_int_equal(dm_csv_write_header(w, names, 2), DM_EIO);
		dm_csv_writer_free(w);
		assert_int_equal(dm_csv_writer_open(fp, ',', &w), DM_OK);
		assert_int_equal(dm_csv_write_batch(w, &b), DM_EIO);
		assert_int_equal(dm_csv_write_batch(w, &b), DM_EIO);
		dm_csv_writer_free(w);
		fclose(fp);
	}
	/* header with 2 names, batch with 1 column */
	fp = tmpfile();
	assert_non_null(fp);
	assert_int_equal(dm_csv_writer_open(fp, ',', &w), DM_OK);
	assert_int_equal(dm_csv_write_batch(w, NULL), DM_EINVAL);
	col.f64 = NULL;
	assert_int_equal(dm_csv_write_batch(w, &b), DM_EINVAL);
	col.f64 = &v;
	assert_int_equal(dm_csv_write_header(w, names, 0), DM_EINVAL);
	assert_int_equal(dm_csv_write_header(w, names, 2), DM_OK);
	assert_int_equal(dm_csv_write_batch(w, &b), DM_EINVAL);
	dm_csv_writer_free(w);
	dm_csv_writer_free(NULL);
	fclose(fp);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A double from one of several distributions. */
static double random_double(void)
{
	uint64_t u = rng(), bits;
	double x;

	switch (u % 8) {
	case 0: /* any bit pattern */
		bits = rng();
		memcpy(&x, &bits, sizeof(x));
		return x;
	case 1: /* uniform [0, 1) */
		return (double)(rng() >> 11) / 9007199254740992.0;
	case 2: /* short decimals */
		return (double)(int64_t)(rng() % 2000001 - 1000000) / 1000.0;
	case 3: /* integers */
		return (double)(int64_t)(rng() % 20000001 - 10000000);
	case 4: /* wide range */
		return ((double)(rng() >> 11) / 9007199254740992.0) *
		       pow(10.0, (double)(int)(rng() % 80) - 40);
	case 5: /* near powers of ten */
		x = pow(10.0, (double)(int)(rng() % 60) - 30);
		return nextafter(x, (rng() & 1) ? INFINITY : 0.0);
	case 6: /* subnormal */
		bits = rng() & 0x000FFFFFFFFFFFFFULL;
		memcpy(&x, &bits, sizeof(x));
		return x;
	default: /* normal-ish values */
		return ((double)(rng() >> 11) / 9007199254740992.0 - 0.5) * 1e4;
	}
}

/* The reference text: %.15g, %.16g or %.17g, the first that strtod
 * reads back exactly. */
static void reference_text(double x, char *out, size_t size)
{
	int p;

	for (p = 15; p <= 17; p++) {
		snprintf(out, size, "%.*g", p, x);
		if (strtod(out, NULL) == x)
			break;
	}
}

/* Writes random doubles and texts, reads them back, compares exactly;
 * also checks each double is written as the printf method would. */
static void writer_round_trip(void **state)
{
	const size_t nrows = 200000;
	double *f = malloc(nrows * sizeof(double));
	dm_strref *s = malloc(nrows * sizeof(dm_strref));
	uint8_t *fn = malloc(nrows), *sn = malloc(nrows);
	char *pool = malloc(nrows * 8), *text;
	static const char alphabet[] = "ab,\"\n\r; x";
	dm_column col[2] = {{DM_COL_DOUBLE, f, NULL, fn},
			    {DM_COL_TEXT, NULL, s, sn}};
	dm_batch wb = {nrows, 2, col, 1, NULL}, *b;
	char *names[] = {"num", "txt"};
	size_t len, i, row = 0, differ = 0;
	dm_source *src;
	dm_reader *r;
	dm_diag d;

	(void)state;
	assert_true(f && s && fn && sn && pool);
	for (i = 0; i < nrows; i++) {
		size_t k, n = rng() % 8;

		f[i] = random_double();
		fn[i] = rng() % 10 == 0;
		for (k = 0; k < n; k++)
			pool[i * 8 + k] = alphabet[rng() % 9];
		s[i].ptr = pool + i * 8;
		s[i].len = (uint32_t)n;
		/* an empty text cell reads back as NULL unless quoted: the
		 * writer quotes it; NULLs are written empty */
		sn[i] = rng() % 10 == 0;
	}
	text = write_to_string(names, 2, &wb, ',', &len);
	assert_int_equal(dm_source_open_mem("rt.csv", text, len, 1, &src),
			 DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, &d), DM_OK);
	while (dm_reader_next(r, &b, &d) == DM_OK && b) {
		for (i = 0; i < b->nrows; i++, row++) {
			const dm_column *c0 = &b->cols[0], *c1 = &b->cols[1];
			int isnull = c0->null && c0->null[i];
			double v;

			assert_int_equal(isnull, fn[row]);
			if (!isnull) {
				assert_int_equal(dm_parse_double(c0->str[i].ptr,
								 c0->str[i].len,
								 &v),
						 0);
				if (isnan(f[row]))
					assert_true(isnan(v));
				else
					assert_memory_equal(&v, &f[row],
							    sizeof(v));
				if (!isnan(f[row])) {
					char ref[40];

					reference_text(f[row], ref,
						       sizeof(ref));
					differ +=
						strlen(ref) != c0->str[i].len ||
						memcmp(ref, c0->str[i].ptr,
						       strlen(ref)) != 0;
				}
			}
			isnull = c1->null && c1->null[i];
			assert_int_equal(isnull, sn[row]);
			if (!isnull) {
				assert_int_equal(c1->str[i].len, s[row].len);
				assert_memory_equal(c1->str[i].ptr, s[row].ptr,
						    s[row].len);
			}
		}
	}
	assert_int_equal(row, nrows);
	assert_int_equal(differ, 0);
	dm_reader_free(r);
	free(f);
	free(s);
	free(fn);
	free(sn);
	free(pool);
}

/* ---- boundaries
 * ------------------------------------------------------------------- Each
 * limit tried at exactly the boundary and one past it; each has a mutant in
 * tests/mutants/csv-*.patch that these cases catch. */

/* Reads data with limits; returns the error, the rows delivered and the
 * length of the last cell of column 0. */
static dm_err read_rows(const char *data, size_t len,
			const dmio_csv_tuning *tun, const dm_reader_opts *opts,
			uint64_t *rows, size_t *last_len, dm_diag *d)
{
	dm_source *src;
	dm_reader *r;
	dm_batch *b;
	dm_err err;

	*rows = 0;
	assert_int_equal(dm_source_open_mem("t.csv", data, len, 0, &src),
			 DM_OK);
	err = dmio_csv_reader_open_ex(src, opts, tun, &r, d);
	if (err)
		return err;
	while ((err = dm_reader_next(r, &b, d)) == DM_OK && b) {
		*rows += b->nrows;
		*last_len = b->cols[0].str[b->nrows - 1].len;
	}
	dm_reader_free(r);
	return err;
}

/* A record (and a header) of exactly max_record bytes, its line end
 * included, is read, whatever the read size; one byte more is refused.
 * So is a last record without a line end. */
static void csv_bounds_record_limit(void **state)
{
	static const size_t reads[] = {0, 1, 7, 16, 99, 100, 101, 4096};
	static char data[512];
	dm_reader_opts opts = {0, 0, 0};
	uint64_t rows;
	size_t last = 0, n;
	dm_diag d;

	(void)state;
	for (size_t k = 0; k < sizeof(reads) / sizeof(reads[0]); k++) {
		dmio_csv_tuning tun = {reads[k], 100, 0, 0, 0};
		for (size_t len = 100; len <= 101; len++) {
			/* a data record of len bytes, then a short one */
			memcpy(data, "a\n", 2);
			memset(data + 2, 'y', len - 1);
			data[2 + len - 1] = '\n';
			memcpy(data + 2 + len, "z\n", 2);
			n = 2 + len + 2;
			if (len == 100) {
				assert_int_equal(read_rows(data, n, &tun, &opts,
							   &rows, &last, &d),
						 DM_OK);
				assert_int_equal(rows, 2);
			} else {
				assert_int_equal(read_rows(data, n, &tun, &opts,
							   &rows, &last, &d),
						 DM_ETOOBIG);
				assert_string_equal(
					d.msg, "'t.csv': row 1, longer "
					       "than 100 bytes (the limit)");
			}
			/* the last record, without a line end */
			n = 2 + len;
			memset(data + 2, 'y', len);
			if (len == 100) {
				assert_int_equal(read_rows(data, n, &tun, &opts,
							   &rows, &last, &d),
						 DM_OK);
				assert_int_equal(rows, 1);
				assert_int_equal(last, 100);
			} else {
				assert_int_equal(read_rows(data, n, &tun, &opts,
							   &rows, &last, &d),
						 DM_ETOOBIG);
			}
			/* the header */
			memset(data, 'h', len - 1);
			data[len - 1] = '\n';
			memcpy(data + len, "1\n", 2);
			n = len + 2;
			if (len == 100) {
				assert_int_equal(read_rows(data, n, &tun, &opts,
							   &rows, &last, &d),
						 DM_OK);
				assert_int_equal(rows, 1);
			} else {
				assert_int_equal(read_rows(data, n, &tun, &opts,
							   &rows, &last, &d),
						 DM_ETOOBIG);
				assert_string_equal(
					d.msg, "'t.csv': header: longer "
					       "than 100 bytes (the limit)");
			}
		}
	}
}

/* Exactly 2^20 columns are read (csv_err_too_many_columns: one more is
 * refused). */
static void csv_bounds_columns(void **state)
{
	size_t n = (size_t)1 << 20, i;
	char *data = malloc(2 * n + 2 * n);
	uint64_t rows;
	size_t last = 0;
	dmio_csv_tuning tun = {0, 0, 0, 0, 0};
	dm_reader_opts opts = {0, 0, 0};
	dm_diag d;

	(void)state;
	assert_non_null(data);
	/* header c0..: one letter each would repeat; use the empty names
	 * pandas numbers ("Unnamed: N") */
	for (i = 0; i < n; i++)
		data[i] = ',';
	data[n - 1] = '\n';
	for (i = 0; i < n; i++)
		data[n + i] = i + 1 < n ? ',' : '\n';
	assert_int_equal(read_rows(data, 2 * n, &tun, &opts, &rows, &last, &d),
			 DM_OK);
	assert_int_equal(rows, 1);
	free(data);
}

/* A row with one field more than the header: refused (strict) or
 * skipped (lenient), never stored past the batch's cells; the rows
 * around it are intact.  The row is the last of a full batch, where a
 * stray store would land past the end of the cell arrays (ASan). */
static void csv_bounds_fields(void **state)
{
	static const char data[] = "a,b\n1,2\n3,4,5\n6,7\n";
	dm_reader_opts strict = {2, 0, 0}, lenient = {2, 1, 0};
	dmio_csv_tuning tun = {0, 0, 0, 0, 0};
	uint64_t rows;
	size_t last = 0;
	dm_diag d;

	(void)state;
	assert_int_equal(read_rows(data, sizeof(data) - 1, &tun, &strict, &rows,
				   &last, &d),
			 DM_EFORMAT);
	assert_string_equal(d.msg,
			    "'t.csv': row 2, expected 2 fields, found 3");
	assert_int_equal(read_rows(data, sizeof(data) - 1, &tun, &lenient,
				   &rows, &last, &d),
			 DM_OK);
	assert_int_equal(rows, 2);
	assert_int_equal(last, 1); /* "6" */
	/* one field fewer */
	assert_int_equal(
		read_rows("a,b\n1\n", 6, &tun, &strict, &rows, &last, &d),
		DM_EFORMAT);
	assert_string_equal(d.msg,
			    "'t.csv': row 1, expected 2 fields, found 1");
}

/*
 * dmio_csv_prenum: the reader's values of unquoted number cells (NaN
 * where it leaves the cell to the column's parser), with 1 and 2 threads
 * (kept batches: batch k's values still there while k+1 is read), batch
 * by batch, CRLF, quoted and empty cells, digits right after a cell.
 */
static int same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static void csv_prenum_values(void **state)
{
	static const char data[] = "a,b,c\r\n"
				   "1,2.5,x\r\n"
				   "\"7\",-0,12345678\r\n"
				   ",+3, 4\r\n"
				   "123456789,0.051864496699585365,1e5\r\n"
				   "nan,\"1\"\"2\",007\r\n"
				   "99,-1.25,8";
	/* per row: 1 = decided (a value), 0 = left (NaN) */
	static const int decided[6][3] = {{1, 1, 0}, {0, 1, 1}, {0, 0, 0},
					  {1, 1, 1}, {0, 0, 1}, {1, 1, 1}};
	unsigned round;

	(void)state;
	/* 0: 1 thread; 1: 2 threads, kept batches; 2: and pieces of 8
	 * bytes, on the reader's threads; 3: the same pieces run here, last
	 * first (dmio_csv_split_begin): the pieces take values too */
	for (round = 0; round < 4; round++) {
		dm_reader_opts opts = {round >= 2 ? 4 : 2, 0, round ? 2 : 0};
		dmio_csv_tuning tun = {0, 0, 0, 0, round >= 2 ? 8 : 0};
		size_t npieced = 0;
		dm_source *src = NULL;
		dm_reader *r = NULL;
		dm_batch *b, *prev = NULL;
		const double *prev_pre = NULL;
		double prev_first = 0;
		dm_diag d;
		size_t row = 0, i, j;
		dm_err err;

		dm_diag_clear(&d);
		assert_int_equal(dm_source_open_mem("t.csv", data,
						    sizeof(data) - 1, 0, &src),
				 DM_OK);
		assert_int_equal(
			dmio_csv_reader_open_ex(src, &opts, &tun, &r, &d),
			DM_OK);
		assert_null(dmio_csv_prenum(r, NULL, 0));
		for (;;) {
			size_t np = 0, k;

			if (round < 3) {
				err = dm_reader_next(r, &b, &d);
			} else {
				assert_int_equal(
					dmio_csv_split_begin(r, 4, &np), 0);
				for (k = np; k > 0; k--)
					dmio_csv_split_run(r, k - 1);
				npieced += np;
				err = dmio_csv_split_end(r, &b, &d);
			}
			if (err != DM_OK || !b)
				break;
			assert_null(dmio_csv_prenum(r, b, 3));
			if (prev && r->batches_kept) /* k-1 still there */
				assert_true(same_bits(prev_pre[0], prev_first));
			for (j = 0; j < 3; j++) {
				const double *pre = dmio_csv_prenum(r, b, j);
				const dm_column *c = &b->cols[j];

				assert_non_null(pre);
				for (i = 0; i < b->nrows; i++) {
					double x;

					if (!decided[row + i][j]) {
						assert_true(isnan(pre[i]));
						continue;
					}
					assert_false(isnan(pre[i]));
					assert_false(c->null && c->null[i]);
					assert_int_equal(
						dm_parse_double(c->str[i].ptr,
								c->str[i].len,
								&x),
						0);
					assert_true(same_bits(x, pre[i]));
				}
			}
			prev = b;
			prev_pre = dmio_csv_prenum(r, b, 0);
			prev_first = prev_pre[0];
			row += b->nrows;
		}
		assert_int_equal(err, DM_OK);
		assert_int_equal(row, 6);
		if (round == 3) /* pieces were run */
			assert_true(npieced > 1);
		dm_reader_free(r);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(csv_basic),
	cmocka_unit_test(csv_quotes),
	cmocka_unit_test(csv_embedded_newlines),
	cmocka_unit_test(csv_crlf),
	cmocka_unit_test(csv_cr_only),
	cmocka_unit_test(csv_no_final_newline),
	cmocka_unit_test(csv_bom),
	cmocka_unit_test(csv_semicolon),
	cmocka_unit_test(csv_tab),
	cmocka_unit_test(csv_whitespace),
	cmocka_unit_test(csv_implicit_index),
	cmocka_unit_test(csv_nulls),
	cmocka_unit_test(csv_null_flags_absent),
	cmocka_unit_test(csv_blank_lines),
	cmocka_unit_test(csv_header_only),
	cmocka_unit_test(csv_row_numbers_batches),
	cmocka_unit_test(csv_projection),
	cmocka_unit_test(csv_err_empty_file),
	cmocka_unit_test(csv_err_header),
	cmocka_unit_test(csv_err_ragged),
	cmocka_unit_test(csv_err_unterminated_quote),
	cmocka_unit_test(csv_err_binary),
	cmocka_unit_test(csv_err_too_long),
	cmocka_unit_test(csv_err_too_long_default),
	cmocka_unit_test(csv_err_too_long_in_buffer),
	cmocka_unit_test(csv_err_binary_header),
	cmocka_unit_test(csv_err_io),
	cmocka_unit_test(csv_err_too_many_columns),
	cmocka_unit_test(csv_wide),
	cmocka_unit_test(csv_lenient_skips),
	cmocka_unit_test(csv_header_repeats),
	cmocka_unit_test(csv_no_header),
	cmocka_unit_test(csv_cr_header_at_limit),
	cmocka_unit_test(csv_lenient_row_numbers),
	cmocka_unit_test(csv_lenient_all_bad),
	cmocka_unit_test(csv_pieces_differential),
	cmocka_unit_test(csv_pieces_take_rows),
	cmocka_unit_test(csv_large_spanning_blocks),
	cmocka_unit_test(csv_long_record),
	cmocka_unit_test(csv_batch_byte_limit),
	cmocka_unit_test(source_file_errors),
	cmocka_unit_test(source_file_pread),
	cmocka_unit_test(source_mem),
	cmocka_unit_test(reader_open_file),
	cmocka_unit_test(reader_fixtures),
	cmocka_unit_test(reader_dispatch),
	cmocka_unit_test(compressed_input),
	cmocka_unit_test(csv_prefetch_same_rows),
	cmocka_unit_test(writer_format),
	cmocka_unit_test(writer_quoting),
	cmocka_unit_test(writer_big_cells),
	cmocka_unit_test(writer_header_round_trip),
	cmocka_unit_test(writer_errors),
	cmocka_unit_test(writer_round_trip),
	cmocka_unit_test(csv_bounds_record_limit),
	cmocka_unit_test(csv_bounds_columns),
	cmocka_unit_test(csv_bounds_fields),
	cmocka_unit_test(csv_prenum_values),
};

DMTEST_MAIN("csv", tests)
