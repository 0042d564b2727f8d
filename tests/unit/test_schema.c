/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitoring schema (docs/schema.md): one test per inference rule
 * (identifiers, event time, free text, booleans, integer codes, dates,
 * predictions and labels, missing markers), the spec and the flags that
 * override them, the canonical values in current data, the schema checks
 * (docs/alerts.md) and reading a version 1 baseline.
 */
#include "dmtest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "driftmon/detect.h"
#include "driftmon/parquet.h"
#include "driftmon/profile.h"

/* A growing CSV text. */
struct text {
	char *p;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap ? 2 * t->cap + (size_t)n : 4096;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	t->len += (size_t)n;
}

/* Profiles CSV text into p: a baseline (opts->reference NULL, finished)
 * or a current profile.  Returns the error of profiling. */
static dm_err profile_text(const char *csv, dm_profile_opts *o, dm_profile *p,
			   dm_diag *d)
{
	dm_source *src;
	dm_reader *r;
	dm_err err;

	dm_profile_init(p, o);
	assert_int_equal(dm_source_open_mem("t.csv", csv, strlen(csv), 0, &src),
			 DM_OK);
	assert_int_equal(dm_reader_open(src, NULL, &r, d), DM_OK);
	err = dm_profile_add_reader(p, o, r, d);
	dm_reader_free(r);
	if (err == DM_OK && !o->reference)
		err = dm_profile_finish(p, d);
	return err;
}

static void baseline(const char *csv, dm_profile_opts *o, dm_profile *p)
{
	dm_diag d;

	dm_diag_clear(&d);
	o->strict = 1;
	if (profile_text(csv, o, p, &d) != DM_OK)
		fail_msg("baseline: %s", d.msg);
}

static const dm_feature *col(const dm_profile *p, const char *name)
{
	const dm_feature *f = dm_profile_find(p, name);

	if (!f)
		fail_msg("no column '%s'", name);
	return f;
}

static void expect(const dm_profile *p, const char *name, dm_role role,
		   dm_ltype lt, const char *reason_part)
{
	const dm_feature *f = col(p, name);

	if (f->role != role || f->ltype != lt ||
	    (reason_part && !strstr(f->reason, reason_part)))
		fail_msg("column '%s': %s/%s '%s', expected %s/%s '%s'", name,
			 dm_role_name(f->role), dm_ltype_name(f->ltype),
			 f->reason, dm_role_name(role), dm_ltype_name(lt),
			 reason_part ? reason_part : "");
}

/* ---- parsers ---------------------------------------------------------- */

static void datetime_parser(void **state)
{
	static const struct {
		const char *s;
		double want;
	} good[] = {
		{"1970-01-01", 0},
		{"2024-01-01", 1704067200},
		{"2024-02-29", 1709164800},
		{"2024-01-01T00:00:01", 1704067201},
		{"2024-01-01 12:30", 1704112200},
		{"2024-01-01T12:30:15.25Z", 1704112215.25},
		{"2024-01-01T12:30:15+02:00", 1704105015},
		{"2024-01-01 12:30:15-0130", 1704117615},
		{"2024-01-01 12:30:15+00", 1704112215},
		{"2024-01-01 12:30:15 UTC", 1704112215},
		{"1969-12-31T23:59:59Z", -1},
		{"1900-03-01", -2203891200},
		/* spreadsheets, finance exports, US tools */
		{"01/02/2024", 1704153600}, /* month first, as pandas */
		{"19-Sep-03", 1063929600},
		{"19-sep-2003", 1063929600},
		{"19 Sep 2003", 1063929600},
		{"Sep 19, 2003", 1063929600},
		{"September 19, 2003", 1063929600},
		{"2003/09/19", 1063929600},
		{"19/09/2003", 1063929600}, /* day first: 19 > 12 */
		{"9/19/2003 10:30", 1063967400},
		{"31-Dec-99", 946598400},
		/* RFC 2822 / HTTP (RFC 1123): a weekday, GMT or an offset */
		{"Thu, 04 Jan 2024 07:29:44 GMT", 1704353384},
		{"Thursday, 4 Jan 2024 07:29:44 +0000", 1704353384},
		{"fri, 19 Sep 2003 10:30:00 -0500", 1063985400},
		/* periods as text, their first day (values from Python's
		 * datetime; ISO weeks from date.fromisocalendar) */
		{"2017-10", 1506816000},
		{"2017/10", 1506816000},
		{"10/2017", 1506816000},
		{"3/1999", 920246400},
		{"Oct 2017", 1506816000},
		{"October 2017", 1506816000},
		{"oct-2017", 1506816000},
		{"Oct-17", 1506816000}, /* Excel's mmm-yy */
		{"Dec-69", -2678400},
		{"2017Q4", 1506816000},
		{"2017-Q4", 1506816000},
		{"2017 q2", 1491004800},
		{"Q4 2017", 1506816000},
		{"Q1-2020", 1577836800},
		{"Q3/2021", 1625097600},
		{"2017-W37", 1505088000},
		{"2017W01", 1483315200},
		{"2020-W53", 1609113600},
		{"2019-W01-3", 1546387200},
		{"2021W017", 1610236800},
		{"2016-W52-7", 1483228800},
		/* a month name first without the comma; the day first with
		 * dots (Europe) */
		{"Sep 19 2003", 1063929600},
		{"Sep-19-2003", 1063929600},
		{"28.10.2017", 1509148800},
		{"1.2.2024", 1706745600},
		{"28.10.17", 1509148800},
		{"28.10.2017 14:30", 1509201000},
	};
	static const char *const bad[] = {"",
					  "2024",
					  "2024-1-01",
					  "2024-01-1",
					  "20240101",
					  "2023-02-29",
					  "2024-13-01",
					  "2024-04-31",
					  "2024-01-01T25:00",
					  "2024-01-01T",
					  "2024-01-01x",
					  "2024-01-01T10:00:00+25:00",
					  "12.5",
					  "True",
					  "2024-01-01T10:00:00.",
					  "Sept 2003",
					  "2017-13",
					  "2017-1",
					  "13/2017",
					  "2017/10/",
					  "2017Q5",
					  "2017Q",
					  "Q0 2017",
					  "Q4 17",
					  "2017-W54",
					  "2017-W00",
					  "2017-W3",
					  "2017-W37-8",
					  "2017-W37-",
					  "1234-05",
					  "2301-05",
					  "Oct 17",
					  "Oct-170",
					  "2017-10x",
					  "2017-10 10:00",
					  "Q4 2017 10:00",
					  "32.01.2020",
					  "28.13.2017",
					  "28.10.201",
					  "4.12.20",
					  "28.1.17",
					  "2.10.15",
					  "Sep 19 20031",
					  "19-Sept-03",
					  "32-Jan-2020",
					  "13/13/2020",
					  "1/2/3",
					  "19-Sep-203",
					  "2003/9/19/1",
					  "19-Sep 2003",
					  "02/30/2024",
					  "Thu 04 Jan 2024",
					  "Thu,04 Jan 2024",
					  "Thx, 04 Jan 2024",
					  "Thu, 2024-01-04x",
					  "Thu, 04 Jan 2024 07:29:44 GMT+1"};
	size_t i;
	double x;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (dm_parse_datetime(good[i].s, strlen(good[i].s), &x) != 0)
			fail_msg("'%s' not parsed", good[i].s);
		if (x != good[i].want)
			fail_msg("'%s': %.17g, expected %.17g", good[i].s, x,
				 good[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dm_parse_datetime(bad[i], strlen(bad[i]), &x) == 0)
			fail_msg("'%s' parsed as a date", bad[i]);
}

static void time_of_day_parser(void **state)
{
	static const struct {
		const char *s;
		double want;
	} good[] = {
		{"00:00", 0},
		{"0:00", 0},
		{"9:05", 32700},
		{"14:23:05", 51785},
		{" 14:23:05 ", 51785},
		{"23:59:59.25", 86399.25},
		{"23:59:59,5", 86399.5},
		{"23:59:60", 86400},
		{"12:05 AM", 300},
		{"12:05am", 300},
		{"12:00 PM", 43200},
		{"1:30 pm", 48600},
		{"11:59:59 PM", 86399},
		{"26:15:00", 94500}, /* an elapsed time */
	};
	static const char *const bad[] = {
		"",	     ":",	   "14",	 "14:",
		"14:5",	     "14:60",	   "14:05:61",	 "14:05:",
		"14:05:5",   "14:05:05.",  "1:2:3",	 "123:00",
		"14-05",     "14:05 XM",   "13:00 PM",	 "0:30 AM",
		"14:05x",    "2024-01-01", "14:05:05 Z", "14.05",
		"14:05 AMX", "12",	   "3:1",	 "a4:05"};
	size_t i;
	double x;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (dm_parse_time_of_day(good[i].s, strlen(good[i].s), &x) != 0)
			fail_msg("'%s' not parsed", good[i].s);
		if (x != good[i].want)
			fail_msg("'%s': %.17g, expected %.17g", good[i].s, x,
				 good[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dm_parse_time_of_day(bad[i], strlen(bad[i]), &x) == 0)
			fail_msg("'%s' parsed as a time of day", bad[i]);
	/* not dates */
	assert_int_not_equal(dm_parse_datetime("14:23:05", 8, &x), 0);
}

static void bool_parser(void **state)
{
	static const char *const t[] = {"true", "True", "TRUE", "t",  " True",
					"T",	"yes",	"Yes",	"YES"};
	static const char *const f[] = {"false", "False",     "FALSE",
					"f",	 "\tfalse  ", "F",
					"no",	 "No",	      "NO"};
	static const char *const no[] = {"1",	  "yEs", "tRUE", "nO",	 "tt",
					 "",	  "0",	 "y",	 "n",	 " ",
					 "t rue", "Y",	 "N",	 "yess", "on"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dm_parse_bool(t[i], strlen(t[i])), 1);
		assert_int_equal(dm_parse_bool(f[i], strlen(f[i])), 0);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(dm_parse_bool(no[i], strlen(no[i])), -1);
}

/* ---- inference rules -------------------------------------------------- */

/* Sequential integers are an identifier once there are enough of them (a
 * small table's 1..n may be a feature), at once when named like an id;
 * unique fractional numbers never are. */
static void rule_identifier_integers(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	size_t i;

	(void)state;
	put(&t, "seq,customer_id,amount,shuffled,small_seq\n");
	for (i = 0; i < 2000; i++)
		put(&t, "%zu,%zu,%.3f,%zu,%zu\n", i + 1, 1 + (i * 7) % 600,
		    i * 1.37 + 0.001, (i * 1237) % 2000, i % 50);
	baseline(t.p, &o, &p);
	expect(&p, "seq", DM_ROLE_IDENTIFIER, DM_LTYPE_NUMERIC,
	       "strictly increasing");
	expect(&p, "customer_id", DM_ROLE_IDENTIFIER, DM_LTYPE_NUMERIC,
	       "name 'customer_id'");
	expect(&p, "amount", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC, "numbers");
	expect(&p, "shuffled", DM_ROLE_IDENTIFIER, DM_LTYPE_NUMERIC,
	       "unique integers");
	expect(&p, "small_seq", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC, "integers");
	/* not analysed: no values kept */
	assert_null(col(&p, "seq")->sketch);
	assert_non_null(col(&p, "amount")->sketch);
	dm_profile_release(&p);

	t.len = 0;
	put(&t, "a,b\n");
	for (i = 0; i < 100; i++)
		put(&t, "%zu,%zu\n", i + 1, i % 3);
	baseline(t.p, &o, &p);
	expect(&p, "a", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC, NULL);
	dm_profile_release(&p);
	free(t.p);
}

/* Times of day written as text are numbers, seconds since midnight (as a
 * Parquet TIME reads): a feature, not an identifier when strictly
 * increasing (a day's log in time order), nor an integer code when few. */
static void rule_time_of_day(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	size_t i;

	(void)state;
	put(&t, "at,slot,shift_start,x,tick\n");
	for (i = 0; i < 2000; i++)
		put(&t, "%02zu:%02zu:%02zu,%zu:%s,%zu:00 %s,%zu,0:00:0%zu\n",
		    i / 120, i / 2 % 60, i % 2 * 30, 8 + i % 4,
		    i % 2 ? "30" : "00", 1 + i % 12, i % 3 ? "AM" : "PM", i % 7,
		    i % 5);
	baseline(t.p, &o, &p);
	expect(&p, "at", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC,
	       "times of day, as seconds since midnight");
	assert_true(col(&p, "at")->mom.min == 0.0);
	assert_true(col(&p, "at")->mom.max == 16 * 3600 + 39 * 60 + 30);
	expect(&p, "slot", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC,
	       "times of day, as seconds since midnight");
	assert_true(col(&p, "slot")->mom.min == 8 * 3600);
	assert_true(col(&p, "slot")->mom.max == 11 * 3600 + 1800);
	expect(&p, "shift_start", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC,
	       "times of day");
	assert_true(col(&p, "shift_start")->mom.min == 0.0); /* 12:00 AM */
	assert_true(col(&p, "shift_start")->mom.max == 22 * 3600); /* 10 PM */
	expect(&p, "x", DM_ROLE_FEATURE, DM_LTYPE_INTEGER, "a code");
	/* five values, seconds apart: still times, not a code */
	expect(&p, "tick", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC, "times of day");

	/* current data: the same times, as text, against the baseline */
	{
		dm_profile cur;
		dm_profile_opts co = {0};
		dm_diag d;

		co.reference = &p;
		dm_diag_clear(&d);
		assert_int_equal(profile_text(t.p, &co, &cur, &d), DM_OK);
		assert_true(col(&cur, "at")->count == 2000);
		assert_true(col(&cur, "at")->invalid == 0);
		assert_true(col(&cur, "at")->mom.max == col(&p, "at")->mom.max);
		dm_profile_release(&cur);
	}
	dm_profile_release(&p);

	/* a stray time in a column of numbers is still not a number */
	t.len = 0;
	put(&t, "amount\n");
	for (i = 0; i < 100; i++)
		put(&t, "%s\n", i == 50 ? "12:30" : "3.5");
	{
		dm_diag d;

		dm_diag_clear(&d);
		o.strict = 1;
		assert_int_not_equal(profile_text(t.p, &o, &p, &d), DM_OK);
		assert_non_null(strstr(d.msg, "12:30"));
		dm_profile_release(&p);
	}
	free(t.p);
}

/* A column of ids, most of them numbers and some codes of letters and
 * digits (R's carData Blackmore: "100", ..., "207a"), is strings, not
 * numbers with errors; a number written wrong among numbers is still an
 * error in training data. */
static void rule_codes_among_numbers(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	dm_diag d;
	size_t i;

	(void)state;
	put(&t, "subject,age\n");
	for (i = 0; i < 400; i++)
		put(&t, "%zu%s,%zu\n", 100 + i / 4, i % 40 == 7 ? "a" : "",
		    8 + i % 10);
	baseline(t.p, &o, &p);
	expect(&p, "subject", DM_ROLE_FEATURE, DM_LTYPE_CATEGORICAL,
	       "text values");
	expect(&p, "age", DM_ROLE_FEATURE, DM_LTYPE_INTEGER, NULL);
	dm_profile_release(&p);
	t.len = 0;
	put(&t, "x\n");
	for (i = 0; i < 400; i++)
		put(&t, "%s\n", i == 7 ? "12.5.3" : "3.5");
	dm_diag_clear(&d);
	o.strict = 1;
	assert_int_not_equal(profile_text(t.p, &o, &p, &d), DM_OK);
	assert_non_null(strstr(d.msg, "not a number: '12.5.3'"));
	dm_profile_release(&p);
	/* a range of digits has no letter: no code */
	t.len = 0;
	put(&t, "x\n");
	for (i = 0; i < 400; i++)
		put(&t, "%s\n", i == 9 ? "1-5" : "3.5");
	dm_diag_clear(&d);
	assert_int_not_equal(profile_text(t.p, &o, &p, &d), DM_OK);
	assert_non_null(strstr(d.msg, "not a number: '1-5'"));
	dm_profile_release(&p);
	free(t.p);
}

/* Nearly all distinct single-word strings are identifiers; several words
 * per value, mostly distinct, are free text; a few long-worded categories
 * are a categorical feature. */
static void rule_identifier_and_text_strings(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	size_t i;

	(void)state;
	put(&t, "code,comment,education\n");
	for (i = 0; i < 1500; i++)
		put(&t, "TX%06zx,\"word%zu and then some more words %zu\",%s\n",
		    i * 7919, i, i % 97,
		    i % 3 ? "\"Some college, no degree\""
			  : "High school graduate");
	baseline(t.p, &o, &p);
	expect(&p, "code", DM_ROLE_IDENTIFIER, DM_LTYPE_CATEGORICAL,
	       "100% distinct");
	expect(&p, "comment", DM_ROLE_TEXT, DM_LTYPE_TEXT, "words per value");
	expect(&p, "education", DM_ROLE_FEATURE, DM_LTYPE_CATEGORICAL,
	       "2 categories");
	assert_int_equal(col(&p, "comment")->ncats, 0); /* not kept */
	dm_profile_release(&p);
	free(t.p);
}

/* In a table too small for the 200-value rule, strings all distinct (at
 * least 20) are each row's name: an identifier; one repeat, fewer than
 * 20, several words or numbers keep them a feature, and periods are
 * dates. */
static void rule_identifier_small_table(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	size_t i;

	(void)state;
	put(&t, "state,quarter,repeat,words,n\n");
	for (i = 0; i < 25; i++)
		put(&t, "S%zu,%zuQ%zu,R%zu,\"a b c%zu\",%zu\n", i, 1980 + i / 4,
		    1 + i % 4, i ? i : 1, i, i);
	baseline(t.p, &o, &p);
	expect(&p, "state", DM_ROLE_IDENTIFIER, DM_LTYPE_CATEGORICAL,
	       "every value distinct (25 values)");
	expect(&p, "quarter", DM_ROLE_EVENT_TIME, DM_LTYPE_TIMESTAMP,
	       "dates"); /* 1980Q1: a period, read as a date */
	expect(&p, "repeat", DM_ROLE_FEATURE, DM_LTYPE_CATEGORICAL, NULL);
	expect(&p, "words", DM_ROLE_TEXT, DM_LTYPE_TEXT, NULL);
	expect(&p, "n", DM_ROLE_FEATURE, DM_LTYPE_INTEGER, NULL);
	dm_profile_release(&p);

	t.len = 0; /* 19: too few to say */
	put(&t, "state,x\n");
	for (i = 0; i < 19; i++)
		put(&t, "S%zu,%zu\n", i, i % 3);
	baseline(t.p, &o, &p);
	expect(&p, "state", DM_ROLE_FEATURE, DM_LTYPE_CATEGORICAL, NULL);
	dm_profile_release(&p);

	t.len = 0; /* 250: the 200-value rule and its reason */
	put(&t, "state,x\n");
	for (i = 0; i < 250; i++)
		put(&t, "S%zu,%zu\n", i, i % 3);
	baseline(t.p, &o, &p);
	expect(&p, "state", DM_ROLE_IDENTIFIER, DM_LTYPE_CATEGORICAL,
	       "100% distinct values");
	dm_profile_release(&p);

	t.len = 0; /* 20, one missing: 19 values */
	put(&t, "state,x\nNA,0\n");
	for (i = 0; i < 19; i++)
		put(&t, "S%zu,%zu\n", i, i % 3);
	baseline(t.p, &o, &p);
	expect(&p, "state", DM_ROLE_FEATURE, DM_LTYPE_CATEGORICAL, NULL);
	dm_profile_release(&p);
	free(t.p);
}

/* ISO-8601 dates and date-times are timestamps: the one named like a
 * time is the event time, the others are ignored with a reason. */
static void rule_event_time(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	size_t i;

	(void)state;
	put(&t, "birthday,x,created_at,updated\n");
	for (i = 0; i < 300; i++)
		put(&t,
		    "19%02zu-0%zu-1%zu,%zu,2024-03-%02zu %02zu:10:00,"
		    "2024-03-01T10:00:00Z\n",
		    50 + i % 40, 1 + i % 9, i % 10, i % 7, 1 + i % 28, i % 24);
	baseline(t.p, &o, &p);
	expect(&p, "created_at", DM_ROLE_EVENT_TIME, DM_LTYPE_TIMESTAMP,
	       "date-times; the event time");
	expect(&p, "birthday", DM_ROLE_IGNORED, DM_LTYPE_TIMESTAMP,
	       "derive a feature");
	expect(&p, "updated", DM_ROLE_IGNORED, DM_LTYPE_TIMESTAMP, NULL);
	assert_true(col(&p, "created_at")->mom.min == 1709251800.0);
	dm_profile_release(&p);

	/* no name says "time": the first timestamp */
	t.len = 0;
	put(&t, "a,b,c\n");
	for (i = 0; i < 50; i++)
		put(&t, "%zu,2024-01-%02zu,2023-01-01\n", i % 4, 1 + i % 28);
	baseline(t.p, &o, &p);
	expect(&p, "b", DM_ROLE_EVENT_TIME, DM_LTYPE_TIMESTAMP, "dates");
	expect(&p, "c", DM_ROLE_IGNORED, DM_LTYPE_TIMESTAMP, NULL);
	dm_profile_release(&p);
	free(t.p);
}

/* True/False in the spellings of pandas, Excel and DuckDB are a boolean
 * with exactly the categories false and true; 0/1 stays an integer code
 * (as it is in Parquet and from the collector). */
static void rule_boolean_and_codes(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	const dm_feature *f;
	size_t i;

	(void)state;
	put(&t, "flag,mixed,bit,code,code_f,count,allfalse\n");
	for (i = 0; i < 200; i++)
		put(&t, "%s,%s,%zu,%zu,%zu.0,%zu,%s\n",
		    i % 4 ? "True" : "False",
		    i % 3 == 0	 ? "TRUE"
		    : i % 3 == 1 ? "false"
				 : "",
		    i % 2, i % 6, i % 6, i, "False");
	baseline(t.p, &o, &p);
	expect(&p, "flag", DM_ROLE_FEATURE, DM_LTYPE_BOOLEAN,
	       "true/false values");
	f = col(&p, "flag");
	assert_int_equal(f->type, DM_FEATURE_CATEGORICAL);
	assert_int_equal(f->ncats, 2);
	assert_string_equal(f->cats[0].value, "false");
	assert_int_equal(f->cats[0].count, 50);
	assert_string_equal(f->cats[1].value, "true");
	assert_int_equal(f->cats[1].count, 150);
	expect(&p, "mixed", DM_ROLE_FEATURE, DM_LTYPE_BOOLEAN, NULL);
	assert_int_equal(col(&p, "mixed")->missing, 66);
	f = col(&p, "allfalse");
	assert_int_equal(f->ltype, DM_LTYPE_BOOLEAN);
	assert_int_equal(f->ncats, 2);
	assert_int_equal(f->cats[1].count, 0);
	expect(&p, "bit", DM_ROLE_FEATURE, DM_LTYPE_INTEGER,
	       "2 distinct values");
	expect(&p, "code", DM_ROLE_FEATURE, DM_LTYPE_INTEGER,
	       "6 distinct values");
	expect(&p, "code_f", DM_ROLE_FEATURE, DM_LTYPE_INTEGER,
	       "6 distinct values");
	assert_int_equal(col(&p, "code_f")->type, DM_FEATURE_NUMERIC);
	expect(&p, "count", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC, "integers");
	dm_profile_release(&p);
	free(t.p);
}

/* Predictions and labels by name; metadata columns and pandas' index
 * with their fixed roles. */
static void rule_names(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	size_t i;

	(void)state;
	put(&t, ",timestamp,model_name,model_version,request_id,x,"
		"predicted_class,score,y_true,label\n");
	for (i = 0; i < 40; i++)
		put(&t,
		    "%zu,2025-01-01T00:%02zu:00Z,m,v1,r%zu,%zu,%s,%.2f,%zu,"
		    "%zu\n",
		    i, i, i, i % 5, i % 2 ? "a" : "b", i / 40.0, i % 2, i % 2);
	baseline(t.p, &o, &p);
	expect(&p, "Unnamed: 0", DM_ROLE_IGNORED, DM_LTYPE_NUMERIC,
	       "pandas index column");
	expect(&p, "timestamp", DM_ROLE_EVENT_TIME, DM_LTYPE_TIMESTAMP,
	       "logger metadata column");
	expect(&p, "model_name", DM_ROLE_IGNORED, DM_LTYPE_CATEGORICAL, NULL);
	expect(&p, "request_id", DM_ROLE_IDENTIFIER, DM_LTYPE_CATEGORICAL,
	       NULL);
	expect(&p, "x", DM_ROLE_FEATURE, DM_LTYPE_INTEGER, NULL);
	expect(&p, "predicted_class", DM_ROLE_PREDICTION, DM_LTYPE_CATEGORICAL,
	       "name 'predicted_class'");
	expect(&p, "score", DM_ROLE_PREDICTION, DM_LTYPE_NUMERIC, NULL);
	expect(&p, "y_true", DM_ROLE_LABEL, DM_LTYPE_INTEGER, NULL);
	expect(&p, "label", DM_ROLE_LABEL, DM_LTYPE_INTEGER, NULL);
	dm_profile_release(&p);
	free(t.p);
}

/* Missing markers are counted per marker; the default marker 'None' that
 * is a column's most common value is kept as a category, with a warning;
 * a marker the user set is obeyed, with a warning. */
static void rule_missing_markers(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	const dm_feature *f;
	const char *mine[] = {"None", "?", NULL};
	size_t i, k;
	uint64_t none = 0;

	(void)state;
	put(&t, "children,x,plan\n");
	for (i = 0; i < 100; i++)
		put(&t, "%s,%s,%s\n",
		    i % 10 < 6	 ? "None"
		    : i % 10 < 9 ? "One"
				 : "Two",
		    i % 10 == 0 ? "NA" : "1.5", i % 20 == 0 ? "N/A" : "basic");
	baseline(t.p, &o, &p);
	f = col(&p, "children");
	assert_int_equal(f->missing, 0);
	assert_int_equal(f->ncats, 3);
	for (k = 0; k < f->ncats; k++)
		if (!strcmp(f->cats[k].value, "None"))
			none = f->cats[k].count;
	assert_int_equal(none, 60);
	for (k = 0; k < f->nna; k++)
		assert_string_not_equal(f->na_markers[k], "None");
	assert_int_equal(p.nwarnings, 1);
	assert_non_null(strstr(p.warnings[0], "'children'"));
	assert_non_null(strstr(p.warnings[0], "kept as a category"));
	f = col(&p, "plan");
	assert_int_equal(f->missing, 5);
	for (k = 0; k < f->nna; k++)
		assert_int_equal(f->na_counts[k],
				 !strcmp(f->na_markers[k], "N/A") ? 5 : 0);
	dm_profile_release(&p);

	/* a blank cell (a spreadsheet's " " for no number) is missing */
	t.len = 0;
	put(&t, "total,kind\n");
	for (i = 0; i < 100; i++)
		put(&t, "%s,%s\n", i % 10 ? "12.5" : " ", i % 5 ? "a" : "\t ");
	baseline(t.p, &o, &p);
	assert_int_equal(col(&p, "total")->missing, 10);
	assert_int_equal(col(&p, "total")->type, DM_FEATURE_NUMERIC);
	assert_int_equal(col(&p, "kind")->missing, 20);
	assert_int_equal(col(&p, "kind")->ncats, 1);
	dm_profile_release(&p);

	/* "?" is not a default marker, but a placeholder among numbers
	 * (SAS's ".", the World Bank's "..", a dash): missing from there on,
	 * a marker of the column (stored, for current data), with a
	 * warning; even 30% of them leave the column numeric */
	t.len = 0;
	put(&t, "x,y,z,w\n");
	for (i = 0; i < 100; i++)
		put(&t, "%s,%s,%s,%s\n", i % 20 == 1 ? "?" : "2",
		    i % 10 < 3 ? " . " : "1.5",
		    i % 4 ? "2024-01-02" : "\xE2\x80\x94", i % 2 ? "-" : "*");
	{
		dm_diag d;

		o.strict = 1;
		assert_int_equal(profile_text(t.p, &o, &p, &d), DM_OK);
		f = col(&p, "x");
		assert_int_equal(f->type, DM_FEATURE_NUMERIC);
		assert_int_equal(f->missing, 5);
		assert_string_equal(f->na_markers[f->nna - 1], "?");
		assert_int_equal(f->na_counts[f->nna - 1], 5);
		f = col(&p, "y");
		assert_int_equal(f->type, DM_FEATURE_NUMERIC);
		assert_int_equal(f->missing, 30);
		assert_string_equal(f->na_markers[f->nna - 1], " . ");
		f = col(&p, "z");
		assert_int_equal(f->ltype, DM_LTYPE_TIMESTAMP);
		assert_int_equal(f->missing, 25);
		/* placeholders only: a column of marks stays categories */
		f = col(&p, "w");
		assert_int_equal(f->type, DM_FEATURE_CATEGORICAL);
		assert_int_equal(f->ncats, 2);
		assert_int_equal(p.nwarnings, 3);
		assert_non_null(strstr(p.warnings[0],
				       "column 'x': '?' read as a missing "
				       "value (5 cells), a placeholder among "
				       "numbers"));
		dm_profile_release(&p);
	}
	/* a placeholder padded past 16 bytes is not one (a marker matches
	 * 16 bytes at most: one marker per cell otherwise) */
	{
		dm_diag d;

		t.len = 0;
		put(&t, "x\n");
		for (i = 0; i < 100; i++)
			put(&t, "%s\n",
			    i % 20 == 1 ? "        .         " : "2");
		assert_int_equal(profile_text(t.p, &o, &p, &d), DM_EFORMAT);
		assert_non_null(strstr(d.msg, "not a number: '        .  "));
		dm_profile_release(&p);
	}
	/* markers the user set: a placeholder not in them is an error */
	{
		const char *na_only[] = {"NA", NULL};
		dm_diag d;

		t.len = 0;
		put(&t, "x\n");
		for (i = 0; i < 100; i++)
			put(&t, "%s\n", i % 20 == 1 ? "." : "2");
		o.missing_values = na_only;
		assert_int_equal(profile_text(t.p, &o, &p, &d), DM_EFORMAT);
		assert_non_null(strstr(d.msg, "not a number: '.'"));
		dm_profile_release(&p);
	}
	/* markers set by the user: None stays missing, with a warning */
	o.missing_values = mine;
	t.len = 0;
	put(&t, "children,x\n");
	for (i = 0; i < 100; i++)
		put(&t, "%s,%s\n", i % 10 < 6 ? "None" : "One",
		    i % 10 == 1 ? "?" : "2");
	baseline(t.p, &o, &p);
	f = col(&p, "children");
	assert_int_equal(f->missing, 60);
	assert_int_equal(f->nna, 2);
	assert_int_equal(f->na_counts[0], 60);
	assert_int_equal(p.nwarnings, 1);
	assert_non_null(strstr(p.warnings[0], "removed 60 values"));
	assert_int_equal(col(&p, "x")->missing, 10);
	assert_int_equal(col(&p, "x")->na_counts[1], 10);
	dm_profile_release(&p);
	free(t.p);
}

/* The spec sets roles, types, markers and settings; a flag wins over it. */
static void spec_and_flags(void **state)
{
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p;
	dm_spec s;
	dm_column_spec cs[2];
	const dm_feature *f;
	const char *rn[] = {"b", NULL};
	const dm_role rv[] = {DM_ROLE_IGNORED};
	const char *tn[] = {"c", NULL};
	const dm_ltype tv[] = {DM_LTYPE_CATEGORICAL};
	char *mk[] = {"-"};
	size_t i;

	(void)state;
	dm_spec_init(&s);
	memset(cs, 0, sizeof(cs));
	cs[0].name = "a";
	cs[0].has_role = 1;
	cs[0].role = DM_ROLE_FEATURE;
	cs[0].has_missing = 1;
	cs[0].missing = mk;
	cs[0].nmissing = 1;
	cs[0].psi_threshold = 0.3;
	cs[0].alpha = NAN;
	cs[0].min_effect = 0.1;
	cs[0].importance = 2;
	cs[0].test = "psi";
	cs[1].name = "b";
	cs[1].has_role = 1;
	cs[1].role = DM_ROLE_FEATURE;
	cs[1].psi_threshold = cs[1].alpha = cs[1].min_effect = NAN;
	cs[1].importance = NAN;
	s.cols = cs;
	s.ncols = 2;
	put(&t, "a,b,c\n");
	for (i = 0; i < 2000; i++)
		put(&t, "%s,%zu,%zu\n", i % 10 ? "5" : "-", i, i % 4);
	o.spec = &s;
	o.role_names = rn;
	o.role_values = rv;
	o.ltype_names = tn;
	o.ltype_values = tv;
	baseline(t.p, &o, &p);
	f = col(&p, "a");
	assert_int_equal(f->origin, DM_ORIGIN_SPEC);
	assert_int_equal(f->missing, 200);
	assert_true(f->psi_threshold == 0.3);
	assert_true(f->min_effect == 0.1);
	assert_true(f->importance == 2);
	assert_string_equal(f->test, "psi");
	expect(&p, "a", DM_ROLE_FEATURE, DM_LTYPE_INTEGER, "spec");
	/* b: strictly increasing, the spec says feature, the flag ignored */
	expect(&p, "b", DM_ROLE_IGNORED, DM_LTYPE_NUMERIC, "--role flag");
	assert_int_equal(col(&p, "b")->origin, DM_ORIGIN_FLAG);
	expect(&p, "c", DM_ROLE_FEATURE, DM_LTYPE_CATEGORICAL, "--type flag");
	assert_int_equal(col(&p, "c")->type, DM_FEATURE_CATEGORICAL);
	dm_profile_release(&p);
	free(t.p);
}

/* ---- current data against the baseline's schema ----------------------- */

/* Profiles current CSV text against baseline b and runs detect. */
static void current(const dm_profile *b, const char *csv, dm_profile *c,
		    dm_result *r)
{
	dm_profile_opts o = {0};
	dm_diag d;
	dm_detect_config cfg;

	o.reference = b;
	dm_diag_clear(&d);
	if (profile_text(csv, &o, c, &d) != DM_OK)
		fail_msg("current: %s", d.msg);
	dm_detect_config_init(&cfg);
	cfg.min_samples = 10;
	if (dm_detect(b, c, &cfg, r, &d) != DM_OK)
		fail_msg("detect: %s", d.msg);
}

static size_t count_code(const dm_result *r, const char *code,
			 const char *feature)
{
	size_t i, n = 0;

	for (i = 0; i < r->nalerts; i++)
		n += !strcmp(r->alerts[i].code, code) &&
		     (!feature || !strcmp(r->alerts[i].feature, feature));
	return n;
}

static size_t schema_alerts(const dm_result *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nalerts; i++)
		n += !strncmp(r->alerts[i].code, "SCHEMA_", 7);
	return n;
}

static void schema_checks(void **state)
{
	struct text t = {0}, u = {0};
	dm_profile_opts o = {0};
	dm_profile b, c;
	dm_result r;
	const dm_feature *f;
	size_t i;

	(void)state;
	put(&t, "flag,code,grade,x\n");
	for (i = 0; i < 400; i++)
		put(&t, "%s,%zu,%c,%.3f\n", i % 2 ? "True" : "False", i % 4,
		    "ABC"[i % 3], (double)(i % 37) / 7.0);
	baseline(t.p, &o, &b);

	/* the same values in other spellings: no schema alert, no drift */
	put(&u, "flag,code,grade,x\n");
	for (i = 0; i < 400; i++)
		put(&u, "%s,%zu.0,%c,%.3f\n", i % 2 ? "1" : "false", i % 4,
		    "ABC"[i % 3], (double)(i % 37) / 7.0);
	current(&b, u.p, &c, &r);
	assert_int_equal(schema_alerts(&r), 0);
	assert_false(r.drift_detected);
	f = col(&c, "flag");
	assert_int_equal(f->count, 400);
	assert_int_equal(f->cats[0].count, 200);
	assert_true(r.features[0].psi == 0.0);
	dm_result_release(&r);
	dm_profile_release(&c);

	/* logs written before the collector stored BOOLEAN: DOUBLE 1/0 */
	{
		double v[4] = {0, 1, 1, 2};
		uint8_t nul[4] = {0, 0, 1, 0};
		dm_column cc = {DM_COL_DOUBLE, v, NULL, nul};
		dm_batch bt = {4, 1, &cc, 1, NULL};
		char *nm[] = {"flag"};
		dm_profile_opts co = {0};
		dm_diag d;

		co.reference = &b;
		dm_profile_init(&c, &co);
		assert_int_equal(
			dm_profile_add_batch(&c, &co, &bt, nm, "x", &d), DM_OK);
		f = col(&c, "flag");
		assert_int_equal(f->count, 2);
		assert_int_equal(f->missing, 1);
		assert_int_equal(f->schema_bad, 1);
		assert_string_equal(f->schema_bad_example, "2");
		assert_int_equal(f->cats[0].count, 1); /* false */
		assert_int_equal(f->cats[1].count, 1); /* true */
		dm_profile_release(&c);
	}

	/* a third boolean value, a fraction in a code, numbers where the
	 * baseline had letters, text in a numeric column, a new column */
	u.len = 0;
	put(&u, "flag,code,grade,x,extra,predicted_label\n");
	for (i = 0; i < 400; i++)
		put(&u, "%s,%s,%s,%s,1,spam\n", i % 50 ? "True" : "maybe",
		    i % 100 ? "2" : "2.5", i % 2 ? "7" : "A",
		    i % 3 ? "n/a-ish" : "1.5");
	current(&b, u.p, &c, &r);
	assert_int_equal(count_code(&r, "SCHEMA_BOOLEAN_VALUE", "flag"), 1);
	assert_int_equal(col(&c, "flag")->schema_bad, 8);
	assert_int_equal(col(&c, "flag")->count, 392);
	assert_int_equal(count_code(&r, "SCHEMA_TYPE_CHANGED", "code"), 1);
	assert_int_equal(col(&c, "code")->schema_bad, 4);
	assert_int_equal(count_code(&r, "SCHEMA_TYPE_CHANGED", "grade"), 1);
	assert_int_equal(col(&c, "grade")->schema_bad, 200);
	assert_int_equal(count_code(&r, "SCHEMA_TYPE_CHANGED", "x"), 1);
	/* a model output in the logs is expected: listed, no alert */
	assert_int_equal(count_code(&r, "SCHEMA_NEW_COLUMN", "extra"), 1);
	assert_int_equal(count_code(&r, "SCHEMA_NEW_COLUMN", NULL), 1);
	assert_int_equal(r.nignored, 2);
	assert_string_equal(r.ignored_columns[1], "predicted_label");
	for (i = 0; i < r.nalerts; i++)
		if (!strcmp(r.alerts[i].code, "SCHEMA_BOOLEAN_VALUE"))
			assert_non_null(strstr(r.alerts[i].message, "'maybe'"));
	dm_result_release(&r);
	dm_profile_release(&c);
	dm_profile_release(&b);
	free(t.p);
	free(u.p);
}

/* A version 1 baseline reads with every column a feature and the default
 * missing markers; version 2 round-trips roles, types and marker counts. */
static void baseline_versions(void **state)
{
	static const char v1[] =
		"{\"format\": \"driftmon-baseline\", \"format_version\": 1, "
		"\"rows\": 2, \"settings\": {\"psi_bins\": 10, \"sketch_k\": "
		"64},"
		" \"features\": [{\"name\": \"c\", \"type\": \"categorical\", "
		"\"count\": 2, \"missing\": 0, \"categories\": [{\"value\": "
		"\"a\", \"count\": 2}], \"other\": 0}]}";
	struct text t = {0};
	dm_profile_opts o = {0};
	dm_profile p, q;
	dm_diag d;
	char *json, *json2;
	size_t len, len2, i;

	(void)state;
	assert_int_equal(
		dm_baseline_from_json(v1, strlen(v1), "v1.json", &p, &d),
		DM_OK);
	assert_int_equal(p.feat[0].role, DM_ROLE_FEATURE);
	assert_int_equal(p.feat[0].ltype, DM_LTYPE_CATEGORICAL);
	assert_int_equal(p.feat[0].nna, 10);
	dm_profile_release(&p);

	put(&t, "id,flag,plan,when\n");
	for (i = 0; i < 1200; i++)
		put(&t, "%zu,%s,%s,2024-01-%02zu\n", i,
		    i % 2 ? "true" : "false", i % 7 ? "basic" : "NA",
		    1 + i % 28);
	baseline(t.p, &o, &p);
	p.model = strdup("m");
	p.model_version = strdup("v");
	p.created_at = strdup("2025-01-01T00:00:00Z");
	assert_int_equal(dm_baseline_to_json(&p, &json, &len), DM_OK);
	assert_non_null(strstr(json, "\"format_version\": 2"));
	assert_int_equal(dm_baseline_from_json(json, len, "b.json", &q, &d),
			 DM_OK);
	for (i = 0; i < p.nfeat; i++) {
		assert_int_equal(p.feat[i].role, q.feat[i].role);
		assert_int_equal(p.feat[i].ltype, q.feat[i].ltype);
		assert_string_equal(p.feat[i].reason, q.feat[i].reason);
		assert_int_equal(p.feat[i].nna, q.feat[i].nna);
	}
	expect(&q, "id", DM_ROLE_IDENTIFIER, DM_LTYPE_NUMERIC, NULL);
	expect(&q, "when", DM_ROLE_EVENT_TIME, DM_LTYPE_TIMESTAMP, NULL);
	assert_int_equal(col(&q, "plan")->na_counts[0], 172);
	assert_int_equal(dm_baseline_to_json(&q, &json2, &len2), DM_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(json, json2, len);
	dm_profile_release(&q);
	/* an unknown role is named */
	{
		char *bad = strdup(json), *r = strstr(bad, "\"identifier\"");

		memcpy(r + 1, "identifiex", 10);
		assert_int_equal(
			dm_baseline_from_json(bad, len, "b.json", &q, &d),
			DM_EFORMAT);
		assert_non_null(strstr(d.msg, "role"));
		free(bad);
	}
	free(json);
	free(json2);
	dm_profile_release(&p);
	dm_profile_release(&q);
	free(t.p);
}

/* Baselines of two parts merged, then finished: the same roles and types
 * as the baseline of the whole. */
static void merged_parts(void **state)
{
	struct text a = {0}, b = {0}, all = {0};
	dm_profile_opts o = {0};
	dm_profile pa, pb, m, whole;
	dm_diag d;
	size_t i;

	(void)state;
	put(&a, "id,flag,when,code,x,comment\n");
	put(&b, "id,flag,when,code,x,comment\n");
	put(&all, "id,flag,when,code,x,comment\n");
	for (i = 0; i < 2400; i++) {
		struct text *t = i < 1200 ? &a : &b;
		char line[200];

		snprintf(line, sizeof(line),
			 "%zu,%s,2024-01-%02zu,%zu,%.3f,\"a b c d %zu\"\n", i,
			 i % 3 ? "True" : "False", 1 + i % 28, i % 5, i * 0.37,
			 i);
		put(t, "%s", line);
		put(&all, "%s", line);
	}
	o.strict = 1;
	/* the parts are profiled, not finished (profile_text would) */
	{
		dm_source *src;
		dm_reader *r;
		dm_profile *parts[2] = {&pa, &pb};
		const char *txt[2] = {a.p, b.p};
		int k;

		for (k = 0; k < 2; k++) {
			dm_profile_init(parts[k], &o);
			assert_int_equal(dm_source_open_mem("p.csv", txt[k],
							    strlen(txt[k]), 0,
							    &src),
					 DM_OK);
			assert_int_equal(dm_reader_open(src, NULL, &r, &d),
					 DM_OK);
			assert_int_equal(
				dm_profile_add_reader(parts[k], &o, r, &d),
				DM_OK);
			dm_reader_free(r);
		}
	}
	dm_profile_init(&m, &o);
	assert_int_equal(dm_profile_merge(&m, &pa, &d), DM_OK);
	assert_int_equal(dm_profile_merge(&m, &pb, &d), DM_OK);
	assert_int_equal(dm_profile_finish(&m, &d), DM_OK);
	baseline(all.p, &o, &whole);
	for (i = 0; i < whole.nfeat; i++) {
		const dm_feature *x = &whole.feat[i], *y = col(&m, x->name);

		if (x->role != y->role || x->ltype != y->ltype ||
		    x->count != y->count || x->missing != y->missing)
			fail_msg("%s: merged %s/%s, whole %s/%s", x->name,
				 dm_role_name(y->role), dm_ltype_name(y->ltype),
				 dm_role_name(x->role),
				 dm_ltype_name(x->ltype));
	}
	expect(&m, "id", DM_ROLE_IDENTIFIER, DM_LTYPE_NUMERIC,
	       "strictly increasing");
	expect(&m, "flag", DM_ROLE_FEATURE, DM_LTYPE_BOOLEAN, NULL);
	dm_profile_release(&pa);
	dm_profile_release(&pb);
	dm_profile_release(&m);
	dm_profile_release(&whole);
	free(a.p);
	free(b.p);
	free(all.p);
}

/* Parquet files of real writers: BOOLEAN, DATE, TIMESTAMP (every unit,
 * local or UTC) are hinted; integers, decimals, strings and times of day
 * are left to the values; a profile of the DuckDB fixture types them. */
static void parquet_hints(void **state)
{
	static const struct {
		const char *name;
		dm_ltype lt;
	} want[] = {
		{"id", DM_LTYPE_UNKNOWN},     {"b", DM_LTYPE_BOOLEAN},
		{"dec38", DM_LTYPE_UNKNOWN},  {"dt", DM_LTYPE_TIMESTAMP},
		{"ts", DM_LTYPE_TIMESTAMP},   {"ts_ns", DM_LTYPE_TIMESTAMP},
		{"tstz", DM_LTYPE_TIMESTAMP}, {"tod", DM_LTYPE_NUMERIC},
		{"s", DM_LTYPE_UNKNOWN},
	};
	dm_reader *r;
	dm_diag d;
	dm_profile p;
	dm_profile_opts o = {0};
	size_t i, c;

	(void)state;
	assert_int_equal(dm_reader_open_file("tests/data/parquet/"
					     "duckdb_v1_uncompressed.parquet",
					     NULL, &r, &d),
			 DM_OK);
	assert_non_null(r->ltypes);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (c = 0; c < r->ncols; c++)
			if (!strcmp(r->names[c], want[i].name))
				break;
		assert_true(c < r->ncols);
		if (r->ltypes[c] != want[i].lt)
			fail_msg("%s: hint %s", want[i].name,
				 dm_ltype_name(r->ltypes[c]));
		assert_false(r->predictions[c]);
	}
	dm_profile_init(&p, &o);
	assert_int_equal(dm_profile_add_reader(&p, &o, r, &d), DM_OK);
	assert_int_equal(dm_profile_finish(&p, &d), DM_OK);
	expect(&p, "b", DM_ROLE_FEATURE, DM_LTYPE_BOOLEAN, "Parquet BOOLEAN");
	expect(&p, "dt", DM_ROLE_IGNORED, DM_LTYPE_TIMESTAMP, "Parquet DATE");
	expect(&p, "f64", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC, NULL);
	expect(&p, "tod", DM_ROLE_FEATURE, DM_LTYPE_NUMERIC,
	       "Parquet TIME, as seconds since midnight");
	assert_int_equal(col(&p, "b")->ncats, 2);
	dm_profile_release(&p);
	dm_reader_free(r);
}

/* A Parquet BOOLEAN column of only true values, a DOUBLE column marked a
 * prediction by the logger's metadata, a TIMESTAMP: written here, then
 * profiled (the boolean still has false and true, in that order). */
static void parquet_written(void **state)
{
	static const dm_parquet_wcol wc[] = {
		{"ok", DM_PARQUET_W_BOOLEAN, 1},
		{"p", DM_PARQUET_W_DOUBLE, 1},
		{"at", DM_PARQUET_W_TIMESTAMP, 0},
	};
	dm_parquet_kv kv = {"driftmon.prediction_columns", "[\"p\"]"};
	dm_parquet_writer_opts wo;
	dm_parquet_writer *w;
	char path[] = "/tmp/dm-schema-XXXXXX";
	double ok[50], p[50], at[50];
	dm_reader *r;
	dm_profile pr;
	dm_profile_opts o = {0};
	dm_diag d;
	const dm_feature *f;
	size_t i;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < 50; i++) {
		ok[i] = 1;
		p[i] = i / 50.0;
		at[i] = 1700000000.0 + 3600.0 * (double)i;
	}
	memset(&wo, 0, sizeof(wo));
	wo.kv = &kv;
	wo.nkv = 1;
	assert_int_equal(dm_parquet_writer_open(path, wc, 3, &wo, &w, &d),
			 DM_OK);
	assert_int_equal(dm_parquet_writer_write_f64(w, 0, ok, NULL, 50, &d),
			 DM_OK);
	assert_int_equal(dm_parquet_writer_write_f64(w, 1, p, NULL, 50, &d),
			 DM_OK);
	assert_int_equal(dm_parquet_writer_write_f64(w, 2, at, NULL, 50, &d),
			 DM_OK);
	assert_int_equal(dm_parquet_writer_end_rows(w, &d), DM_OK);
	assert_int_equal(dm_parquet_writer_close(w, &d), DM_OK);
	assert_int_equal(dm_reader_open_file(path, NULL, &r, &d), DM_OK);
	assert_true(r->predictions[1] && !r->predictions[0]);
	dm_profile_init(&pr, &o);
	assert_int_equal(dm_profile_add_reader(&pr, &o, r, &d), DM_OK);
	assert_int_equal(dm_profile_finish(&pr, &d), DM_OK);
	dm_reader_free(r);
	unlink(path);
	f = col(&pr, "ok");
	assert_int_equal(f->ltype, DM_LTYPE_BOOLEAN);
	assert_int_equal(f->ncats, 2);
	assert_string_equal(f->cats[0].value, "false");
	assert_int_equal(f->cats[0].count, 0);
	assert_string_equal(f->cats[1].value, "true");
	assert_int_equal(f->cats[1].count, 50);
	expect(&pr, "p", DM_ROLE_PREDICTION, DM_LTYPE_NUMERIC,
	       "logger prediction column");
	expect(&pr, "at", DM_ROLE_EVENT_TIME, DM_LTYPE_TIMESTAMP,
	       "Parquet TIMESTAMP");
	assert_true(col(&pr, "at")->mom.min == 1700000000.0);
	dm_profile_release(&pr);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datetime_parser),
		cmocka_unit_test(time_of_day_parser),
		cmocka_unit_test(bool_parser),
		cmocka_unit_test(rule_identifier_integers),
		cmocka_unit_test(rule_identifier_and_text_strings),
		cmocka_unit_test(rule_identifier_small_table),
		cmocka_unit_test(rule_event_time),
		cmocka_unit_test(rule_time_of_day),
		cmocka_unit_test(rule_codes_among_numbers),
		cmocka_unit_test(rule_boolean_and_codes),
		cmocka_unit_test(rule_names),
		cmocka_unit_test(rule_missing_markers),
		cmocka_unit_test(spec_and_flags),
		cmocka_unit_test(schema_checks),
		cmocka_unit_test(baseline_versions),
		cmocka_unit_test(merged_parts),
		cmocka_unit_test(parquet_hints),
		cmocka_unit_test(parquet_written),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
