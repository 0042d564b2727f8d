/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitoring spec in YAML (src/profile/spec_yaml.c): write -> parse
 * round trips (odd column names included), every error path with its
 * line and key path, the limits, and the spec suggested from a profile.
 */
#include "dmtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/profile.h"
#include "driftmon/schema.h"

/* ---- allocation failures ---------------------------------------------- */
/*
 * As in test_parquet.c: in builds without AddressSanitizer the binary
 * interposes malloc, calloc and realloc (libyaml's allocations included)
 * so that a test can make the Nth allocation fail; every error path must
 * then end in DM_ENOMEM without a leak.
 */
#include "dmtest_alloc.h"

/* ---- helpers ------------------------------------------------------- */
static char **strv(const char *const *src, size_t n)
{
	char **v = calloc(n + 1, sizeof(*v));
	size_t i;

	assert_non_null(v);
	for (i = 0; i < n; i++)
		assert_non_null(v[i] = strdup(src[i]));
	return v;
}

static void add_col(dm_spec *s, const char *name)
{
	dm_column_spec *cs;

	s->cols = realloc(s->cols, (s->ncols + 1) * sizeof(*s->cols));
	assert_non_null(s->cols);
	cs = &s->cols[s->ncols++];
	memset(cs, 0, sizeof(*cs));
	assert_non_null(cs->name = strdup(name));
	cs->psi_threshold = cs->alpha = cs->min_effect = cs->importance = NAN;
}

static int num_eq(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void assert_strs_equal(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void assert_opt_str_equal(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Every field but comments and lines. */
static void assert_spec_equal(const dm_spec *a, const dm_spec *b)
{
	size_t i;

	assert_int_equal(a->version, b->version);
	assert_opt_str_equal(a->model, b->model);
	assert_opt_str_equal(a->model_version, b->model_version);
	assert_true(num_eq(a->psi_threshold, b->psi_threshold));
	assert_true(num_eq(a->alpha, b->alpha));
	assert_true(num_eq(a->critical_threshold, b->critical_threshold));
	assert_true(num_eq(a->min_performance_drop, b->min_performance_drop));
	assert_int_equal(a->has_min_samples, b->has_min_samples);
	assert_int_equal(a->min_samples, b->min_samples);
	assert_int_equal(a->has_missing, b->has_missing);
	assert_strs_equal(a->missing, a->nmissing, b->missing, b->nmissing);
	assert_int_equal(a->ncols, b->ncols);
	for (i = 0; i < a->ncols; i++) {
		const dm_column_spec *x = &a->cols[i], *y = &b->cols[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->has_role, y->has_role);
		if (x->has_role)
			assert_int_equal(x->role, y->role);
		assert_int_equal(x->has_type, y->has_type);
		if (x->has_type)
			assert_int_equal(x->type, y->type);
		assert_opt_str_equal(x->test, y->test);
		assert_true(num_eq(x->psi_threshold, y->psi_threshold));
		assert_true(num_eq(x->alpha, y->alpha));
		assert_true(num_eq(x->min_effect, y->min_effect));
		assert_true(num_eq(x->importance, y->importance));
		assert_int_equal(x->has_missing, y->has_missing);
		assert_strs_equal(x->missing, x->nmissing, y->missing,
				  y->nmissing);
	}
}

/* write s, parse it back, compare; returns the YAML (caller frees) */
static char *round_trip(const dm_spec *s)
{
	dm_spec back;
	dm_diag d;
	char *y = NULL;
	size_t len = 0;
	dm_err err;

	assert_int_equal(dm_spec_to_yaml(s, &y, &len), DM_OK);
	assert_non_null(y);
	assert_int_equal(strlen(y), len);
	dm_diag_clear(&d);
	err = dm_spec_parse_yaml(y, len, "rt.yaml", &back, &d);
	if (err != DM_OK)
		fail_msg("%s\n--- YAML ---\n%s", d.msg, y);
	assert_spec_equal(s, &back);
	dm_spec_release(&back);
	return y;
}

/* ---- round trips ----------------------------------------------------- */
static void round_trip_full(void **state)
{
	static const char *const dmiss[] = {"", "NA", "n/a", "-999", "null"};
	static const char *const cmiss[] = {"None", "?"};
	dm_spec s;
	char *y;

	(void)state;
	dm_spec_init(&s);
	s.model = strdup("spam-detector");
	s.model_version = strdup("v1.2");
	s.psi_threshold = 0.25;
	s.alpha = 0.001;
	s.critical_threshold = 0.6;
	s.min_performance_drop = 0.035;
	s.min_samples = 500;
	s.has_min_samples = 1;
	s.missing = strv(dmiss, 5);
	s.nmissing = 5;
	s.has_missing = 1;
	add_col(&s, "customer_id");
	s.cols[0].has_role = 1;
	s.cols[0].role = DM_ROLE_IDENTIFIER;
	s.cols[0].has_type = 1;
	s.cols[0].type = DM_LTYPE_INTEGER;
	s.cols[0].comment = strdup("inferred: unique, increasing integers");
	add_col(&s, "amount");
	s.cols[1].has_role = 1;
	s.cols[1].role = DM_ROLE_FEATURE;
	s.cols[1].has_type = 1;
	s.cols[1].type = DM_LTYPE_NUMERIC;
	s.cols[1].test = strdup("ks");
	s.cols[1].psi_threshold = 0.3;
	s.cols[1].alpha = 0.05;
	s.cols[1].min_effect = 0.1;
	s.cols[1].importance = 2.5;
	s.cols[1].missing = strv(cmiss, 2);
	s.cols[1].nmissing = 2;
	s.cols[1].has_missing = 1;
	add_col(&s, "children");
	s.cols[2].has_missing = 1; /* an empty list: no markers at all */
	add_col(&s, "no_settings");
	y = round_trip(&s);
	assert_non_null(strstr(y, "# driftmon monitoring spec"));
	assert_non_null(strstr(y, "\nversion: 1\n"));
	assert_non_null(strstr(y, "role: identifier  # inferred: unique, "
				  "increasing integers\n"));
	assert_non_null(strstr(y, "missing_values: [\"\", \"NA\", \"n/a\", "
				  "\"-999\", \"null\"]"));
	assert_non_null(strstr(y, "  no_settings: {}\n"));
	free(y);
	dm_spec_release(&s);
}

/* Built-in defaults are written as comments; an empty defaults: and an
 * empty columns: read back as "nothing given". */
static void round_trip_empty(void **state)
{
	dm_spec s;
	char *y;

	(void)state;
	dm_spec_init(&s);
	y = round_trip(&s);
	assert_non_null(strstr(y, "  # psi_threshold: 0.2         built-in: "
				  "PSI above which drift is significant\n"));
	assert_non_null(strstr(y, "  # min_samples: 100           "
				  "built-in: "));
	assert_non_null(strstr(y, "\ncolumns: {}\n"));
	free(y);
	dm_spec_release(&s);
}

static const char *const odd_names[] = {
	"a b",
	" leading",
	"trailing ",
	"a:b",
	"a: b",
	"key:",
	"\"quoted\"",
	"it's",
	"#hash",
	"a #b",
	"- dash",
	"-",
	"?",
	":",
	"[x]",
	"{y}",
	"a,b",
	"&anchor",
	"*alias",
	"!tag",
	"%pct",
	"@at",
	"`bt`",
	"|",
	">",
	"yes",
	"No",
	"TRUE",
	"off",
	"y",
	"N",
	"null",
	"Null",
	"~",
	"1e3",
	"0x1F",
	"0o17",
	"123",
	"-1",
	"1.5",
	".5",
	".inf",
	"-.inf",
	".nan",
	"nan",
	"inf",
	"1_000",
	"12:30",
	"2024-01-02",
	"<<",
	"=",
	"ünïcødé",
	"日本語",
	"emoji \xf0\x9f\x98\x80",
	"tab\there",
	"new\nline",
	"cr\rx",
	"back\\slash",
	"del\x7f",
	"ctl\x01\x1f",
	"nel\xc2\x85x",
	"c1\xc2\x90x",
	"ls\xe2\x80\xa8ps\xe2\x80\xa9",
	"\xef\xbb\xbf"
	"bom",
	"nbsp\xc2\xa0x",
	"fffe\xef\xbf\xbe",
	"plane1 \xf0\x90\x80\x80",
	"x",
	"_",
	"a.b-c/d",
	"---",
	"...",
	"'",
	"\"",
	"\\",
	" ",
	"very long "
	"name name name name name name name name name name"};

static void round_trip_odd_names(void **state)
{
	size_t n = sizeof(odd_names) / sizeof(odd_names[0]), i;
	dm_spec s;
	char *y;

	(void)state;
	dm_spec_init(&s);
	s.model = strdup("yes");
	s.model_version = strdup("1.0");
	s.nmissing = n < DM_SPEC_MAX_MARKERS ? n : DM_SPEC_MAX_MARKERS;
	s.missing = strv(odd_names + n - s.nmissing, s.nmissing);
	s.has_missing = 1;
	for (i = 0; i < n; i++) {
		add_col(&s, odd_names[i]);
		s.cols[i].has_role = 1;
		s.cols[i].role = (dm_role)(i % DM_ROLE_COUNT_);
		s.cols[i].comment = strdup(odd_names[i]); /* comments too */
	}
	y = round_trip(&s);
	/* names YAML would read as other things are quoted */
	assert_non_null(strstr(y, "\n  \"yes\":\n"));
	assert_non_null(strstr(y, "\n  \"null\":\n"));
	assert_non_null(strstr(y, "\n  \"1e3\":\n"));
	assert_non_null(strstr(y, "\n  \"new\\nline\":\n"));
	assert_non_null(strstr(y, "model: \"yes\"\n"));
	assert_non_null(strstr(y, "\n  a.b-c/d:\n"));
	free(y);
	dm_spec_release(&s);
}

/* Names up to the limit, however long once quoted (YAML's implicit keys
 * stop at 1024 characters: the writer switches to explicit keys). */
static void round_trip_long_names(void **state)
{
	char a[DM_SPEC_MAX_NAME + 1], q[DM_SPEC_MAX_NAME + 1],
		u[DM_SPEC_MAX_NAME + 1], c[DM_SPEC_MAX_NAME + 1];
	dm_spec s;
	char *y;
	size_t i;

	(void)state;
	memset(a, 'x', DM_SPEC_MAX_NAME);
	a[DM_SPEC_MAX_NAME] = '\0';
	memset(q, '"', DM_SPEC_MAX_NAME);
	q[DM_SPEC_MAX_NAME] = '\0';
	for (i = 0; i < DM_SPEC_MAX_NAME; i += 2)
		memcpy(u + i, "\xc3\xa9", 2);
	u[DM_SPEC_MAX_NAME] = '\0';
	memset(c, '\x01', DM_SPEC_MAX_NAME);
	c[DM_SPEC_MAX_NAME] = '\0';
	dm_spec_init(&s);
	add_col(&s, a);
	add_col(&s, q);
	s.cols[1].has_role = 1;
	s.cols[1].comment = strdup("a comment");
	add_col(&s, u);
	add_col(&s, c);
	s.cols[3].has_type = 1;
	s.cols[3].type = DM_LTYPE_TEXT;
	y = round_trip(&s);
	assert_non_null(strstr(y, "\n  ? \"\\\"\\\""));
	free(y);
	dm_spec_release(&s);
}

/* Hand-written YAML in other styles reads as the same spec. */
static void parse_styles(void **state)
{
	static const char text[] =
		"# comment\n"
		"version: 1\n"
		"model: 'spam detector'\n"
		"defaults: {psi_threshold: 2e-1, alpha: .01, min_samples: 50, "
		"min_performance_drop: 5e-2}\n"
		"columns:\n"
		"  ? complex key\n"
		"  : role: label\n"
		"  yes: {role: feature, type: boolean}   # a column named yes\n"
		"  1e3:\n"
		"    role: ignored\n"
		"  'with ''quote''': {test: auto, importance: 0}\n"
		"  \"esc\\u00e9\":\n"
		"    missing_values:\n"
		"      - NA\n"
		"      - null\n"
		"      - ''\n"
		"  empty:\n";
	dm_spec s;
	dm_diag d;

	(void)state;
	dm_diag_clear(&d);
	if (dm_spec_parse_yaml(text, sizeof(text) - 1, "s.yaml", &s, &d))
		fail_msg("%s", d.msg);
	assert_string_equal(s.model, "spam detector");
	assert_true(s.psi_threshold == 0.2);
	assert_true(s.alpha == 0.01);
	assert_true(isnan(s.critical_threshold));
	assert_true(s.min_performance_drop == 0.05);
	assert_int_equal(s.min_samples, 50);
	assert_int_equal(s.ncols, 6);
	assert_string_equal(s.cols[0].name, "complex key");
	assert_int_equal(s.cols[0].role, DM_ROLE_LABEL);
	assert_int_equal(s.cols[0].line, 6);
	assert_string_equal(s.cols[1].name, "yes");
	assert_int_equal(s.cols[1].type, DM_LTYPE_BOOLEAN);
	assert_string_equal(s.cols[2].name, "1e3");
	assert_int_equal(s.cols[2].role, DM_ROLE_IGNORED);
	assert_string_equal(s.cols[3].name, "with 'quote'");
	assert_null(s.cols[3].test); /* auto */
	assert_true(s.cols[3].importance == 0);
	assert_string_equal(s.cols[4].name, "esc\xc3\xa9");
	assert_int_equal(s.cols[4].nmissing, 3);
	assert_string_equal(s.cols[4].missing[1], "null");
	assert_string_equal(s.cols[4].missing[2], "");
	assert_string_equal(s.cols[5].name, "empty");
	assert_false(s.cols[5].has_role);
	assert_non_null(dm_spec_find(&s, "yes"));
	assert_null(dm_spec_find(&s, "true"));
	dm_spec_release(&s);
}

/* ---- errors ---------------------------------------------------------- */
struct bad {
	const char *yaml;
	dm_err err;
	const char *msg; /* a substring of the diag */
};

#define V "version: 1\n"
static const struct bad bad_cases[] = {
	/* unknown keys, with suggestions and hints */
	{V "columns:\n  customer_id:\n    rol: identifier\n", DM_EFORMAT,
	 "'t.yaml': line 4: columns.customer_id: unknown key 'rol' (did you "
	 "mean 'role'?)"},
	{V "column:\n  a: {}\n", DM_EFORMAT,
	 "'t.yaml': line 2: unknown key 'column' (did you mean 'columns'?)"},
	{V "psi_threshold: 0.3\n", DM_EFORMAT,
	 "line 2: unknown key 'psi_threshold' (a model default: put it "
	 "under 'defaults:')"},
	{V "defaults:\n  importance: 2\n", DM_EFORMAT,
	 "line 3: defaults: unknown key 'importance' (a column setting"},
	{V "columns:\n  a:\n    min_samples: 5\n", DM_EFORMAT,
	 "line 4: columns.a: unknown key 'min_samples' (a model setting: "
	 "put it under 'defaults:')"},
	{V "columns:\n  a:\n    colour: red\n", DM_EFORMAT,
	 "line 4: columns.a: unknown key 'colour'"},
	{V "columns:\n  \"odd name\":\n    typ: numeric\n", DM_EFORMAT,
	 "line 4: columns.\"odd name\": unknown key 'typ' (did you mean "
	 "'type'?)"},
	/* wrong types */
	{V "defaults:\n  psi_threshold: high\n", DM_EFORMAT,
	 "line 3: defaults.psi_threshold: expected a number from 0 to 100, "
	 "got 'high'"},
	{V "defaults:\n  psi_threshold: \"0.2\"\n", DM_EFORMAT,
	 "line 3: defaults.psi_threshold: expected a number from 0 to 100, "
	 "got quoted text \"0.2\" (write numbers without quotes)"},
	{V "defaults:\n  alpha: [0.01]\n", DM_EFORMAT,
	 "line 3: defaults.alpha: expected a significance level in (0, 0.5], "
	 "got a list"},
	{V "defaults:\n  alpha:\n", DM_EFORMAT,
	 "line 3: defaults.alpha: expected a significance level in (0, 0.5], "
	 "got nothing"},
	{V "defaults:\n  critical_threshold: .inf\n", DM_EFORMAT,
	 "line 3: defaults.critical_threshold: expected a number from 0 to 1, "
	 "got '.inf'"},
	{V "defaults:\n  psi_threshold: 0x10\n", DM_EFORMAT, "got '0x10'"},
	{V "defaults:\n  min_samples: 1.5\n", DM_EFORMAT,
	 "line 3: defaults.min_samples: expected a whole number >= 1, got "
	 "'1.5'"},
	{V "defaults:\n  missing_values: NA\n", DM_EFORMAT,
	 "line 3: defaults.missing_values: expected a list such as [\"\", "
	 "\"NA\"] ([] for none), got text"},
	{V "defaults:\n  missing_values: [NA, [x]]\n", DM_EFORMAT,
	 "line 3: defaults.missing_values: item 2: expected text, got a list"},
	{V "defaults:\n  missing_values:\n    - NA\n    -\n", DM_EFORMAT,
	 "defaults.missing_values: item 2 is empty: write \"\" for the empty "
	 "cell"},
	{V "defaults: [psi_threshold]\n", DM_EFORMAT,
	 "line 2: defaults: expected a mapping (key: value lines), got a "
	 "list"},
	{V "columns:\n  - a\n  - b\n", DM_EFORMAT,
	 "line 3: columns: expected a mapping (key: value lines), got a "
	 "list"},
	{V "columns:\n  a: [role, feature]\n", DM_EFORMAT,
	 "line 3: columns.a: expected a mapping of settings (role, type, "
	 "...), got a list"},
	{V "columns:\n  a: feature\n", DM_EFORMAT,
	 "line 3: columns.a: expected a mapping of settings"},
	{V "columns:\n  a:\n    role: {x: 1}\n", DM_EFORMAT,
	 "line 4: columns.a.role: expected a role name, got a mapping"},
	{V "model:\n", DM_EFORMAT, "line 2: model: expected text, got nothing"},
	{V "model: [a]\n", DM_EFORMAT,
	 "line 2: model: expected text, got a "
	 "list"},
	{V "? [a]\n: b\n", DM_EFORMAT,
	 "line 2: a key must be a name, not a "
	 "list"},
	/* names */
	{V "columns:\n  a:\n    role: featur\n", DM_EFORMAT,
	 "line 4: columns.a.role: unknown role 'featur' (did you mean "
	 "'feature'?)"},
	{V "columns:\n  a:\n    role: banana\n", DM_EFORMAT,
	 "unknown role 'banana' (one of: feature, prediction, label, "
	 "event_time, identifier, text, ignored)"},
	{V "columns:\n  a:\n    type: float\n", DM_EFORMAT,
	 "line 4: columns.a.type: unknown type 'float' (one of: numeric, "
	 "integer, boolean, categorical, timestamp, text)"},
	{V "columns:\n  a:\n    type: unknown\n", DM_EFORMAT,
	 "unknown type 'unknown'"},
	{V "columns:\n  a:\n    test: wasserstien\n", DM_EFORMAT,
	 "line 4: columns.a.test: unknown test 'wasserstien' (did you mean "
	 "'wasserstein'?)"},
	{V "columns:\n  a:\n    test: mann_whitney\n", DM_EFORMAT,
	 "line 4: columns.a.test: unknown test 'mann_whitney' (one of: auto, "
	 "psi, ks, chi2, wasserstein, energy, cvm, anderson, jensenshannon, "
	 "hellinger, kl, gtest, ztest, fisher)"},
	{V "columns:\n  a:\n    test: kss\n", DM_EFORMAT,
	 "unknown test 'kss' (did you mean 'ks'?)"},
	/* duplicates */
	{V "columns:\n  a: {}\n  b: {}\n  a: {}\n", DM_EFORMAT,
	 "line 5: columns: duplicate column 'a' (first at line 3)"},
	{V "defaults:\n  alpha: 0.01\n  alpha: 0.02\n", DM_EFORMAT,
	 "line 4: defaults: duplicate key 'alpha' (first at line 3)"},
	{V "columns:\n  a:\n    role: feature\n    role: label\n", DM_EFORMAT,
	 "line 5: columns.a: duplicate key 'role' (first at line 4)"},
	{V "version: 1\n", DM_EFORMAT,
	 "line 2: duplicate key 'version' (first at line 1)"},
	{V "columns:\n  \"yes\": {}\n  yes: {}\n", DM_EFORMAT,
	 "line 4: columns: duplicate column 'yes' (first at line 3)"},
	{V "columns:\n  \"\": {}\n", DM_EFORMAT,
	 "line 3: columns: empty column name"},
	/* ranges */
	{V "defaults:\n  alpha: 1.5\n", DM_EFORMAT,
	 "line 3: defaults.alpha: must be a significance level in (0, 0.5], "
	 "got 1.5"},
	{V "defaults:\n  alpha: 0\n", DM_EFORMAT,
	 "defaults.alpha: must be a significance level in (0, 0.5], got 0"},
	{V "defaults:\n  psi_threshold: -0.1\n", DM_EFORMAT,
	 "defaults.psi_threshold: must be a number from 0 to 100, got -0.1"},
	{V "defaults:\n  critical_threshold: 1.01\n", DM_EFORMAT,
	 "defaults.critical_threshold: must be a number from 0 to 1, got "
	 "1.01"},
	{V "defaults:\n  min_performance_drop: 1.5\n", DM_EFORMAT,
	 "line 3: defaults.min_performance_drop: must be a number from 0 to "
	 "1, got 1.5"},
	{V "defaults:\n  min_performance_drop: -0.01\n", DM_EFORMAT,
	 "defaults.min_performance_drop: must be a number from 0 to 1, got "
	 "-0.01"},
	{V "defaults:\n  min_performance_drop: \"0.02\"\n", DM_EFORMAT,
	 "defaults.min_performance_drop: expected a number from 0 to 1, got "
	 "quoted text"},
	{V "defaults:\n  min_performance_drop: [0.02]\n", DM_EFORMAT,
	 "defaults.min_performance_drop: expected a number from 0 to 1"},
	{V "defaults:\n  min_performance_dro: 0.02\n", DM_EFORMAT,
	 "(did you mean 'min_performance_drop'?)"},
	{V "defaults:\n  min_samples: 0\n", DM_EFORMAT,
	 "defaults.min_samples: must be a whole number >= 1, got 0"},
	{V "columns:\n  a:\n    psi_threshold: -1\n", DM_EFORMAT,
	 "line 4: columns.a.psi_threshold: must be a number from 0 to 100, "
	 "got -1"},
	{V "columns:\n  a:\n    min_effect: -0.5\n", DM_EFORMAT,
	 "columns.a.min_effect: must be a number from 0 to 100, got -0.5"},
	{V "columns:\n  a:\n    importance: -2\n", DM_EFORMAT,
	 "columns.a.importance: must be a weight from 0 to 1000000, got -2"},
	{V "columns:\n  a:\n    alpha: 0.9\n", DM_EFORMAT,
	 "columns.a.alpha: must be a significance level in (0, 0.5], got "
	 "0.9"},
	/* version */
	{"version: 2\n", DM_EVERSION,
	 "'t.yaml': line 1: version: spec version 2 is not supported (this "
	 "driftmon reads version 1)"},
	{"version: \"1\"\n", DM_EFORMAT,
	 "line 1: version: expected the format version (version: 1), got "
	 "quoted text '1'"},
	{"version: one\n", DM_EFORMAT, "line 1: version: expected the format"},
	{"columns: {}\n", DM_EFORMAT,
	 "line 1: missing 'version: 1' (the spec format version)"},
	{"# just a comment\n", DM_EFORMAT,
	 "'t.yaml': line 1: empty spec: expected 'version: 1'"},
	{"", DM_EFORMAT, "line 1: empty spec"},
	{"- a\n- b\n", DM_EFORMAT,
	 "line 1: expected a mapping with 'version: 1', 'defaults:' and "
	 "'columns:', got a list"},
	/* YAML itself */
	{V "columns:\n  a: {role: feature\n", DM_EFORMAT,
	 "'t.yaml': line 4, column 1: not valid YAML: did not find expected "
	 "',' or '}' (while parsing a flow mapping at line 3)"},
	{V "columns:\n\ta: {}\n", DM_EFORMAT,
	 "line 3, column 1: not valid YAML: found character that cannot "
	 "start any token"},
	{V "columns:\n  a:\n    role: feature\n   type: numeric\n", DM_EFORMAT,
	 "line 5, column 4: not valid YAML:"},
	{V "defaults:\n  missing_values: &m [NA]\ncolumns:\n  a:\n"
	   "    missing_values: *m\n",
	 DM_EFORMAT,
	 "line 6: aliases (*m) are not supported: write the value out"},
	{"version: !!int 1\n", DM_EFORMAT,
	 "line 1: explicit tags (tag:yaml.org,2002:int) are not supported"},
	{V "---\nversion: 1\n", DM_EFORMAT,
	 "line 2: a second YAML document: a spec is one document"},
	{V "columns:\n  a:\n    role: [[[[[[[[[x]]]]]]]]]\n", DM_EFORMAT,
	 "line 4: nested more than 8 levels deep"},
	{V "model: \xff\n", DM_EFORMAT,
	 "line 2: not valid YAML: invalid leading UTF-8 octet (byte 19)"},
	{V "model: a\x01z\n", DM_EFORMAT,
	 "line 2: not valid YAML: control characters are not allowed"},
	{V "model: \"a\\0b\"\n", DM_EFORMAT,
	 "line 2: a value contains a NUL character"},
};

static void errors_name_line_and_key(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad *b = &bad_cases[i];
		dm_spec s;
		dm_diag d;
		dm_err err;

		dm_diag_clear(&d);
		err = dm_spec_parse_yaml(b->yaml, strlen(b->yaml), "t.yaml", &s,
					 &d);
		if (err != b->err || !strstr(d.msg, b->msg))
			fail_msg("case %zu: got %s '%s', want %s '%s'\n%s", i,
				 dm_strerror(err), d.msg, dm_strerror(b->err),
				 b->msg, b->yaml);
		/* one line, and the spec is left empty */
		assert_null(strchr(d.msg, '\n'));
		assert_int_equal(s.ncols, 0);
		assert_null(s.cols);
		dm_spec_release(&s);
	}
}

/* ---- limits ---------------------------------------------------------- */
static dm_err parse_text(const char *t, size_t n, dm_diag *d)
{
	dm_spec s;
	dm_err err;

	dm_diag_clear(d);
	err = dm_spec_parse_yaml(t, n, "big.yaml", &s, d);
	dm_spec_release(&s);
	return err;
}

static void limits(void **state)
{
	size_t cap = 2 * DM_SPEC_MAX_BYTES, n, i;
	char *t = malloc(cap);
	dm_diag d;

	(void)state;
	assert_non_null(t);
	/* the file */
	memset(t, '#', DM_SPEC_MAX_BYTES + 1);
	assert_int_equal(parse_text(t, DM_SPEC_MAX_BYTES + 1, &d), DM_ETOOBIG);
	assert_non_null(strstr(d.msg, "'big.yaml': the spec is 1048577 "
				      "bytes; at most 1048576 are read"));
	/* columns: 10000 are fine, 10001 are not */
	n = (size_t)snprintf(t, cap, "version: 1\ncolumns:\n");
	for (i = 0; i < DM_SPEC_MAX_COLUMNS; i++)
		n += (size_t)snprintf(t + n, cap - n, "  c%zu: {}\n", i);
	assert_int_equal(parse_text(t, n, &d), DM_OK);
	n += (size_t)snprintf(t + n, cap - n, "  extra: {}\n");
	assert_int_equal(parse_text(t, n, &d), DM_ETOOBIG);
	assert_non_null(strstr(d.msg, "line 10003: columns: more than 10000 "
				      "columns"));
	/* a column name */
	n = (size_t)snprintf(t, cap, "version: 1\ncolumns:\n  ");
	memset(t + n, 'x', DM_SPEC_MAX_NAME);
	n += DM_SPEC_MAX_NAME;
	n += (size_t)snprintf(t + n, cap - n, ": {}\n");
	assert_int_equal(parse_text(t, n, &d), DM_OK);
	n = (size_t)snprintf(t, cap, "version: 1\ncolumns:\n  ? \"");
	memset(t + n, 'x', DM_SPEC_MAX_NAME + 1);
	n += DM_SPEC_MAX_NAME + 1;
	n += (size_t)snprintf(t + n, cap - n, "\"\n  : {}\n");
	assert_int_equal(parse_text(t, n, &d), DM_ETOOBIG);
	assert_non_null(strstr(d.msg, "line 3: columns: a column name longer "
				      "than 1024 bytes (1025)"));
	/* model name */
	n = (size_t)snprintf(t, cap, "version: 1\nmodel: ");
	memset(t + n, 'm', DM_SPEC_MAX_TEXT + 1);
	n += DM_SPEC_MAX_TEXT + 1;
	t[n++] = '\n';
	assert_int_equal(parse_text(t, n, &d), DM_ETOOBIG);
	assert_non_null(strstr(d.msg, "line 2: model: longer than 256 bytes "
				      "(257)"));
	/* missing markers: count and length */
	n = (size_t)snprintf(t, cap,
			     "version: 1\ndefaults:\n  "
			     "missing_values: [");
	for (i = 0; i <= DM_SPEC_MAX_MARKERS; i++)
		n += (size_t)snprintf(t + n, cap - n, "%sm%zu", i ? ", " : "",
				      i);
	n += (size_t)snprintf(t + n, cap - n, "]\n");
	assert_int_equal(parse_text(t, n, &d), DM_ETOOBIG);
	assert_non_null(strstr(d.msg, "line 3: defaults.missing_values: more "
				      "than 64 missing markers (65)"));
	n = (size_t)snprintf(t, cap,
			     "version: 1\ndefaults:\n  "
			     "missing_values:\n    - ok\n    - ");
	memset(t + n, 'z', DM_SPEC_MAX_MARKER + 1);
	n += DM_SPEC_MAX_MARKER + 1;
	t[n++] = '\n';
	assert_int_equal(parse_text(t, n, &d), DM_ETOOBIG);
	assert_non_null(strstr(d.msg, "line 5: defaults.missing_values: item "
				      "2 is longer than 256 bytes"));
	free(t);
}

/* A string that is not UTF-8 cannot be written as YAML. */
static void writer_rejects_bad_utf8(void **state)
{
	dm_spec s;
	char *y = (char *)"x";
	size_t len = 1;

	(void)state;
	dm_spec_init(&s);
	add_col(&s, "caf\xe9");
	assert_int_equal(dm_spec_to_yaml(&s, &y, &len), DM_EINVAL);
	assert_null(y);
	assert_int_equal(len, 0);
	/* a comment is only cut where it stops being UTF-8 */
	free(s.cols[0].name);
	s.cols[0].name = strdup("cafe");
	s.cols[0].comment = strdup("inferred: caf\xc3\xa9 \xc3");
	assert_int_equal(dm_spec_to_yaml(&s, &y, &len), DM_OK);
	assert_non_null(strstr(y, "  cafe: {}  # inferred: caf\xc3\xa9 \n"));
	free(y);
	dm_spec_release(&s);
}

/* ---- from a profile -------------------------------------------------- */
static void suggest_from_profile(void **state)
{
	dm_feature f[3];
	dm_profile p;
	dm_spec s, back;
	dm_diag d;
	char *y = NULL;
	size_t len;

	(void)state;
	memset(f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	f[0].name = (char *)"customer_id";
	f[0].type = DM_FEATURE_NUMERIC;
	f[0].role = DM_ROLE_IDENTIFIER;
	f[0].ltype = DM_LTYPE_INTEGER;
	snprintf(f[0].reason, sizeof(f[0].reason), "unique, increasing");
	f[0].importance = 1;
	f[1].name = (char *)"event date";
	f[1].type = DM_FEATURE_CATEGORICAL;
	f[1].role = DM_ROLE_EVENT_TIME;
	f[1].ltype = DM_LTYPE_TIMESTAMP;
	f[1].origin = DM_ORIGIN_SPEC;
	f[1].importance = 1;
	f[2].name = (char *)"amount";
	f[2].type = DM_FEATURE_NUMERIC; /* no logical type recorded */
	f[2].importance = 3;
	f[2].psi_threshold = 0.4;
	f[2].min_effect = NAN;
	snprintf(f[2].test, sizeof(f[2].test), "ks");
	p.nfeat = 3;
	p.feat = f;
	p.model = (char *)"m";
	p.model_version = (char *)"v1";
	assert_int_equal(dm_spec_from_profile(&p, &s), DM_OK);
	assert_int_equal(s.ncols, 3);
	assert_string_equal(s.cols[0].comment, "inferred: unique, increasing");
	assert_string_equal(s.cols[1].comment, "spec");
	assert_true(isnan(s.psi_threshold));
	assert_int_equal(dm_spec_to_yaml(&s, &y, &len), DM_OK);
	assert_non_null(strstr(y, "model: m\nmodel_version: v1\n"));
	assert_non_null(strstr(y, "  customer_id:\n    role: identifier  # "
				  "inferred: unique, increasing\n    type: "
				  "integer\n"));
	assert_non_null(strstr(y, "  \"event date\":\n    role: event_time  "
				  "# spec\n    type: timestamp\n"));
	assert_non_null(strstr(y,
			       "  amount:\n    role: feature     # "
			       "inferred\n    type: numeric\n    test: ks\n"
			       "    psi_threshold: 0.4\n    importance: 3\n"));
	dm_diag_clear(&d);
	if (dm_spec_parse_yaml(y, len, "s.yaml", &back, &d) != DM_OK)
		fail_msg("%s", d.msg);
	assert_spec_equal(&s, &back);
	assert_int_equal(back.cols[0].role, DM_ROLE_IDENTIFIER);
	assert_true(back.cols[2].importance == 3);
	free(y);
	dm_spec_release(&back);
	dm_spec_release(&s);
}

#ifndef DMTEST_ASAN
static const char alloc_text[] =
	"version: 1\nmodel: m\nmodel_version: v1\n"
	"defaults:\n  psi_threshold: 0.3\n  alpha: 0.01\n"
	"  critical_threshold: 0.5\n  min_samples: 9\n"
	"  missing_values: [\"\", NA, \"n/a\"]\n"
	"columns:\n"
	"  id: {role: identifier, type: integer}\n"
	"  \"a b\":\n    role: feature\n    type: numeric\n    test: ks\n"
	"    psi_threshold: 0.2\n    alpha: 0.05\n    min_effect: 0.1\n"
	"    importance: 2\n    missing_values: [None, \"-\"]\n"
	"  yes: {}\n";

/* 0: parse, 1: parse a bad spec, 2: write, 3: suggest from a profile */
static dm_err alloc_step(int k, const dm_spec *good)
{
	static const char bad[] = "version: 1\ncolumns:\n  a: {}\n  b:\n"
				  "    rol: x\n";
	dm_feature f[2];
	dm_profile p;
	dm_spec s;
	dm_diag d;
	char *y = NULL;
	size_t len;
	dm_err err;

	switch (k) {
	case 0:
	case 1:
		err = k == 0 ? dm_spec_parse_yaml(alloc_text,
						  sizeof(alloc_text) - 1, "a",
						  &s, &d)
			     : dm_spec_parse_yaml(bad, sizeof(bad) - 1, "b", &s,
						  &d);
		dm_spec_release(&s);
		return err;
	case 2:
		err = dm_spec_to_yaml(good, &y, &len);
		free(y);
		return err;
	default:
		memset(f, 0, sizeof(f));
		memset(&p, 0, sizeof(p));
		f[0].name = (char *)"x";
		f[0].type = DM_FEATURE_NUMERIC;
		f[0].importance = 2;
		snprintf(f[0].test, sizeof(f[0].test), "ks");
		f[1].name = (char *)"c";
		f[1].type = DM_FEATURE_CATEGORICAL;
		snprintf(f[1].reason, sizeof(f[1].reason), "few values");
		p.feat = f;
		p.nfeat = 2;
		p.model = (char *)"m";
		err = dm_spec_from_profile(&p, &s);
		dm_spec_release(&s);
		return err;
	}
}
#endif

/* Every allocation of a parse, a write and a suggestion made to fail in
 * turn: DM_ENOMEM (or, for the bad spec, its own error), never a leak. */
static void allocation_failures(void **state)
{
	(void)state;
#ifdef DMTEST_ASAN
	skip();
#else
	dm_spec good;
	dm_diag d;
	int k;

	assert_int_equal(dm_spec_parse_yaml(alloc_text, sizeof(alloc_text) - 1,
					    "a", &good, &d),
			 DM_OK);
	for (k = 0; k < 4; k++) {
		long nth;

		for (nth = 0; nth < 100000; nth++) {
			long before = live_blocks;
			dm_err err;

			fail_hit = 0;
			fail_countdown = nth;
			err = alloc_step(k, &good);
			fail_countdown = -1;
			if (!fail_hit) {
				assert_int_equal(err,
						 k == 1 ? DM_EFORMAT : DM_OK);
				break;
			}
			if (err != DM_ENOMEM)
				fail_msg("step %d, allocation %ld: %s", k, nth,
					 dm_strerror(err));
			if (live_blocks != before)
				fail_msg("step %d, allocation %ld: %ld blocks "
					 "leaked",
					 k, nth, live_blocks - before);
		}
		assert_true(nth > 3);
	}
	dm_spec_release(&good);
#endif
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_full),
		cmocka_unit_test(round_trip_empty),
		cmocka_unit_test(round_trip_odd_names),
		cmocka_unit_test(round_trip_long_names),
		cmocka_unit_test(parse_styles),
		cmocka_unit_test(errors_name_line_and_key),
		cmocka_unit_test(limits),
		cmocka_unit_test(writer_rejects_bad_utf8),
		cmocka_unit_test(suggest_from_profile),
		cmocka_unit_test(allocation_failures),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
