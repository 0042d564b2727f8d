/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage layout (driftmon/layout.h): every key driftmon reads or
 * writes is built, and parsed back, here and nowhere else.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "driftmon/layout.h"
#include "driftmon/names.h"
#include "driftmon/store.h"

/* Checks model and version (either may be NULL). */
static dm_err check_names(const char *model, const char *version, dm_diag *diag)
{
	if (model &&
	    dm_name_check("model name", model, strlen(model), diag) != DM_OK)
		return DM_EINVAL;
	if (version && dm_name_check("model version", version, strlen(version),
				     diag) != DM_OK)
		return DM_EINVAL;
	return DM_OK;
}

/* snprintf into out; DM_ETOOBIG when it does not fit. */
static dm_err __attribute__((format(printf, 4, 5)))
put(char *out, size_t n, dm_diag *diag, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n) {
		if (n)
			out[0] = '\0';
		return dm_diag_set(diag, DM_ETOOBIG, NULL, 0, NULL,
				   "storage key longer than %zu bytes", n);
	}
	return DM_OK;
}

dm_err dm_layout_baseline_key(const char *model, const char *version, char *out,
			      size_t n, dm_diag *diag)
{
	if (!model || !version || check_names(model, version, diag))
		return DM_EINVAL;
	return put(out, n, diag, DM_LAYOUT_BASELINES "%s/%s/baseline.json",
		   model, version);
}

dm_err dm_layout_refperf_key(const char *model, const char *version, char *out,
			     size_t n, dm_diag *diag)
{
	if (!model || !version || check_names(model, version, diag))
		return DM_EINVAL;
	return put(out, n, diag,
		   DM_LAYOUT_BASELINES "%s/%s/reference-performance.json",
		   model, version);
}

dm_err dm_layout_latest_key(const char *model, const char *version,
			    const char *ext, char *out, size_t n, dm_diag *diag)
{
	if (!model || check_names(model, version, diag))
		return DM_EINVAL;
	if (!ext || (strcmp(ext, "json") && strcmp(ext, "html")))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "latest report: extension '%s' is not json "
				   "or html",
				   ext ? ext : "(null)");
	if (version)
		return put(out, n, diag, DM_LAYOUT_REPORTS "%s/%s/latest.%s",
			   model, version, ext);
	return put(out, n, diag, DM_LAYOUT_REPORTS "%s/latest.%s", model, ext);
}

/* "20251224T170000Z" */
static void stamp(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm);
}

dm_err dm_layout_history_key(const char *model, const char *version,
			     time_t window_end, time_t run, uint32_t nonce,
			     const char *ext, char *out, size_t n,
			     dm_diag *diag)
{
	char e[32], r[32];

	if (!model || !version || check_names(model, version, diag))
		return DM_EINVAL;
	if (ext && (!*ext || strchr(ext, '/')))
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "history report: bad extension '%s'", ext);
	stamp(window_end, e, sizeof(e));
	stamp(run, r, sizeof(r));
	return put(out, n, diag, DM_LAYOUT_REPORTS "%s/%s/%s--%s-%08x%s%s",
		   model, version, e, r, (unsigned)nonce, ext ? "." : "",
		   ext ? ext : "");
}

dm_err dm_layout_alerts_state_key(const char *model, char *out, size_t n,
				  dm_diag *diag)
{
	if (!model || check_names(model, NULL, diag))
		return DM_EINVAL;
	return put(out, n, diag, DM_LAYOUT_REPORTS "%s/alerts.state", model);
}

/* root/ or root/model/ or root/model/version/ */
static dm_err folder(const char *root, const char *model, const char *version,
		     char *out, size_t n, dm_diag *diag)
{
	if (check_names(model, version, diag))
		return DM_EINVAL;
	if (!model)
		return put(out, n, diag, "%s", root);
	if (!version)
		return put(out, n, diag, "%s%s/", root, model);
	return put(out, n, diag, "%s%s/%s/", root, model, version);
}

dm_err dm_layout_reports_prefix(const char *model, const char *version,
				char *out, size_t n, dm_diag *diag)
{
	if (!model && version)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "a version without a model");
	return folder(DM_LAYOUT_REPORTS, model, version, out, n, diag);
}

dm_err dm_layout_baselines_prefix(const char *model, const char *version,
				  char *out, size_t n, dm_diag *diag)
{
	if (!model && version)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "a version without a model");
	return folder(DM_LAYOUT_BASELINES, model, version, out, n, diag);
}

/* A partition root: '/'-separated components, each usable as a key
 * component (dm_key_component_ok: no '.'-leading, no control
 * characters), no leading or trailing '/'. */
static dm_err check_root(const char *root, dm_diag *diag)
{
	const char *p = root;

	if (!root || !*root || *root == '/' || root[strlen(root) - 1] == '/')
		goto bad;
	while (*p) {
		size_t len = strcspn(p, "/");
		char part[DM_NAME_MAX_BYTES + 1];

		if (len == 0 || len >= sizeof(part))
			goto bad;
		memcpy(part, p, len);
		part[len] = '\0';
		if (!dm_key_component_ok(part))
			goto bad;
		p += len;
		if (*p == '/')
			p++;
	}
	return DM_OK;
bad:
	return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
			   "bad partition folder '%s': expected a relative "
			   "path such as 'inference-logs'",
			   root ? root : "(null)");
}

/* "year=YYYY/month=MM/day=DD/hour=HH/" of the hour containing t. */
static dm_err hour_path(time_t t, char *out, size_t n, dm_diag *diag)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999)
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "time %lld is outside the years 1 to 9999",
				   (long long)t);
	return put(out, n, diag, "year=%04d/month=%02d/day=%02d/hour=%02d/",
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour);
}

dm_err dm_layout_hour_prefix(const char *root, time_t t, char *out, size_t n,
			     dm_diag *diag)
{
	char hp[64];
	dm_err err;

	if ((err = check_root(root, diag)) != DM_OK ||
	    (err = hour_path(t, hp, sizeof(hp), diag)) != DM_OK)
		return err;
	return put(out, n, diag, "%s/%s", root, hp);
}

dm_err dm_layout_logs_hour_prefix(time_t t, char *out, size_t n)
{
	return dm_layout_hour_prefix(DM_LAYOUT_LOGS_ROOT, t, out, n, NULL);
}

dm_err dm_layout_labels_hour_prefix(time_t t, char *out, size_t n)
{
	return dm_layout_hour_prefix(DM_LAYOUT_LABELS_ROOT, t, out, n, NULL);
}

/* Exactly n digits at *p. */
static int digits(const char **p, int n, int *v)
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

/* Matches the literal s at *p. */
static int lit(const char **p, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(*p, s, n) != 0)
		return -1;
	*p += n;
	return 0;
}

static int month_days(int y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : md[m - 1];
}

dm_err dm_layout_hour_parse(const char *root, const char *key, time_t *hour)
{
	const char *p = key;
	int y, mo, d, h;
	struct tm tm;

	if (!root || !key || check_root(root, NULL) != DM_OK ||
	    lit(&p, root) < 0 || lit(&p, "/year=") < 0 || digits(&p, 4, &y) ||
	    lit(&p, "/month=") < 0 || digits(&p, 2, &mo) ||
	    lit(&p, "/day=") < 0 || digits(&p, 2, &d) ||
	    lit(&p, "/hour=") < 0 || digits(&p, 2, &h) || *p != '/')
		return DM_EINVAL;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    h > 23)
		return DM_EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	*hour = timegm(&tm);
	return DM_OK;
}

dm_err dm_layout_labels_key(time_t t, const char *tag, char *out, size_t n,
			    dm_diag *diag)
{
	char hp[64];
	size_t i, len = tag ? strlen(tag) : 0;
	dm_err err;

	for (i = 0; i < len; i++) {
		char c = tag[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			break;
	}
	if (len == 0 || len > 64 || i < len || tag[0] == '.')
		return dm_diag_set(diag, DM_EINVAL, NULL, 0, NULL,
				   "invalid label tag: expected 1 to 64 "
				   "letters, digits, '-', '_' or '.', not "
				   "starting with '.'");
	if ((err = hour_path(t, hp, sizeof(hp), diag)) != DM_OK)
		return err;
	return put(out, n, diag, DM_LAYOUT_LABELS "%slabels-%s.parquet", hp,
		   tag);
}

dm_err dm_layout_hour_profile_key(const char *model, const char *version,
				  time_t hour, char *out, size_t n,
				  dm_diag *diag)
{
	char hp[64];
	dm_err err;

	if (!model || !version || check_names(model, version, diag))
		return DM_EINVAL;
	if ((err = hour_path(hour, hp, sizeof(hp), diag)) != DM_OK)
		return err;
	return put(out, n, diag, DM_LAYOUT_PROFILES "%s/%s/%sprofile.json",
		   model, version, hp);
}

/* Copies key[0..len) into out (n bytes); -1 when empty or too long. */
static int take(const char *s, size_t len, char *out, size_t n)
{
	if (len == 0 || len >= n)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

dm_err dm_layout_parse_baseline_key(const char *key, char *model, size_t mn,
				    char *version, size_t vn)
{
	const char *p = key, *s1, *s2;

	if (!key || lit(&p, DM_LAYOUT_BASELINES) < 0 ||
	    !(s1 = strchr(p, '/')) || !(s2 = strchr(s1 + 1, '/')) ||
	    strcmp(s2 + 1, "baseline.json") != 0 ||
	    take(p, (size_t)(s1 - p), model, mn) < 0 ||
	    take(s1 + 1, (size_t)(s2 - s1 - 1), version, vn) < 0)
		return DM_EINVAL;
	return DM_OK;
}

dm_err dm_layout_parse_latest_key(const char *key, char *model, size_t mn,
				  char *version, size_t vn)
{
	const char *p = key, *s1, *s2;

	if (!key || lit(&p, DM_LAYOUT_REPORTS) < 0 || !(s1 = strchr(p, '/')) ||
	    take(p, (size_t)(s1 - p), model, mn) < 0)
		return DM_EINVAL;
	if (!strcmp(s1 + 1, "latest.json")) {
		if (vn == 0)
			return DM_EINVAL;
		version[0] = '\0';
		return DM_OK;
	}
	s2 = strchr(s1 + 1, '/');
	if (!s2 || strcmp(s2 + 1, "latest.json") != 0 ||
	    take(s1 + 1, (size_t)(s2 - s1 - 1), version, vn) < 0)
		return DM_EINVAL;
	return DM_OK;
}

static int ends_with(const char *k, size_t kl, const char *end)
{
	size_t el = strlen(end);

	return kl > el && !strcmp(k + kl - el, end);
}

int dm_layout_is_data_file(const char *k)
{
	size_t kl = k ? strlen(k) : 0;

	/* CSV also compressed whole (gzip, zstd, bzip2, xz:
	 * io/decompress.c) */
	if (ends_with(k, kl, ".gz") || ends_with(k, kl, ".xz"))
		kl -= 3;
	else if (ends_with(k, kl, ".zst") || ends_with(k, kl, ".bz2"))
		kl -= 4;
	else if (ends_with(k, kl, ".parquet"))
		return 1;
	return (kl > 4 && !strncmp(k + kl - 4, ".csv", 4)) ||
	       (kl > 4 && !strncmp(k + kl - 4, ".tsv", 4));
}
