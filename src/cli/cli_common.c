/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the driftmon commands (see cli.h). */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/termsafe.h"
#include "driftmon/names.h"
#include "driftmon/profile.h"
#include "driftmon/store.h"

/* Prints prefix and the formatted message on stderr as one line, with
 * control characters from data (names, values) escaped. */
static void print_line(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL;

	fputs(prefix, stderr);
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("(out of memory formatting a message)", stderr);
	} else {
		term_fputs(msg, stderr);
		free(msg);
	}
	fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("driftmon: ", fmt, ap);
	va_end(ap);
	return EXIT_RUNTIME;
}

static void fail_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("driftmon: ", fmt, ap);
	va_end(ap);
}

int cli_fail_err(dm_err err, const dm_diag *diag, const char *what)
{
	fail_line("%s%s%s", what ? what : "", what ? ": " : "",
		  diag && diag->msg[0] ? diag->msg : dm_strerror(err));
	return err == DM_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "driftmon %s: ", cmd);
	va_start(ap, fmt);
	print_line(prefix, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'driftmon %s --help'.\n", cmd);
	return EXIT_USAGE;
}

/* Edit distance of a and b counting insertions, deletions,
 * substitutions and swaps of two neighbours ("modle" -> "model") as one
 * edit each (the optimal string alignment distance); a large number for
 * names longer than 64 characters. */
size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[3][65]; /* rows i-2, i-1, i (mod 3) */

	if (la > 64 || lb > 64)
		return SIZE_MAX / 2;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = d[i % 3], *up = d[(i - 1) % 3],
		       *up2 = d[(i + 1) % 3];

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = up[j - 1] + (a[i - 1] != b[j - 1]);

			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[la % 3][lb];
}

int cli_is_typo(size_t len, size_t distance)
{
	/* one edit in a short name, a quarter of a longer one */
	return distance <= (len >= 8 ? len / 4 : 1);
}

const char *cli_closest_option(const struct option *opts, const char *name)
{
	const char *best = NULL;
	size_t bd = SIZE_MAX, n = strlen(name), i;

	for (i = 0; opts && opts[i].name; i++) {
		size_t d = cli_edit_distance(name, opts[i].name);

		if (d < bd) {
			bd = d;
			best = opts[i].name;
		}
	}
	return best && cli_is_typo(n, bd) ? best : NULL;
}

int cli_bad_option_in(const char *cmd, int argc, char **argv,
		      const struct option *opts)
{
	const char *arg =
		(optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
	int n;

	/* getopt_long sets optopt to 0 for an unknown (or ambiguous) long
	 * option, and to the option's value when it lacks its argument or
	 * has one it does not take ("--help=x"). */
	if (strncmp(arg, "--", 2) == 0) {
		n = (int)strcspn(arg, "=");
		if (optopt == 0) {
			char name[80];
			const char *near;

			snprintf(name, sizeof(name), "%.*s", n - 2, arg + 2);
			near = cli_closest_option(opts, name);
			if (near)
				return cli_usage(
					cmd,
					"unknown option '%.*s'; did you "
					"mean '--%s'?",
					n, arg, near);
			return cli_usage(cmd, "unknown option '%.*s'", n, arg);
		}
		if (arg[n] == '=')
			return cli_usage(cmd, "option '%.*s' takes no value", n,
					 arg);
		return cli_usage(cmd, "option '%s' needs a value", arg);
	}
	if (optopt > 0 && optopt < 256)
		return cli_usage(cmd,
				 "unknown option '-%c', or it needs a "
				 "value",
				 optopt);
	return cli_usage(cmd, "unknown option '%s'", arg);
}

int cli_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	       const struct option *longopts, const char *help,
	       cli_option_fn fn, void *ctx)
{
	int c, rc, longidx = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &longidx)) !=
	       -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		rc = fn(ctx, c, longidx, optarg);
		if (rc == CLI_BAD_OPTION)
			return cli_bad_option_in(cmd, argc, argv, longopts);
		if (rc != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

int cli_model_store_option(void *ctx, int c, int longidx, const char *arg)
{
	struct cli_model_store *o = ctx;

	(void)longidx;
	if (c == 'm')
		o->model = arg;
	else if (c == CLI_O_STORE)
		o->store = arg;
	else
		return CLI_BAD_OPTION;
	return EXIT_OK;
}

const char *cli_store_url(const char *flag)
{
	const char *e = getenv("DRIFTMON_STORE");

	if (flag && *flag)
		return flag;
	if (e && *e)
		return e;
	return "./driftmon-data";
}

const char *cli_store_shown(const char *flag)
{
	static char buf[1024];

	return dm_redact(cli_store_url(flag), buf, sizeof(buf));
}

int cli_open_store_to_read(const char *flag, struct dm_store **out)
{
	const char *url = cli_store_url(flag), *env = getenv("DRIFTMON_STORE");
	int dflt = !(flag && *flag) && !(env && *env);
	dm_diag diag;
	dm_err err;

	*out = NULL;
	dm_diag_clear(&diag);
	err = dm_store_open(url, out, &diag);
	if (err == DM_OK)
		err = dm_store_check(*out, &diag);
	if (err == DM_OK)
		return EXIT_OK;
	dm_store_free(*out);
	*out = NULL;
	if (err == DM_ENOENT && dflt)
		return cli_fail("cannot open store: %s (the default; give "
				"--store or set DRIFTMON_STORE, or create it "
				"with 'driftmon baseline')",
				diag.msg);
	return cli_fail_err(err, &diag, "cannot open store");
}

int cli_parse_double(const char *s, double *out)
{
	char *end;
	double x;

	if (!s || !*s)
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (*end || errno || !isfinite(x))
		return -1;
	*out = x;
	return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = x;
	return 0;
}

int cli_settings_from_env(cli_settings *s)
{
	dm_diag d;

	dm_diag_clear(&d);
	if (dm_job_settings_from_env(s, &d) != DM_OK) {
		fprintf(stderr, "driftmon: %s\n", d.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_settings_flag(cli_settings *s, const char *cmd, const char *name,
		      const char *value)
{
	dm_diag d;
	dm_err err;

	dm_diag_clear(&d);
	err = dm_job_settings_set(s, name, value, &d);
	if (err == DM_ENOENT)
		return 0;
	if (err != DM_OK) {
		cli_usage(cmd, "%s", d.msg);
		return -1;
	}
	return 1;
}

char **cli_list_append(char **v, const char *s)
{
	size_t n = 0;
	char **nv;

	while (v && v[n])
		n++;
	nv = realloc(v, (n + 2) * sizeof(*nv));
	if (!nv)
		return NULL;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	if (!nv[n])
		return NULL;
	return nv;
}

char **cli_split_list(const char *s)
{
	char **v = calloc(1, sizeof(*v));
	const char *p = s;

	while (v && p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *item = strndup(p, n);
		char *a = item, *b;

		if (!item)
			break;
		while (*a == ' ')
			a++;
		b = a + strlen(a);
		while (b > a && b[-1] == ' ')
			*--b = '\0';
		if (*a)
			v = cli_list_append(v, a);
		free(item);
		p += n;
		if (*p == ',')
			p++;
	}
	return v;
}

void cli_free_list(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void cli_iso_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads exactly n digits at *p; -1 if they are not there. */
static int take_digits(const char **p, int n, int *v)
{
	int x = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : md[m - 1];
}

#define SYNTAX                                                                 \
	"expected an ISO-8601 UTC time such as 2025-12-24T17:00:00Z, or one "  \
	"with an offset such as 2025-12-24T19:00:00+02:00"

/* The fields of an ISO-8601 time; its UTC offset is sign * oh:om. */
struct iso_time {
	int y, mo, d, h, mi, se, oh, om, sign;
};

/* The time of day after the date: HH[:MM[:SS[.fff]]] (fractions of a
 * second dropped); -1 if it is not one. */
static int parse_clock(const char **pp, struct iso_time *t)
{
	const char *p = *pp;

	if (take_digits(&p, 2, &t->h) < 0)
		return -1;
	if (*p == ':') {
		p++;
		if (take_digits(&p, 2, &t->mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (take_digits(&p, 2, &t->se) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (*p < '0' || *p > '9')
					return -1;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
	}
	*pp = p;
	return 0;
}

/* The zone after the time of day: Z, +HH[[:]MM], -HH[[:]MM] or none; -1
 * if it is not one. */
static int parse_zone(const char **pp, struct iso_time *t)
{
	const char *p = *pp;

	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		t->sign = *p++ == '-' ? -1 : 1;
		if (take_digits(&p, 2, &t->oh) < 0)
			return -1;
		if (*p == ':')
			p++;
		if (*p && take_digits(&p, 2, &t->om) < 0)
			return -1;
	}
	*pp = p;
	return 0;
}

/* The largest UTC offset, +/-23:59. */
#define MAX_OFFSET_HOURS   23
#define MAX_OFFSET_MINUTES 59

/* s as YYYY-MM-DD[THH[:MM[:SS[.fff]]][zone]] into t: 0, -1 if it is not
 * that syntax, 1 if the UTC offset is out of range. */
static int parse_iso(const char *s, struct iso_time *t)
{
	const char *p = s;

	if (take_digits(&p, 4, &t->y) < 0 || *p++ != '-' ||
	    take_digits(&p, 2, &t->mo) < 0 || *p++ != '-' ||
	    take_digits(&p, 2, &t->d) < 0)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (parse_clock(&p, t) < 0 || parse_zone(&p, t) < 0)
			return -1;
		if (t->oh > MAX_OFFSET_HOURS || t->om > MAX_OFFSET_MINUTES)
			return 1;
	}
	return *p ? -1 : 0;
}

/* 0 if t's date and time of day exist (from 1970 on); else -1 with why
 * they do not. */
static int check_fields(const struct iso_time *t, char *why, size_t n)
{
	static const char *const months[12] = {
		"January",   "February", "March",    "April",
		"May",	     "June",	 "July",     "August",
		"September", "October",	 "November", "December"};

	if (t->y < 1970) {
		snprintf(why, n, "year %d is before 1970", t->y);
		return -1;
	}
	if (t->mo < 1 || t->mo > 12) {
		snprintf(why, n, "month %02d does not exist", t->mo);
		return -1;
	}
	if (t->d < 1 || t->d > days_in_month(t->y, t->mo)) {
		snprintf(why, n, "%s %d has %d days", months[t->mo - 1], t->y,
			 days_in_month(t->y, t->mo));
		return -1;
	}
	if (t->h > 23 || t->mi > 59 || t->se > 59) {
		snprintf(why, n, "time of day %02d:%02d:%02d does not exist",
			 t->h, t->mi, t->se);
		return -1;
	}
	return 0;
}

int cli_parse_time_why(const char *s, time_t *out, char *why, size_t n)
{
	struct iso_time it = {0};
	struct tm tm;
	char dummy[2];
	time_t t;
	int rc;

	if (!why) {
		why = dummy;
		n = sizeof(dummy);
	}
	if (!s) {
		snprintf(why, n, SYNTAX);
		return -1;
	}
	if (!strcmp(s, "now")) {
		*out = time(NULL);
		return 0;
	}
	if ((rc = parse_iso(s, &it)) != 0) {
		if (rc < 0)
			snprintf(why, n, SYNTAX);
		else
			snprintf(why, n,
				 "UTC offset out of range "
				 "(at most +/-23:59)");
		return -1;
	}
	if (check_fields(&it, why, n) < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = it.y - 1900;
	tm.tm_mon = it.mo - 1;
	tm.tm_mday = it.d;
	tm.tm_hour = it.h;
	tm.tm_min = it.mi;
	tm.tm_sec = it.se;
	t = timegm(&tm) - it.sign * (time_t)(it.oh * 3600 + it.om * 60);
	if (t < 0) {
		snprintf(why, n, "before 1970-01-01T00:00:00Z");
		return -1;
	}
	*out = t;
	return 0;
}

int cli_parse_time(const char *s, time_t *out)
{
	return cli_parse_time_why(s, out, NULL, 0);
}

int cli_progress_enabled(void)
{
	return isatty(2);
}

int cli_profile_files(char *const *files, const dm_profile_opts *opts,
		      int lenient, dm_profile *p)
{
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	err = dm_job_profile_files((const char *const *)files, opts, lenient, p,
				   &diag);
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot read");
	return EXIT_OK;
}

unsigned cli_threads(void)
{
	return dm_job_threads_from_env();
}

int cli_check_model(const char *cmd, const char *model, const char *version)
{
	if (!model || !version)
		return cli_usage(cmd, "--model and --version are required");
	return cli_check_names(cmd, model, version);
}

int cli_check_names(const char *cmd, const char *model, const char *version)
{
	dm_diag d;

	dm_diag_clear(&d);
	if ((model &&
	     dm_name_check("model name", model, strlen(model), &d) != DM_OK) ||
	    (version && dm_name_check("model version", version, strlen(version),
				      &d) != DM_OK))
		return cli_usage(cmd, "invalid %s", d.msg);
	return EXIT_OK;
}

int cli_parse_bins(const char *cmd, const char *arg, unsigned *out)
{
	uint64_t u;

	if (cli_parse_u64(arg, &u) < 0 || u < 2 || u > DM_PSI_BINS_MAX)
		return cli_usage(cmd,
				 "invalid --bins '%s': expected a whole number "
				 "from 2 to %d",
				 arg, DM_PSI_BINS_MAX);
	*out = (unsigned)u;
	return EXIT_OK;
}
