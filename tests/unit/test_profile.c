/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Profiles, baselines and detection: merge(profile(a), profile(b)) against
 * profile(a ∪ b), baseline JSON round trips, and the decision rule on
 * data with known answers.
 */
#include "dmtest.h"
#include "dmtest_alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/detect.h"
#include "driftmon/hourprof.h"
#include "driftmon/profile.h"
#include "profile/hpcodec.h"
#include "profile/profile_int.h"

static uint64_t st = 0x9e3779b97f4a7c15ull;

static double urand(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return (double)(st >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
	return sqrt(-2.0 * log(urand() + 1e-300)) *
	       cos(6.283185307179586 * urand());
}

/* A table of two numeric columns (x ~ N(shift, 1), k ~ small ints with
 * missing values) and one categorical (c). */
struct table {
	size_t n;
	double *x, *k;
	uint8_t *knull;
	dm_strref *c;
};

static const char *const cats[] = {"a", "b", "c", "new"};
static char *const names[] = {"x", "k", "c", "model_name"};

static void make_table(struct table *t, size_t n, double shift, int newcat)
{
	size_t i;

	t->n = n;
	t->x = malloc(n * sizeof(double));
	t->k = malloc(n * sizeof(double));
	t->knull = calloc(n, 1);
	t->c = malloc(n * sizeof(dm_strref));
	for (i = 0; i < n; i++) {
		double u = urand();
		int ci = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;

		if (newcat && urand() < 0.3)
			ci = 3;
		t->x[i] = nrand() + shift;
		t->k[i] = floor(urand() * 5);
		t->knull[i] = urand() < 0.05;
		t->c[i].ptr = cats[ci];
		t->c[i].len = (uint32_t)strlen(cats[ci]);
	}
}

static void free_table(struct table *t)
{
	free(t->x);
	free(t->k);
	free(t->knull);
	free(t->c);
}

/* Profiles rows [lo, hi) of t. */
static void add_rows(dm_profile *p, const dm_profile_opts *o,
		     const struct table *t, size_t lo, size_t hi)
{
	dm_column cols[4];
	dm_strref model[1] = {{"m", 1}};
	dm_batch b;
	size_t i;

	for (i = lo; i < hi; i += 1000) {
		size_t n = hi - i < 1000 ? hi - i : 1000;
		dm_strref *mc = malloc(n * sizeof(dm_strref));
		size_t j;

		for (j = 0; j < n; j++)
			mc[j] = model[0];
		memset(cols, 0, sizeof(cols));
		cols[0].type = DM_COL_DOUBLE;
		cols[0].f64 = t->x + i;
		cols[1].type = DM_COL_DOUBLE;
		cols[1].f64 = t->k + i;
		cols[1].null = t->knull + i;
		cols[2].type = DM_COL_STRING;
		cols[2].str = t->c + i;
		cols[3].type = DM_COL_STRING;
		cols[3].str = mc;
		memset(&b, 0, sizeof(b));
		b.nrows = n;
		b.ncols = 4;
		b.cols = cols;
		b.first_row = i + 1;
		assert_int_equal(
			dm_profile_add_batch(p, o, &b, names, "t", NULL),
			DM_OK);
		free(mc);
	}
}

/* Rows of t as one batch whose model_name is "m", or "other" (x set to
 * 1e6) on every row i % every == 1 (every 0: none). */
static void add_mixed(dm_profile *p, const dm_profile_opts *o,
		      const struct table *t, size_t every)
{
	dm_column cols[4];
	dm_strref *mc = malloc(t->n * sizeof(dm_strref));
	double *x = malloc(t->n * sizeof(double));
	dm_batch b;
	size_t i;

	for (i = 0; i < t->n; i++) {
		int other = every && i % every == 1;

		mc[i] = other ? (dm_strref){"other", 5} : (dm_strref){"m", 1};
		x[i] = other ? 1e6 : t->x[i];
	}
	memset(cols, 0, sizeof(cols));
	cols[0].type = DM_COL_DOUBLE;
	cols[0].f64 = x;
	cols[1].type = DM_COL_DOUBLE;
	cols[1].f64 = t->k;
	cols[1].null = t->knull;
	cols[2].type = DM_COL_STRING;
	cols[2].str = t->c;
	cols[3].type = DM_COL_STRING;
	cols[3].str = mc;
	memset(&b, 0, sizeof(b));
	b.nrows = t->n;
	b.ncols = 4;
	b.cols = cols;
	b.first_row = 1;
	assert_int_equal(dm_profile_add_batch(p, o, &b, names, "t", NULL),
			 DM_OK);
	free(mc);
	free(x);
}

static void build_baseline(dm_profile *p, const struct table *t)
{
	dm_profile_opts o = {0};

	o.strict = 1;
	o.sketch_k = 4096;
	dm_profile_init(p, &o);
	add_rows(p, &o, t, 0, t->n);
	assert_int_equal(dm_profile_finish(p, NULL), DM_OK);
	p->model = strdup("m");
	p->model_version = strdup("v1");
	p->created_at = strdup("2025-01-01T00:00:00Z");
}

static void merge_equals_union(void **state)
{
	struct table base, cur;
	dm_profile bp, whole, a, b;
	dm_profile_opts o = {0};
	size_t i, j;

	(void)state;
	make_table(&base, 20000, 0, 0);
	make_table(&cur, 30000, 0.3, 1);
	build_baseline(&bp, &base);
	o.reference = &bp;
	dm_profile_init(&whole, &o);
	dm_profile_init(&a, &o);
	dm_profile_init(&b, &o);
	add_rows(&whole, &o, &cur, 0, cur.n);
	add_rows(&a, &o, &cur, 0, 12345);
	add_rows(&b, &o, &cur, 12345, cur.n);
	assert_int_equal(dm_profile_merge(&a, &b, NULL), DM_OK);
	assert_int_equal(a.rows, whole.rows);
	for (i = 0; i < whole.nfeat; i++) {
		const dm_feature *w = &whole.feat[i], *m = &a.feat[i];

		assert_string_equal(w->name, m->name);
		assert_int_equal(w->count, m->count);
		assert_int_equal(w->missing, m->missing);
		assert_int_equal(w->unseen, m->unseen);
		if (w->type == DM_FEATURE_NUMERIC) {
			for (j = 0; j <= w->nedges; j++)
				assert_int_equal(w->bins[j], m->bins[j]);
			assert_true(fabs(w->mom.mean - m->mom.mean) < 1e-12);
			assert_true(fabs(dm_moments_var(&w->mom) /
						 dm_moments_var(&m->mom) -
					 1) < 1e-12);
			assert_true(w->mom.min == m->mom.min);
			assert_true(w->mom.max == m->mom.max);
			{
				double q[3] = {0.1, 0.5, 0.9}, qw[3], qm[3];
				double eps = dm_sketch_rank_error(w->sketch) +
					     dm_sketch_rank_error(m->sketch);

				dm_feature_quantiles(w, q, 3, qw);
				dm_feature_quantiles(m, q, 3, qm);
				for (j = 0; j < 3; j++) {
					/* both within eps in rank of each other
					 */
					double fw =
						dm_sketch_cdf(w->sketch, qm[j]);

					if (strcmp(w->name, "x") == 0)
						assert_true(
							fabs(fw - q[j]) <=
							eps + 2.0 / (double)w->count);
					else /* few distinct values: equal */
						assert_true(qw[j] == qm[j]);
				}
			}
		} else {
			assert_int_equal(w->ncats, m->ncats);
			for (j = 0; j < w->ncats; j++)
				assert_int_equal(w->cats[j].count,
						 dm_profile_find(&a, w->name)
							 ->cats[j]
							 .count);
		}
	}
	assert_int_equal(dm_profile_find(&whole, "c")->unseen > 0, 1);
	dm_profile_release(&whole);
	dm_profile_release(&a);
	dm_profile_release(&b);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

struct membuf {
	char *p;
	size_t len;
};

static dm_err mem_sink(void *ctx, const void *data, size_t len)
{
	struct membuf *m = ctx;

	m->p = realloc(m->p, m->len + len + 1);
	assert_non_null(m->p);
	memcpy(m->p + m->len, data, len);
	m->len += len;
	return DM_OK;
}

/* The baseline written with its features rendered ahead on threads
 * (pf_baseline_write_threads: rounds of 2 a thread) is the same text,
 * byte for byte, whatever the threads and the features left over. */
static void check_threaded_write(const dm_profile *p, const char *json,
				 size_t len)
{
	unsigned threads;

	for (threads = 1; threads <= 9; threads++) {
		struct membuf m = {NULL, 0};

		assert_int_equal(
			pf_baseline_write_threads(p, mem_sink, &m, threads),
			DM_OK);
		assert_int_equal(m.len, len);
		assert_memory_equal(m.p, json, len);
		free(m.p);
	}
}

static void baseline_json_round_trip(void **state)
{
	struct table base;
	dm_profile bp, back;
	char *json, *json2;
	size_t len, len2, i, j;
	dm_diag d;

	(void)state;
	make_table(&base, 3000, 0, 0);
	build_baseline(&bp, &base);
	assert_int_equal(dm_baseline_to_json(&bp, &json, &len), DM_OK);
	check_threaded_write(&bp, json, len);
	assert_int_equal(dm_baseline_from_json(json, len, "b.json", &back, &d),
			 DM_OK);
	assert_int_equal(back.nfeat, bp.nfeat);
	assert_int_equal(back.rows, bp.rows);
	for (i = 0; i < bp.nfeat; i++) {
		const dm_feature *x = &bp.feat[i], *y = &back.feat[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->count, y->count);
		assert_int_equal(x->missing, y->missing);
		if (x->type != DM_FEATURE_NUMERIC)
			continue;
		assert_int_equal(x->nedges, y->nedges);
		for (j = 0; j < x->nedges; j++)
			assert_true(x->edges[j] == y->edges[j]);
		for (j = 0; j <= x->nedges; j++)
			assert_int_equal(x->bins[j], y->bins[j]);
		/* 3000 values <= k: the stored sketch is exact */
		assert_true(dm_sketch_is_exact(y->sketch));
		assert_true(x->mom.mean == y->mom.mean);
	}
	/* serialising the loaded baseline gives the same bytes */
	free(back.created_at);
	back.created_at = strdup(bp.created_at);
	assert_int_equal(dm_baseline_to_json(&back, &json2, &len2), DM_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(json, json2, len);
	free(json2);
	dm_profile_release(&back);
	/* a wrong version and a broken field are named */
	{
		char *bad = strdup(json),
		     *p = strstr(bad, "\"format_version\": 2");

		assert_non_null(p);
		p[strlen("\"format_version\": ")] = '9';
		assert_int_equal(
			dm_baseline_from_json(bad, len, "b.json", &back, &d),
			DM_EVERSION);
		assert_non_null(strstr(d.msg, "format_version 9"));
		free(bad);
		bad = strdup(json);
		p = strstr(bad, "\"counts\": [");
		p[1] = 'x';
		assert_int_equal(
			dm_baseline_from_json(bad, len, "b.json", &back, &d),
			DM_EFORMAT);
		assert_non_null(strstr(d.msg, "'b.json'"));
		assert_non_null(strstr(d.msg, "bins"));
		free(bad);
		assert_int_equal(
			dm_baseline_from_json("{", 1, "b.json", &back, &d),
			DM_EFORMAT);
	}
	free(json);
	dm_profile_release(&bp);
	free_table(&base);
}

/* dm_baseline_from_json_mt: a large baseline (padded past 1 MB) parsed
 * with its features on threads gives the same profile, and the same
 * error, as parsed in one piece. */
static char *pad_features(const char *json, size_t len, size_t *out)
{
	const size_t pad = (1u << 20) + 100;
	const char *p = strstr(json, "\"features\": [");
	size_t at;
	char *big;

	assert_non_null(p);
	at = (size_t)(p - json) + strlen("\"features\": [");
	big = malloc(len + pad + 1);
	assert_non_null(big);
	memcpy(big, json, at);
	memset(big + at, ' ', pad);
	memcpy(big + at + pad, json + at, len - at + 1);
	*out = len + pad;
	return big;
}

/* jansson on the whole document (the reference), then the parse of
 * one thread and of two (the sketches' arrays lifted from the text):
 * the same profile or the same error. */
static void same_outcome(const char *json, size_t len, dm_err want)
{
	dm_profile a, b;
	dm_diag da, db;
	char *ja = NULL, *jb = NULL;
	size_t la = 0, lb = 0;
	unsigned t;
	dm_err ea = dmp_baseline_from_json_whole(json, len, "b.json", &a, &da);

	assert_int_equal(ea, want);
	if (want == DM_OK)
		assert_int_equal(dm_baseline_to_json(&a, &ja, &la), DM_OK);
	for (t = 1; t <= 2; t++) {
		dm_err eb = t == 1 ? dm_baseline_from_json(json, len, "b.json",
							   &b, &db)
				   : dm_baseline_from_json_mt(
					     json, len, "b.json", &b, &db, t);

		assert_int_equal(eb, want);
		if (want != DM_OK) {
			assert_string_equal(da.msg, db.msg);
			continue;
		}
		assert_int_equal(dm_baseline_to_json(&b, &jb, &lb), DM_OK);
		assert_int_equal(la, lb);
		assert_memory_equal(ja, jb, la);
		free(jb);
		dm_profile_release(&b);
	}
	free(ja);
	if (want == DM_OK)
		dm_profile_release(&a);
}

/* big with the text at the first `key` (after it: skip bytes) replaced
 * by rep; *len updated. */
static char *edit_at(const char *big, size_t *len, const char *key, size_t skip,
		     const char *rep)
{
	const char *p = strstr(big, key);
	size_t at, rl = strlen(rep), n;
	char *out;

	assert_non_null(p);
	at = (size_t)(p - big) + strlen(key);
	n = *len - at < skip ? *len - at : skip;
	out = malloc(*len + rl + 1);
	assert_non_null(out);
	memcpy(out, big, at);
	memcpy(out + at, rep, rl);
	memcpy(out + at + rl, big + at + n, *len - at - n + 1);
	*len = *len + rl - n;
	return out;
}

/* The length of the number token at the first `key`, after blanks. */
static size_t token_after(const char *big, const char *key)
{
	const char *p = strstr(big, key);
	size_t n = 0;

	assert_non_null(p);
	p += strlen(key);
	while (*p == ' ' || *p == '\n')
		p++, n++;
	while (p[0] && strchr("0123456789+-.eE", p[0]))
		p++, n++;
	return n;
}

/* A baseline of 3,000 rows padded past 1 MB (pad_features), checked to
 * parse alike on threads and in one piece: the text, its length in
 * *blen. */
static char *padded_baseline(size_t *blen)
{
	struct table base;
	dm_profile bp;
	char *json, *big;
	size_t len;

	make_table(&base, 3000, 0, 0);
	build_baseline(&bp, &base);
	assert_int_equal(dm_baseline_to_json(&bp, &json, &len), DM_OK);
	big = pad_features(json, len, blen);
	same_outcome(big, *blen, DM_OK);
	free(json);
	dm_profile_release(&bp);
	free_table(&base);
	return big;
}

/* Sketch arrays read from the text (not by jansson) give the same
 * profile or error as jansson on the whole document, on numbers of every
 * JSON form and on every case the reader leaves to jansson.  tok: the
 * first number after key replaced by rep, else rep inserted there. */
static void baseline_json_lifted(void **state)
{
	static const struct {
		const char *key;
		int tok;
		const char *rep;
		dm_err want;
	} edits[] = {
		/* read from the text */
		{"\"values\": [", 1, " -1E+2 ", DM_OK},
		{"\"values\": [", 1, "\t-1e300\r\n", DM_OK},
		{"\"values\": [", 1, "-123456789012345678", DM_OK},
		{"\"values\": [", 1, "-98765.4321e-3", DM_OK},
		{"\"values\": [", 1, "-0.000000000000000000001234e23", DM_OK},
		{"\"values\": [", 1, "-1.7976931348623157e308", DM_OK},
		{"\"values\": [", 1, "1e-320", DM_EFORMAT}, /* unsorted */
		{"\"values\": [", 0, "-0.0 ,\t0.5e-3\r\n,", DM_EFORMAT},
		{"\"weights\": [", 1, "0", DM_EFORMAT},
		{"\"weights\": [", 1, "-3", DM_EFORMAT},
		{"\"weights\": [", 1, "1", DM_EFORMAT}, /* the sum */
		/* left to jansson */
		{"\"values\": [", 1, "-1234567890123456789", DM_OK},
		{"\"values\": [", 1, "-12345678901234567890123", DM_EFORMAT},
		{"\"values\": [", 1, "-1e999", DM_EFORMAT},
		{"\"values\": [", 1, "-01", DM_EFORMAT},
		{"\"values\": [", 1, "-1.", DM_EFORMAT},
		{"\"values\": [", 1, "-.5", DM_EFORMAT},
		{"\"values\": [", 1, "+1", DM_EFORMAT},
		{"\"values\": [", 1, "-1e", DM_EFORMAT},
		{"\"values\": [", 1, "\"a\"", DM_EFORMAT},
		{"\"values\": [", 1, "null", DM_EFORMAT},
		{"\"values\": [", 1, "[1]", DM_EFORMAT},
		{"\"values\": [", 1, "-1,", DM_EFORMAT},
		{"\"weights\": [", 1, "1.0", DM_EFORMAT},
		{"\"weights\": [", 1, "1e0", DM_EFORMAT},
		{"\"weights\": [", 1, "99999999999999999999", DM_EFORMAT},
		{"\"sketch\": {", 0, "\"values\": [1],", DM_EFORMAT},
		{"\"sketch\": {", 0, "\"weights\": 3,", DM_EFORMAT},
		{"\"sketch\": {", 0, "\"values\": [],", DM_EFORMAT},
		{"\"sketch\": {", 0, "\"v\\u0061lues\": [1],", DM_EFORMAT},
		{"\"sketch\": {", 0, "\"x\": {\"values\": [1]},", DM_OK},
		{"\"rank_error\": ", 0, "\"values\": 1, \"x\": ", DM_EFORMAT},
		{"\"name\": ", 0, "\"sketch\": {}, \"name\": ", DM_EFORMAT},
	};
	char *big, *e;
	size_t blen, n, i;

	(void)state;
	big = padded_baseline(&blen);
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		n = blen;
		e = edit_at(big, &n, edits[i].key,
			    edits[i].tok ? token_after(big, edits[i].key) : 0,
			    edits[i].rep);
		same_outcome(e, n, edits[i].want);
		free(e);
	}
	/* the lengths differ: a weight dropped */
	n = blen;
	e = edit_at(big, &n, "\"weights\": [",
		    token_after(big, "\"weights\": [") + 1, "");
	same_outcome(e, n, DM_EFORMAT);
	free(e);
	free(big);
}

static void baseline_json_threads(void **state)
{
	char *big, *bad, *p;
	size_t blen;

	(void)state;
	big = padded_baseline(&blen);
	/* a feature's field broken: the same message */
	bad = strdup(big);
	p = strstr(bad, "\"counts\": [");
	p[1] = 'x';
	same_outcome(bad, blen, DM_EFORMAT);
	free(bad);
	/* a syntax error inside a feature: the same line and column */
	bad = strdup(big);
	p = strstr(bad, "\"count\":");
	p[7] = ';';
	same_outcome(bad, blen, DM_EFORMAT);
	free(bad);
	/* a comma after the last feature: invalid JSON either way */
	bad = malloc(blen + 2);
	p = strstr(big, "\n  ]");
	assert_non_null(p);
	memcpy(bad, big, (size_t)(p - big));
	bad[p - big] = ',';
	memcpy(bad + (p - big) + 1, p, blen - (size_t)(p - big) + 1);
	same_outcome(bad, blen + 1, DM_EFORMAT);
	free(bad);
	free(big);
}

static void detect_decides(void **state)
{
	struct table base, same, shifted;
	dm_profile bp, c1, c2, c3;
	dm_profile_opts o = {0};
	dm_result r;
	dm_detect_config cfg;

	(void)state;
	make_table(&base, 5000, 0, 0);
	make_table(&same, 2000, 0, 0);
	make_table(&shifted, 2000, 0.5, 1);
	build_baseline(&bp, &base);
	o.reference = &bp;
	o.model_name = "m";
	dm_profile_init(&c1, &o);
	dm_profile_init(&c2, &o);
	dm_profile_init(&c3, &o);
	add_rows(&c1, &o, &same, 0, same.n);
	add_rows(&c2, &o, &shifted, 0, shifted.n);
	add_rows(&c3, &o, &same, 0, 50);
	dm_detect_config_init(&cfg);

	assert_int_equal(dm_detect(&bp, &c1, &cfg, &r, NULL), DM_OK);
	assert_false(r.drift_detected);
	assert_int_equal(r.features_total, 3);
	dm_result_release(&r);

	assert_int_equal(dm_detect(&bp, &c2, &cfg, &r, NULL), DM_OK);
	assert_true(r.drift_detected);
	assert_true(r.features[0].drifted);  /* x shifted by 0.5 sd */
	assert_false(r.features[1].drifted); /* k unchanged */
	assert_true(r.features[2].drifted);  /* c has a new category */
	assert_true(r.features[2].unseen > 0);
	assert_true(fabs(r.drift_score - 2.0 / 3.0) < 1e-12);
	/* Holm: adjusted p >= raw p, monotone in the raw order */
	assert_true(r.features[0].pvalue_adjusted >= r.features[0].pvalue);
	assert_int_equal(dm_result_count_alerts(&r, DM_SEV_CRITICAL), 1);
	dm_result_release(&r);

	assert_int_equal(dm_detect(&bp, &c3, &cfg, &r, NULL), DM_OK);
	assert_true(r.insufficient);
	assert_false(r.drift_detected);
	assert_string_equal(r.alerts[0].code, "INSUFFICIENT_DATA");
	dm_result_release(&r);

	dm_profile_release(&c1);
	dm_profile_release(&c2);
	dm_profile_release(&c3);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&same);
	free_table(&shifted);
}

/* The hour profile of rows [lo, hi) of t against bp, for the hour h. */
static void hour_of(dm_hour_profile *hp, const dm_profile *bp,
		    const struct table *t, size_t lo, size_t hi, int64_t h)
{
	dm_profile_opts o = {0};
	dm_profile cur;

	o.reference = bp;
	dm_profile_init(&cur, &o);
	add_rows(&cur, &o, t, lo, hi);
	dm_hour_profile_init(hp, h);
	assert_int_equal(dm_hour_profile_add_file(hp, "inference-logs/x.csv",
						  123, DM_HOUR_FILE_READ),
			 DM_OK);
	assert_int_equal(dm_hour_profile_take(hp, &cur, bp), DM_OK);
	dm_profile_release(&cur);
}

/* JSON -> profile -> JSON gives the same bytes: every count, bin,
 * category, moment and sketch point reads back exactly (an hour that
 * keeps every value and one whose points were compressed). */
static void hour_profile_round_trip(void **state)
{
	static const size_t sizes[] = {700, 30000};
	struct table base, cur;
	dm_profile bp;
	size_t s;

	(void)state;
	make_table(&base, 20000, 0, 0);
	make_table(&cur, 30000, 0.3, 1);
	build_baseline(&bp, &base);
	for (s = 0; s < 2; s++) {
		dm_hour_profile hp, back;
		char *j1 = NULL, *j2 = NULL;
		size_t l1 = 0, l2 = 0;
		const dm_feature *x;

		hour_of(&hp, &bp, &cur, 0, sizes[s], 3600 * 480000);
		assert_int_equal(
			dm_hour_profile_to_json(&hp, "m", "v1", &j1, &l1),
			DM_OK);
		assert_int_equal(dm_hour_profile_from_json(j1, l1, "p", "m",
							   "v1", 3600 * 480000,
							   &bp, &back, NULL),
				 DM_OK);
		assert_int_equal(
			dm_hour_profile_to_json(&back, "m", "v1", &j2, &l2),
			DM_OK);
		assert_int_equal(l1, l2);
		assert_memory_equal(j1, j2, l1);
		x = dm_profile_find(&back.prof, "x");
		assert_int_equal(x->count, sizes[s]);
		assert_true(x->mom.mean ==
			    dm_profile_find(&hp.prof, "x")->mom.mean);
		assert_int_equal(back.items[0].n, hp.items[0].n);
		/* 700 values are all kept; 30000 are compressed to the cap */
		assert_true(s ? hp.items[0].n <= DM_HOUR_SKETCH_ITEMS &&
					    hp.items[0].err_w > 0
			      : hp.items[0].n == 700 && hp.items[0].err_w == 0);
		assert_int_equal(
			dm_hour_profile_covers(
				&back, (char *const[]){"inference-logs/x.csv"},
				1),
			1);
		assert_int_equal(
			dm_hour_profile_covers(
				&back,
				(char *const[]){"inference-logs/x.csv",
						"inference-logs/late.csv"},
				2),
			0);
		free(j1);
		free(j2);
		dm_hour_profile_release(&hp);
		dm_hour_profile_release(&back);
	}
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

/* A window merged from three hour profiles equals profiling the rows
 * in one go: counts, bins, categories exactly, moments to 1e-12,
 * quantiles within the stated bounds; exact KS while the window keeps
 * every value. */
static void hour_profiles_merge_to_window(void **state)
{
	struct table base, cur;
	dm_profile bp, whole, win;
	dm_profile_opts o = {0};
	dm_window_acc acc;
	size_t i, j, h;

	(void)state;
	make_table(&base, 20000, 0, 0);
	make_table(&cur, 3000, 0.3, 1);
	build_baseline(&bp, &base);
	o.reference = &bp;
	dm_profile_init(&whole, &o);
	add_rows(&whole, &o, &cur, 0, cur.n);
	dm_window_acc_init(&acc);
	dm_profile_init(&win, NULL);
	for (h = 0; h < 3; h++) {
		dm_hour_profile hp;

		hour_of(&hp, &bp, &cur, h * 1000, (h + 1) * 1000,
			3600 * (int64_t)h);
		assert_int_equal(dm_window_acc_add(&acc, &hp, NULL), DM_OK);
		dm_hour_profile_release(&hp);
	}
	assert_int_equal(acc.files_read, 3);
	assert_int_equal(dm_window_acc_finish(&acc, &win), DM_OK);
	dm_window_acc_release(&acc);
	assert_int_equal(win.rows, whole.rows);
	for (i = 0; i < whole.nfeat; i++) {
		const dm_feature *w = &whole.feat[i], *m = &win.feat[i];

		assert_string_equal(w->name, m->name);
		assert_int_equal(w->count, m->count);
		assert_int_equal(w->missing, m->missing);
		assert_int_equal(w->unseen, m->unseen);
		if (w->type == DM_FEATURE_NUMERIC) {
			double q[3] = {0.1, 0.5, 0.9}, qw[3], qm[3];

			for (j = 0; j <= w->nedges; j++)
				assert_int_equal(w->bins[j], m->bins[j]);
			assert_true(fabs(w->mom.mean - m->mom.mean) < 1e-12);
			assert_true(fabs(w->mom.m2 / m->mom.m2 - 1) < 1e-12);
			assert_true(dm_sketch_is_exact(m->sketch));
			dm_feature_quantiles(w, q, 3, qw);
			dm_feature_quantiles(m, q, 3, qm);
			for (j = 0; j < 3; j++)
				assert_true(qw[j] == qm[j]);
		} else {
			assert_int_equal(w->ncats, m->ncats);
			for (j = 0; j < w->ncats; j++) {
				assert_string_equal(w->cats[j].value,
						    m->cats[j].value);
				assert_int_equal(w->cats[j].count,
						 m->cats[j].count);
			}
		}
		{
			double pm = dm_feature_psi(&bp.feat[i], m);
			double pw = dm_feature_psi(&bp.feat[i], w);

			assert_true(pm == pw || (isnan(pm) && isnan(pw)));
			assert_true(dm_role_analysed(bp.feat[i].role) ==
				    !isnan(pw));
		}
	}
	dm_profile_release(&whole);
	dm_profile_release(&win);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Windows of many hours, whose points are folded into the window's
 * bounded store more than once (k = 4096 here): 4 hours of 1,000
 * values stay exact (at most k distinct values); 40 hours are compressed to at
 * most k points, and the window's CDF is within the stated bound of the exact
 * CDF of the 40,000 values everywhere, the bound itself small; counts and bins
 * stay exact. */
static void hour_profiles_many_hours(void **state)
{
	static const size_t hours[] = {4, 40};
	struct table base, cur;
	dm_profile bp;
	size_t s;

	(void)state;
	make_table(&base, 20000, 0, 0);
	make_table(&cur, 40000, 0.3, 1);
	build_baseline(&bp, &base);
	for (s = 0; s < 2; s++) {
		size_t nh = hours[s], n = nh * 1000, i, j, np = 0;
		dm_window_acc acc;
		dm_profile whole, win;
		dm_profile_opts o = {0};
		const dm_feature *x, *wx;
		double *sorted, *v = NULL, err;
		uint64_t *w = NULL;

		o.reference = &bp;
		dm_profile_init(&whole, &o);
		add_rows(&whole, &o, &cur, 0, n);
		dm_window_acc_init(&acc);
		dm_profile_init(&win, NULL);
		for (i = 0; i < nh; i++) {
			dm_hour_profile hp;

			hour_of(&hp, &bp, &cur, i * 1000, (i + 1) * 1000,
				3600 * (int64_t)i);
			assert_int_equal(dm_window_acc_add(&acc, &hp, NULL),
					 DM_OK);
			dm_hour_profile_release(&hp);
		}
		assert_int_equal(dm_window_acc_finish(&acc, &win), DM_OK);
		dm_window_acc_release(&acc);
		x = dm_profile_find(&win, "x");
		wx = dm_profile_find(&whole, "x");
		assert_int_equal(x->count, n);
		for (j = 0; j <= wx->nedges; j++)
			assert_int_equal(x->bins[j], wx->bins[j]);
		assert_int_equal(dm_sketch_count(x->sketch), n);
		assert_int_equal(dm_sketch_items(x->sketch, &v, &w, &np),
				 DM_OK);
		assert_true(np <= bp.sketch_k);
		free(v);
		free(w);
		err = dm_sketch_rank_error(x->sketch);
		if (s == 0) {
			double q[3] = {0.1, 0.5, 0.9}, qw[3], qm[3];

			assert_true(dm_sketch_is_exact(x->sketch));
			assert_int_equal(np, n);
			dm_feature_quantiles(wx, q, 3, qw);
			dm_feature_quantiles(x, q, 3, qm);
			for (j = 0; j < 3; j++)
				assert_true(qw[j] == qm[j]);
		} else {
			assert_false(dm_sketch_is_exact(x->sketch));
			assert_true(err > 0 && err < 5e-3);
		}
		/* the CDF at every value and between: within the bound */
		sorted = malloc(n * sizeof(double));
		memcpy(sorted, cur.x, n * sizeof(double));
		qsort(sorted, n, sizeof(double), cmp_double);
		for (i = 0; i < n; i += 7) {
			double exact = (double)(i + 1) / (double)n;

			assert_true(fabs(dm_sketch_cdf(x->sketch, sorted[i]) -
					 exact) <= err + 1e-12);
		}
		free(sorted);
		dm_profile_release(&whole);
		dm_profile_release(&win);
	}
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

/* j with the first occurrence of from replaced by to (malloc'd). */
static char *replace1(const char *j, const char *from, const char *to)
{
	const char *at = strstr(j, from);
	size_t n = strlen(j) - strlen(from) + strlen(to);
	char *o;

	assert_non_null(at);
	o = malloc(n + 1);
	memcpy(o, j, (size_t)(at - j));
	memcpy(o + (at - j), to, strlen(to));
	memcpy(o + (at - j) + strlen(to), at + strlen(from),
	       strlen(at + strlen(from)) + 1);
	return o;
}

/* Truncated, foreign-version, other-baseline, other-hour and edited
 * profiles are refused with the error that says why. */
static void hour_profile_refuses_corrupt(void **state)
{
	struct table base, cur;
	dm_profile bp;
	dm_hour_profile hp, back;
	char *j = NULL, *bad;
	size_t l = 0;
	dm_diag d;

	(void)state;
	make_table(&base, 5000, 0, 0);
	make_table(&cur, 500, 0.3, 1);
	build_baseline(&bp, &base);
	hour_of(&hp, &bp, &cur, 0, cur.n, 7200);
	assert_int_equal(dm_hour_profile_to_json(&hp, "m", "v1", &j, &l),
			 DM_OK);
	dm_diag_clear(&d);
	assert_int_equal(dm_hour_profile_from_json(j, l / 2, "p", "m", "v1",
						   7200, &bp, &back, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "not valid JSON"));
	bad = replace1(j, "\"format_version\":2", "\"format_version\":3");
	assert_int_equal(dm_hour_profile_from_json(bad, strlen(bad), "p", "m",
						   "v1", 7200, &bp, &back, &d),
			 DM_EVERSION);
	free(bad);
	assert_int_equal(dm_hour_profile_from_json(j, l, "p", "m", "v1", 3600,
						   &bp, &back, &d),
			 DM_ESCHEMA);
	assert_int_equal(dm_hour_profile_from_json(j, l, "p", "m", "v2", 7200,
						   &bp, &back, &d),
			 DM_ESCHEMA);
	bad = replace1(j, "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z");
	assert_int_equal(dm_hour_profile_from_json(bad, strlen(bad), "p", "m",
						   "v1", 7200, &bp, &back, &d),
			 DM_ESCHEMA);
	assert_non_null(strstr(d.msg, "another baseline"));
	free(bad);
	bad = replace1(j, "\"bins\":[", "\"bins\":[1");
	assert_int_equal(dm_hour_profile_from_json(bad, strlen(bad), "p", "m",
						   "v1", 7200, &bp, &back, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "do not add up"));
	free(bad);
	bad = replace1(j, "\"baseline_fingerprint\":\"",
		       "\"baseline_fingerprint\":\"0");
	assert_int_equal(dm_hour_profile_from_json(bad, strlen(bad), "p", "m",
						   "v1", 7200, &bp, &back, &d),
			 DM_ESCHEMA);
	free(bad);
	free(j);
	dm_hour_profile_release(&hp);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

/* j with its first sketch replaced by n points (values 0..n-1, weights
 * 1 but the last, all adding up to count), encoded as format 2 does. */
static char *with_sketch_of(const char *j, size_t n, uint64_t count)
{
	const char *at = strstr(j, "\"sketch\":{"), *end;
	double *v = malloc(n * sizeof(double));
	uint64_t *w = malloc(n * sizeof(uint64_t));
	char *sv, *sw, *sk, *o;
	size_t lv, lw, i, m;

	assert_non_null(at);
	end = strchr(at, '}');
	for (i = 0; i < n; i++) {
		v[i] = (double)i;
		w[i] = 1;
	}
	w[n - 1] = count - (n - 1);
	assert_int_equal(hpc_values_encode(v, n, &sv, &lv), 0);
	assert_int_equal(hpc_weights_encode(w, n, &sw, &lw), 0);
	m = lv + lw + 100;
	sk = malloc(m);
	snprintf(sk, m,
		 "\"sketch\":{\"error_weight\":0,\"n\":%zu,\"values\":\"%s\","
		 "\"weights\":\"%s\"}",
		 n, sv, sw);
	m = strlen(j) + strlen(sk) + 1;
	o = malloc(m);
	snprintf(o, m, "%.*s%s%s", (int)(at - j), j, sk, end + 1);
	free(v);
	free(w);
	free(sv);
	free(sw);
	free(sk);
	return o;
}

/* The bound on a stored sketch's points: 1024 read, 1025 refused with
 * the reader's own message. */
static void hour_profile_bounds_sketch_n(void **state)
{
	struct table base, cur;
	dm_profile bp;
	dm_hour_profile hp, back;
	char *j = NULL, *bad;
	size_t l = 0, i;
	uint64_t count = 0;
	dm_diag d;

	(void)state;
	make_table(&base, 3000, 0, 0);
	make_table(&cur, 3000, 0.3, 1);
	build_baseline(&bp, &base);
	hour_of(&hp, &bp, &cur, 0, cur.n, 7200);
	for (i = 0; i < hp.prof.nfeat && !count; i++)
		if (hp.prof.feat[i].type == DM_FEATURE_NUMERIC &&
		    dm_role_analysed(hp.prof.feat[i].role))
			count = hp.prof.feat[i].count;
	assert_true(count >= DM_HOUR_SKETCH_ITEMS + 1);
	assert_int_equal(dm_hour_profile_to_json(&hp, "m", "v1", &j, &l),
			 DM_OK);
	bad = with_sketch_of(j, DM_HOUR_SKETCH_ITEMS, count);
	dm_diag_clear(&d);
	assert_int_equal(dm_hour_profile_from_json(bad, strlen(bad), "p", "m",
						   "v1", 7200, &bp, &back, &d),
			 DM_OK);
	assert_int_equal(back.items[i - 1].n, DM_HOUR_SKETCH_ITEMS);
	dm_hour_profile_release(&back);
	free(bad);
	bad = with_sketch_of(j, DM_HOUR_SKETCH_ITEMS + 1, count);
	assert_int_equal(dm_hour_profile_from_json(bad, strlen(bad), "p", "m",
						   "v1", 7200, &bp, &back, &d),
			 DM_EFORMAT);
	assert_non_null(strstr(d.msg, "at most 1024"));
	free(bad);
	free(j);
	dm_hour_profile_release(&hp);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

/* Every allocation of reading an hour profile back and merging it into a
 * window, made to fail in turn: a clean error (jansson reports its own
 * failures as malformed JSON), never a crash or a leak. */
static void hour_profile_alloc_failures(void **state)
{
#ifdef DMTEST_ASAN
	(void)state;
	skip();
#else
	struct table base, cur;
	dm_profile bp, win;
	dm_hour_profile hp;
	char *j = NULL;
	size_t l = 0;
	long n;

	(void)state;
	make_table(&base, 3000, 0, 0);
	make_table(&cur, 400, 0.3, 1);
	build_baseline(&bp, &base);
	hour_of(&hp, &bp, &cur, 0, cur.n, 7200);
	assert_int_equal(dm_hour_profile_to_json(&hp, "m", "v1", &j, &l),
			 DM_OK);
	dm_hour_profile_release(&hp);
	for (n = 0;; n++) {
		long before = live_blocks;
		dm_hour_profile back;
		dm_window_acc acc;
		dm_err err;

		dm_window_acc_init(&acc);
		dm_profile_init(&win, NULL);
		fail_hit = 0;
		fail_countdown = n;
		err = dm_hour_profile_from_json(j, l, "p", "m", "v1", 7200, &bp,
						&back, NULL);
		if (err == DM_OK) {
			err = dm_window_acc_add(&acc, &back, NULL);
			if (err == DM_OK)
				err = dm_window_acc_finish(&acc, &win);
			dm_hour_profile_release(&back);
		}
		fail_countdown = -1;
		dm_window_acc_release(&acc);
		dm_profile_release(&win);
		assert_true(err == DM_OK || err == DM_ENOMEM ||
			    err == DM_EFORMAT);
		assert_int_equal(live_blocks, before);
		if (!fail_hit) {
			assert_int_equal(err, DM_OK);
			break;
		}
	}
	assert_true(n > 50);
	free(j);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
#endif
}

/* Text cells of a numeric column (as the CSV reader gives them): parsed
 * a run at a time (dmio_parse_cells), the NULLs counted as missing, a
 * marker as missing, a bad cell noted; with strict, the first bad cell
 * reported with its own row and column. */
static void text_numbers_counted(void **state)
{
	enum { N = 400 };
	static dm_strref cells[N], idc[N];
	static uint8_t nl[N];
	static char vbuf[N][16], idbuf[N][8];
	dm_column cols[2];
	char *cn[] = {"id", "x"};
	dm_batch b;
	dm_profile p;
	dm_profile_opts o = {0};
	dm_diag d;
	const dm_feature *f;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		if (i % 10 == 1)
			vbuf[i][0] = 0; /* NULL */
		else if (i == 3)
			strcpy(vbuf[i], "NA");
		else if (i == 257)
			strcpy(vbuf[i], "x");
		else if (i == 350)
			strcpy(vbuf[i], "bad");
		else
			snprintf(vbuf[i], sizeof(vbuf[i]), "%zu.5", i);
		cells[i].ptr = vbuf[i];
		cells[i].len = (uint32_t)strlen(vbuf[i]);
		nl[i] = cells[i].len == 0;
		snprintf(idbuf[i], sizeof(idbuf[i]), "r%zu", i);
		idc[i].ptr = idbuf[i];
		idc[i].len = (uint32_t)strlen(idbuf[i]);
	}
	memset(cols, 0, sizeof(cols));
	cols[0].type = DM_COL_TEXT;
	cols[0].str = idc;
	cols[1].type = DM_COL_TEXT;
	cols[1].str = cells;
	cols[1].null = nl;
	memset(&b, 0, sizeof(b));
	b.nrows = N;
	b.ncols = 2;
	b.cols = cols;
	b.first_row = 100;

	dm_profile_init(&p, &o);
	assert_int_equal(dm_profile_add_batch(&p, &o, &b, cn, "t", NULL),
			 DM_OK);
	f = dm_profile_find(&p, "x");
	assert_non_null(f);
	assert_int_equal(f->count, N - 40 - 3);
	assert_int_equal(f->missing, 41);
	assert_int_equal(f->invalid, 2);
	assert_string_equal(f->invalid_example, "x");
	dm_profile_release(&p);

	o.strict = 1;
	dm_profile_init(&p, &o);
	dm_diag_clear(&d);
	assert_int_equal(dm_profile_add_batch(&p, &o, &b, cn, "t", &d),
			 DM_EFORMAT);
	assert_int_equal(d.row, 357); /* "x": the row of index 257 */
	assert_string_equal(d.column, "x");
	assert_non_null(strstr(d.msg, "'x'"));
	dm_profile_release(&p);
}

/* A batch of numbers whose rows are all of the model counts them as an
 * unfiltered one; a batch with other models' rows leaves those out. */
static void model_filter_numbers(void **state)
{
	struct table base, cur;
	dm_profile bp, all, unf, some;
	dm_profile_opts o = {0}, ou = {0};
	const dm_feature *fa, *fu, *fs;

	(void)state;
	make_table(&base, 3000, 0, 0);
	make_table(&cur, 2000, 0, 0);
	build_baseline(&bp, &base);
	o.reference = &bp;
	o.model_name = "m";
	ou.reference = &bp;
	dm_profile_init(&all, &o);
	dm_profile_init(&unf, &ou);
	dm_profile_init(&some, &o);
	add_mixed(&all, &o, &cur, 0);
	add_mixed(&unf, &ou, &cur, 0);
	add_mixed(&some, &o, &cur, 10);
	fa = dm_profile_find(&all, "x");
	fu = dm_profile_find(&unf, "x");
	fs = dm_profile_find(&some, "x");
	assert_non_null(fa);
	assert_non_null(fu);
	assert_non_null(fs);
	assert_int_equal(fa->count, 2000);
	assert_int_equal(fa->count, fu->count);
	assert_memory_equal(&fa->mom, &fu->mom, sizeof(fa->mom));
	assert_int_equal(all.rows, 2000);
	assert_int_equal(some.rows, 1800);
	assert_int_equal(fs->count, 1800);
	assert_true(fs->mom.max < 1e6);
	dm_profile_release(&all);
	dm_profile_release(&unf);
	dm_profile_release(&some);
	dm_profile_release(&bp);
	free_table(&base);
	free_table(&cur);
}

/* A block's moments are dm_moments_add_block's, bit for bit, on every
 * path of the profile: numbers without NULLs (the fused first pass),
 * with NULLs, as text (parsed), and in current mode beside the bins and
 * against the baseline's ECDF; blocks of several lengths, so that every
 * tail of the lanes runs. */
static void moments_on(size_t n, double *x, uint8_t *nl, dm_strref *txt)
{
	static double kept[1100];
	dm_column cols[3];
	char *cn[] = {"a", "b", "c"};
	const char *const fn[] = {"a", "b", "c"};
	dm_batch b;
	dm_profile base, cur, win;
	dm_profile_opts o = {0}, oc = {0}, ow = {0};
	dm_moments want, wantb;
	size_t i, nk = 0;
	int k;

	for (i = 0; i < n; i++)
		if (!nl[i])
			kept[nk++] = x[i];
	memset(cols, 0, sizeof(cols));
	cols[0].type = DM_COL_DOUBLE;
	cols[0].f64 = x;
	cols[1].type = DM_COL_DOUBLE;
	cols[1].f64 = x;
	cols[1].null = nl;
	cols[2].type = DM_COL_TEXT;
	cols[2].str = txt;
	memset(&b, 0, sizeof(b));
	b.nrows = n;
	b.ncols = 3;
	b.cols = cols;
	b.first_row = 1;
	memset(&want, 0, sizeof(want));
	memset(&wantb, 0, sizeof(wantb));
	dm_moments_add_block(&want, x, n);
	dm_moments_add_block(&wantb, kept, nk);

	dm_profile_init(&base, &o);
	assert_int_equal(dm_profile_add_batch(&base, &o, &b, cn, "t", NULL),
			 DM_OK);
	for (k = 0; k < 3; k++) {
		const dm_feature *f = dm_profile_find(&base, fn[k]);

		assert_non_null(f);
		assert_memory_equal(&f->mom, k == 1 ? &wantb : &want,
				    sizeof(want));
	}
	assert_int_equal(dm_profile_finish(&base, NULL), DM_OK);

	oc.reference = &base; /* bins beside the second pass */
	ow.reference = &base;
	ow.window_ecdf = 1; /* counted against the stored ECDF */
	dm_profile_init(&cur, &oc);
	dm_profile_init(&win, &ow);
	assert_int_equal(dm_profile_add_batch(&cur, &oc, &b, cn, "t", NULL),
			 DM_OK);
	assert_int_equal(dm_profile_add_batch(&win, &ow, &b, cn, "t", NULL),
			 DM_OK);
	for (k = 0; k < 3; k++) {
		const dm_feature *fc = dm_profile_find(&cur, fn[k]);
		const dm_feature *fw = dm_profile_find(&win, fn[k]);

		assert_non_null(fc);
		assert_non_null(fw);
		assert_non_null(fc->bins);
		assert_memory_equal(&fc->mom, k == 1 ? &wantb : &want,
				    sizeof(want));
		assert_memory_equal(&fw->mom, k == 1 ? &wantb : &want,
				    sizeof(want));
	}
	dm_profile_release(&win);
	dm_profile_release(&cur);
	dm_profile_release(&base);
}

/* The scalar meaning of pf_evidence_numbers' integer and code checks
 * (infer.c does them four values a step): every value an integer, and
 * every one within PF_CODE_SPAN of base, then marked. */
static void evidence_reference(const double *v, size_t n, int *all_int,
			       int *code_ok, double base, uint64_t *bits)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double a = fabs(v[i]);

		if (!(a >= 0x1p52 || floor(a) == a))
			*all_int = 0;
	}
	if (!*all_int) {
		*code_ok = 0;
		return;
	}
	for (i = 0; i < n && *code_ok; i++) {
		double d = v[i] - base;

		if (!(d >= 0 && d < PF_CODE_SPAN))
			*code_ok = 0;
	}
	for (i = 0; i < n && *code_ok; i++) {
		unsigned k = (unsigned)(v[i] - base);

		bits[k >> 6] |= 1ull << (k & 63);
	}
}

/* Batches of every length up to 13, a value that breaks a check at every
 * position (a fraction, one past the code span on either side, -0.0,
 * 2^52 and beyond): the same evidence as the scalar reference. */
static void evidence_vector_loops(void **state)
{
	static const double odd[] = {0.5,   -0.25,  129.0,	  -129.0,
				     -0.0,  0x1p52, 0x1p53 + 2.0, 1e300,
				     127.0, -128.0};
	double v[13];
	size_t n, at, o, i;

	(void)state;
	for (n = 1; n <= 13; n++)
		for (at = 0; at <= n; at++)
			for (o = 0; o < sizeof(odd) / sizeof(odd[0]); o++) {
				pf_evidence *e = pf_evidence_new();
				int all_int = 1, code_ok = 1;
				uint64_t bits[PF_CODE_SPAN / 64] = {0};

				assert_non_null(e);
				e->gather = 1;
				for (i = 0; i < n; i++)
					v[i] = (double)((i * 7) % 5) - 2.0;
				if (at < n && at > 0)
					v[at] = odd[o];
				/* a first batch of 0 sets the base at -128,
				 * then the batch itself */
				v[0] = at == 0 ? 0.0 : v[0];
				pf_evidence_numbers(e, (const double[]){0.0},
						    1);
				evidence_reference((const double[]){0.0}, 1,
						   &all_int, &code_ok, -128.0,
						   bits);
				pf_evidence_numbers(e, v, n);
				evidence_reference(v, n, &all_int, &code_ok,
						   -128.0, bits);
				assert_int_equal(!!e->all_int, all_int);
				assert_int_equal(!!e->code_ok, code_ok);
				if (code_ok)
					assert_memory_equal(e->code_bits, bits,
							    sizeof(bits));
				pf_evidence_free(e);
			}
}

static void moments_are_the_block_moments(void **state)
{
	enum { N = 1100 };
	static double x[N];
	static uint8_t nl[N];
	static dm_strref txt[N];
	static char tbuf[N][32];
	uint64_t r = 88172645463325252ull;
	size_t i, n;

	(void)state;
	for (i = 0; i < N; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		/* magnitudes from 1e-3 to 1e5: lanes whose sums differ in
		 * exponent, so a value in the wrong lane changes the bits */
		x[i] = exp((double)(r >> 11) * 0x1p-53 * 18.0 - 7.0) *
		       (r & 1 ? 1.0 : -0.5);
		nl[i] = i % 7 == 3;
		snprintf(tbuf[i], sizeof(tbuf[i]), "%.17g", x[i]);
		txt[i].ptr = tbuf[i];
		txt[i].len = (uint32_t)strlen(tbuf[i]);
	}
	for (n = 1000; n < 1100; n += 7)
		moments_on(n, x, nl, txt);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_equals_union),
		cmocka_unit_test(model_filter_numbers),
		cmocka_unit_test(baseline_json_round_trip),
		cmocka_unit_test(baseline_json_threads),
		cmocka_unit_test(baseline_json_lifted),
		cmocka_unit_test(detect_decides),
		cmocka_unit_test(hour_profile_round_trip),
		cmocka_unit_test(hour_profiles_merge_to_window),
		cmocka_unit_test(hour_profiles_many_hours),
		cmocka_unit_test(hour_profile_refuses_corrupt),
		cmocka_unit_test(hour_profile_bounds_sketch_n),
		cmocka_unit_test(hour_profile_alloc_failures),
		cmocka_unit_test(text_numbers_counted),
		cmocka_unit_test(moments_are_the_block_moments),
		cmocka_unit_test(evidence_vector_loops),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
