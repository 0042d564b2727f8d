/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTML drift report: one self-contained file (inline CSS and SVG, no
 * scripts, no fonts or images fetched) that opens from disk or a blob
 * URL.
 *
 * Design.  There is one renderer, and it reads the JSON report
 * (docs/report-format.md, report_version 1 or 2): `detect` renders the JSON
 * text it has just written, `driftmon report` renders a stored one, so
 * both always agree.  Everything drawn comes from the profiles in the
 * report, never from rows, so the size depends on the number of features
 * and bins only: about 3-4 KB per feature (one path per series rather
 * than one element per bar, integer-ish coordinates, shared CSS classes).
 *
 * Every string taken from the report (feature, model and category names,
 * alert messages, times) is HTML-escaped; element ids are built from
 * indexes, never from names.
 *
 * Charts per feature:
 *   - numeric: the baseline's and the current window's share of values in
 *     each PSI bin (bins over the baseline's quantile edges), overlaid;
 *     and, where the KS test decided, both ECDFs: a step function through
 *     the exact values when the report lists them ("ecdf_steps": a
 *     discrete feature with few distinct values), otherwise drawn
 *     through the stored quantiles (min, p01, p05, p25, p50, p75, p95,
 *     p99, max), which is the ECDF up to linear interpolation between
 *     them.  Axis labels are round ticks in readable numbers ("100k",
 *     "2,500", never "1e+05");
 *   - categorical: horizontal bars of the category shares, the largest
 *     categories first, then "other" (categories not drawn) and
 *     "unseen" (values the baseline never saw) bars; the unseen
 *     categories are named under the chart.
 * The header says why rows were not analysed (the report's
 * "samples_note") and which columns are not monitored.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "driftmon/report.h"

#define HTML_MAX	 ((size_t)64 << 20)
#define MAX_ALERTS_SHOWN 200
#define CAT_LABEL_CHARS	 16

/* ---- small helpers ------------------------------------------------------ */

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Appends s HTML-escaped, for text and double- or single-quoted
 * attribute values.  C0 controls (but tab and newline) and DEL become
 * U+FFFD. */
static void esc(sbuf *b, const char *s)
{
	const char *p, *run;

	if (!s)
		return;
	for (p = run = s; *p; p++) {
		const char *rep;
		unsigned char c = (unsigned char)*p;

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				rep = "\xEF\xBF\xBD";
			else
				continue;
		}
		sb_putn(b, run, (size_t)(p - run));
		sb_puts(b, rep);
		run = p + 1;
	}
	sb_putn(b, run, (size_t)(p - run));
}

char *dm_html_escape(const char *s)
{
	sbuf b;
	char *out;

	sb_init(&b, 0);
	esc(&b, s);
	return sb_finish(&b, &out, NULL) == DM_OK ? out : NULL;
}

/* Escaped, at most n characters (UTF-8 aware), "…" when cut. */
static void esc_trunc(sbuf *b, const char *s, size_t n)
{
	size_t i = 0, chars = 0;
	char *cut;

	if (!s)
		return;
	while (s[i] && chars < n) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	if (!s[i]) {
		esc(b, s);
		return;
	}
	cut = strndup(s, i);
	if (!cut) {
		b->err = DM_ENOMEM;
		return;
	}
	esc(b, cut);
	sb_puts(b, "\xE2\x80\xA6");
	free(cut);
}

/* A statistic as shown: 4 significant digits, "–" when absent. */
static void put_g(sbuf *b, double x)
{
	if (isnan(x))
		sb_puts(b, "\xE2\x80\x93");
	else
		sb_printf(b, "%.4g", x);
}

static void group_thousands(const char *in, char *out, size_t n);

/* A value of the data (a mean): 4 significant digits, but no exponent
 * for large values ("100,012" rather than "1e+05"). */
static void put_value(sbuf *b, double x)
{
	char raw[64], grouped[96];

	if (isnan(x) || fabs(x) < 1e4 || fabs(x) >= 1e15) {
		put_g(b, x);
		return;
	}
	snprintf(raw, sizeof(raw), "%.0f", x);
	group_thousands(raw, grouped, sizeof(grouped));
	sb_puts(b, grouped);
}

/* A p-value: 3 significant digits. */
static void put_p(sbuf *b, double x)
{
	if (isnan(x))
		sb_puts(b, "\xE2\x80\x93");
	else
		sb_printf(b, "%.3g", x);
}

static void put_pct(sbuf *b, double x)
{
	if (isnan(x))
		sb_puts(b, "\xE2\x80\x93");
	else
		sb_printf(b, "%.1f%%", 100.0 * x);
}

/* A round upper bound for a share axis whose half is round too. */
static double nice_max(double m)
{
	static const double steps[] = {0.002, 0.004, 0.01, 0.02, 0.04,
				       0.05,  0.1,   0.2,  0.3,	 0.4,
				       0.5,   0.6,   0.8,  1.0};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (m <= steps[i])
			return steps[i];
	return 1.0;
}

static void axis_pct(sbuf *b, double v)
{
	double pc = 100.0 * v;

	if (fabs(pc - round(pc)) > 1e-9)
		sb_printf(b, "%.1f%%", pc);
	else
		sb_printf(b, "%.0f%%", pc);
}

/*
 * Axis labels that read as numbers: one scale for the whole axis (k, M,
 * G above 10,000, thousands separators below), and the fewest decimals
 * (at most 6) that put each label within a tenth of the gap to its
 * neighbour, trailing zeros dropped, so that 100000, 101000 and 102500
 * read "100k", "101k" and "102.5k" rather than "1e+05", "1.01e+05" and
 * "1.02e+05".
 * out[i] gets the label of v[i].
 */
#define LABEL_CHARS 32
static void group_thousands(const char *in, char *out, size_t n)
{
	const char *p = in, *end;
	size_t o = 0, digits;

	if (*p == '-')
		out[o++] = *p++;
	end = p + strspn(p, "0123456789");
	digits = (size_t)(end - p);
	while (p < end && o + 2 < n) {
		out[o++] = *p++;
		digits--;
		if (digits > 0 && digits % 3 == 0)
			out[o++] = ',';
	}
	while (*p && o + 1 < n)
		out[o++] = *p++;
	out[o] = '\0';
}

static void axis_labels(const double *v, size_t n, char (*out)[LABEL_CHARS])
{
	double m = 0, scale = 1, gap = HUGE_VAL;
	const char *suffix = "";
	size_t i;
	int dec;

	for (i = 0; i < n; i++) {
		if (isfinite(v[i]) && fabs(v[i]) > m)
			m = fabs(v[i]);
		if (i > 0 && isfinite(v[i] - v[i - 1]) && v[i] != v[i - 1] &&
		    fabs(v[i] - v[i - 1]) < gap)
			gap = fabs(v[i] - v[i - 1]);
	}
	if (m >= 1e15 || (m > 0 && m < 1e-4)) {
		for (i = 0; i < n; i++)
			snprintf(out[i], LABEL_CHARS, "%.3g", v[i]);
		return;
	}
	if (m >= 1e9) {
		scale = 1e9;
		suffix = "G";
	} else if (m >= 1e6) {
		scale = 1e6;
		suffix = "M";
	} else if (m >= 1e4) {
		scale = 1e3;
		suffix = "k";
	}
	/* the fewest decimals that put every label within a tenth of the
	 * smallest gap between neighbours (3 significant digits for a
	 * lone label) */
	if (!isfinite(gap))
		gap = m > 0 ? m * 0.05 : 1.0;
	for (dec = 0; dec <= 6; dec++) {
		int close = 1;

		for (i = 0; i < n && close; i++) {
			double x = v[i] / scale;
			double r = round(x * pow(10.0, dec)) / pow(10.0, dec);

			if (isfinite(v[i]) && fabs(r - x) * scale > 0.1 * gap)
				close = 0;
		}
		if (close)
			break;
	}
	if (dec > 6)
		dec = 6;
	for (i = 0; i < n; i++) {
		char raw[LABEL_CHARS];
		double x = v[i] / scale;
		size_t len;

		if (fabs(x) < 0.5 * pow(10.0, -dec))
			x = 0; /* no "-0" */
		snprintf(raw, sizeof(raw), "%.*f", dec, x);
		/* "102.50" -> "102.5", "100.0" -> "100" */
		if (strchr(raw, '.')) {
			len = strlen(raw);
			while (len > 0 && raw[len - 1] == '0')
				raw[--len] = '\0';
			if (len > 0 && raw[len - 1] == '.')
				raw[--len] = '\0';
		}
		group_thousands(raw, out[i], LABEL_CHARS - 2);
		snprintf(out[i] + strlen(out[i]), LABEL_CHARS - strlen(out[i]),
			 "%s", suffix);
	}
}

/* Round ticks over [lo, hi]: steps of 1, 2 or 5 times a power of ten,
 * at most max of them.  Returns the count written to t. */
static size_t nice_ticks(double lo, double hi, size_t max, double *t)
{
	static const double mult[] = {1, 2, 5, 10};
	double span = hi - lo, step = 0, p, x;
	size_t i, n = 0;

	if (!(span > 0) || !isfinite(span))
		return 0;
	p = pow(10.0, floor(log10(span / (double)max)));
	for (i = 0; i < 4; i++) {
		step = mult[i] * p;
		if (floor(hi / step) - ceil(lo / step) + 1 <= (double)max)
			break;
	}
	for (x = ceil(lo / step); x <= floor(hi / step) + 1e-9 && n < max;
	     x += 1)
		t[n++] = x * step == 0 ? 0 : x * step;
	return n;
}

static const char *status_class(const char *st)
{
	if (!st)
		return "st-na";
	if (!strcmp(st, "drift"))
		return "st-drift";
	if (!strcmp(st, "minor"))
		return "st-minor";
	if (!strcmp(st, "none"))
		return "st-none";
	return "st-na";
}

/* ---- the page -------------------------------------------------------------
 */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:14px/1.4 system-ui,-apple-system,'Segoe UI',"
	"Roboto,sans-serif;color:#1d2330;background:#f4f6f9}"
	"main{max-width:1320px;margin:0 auto;padding:16px}"
	"h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 "
	"8px}h3{font-size:15px;margin:0 0 4px;overflow-wrap:anywhere}"
	"header.top{background:#fff;border-radius:8px;padding:16px;"
	"box-shadow:0 1px 2px #0002}"
	".verdict{display:inline-block;font-weight:700;padding:4px 12px;"
	"border-radius:4px;color:#fff;margin:0 0 12px}"
	".v-drift{background:#d9480f}.v-crit{background:#a61e4d}"
	".v-ok{background:#2b8a3e}.v-insuf{background:#6c757d}"
	"dl.kpi{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}"
	"dl.kpi div{min-width:110px}dl.kpi dt{font-size:12px;color:#5c6370}"
	"dl.kpi dd{margin:0;font-size:18px;font-weight:600}"
	"ul.alerts{list-style:none;padding:0;margin:0;background:#fff;"
	"border-radius:8px;box-shadow:0 1px 2px #0002}"
	"ul.alerts li{padding:6px 12px;border-top:1px solid #eee}"
	"ul.alerts li:first-child{border:0}"
	".sev{display:inline-block;width:76px;font-weight:700;font-size:12px}"
	".sev-critical .sev{color:#a61e4d}.sev-warning .sev{color:#d9480f}"
	"code{font-size:12px;color:#5c6370}"
	".panel{background:#fff;border-radius:8px;padding:8px 12px;"
	"box-shadow:0 1px 2px #0002;overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;font-size:13px}"
	"th,td{padding:3px 8px;text-align:left;border-bottom:1px solid #eee;"
	"white-space:nowrap}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums}"
	"td a{color:inherit}"
	".b{display:inline-block;font-size:11px;font-weight:700;padding:1px "
	"6px;border-radius:3px;text-transform:uppercase;vertical-align:2px}"
	".b.st-drift{background:#ffe3d6;color:#b03a06}"
	".b.st-minor{background:#fff3bf;color:#8a6100}"
	".b.st-none{background:#e6f4ea;color:#2b8a3e}"
	".b.st-na{background:#eceef1;color:#5c6370}"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(620px,1fr));gap:12px}"
	"article{background:#fff;border-radius:8px;padding:10px 12px;"
	"box-shadow:0 1px 2px #0002;border-left:4px solid #ced4da}"
	"article.st-drift{border-left-color:#d9480f}"
	"article.st-minor{border-left-color:#f59f00}"
	"article.st-none{border-left-color:#2b8a3e}"
	"h3 small{font-weight:400;color:#5c6370}"
	"p.m{margin:0 0 6px;font-size:12.5px;color:#5c6370}"
	"p.m span{margin-right:14px;white-space:nowrap}p.m b{color:#1d2330}"
	".charts{display:flex;flex-wrap:wrap;gap:8px}"
	"figure{margin:0;flex:1 1 290px;max-width:400px}"
	"figcaption{font-size:11.5px;color:#5c6370}"
	"svg{display:block;width:100%;height:auto}svg.trend{max-width:900px}"
	"svg text{font:9px sans-serif;fill:#5c6370}"
	".ax{stroke:#adb5bd;stroke-width:1;fill:none}"
	".gl{stroke:#eceef1;stroke-width:1}"
	".hb{fill:#4c78a8;fill-opacity:.55}.hc{fill:#f58518;fill-opacity:.55}"
	".lb{stroke:#4c78a8;stroke-width:2;fill:none}"
	".lc{stroke:#f58518;stroke-width:2;fill:none}"
	".lt{stroke:#495057;stroke-width:1.5;fill:none}"
	".th{stroke:#a61e4d;stroke-dasharray:4 3;stroke-width:1}"
	".pd{fill:#d9480f}.po{fill:#2b8a3e}.pi{fill:#adb5bd}"
	".key{display:inline-block;width:12px;height:12px;border-radius:2px;"
	"vertical-align:-1px;margin:0 4px 0 12px}"
	".key.hb{background:#4c78a8b0}.key.hc{background:#f58518b0}"
	"footer{color:#5c6370;font-size:12px;margin:24px 0 8px;"
	"overflow-wrap:anywhere}"
	".note{color:#5c6370;font-size:12px}"
	".why{margin:8px 0 0;padding:6px 10px;background:#fff8e1;"
	"border-radius:4px;font-size:13px}"
	".unseen-list code{color:#b03a06}"
	".pm{stroke:#4c78a8;stroke-width:2;fill:none}.pmc{fill:#4c78a8}"
	".pe{stroke:#f58518;stroke-width:1.5;stroke-dasharray:5 3;fill:none}"
	".pec{fill:#f58518}.pband{fill:#f58518;fill-opacity:.15}"
	".pr{stroke:#2b8a3e;stroke-width:1;stroke-dasharray:2 2;fill:none}"
	".diag{stroke:#adb5bd;stroke-dasharray:3 3;fill:none}"
	".cal{stroke:#4c78a8;stroke-width:2;fill:none}.calc{fill:#4c78a8}"
	"svg.calib{max-width:320px}"
	".key.pm{background:#4c78a8}.key.pe{background:#f58518}"
	".key.pr{background:#2b8a3e}"
	".pf{stroke:#b279a2;stroke-width:1.5;fill:none}.pfc{fill:#b279a2}"
	".pa{stroke:#72b7b2;stroke-width:1.5;fill:none}.pac{fill:#72b7b2}"
	".key.pf{background:#b279a2}.key.pa{background:#72b7b2}";

typedef struct feat_ref {
	json_t *f;
	size_t index;
	int rank_class; /* drift 3, minor 2, none 1, other 0 */
	double rank;	/* psi + ks d */
} feat_ref;

static int by_severity(const void *a, const void *b)
{
	const feat_ref *x = a, *y = b;

	if (x->rank_class != y->rank_class)
		return y->rank_class - x->rank_class;
	if (x->rank != y->rank)
		return y->rank > x->rank ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static double pvalue_of(json_t *f)
{
	double p = num(f, "ks_pvalue");

	return isnan(p) ? num(f, "chi2_pvalue") : p;
}

/* ---- charts ---------------------------------------------------------------
 */

#define CW 300.0 /* chart viewBox width */
#define CL 34.0	 /* left margin (y labels) */
#define CR 6.0
#define CT 8.0

/* Horizontal grid lines and percent labels at 0, ymax/2, ymax. */
static void share_grid(sbuf *b, double ymax, double top, double bottom,
		       double left, double right)
{
	int k;

	for (k = 0; k <= 2; k++) {
		double v = ymax * k / 2.0;
		double y = bottom - (bottom - top) * k / 2.0;

		sb_printf(b, "<path class=\"gl\" d=\"M%.0f %.1fH%.0f\"/>", left,
			  y, right);
		sb_printf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
			  left - 3, y + 3);
		axis_pct(b, v);
		sb_puts(b, "</text>");
	}
}

/* Bars of one series as one path: vertical bars over nb equal slots. */
static void vbars(sbuf *b, const char *cls, json_t *props, size_t nb,
		  double ymax, double top, double bottom)
{
	double pw = CW - CL - CR, bw = pw / (double)nb;
	size_t i;

	sb_printf(b, "<path class=\"%s\" d=\"", cls);
	for (i = 0; i < nb; i++) {
		json_t *v = json_array_get(props, i);
		double p = json_is_number(v) ? json_number_value(v) : 0.0;
		double h = (bottom - top) * (p / ymax);
		double x = CL + bw * (double)i + 0.5;

		if (!(h > 0.05))
			continue;
		if (h > bottom - top)
			h = bottom - top;
		sb_printf(b, "M%.1f %.1fh%.1fV%.0fH%.1fz", x, bottom - h,
			  bw - 1.0, bottom, x);
	}
	sb_puts(b, "\"/>");
}

static double max_of(json_t *arr)
{
	size_t i;
	json_t *v;
	double m = 0;

	json_array_foreach(arr, i,
			   v) if (json_is_number(v) && json_number_value(v) > m)
		m = json_number_value(v);
	return m;
}

static void hist_numeric(sbuf *b, json_t *f, json_t *base, json_t *cur)
{
	json_t *bp = json_object_get(base, "bin_proportions");
	json_t *cp = cur ? json_object_get(cur, "bin_proportions") : NULL;
	json_t *edges = json_object_get(f, "bin_edges");
	size_t nb = json_array_size(bp), ne = json_array_size(edges), i, step;
	const double H = 150.0, bottom = 126.0;
	double ymax, m = max_of(bp), pw = CW - CL - CR, bw;

	if (nb == 0)
		return;
	if (json_array_size(cp) > nb)
		cp = NULL; /* inconsistent: draw the baseline only */
	if (cp && max_of(cp) > m)
		m = max_of(cp);
	ymax = nice_max(m);
	bw = pw / (double)nb;
	sb_puts(b, "<figure><figcaption>Share of values per baseline bin"
		   "</figcaption>");
	sb_printf(b,
		  "<svg class=\"chart hist\" viewBox=\"0 0 %.0f %.0f\" "
		  "role=\"img\">",
		  CW, H);
	share_grid(b, ymax, CT, bottom, CL, CW - CR);
	vbars(b, "hb", bp, nb, ymax, CT, bottom);
	if (cp)
		vbars(b, "hc", cp, nb, ymax, CT, bottom);
	sb_printf(b, "<path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>", CL, bottom,
		  CW - CR);
	/* Edge labels, thinned so that they do not overlap. */
	step = (size_t)ceil((double)ne * 34.0 / pw);
	if (step < 1)
		step = 1;
	if (ne + 1 == nb && ne > 0) {
		double *ev = calloc(ne, sizeof(*ev));
		char(*lab)[LABEL_CHARS] = calloc(ne, sizeof(*lab));
		size_t k = 0, j;

		if (!ev || !lab) {
			b->err = DM_ENOMEM;
			free(ev);
			free(lab);
			return;
		}
		for (i = 0; i < ne; i += step) {
			json_t *e = json_array_get(edges, i);

			ev[k++] =
				json_is_number(e) ? json_number_value(e) : NAN;
		}
		axis_labels(ev, k, lab);
		for (i = 0, j = 0; i < ne; i += step, j++) {
			if (isnan(ev[j]))
				continue;
			sb_printf(b,
				  "<text class=\"xl\" x=\"%.1f\" "
				  "y=\"%.0f\" text-anchor=\"middle\">",
				  CL + bw * (double)(i + 1), bottom + 12);
			esc(b, lab[j]);
			sb_puts(b, "</text>");
		}
		free(ev);
		free(lab);
	}
	sb_puts(b, "</svg></figure>");
}

typedef struct cat_bar {
	const char *name;
	double base, cur;
} cat_bar;

static int by_share(const void *a, const void *b)
{
	const cat_bar *x = a, *y = b;
	double mx = x->base > x->cur ? x->base : x->cur;
	double my = y->base > y->cur ? y->base : y->cur;

	return (my > mx) - (my < mx);
}

static void hbar(sbuf *b, const char *cls, double x0, double y, double w,
		 double h)
{
	if (w > 0.05)
		sb_printf(b,
			  "<rect class=\"%s\" x=\"%.0f\" y=\"%.1f\" "
			  "width=\"%.1f\" height=\"%.1f\"/>",
			  cls, x0, y, w, h);
}

/* Share of the current values that the baseline never saw. */
static double unseen_share(json_t *f, json_t *cur)
{
	double u = num(f, "unseen"), c = num(cur, "count");

	return cur && u > 0 && c > 0 ? u / c : 0.0;
}

/* Layout of the categorical chart: label column, margins, row height. */
#define CAT_L	104.0
#define CAT_R	8.0
#define CAT_T	4.0
#define CAT_ROW 14.0
/* shares below this are not drawn (they would round to 0.0%) */
#define CAT_TINY 5e-4

/* The rows of a categorical chart: the largest categories, then the
 * rest ("other") and the values the baseline never saw ("unseen"). */
typedef struct cat_rows {
	cat_bar *bars;
	size_t k, shown, rows;
	double other_b, other_c, unseen_c, ymax;
} cat_rows;

/* The categories' baseline and current shares (current: cc, or none),
 * largest first; -1 when out of memory. */
static int cat_bars(json_t *bc, json_t *cc, cat_rows *cr)
{
	const char *key;
	json_t *v;

	cr->bars = calloc(json_object_size(bc), sizeof(*cr->bars));
	if (!cr->bars)
		return -1;
	cr->k = 0;
	json_object_foreach(bc, key, v)
	{
		json_t *c = json_object_get(cc, key);

		cr->bars[cr->k].name = key;
		cr->bars[cr->k].base =
			json_is_number(v) ? json_number_value(v) : 0;
		cr->bars[cr->k].cur =
			json_is_number(c) ? json_number_value(c) : 0;
		cr->k++;
	}
	qsort(cr->bars, cr->k, sizeof(*cr->bars), by_share);
	return 0;
}

/* The rows shown (at most maxcats categories), the other and unseen
 * shares (has_cur: there is a current side) and the axis maximum. */
static void cat_scale(cat_rows *cr, size_t maxcats, int has_cur,
		      double unseen_c)
{
	double sum_b = 0, sum_c = 0, m = 0;
	size_t i;

	cr->shown = cr->k < maxcats ? cr->k : maxcats;
	for (i = 0; i < cr->shown; i++) {
		sum_b += cr->bars[i].base;
		sum_c += cr->bars[i].cur;
		if (cr->bars[i].base > m)
			m = cr->bars[i].base;
		if (cr->bars[i].cur > m)
			m = cr->bars[i].cur;
	}
	cr->other_b = sum_b < 1.0 ? 1.0 - sum_b : 0.0;
	cr->other_c = has_cur && sum_c < 1.0 ? 1.0 - sum_c : 0.0;
	/* values the baseline never saw get their own bar */
	if (unseen_c > cr->other_c)
		unseen_c = cr->other_c;
	cr->other_c -= unseen_c;
	if (cr->other_b < CAT_TINY)
		cr->other_b = 0;
	if (cr->other_c < CAT_TINY)
		cr->other_c = 0;
	if (unseen_c < CAT_TINY)
		unseen_c = 0;
	cr->unseen_c = unseen_c;
	if (cr->other_b > m)
		m = cr->other_b;
	if (cr->other_c > m)
		m = cr->other_c;
	if (cr->unseen_c > m)
		m = cr->unseen_c;
	cr->ymax = nice_max(m);
	cr->rows = cr->shown + (cr->other_b > 0 || cr->other_c > 0) +
		   (cr->unseen_c > 0);
}

/* Row i's label: the category, "unseen: value", "unseen (n)" or
 * "other (n)" (ul: the unseen values listed). */
static void cat_label(sbuf *b, const cat_rows *cr, size_t i, int is_unseen,
		      json_t *ul)
{
	if (i < cr->shown) {
		esc_trunc(b, cr->bars[i].name, CAT_LABEL_CHARS);
	} else if (is_unseen && json_array_size(ul) == 1) {
		sb_puts(b, "unseen: ");
		esc_trunc(b, json_string_value(json_array_get(ul, 0)),
			  CAT_LABEL_CHARS - 8);
	} else if (is_unseen) {
		sb_printf(b, "unseen (%zu)", json_array_size(ul));
	} else {
		sb_printf(b, "other (%zu)", cr->k - cr->shown);
	}
}

/* The share axis under the bars (0, half and the maximum). */
static void cat_axis(sbuf *b, double pw, double H, double ymax)
{
	double bottom = H - 16.0;
	int g;

	sb_printf(b, "<path class=\"ax\" d=\"M%.0f %.0fV%.1f\"/>", CAT_L, CAT_T,
		  bottom);
	for (g = 0; g <= 2; g++) {
		sb_printf(b,
			  "<text x=\"%.1f\" y=\"%.1f\" "
			  "text-anchor=\"%s\">",
			  CAT_L + pw * g / 2.0, bottom + 11,
			  g == 0   ? "start"
			  : g == 1 ? "middle"
				   : "end");
		axis_pct(b, ymax * g / 2.0);
		sb_puts(b, "</text>");
	}
}

static void hist_categorical(sbuf *b, json_t *f, json_t *base, json_t *cur,
			     size_t maxcats)
{
	json_t *bc = json_object_get(base, "categories");
	json_t *cc = cur ? json_object_get(cur, "categories") : NULL;
	json_t *ul = cur ? json_object_get(cur, "unseen_categories") : NULL;
	cat_rows cr;
	size_t i;
	double H, pw = CW - CAT_L - CAT_R;

	if (json_object_size(bc) == 0)
		return;
	if (cat_bars(bc, cc, &cr) < 0) {
		b->err = DM_ENOMEM;
		return;
	}
	cat_scale(&cr, maxcats, cc != NULL, unseen_share(f, cur));
	H = CAT_T + CAT_ROW * (double)cr.rows + 20.0;
	sb_puts(b, "<figure><figcaption>Share of values per category"
		   "</figcaption>");
	sb_printf(b,
		  "<svg class=\"chart hist cat\" viewBox=\"0 0 %.0f %.0f\" "
		  "role=\"img\">",
		  CW, H);
	for (i = 0; i < cr.rows; i++) {
		double y = CAT_T + CAT_ROW * (double)i;
		int is_unseen = cr.unseen_c > 0 && i == cr.rows - 1;
		double vb = i < cr.shown ? cr.bars[i].base
			    : is_unseen	 ? 0
					 : cr.other_b;
		double vc = i < cr.shown ? cr.bars[i].cur
			    : is_unseen	 ? cr.unseen_c
					 : cr.other_c;

		sb_printf(b,
			  "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\"%s>",
			  CAT_L - 4, y + 10,
			  is_unseen ? " class=\"unseen-bar\"" : "");
		cat_label(b, &cr, i, is_unseen, ul);
		sb_puts(b, "</text>");
		hbar(b, "hb", CAT_L, y + 1, pw * vb / cr.ymax, 5.5);
		if (cc)
			hbar(b, "hc", CAT_L, y + 6.5, pw * vc / cr.ymax, 5.5);
	}
	cat_axis(b, pw, H, cr.ymax);
	sb_puts(b, "</svg></figure>");
	free(cr.bars);
}

/* The ECDF through (min, 0), (p01, .01), ..., (p99, .99), (max, 1). */
static const char *const qkeys[] = {"p01", "p05", "p25", "p50",
				    "p75", "p95", "p99"};
static const double qprob[] = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};
#define NQK 7

static size_t ecdf_points(json_t *side, double *x, double *y)
{
	json_t *q = json_object_get(side, "quantiles");
	size_t n = 0, i;
	double v;

	if (!side || !q)
		return 0;
	if (!isnan(v = num(side, "min"))) {
		x[n] = v;
		y[n++] = 0.0;
	}
	for (i = 0; i < NQK; i++)
		if (!isnan(v = num(q, qkeys[i])) && (n == 0 || v >= x[n - 1])) {
			x[n] = v;
			y[n++] = qprob[i];
		}
	if (!isnan(v = num(side, "max")) && (n == 0 || v >= x[n - 1])) {
		x[n] = v;
		y[n++] = 1.0;
	}
	return n;
}

/* Values where quantiles tie are atoms (discrete data): the ECDF jumps
 * there, so the way into an atom is drawn as a step (flat, then up)
 * rather than a slope, which would show values that do not occur.
 * Elsewhere the quantiles are joined linearly.  x and y have room for
 * 2n points; returns the new count. */
static size_t steps_into_atoms(double *x, double *y, size_t n)
{
	double ox[2 * (NQK + 2)], oy[2 * (NQK + 2)];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (i > 0 && x[i] > x[i - 1] && i + 1 < n && x[i + 1] == x[i]) {
			ox[k] = x[i];
			oy[k++] = y[i - 1];
		}
		ox[k] = x[i];
		oy[k++] = y[i];
	}
	memcpy(x, ox, k * sizeof(*x));
	memcpy(y, oy, k * sizeof(*y));
	return k;
}

/* A monotone polyline clipped to [lo, hi] in x. */
/* (x - lo) / (hi - lo), also where a difference of the finite values
 * overflows (values near +-1.8e308): then from their halves.  A chart's
 * coordinates are never NaN (an SVG path with one is not drawn). */
static double span_frac(double x, double lo, double hi)
{
	double d = hi - lo, n = x - lo;

	if (isfinite(d) && isfinite(n))
		return n / d;
	return (x * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5);
}

static void ecdf_line(sbuf *b, const char *cls, const double *x,
		      const double *y, size_t n, double lo, double hi,
		      double left, double pw, double top, double ph)
{
	size_t i, out = 0;

#define EMIT(X, Y)                                                             \
	sb_printf(b, "%s%.1f %.1f", out++ ? "L" : "M",                         \
		  left + pw * span_frac((X), lo, hi), top + ph * (1.0 - (Y)))
	sb_printf(b, "<path class=\"%s\" d=\"", cls);
	for (i = 0; i < n; i++) {
		if (i > 0 && x[i - 1] < lo && x[i] > lo)
			EMIT(lo,
			     y[i - 1] + (y[i] - y[i - 1]) *
						span_frac(lo, x[i - 1], x[i]));
		if (x[i] >= lo && x[i] <= hi)
			EMIT(x[i], y[i]);
		if (i > 0 && x[i - 1] < hi && x[i] > hi) {
			EMIT(hi,
			     y[i - 1] + (y[i] - y[i - 1]) *
						span_frac(hi, x[i - 1], x[i]));
			break;
		}
	}
#undef EMIT
	sb_puts(b, "\"/>");
}

/* The exact steps of a side with few distinct values (the report's
 * "ecdf_steps"): x[k] the values, y[k] the ECDF at each; 0 if absent. */
#define MAX_STEPS 64
static size_t ecdf_step_points(json_t *side, double *x, double *y)
{
	json_t *st = json_object_get(side, "ecdf_steps");
	json_t *xs = json_object_get(st, "values"),
	       *ys = json_object_get(st, "cdf");
	size_t n = json_array_size(xs), i;

	if (n == 0 || n > MAX_STEPS || json_array_size(ys) != n)
		return 0;
	for (i = 0; i < n; i++) {
		json_t *a = json_array_get(xs, i), *c = json_array_get(ys, i);

		if (!json_is_number(a) || !json_is_number(c) ||
		    (i > 0 && json_number_value(a) <= x[i - 1]))
			return 0;
		x[i] = json_number_value(a);
		y[i] = json_number_value(c);
	}
	return n;
}

/* A right-continuous step function through (x[k], y[k]), 0 before x[0]:
 * flat runs and vertical jumps only, clipped to [lo, hi]. */
static void ecdf_steps_line(sbuf *b, const char *cls, const double *x,
			    const double *y, size_t n, double lo, double hi,
			    double left, double pw, double top, double ph)
{
	double level = 0;
	size_t i;

#define SX(X) (left + pw * span_frac((X), lo, hi))
#define SY(Y) (top + ph * (1.0 - (Y)))
	sb_printf(b, "<path class=\"%s step\" d=\"M%.1f %.1f", cls, SX(lo),
		  SY(0.0));
	for (i = 0; i < n; i++) {
		if (x[i] < lo) {
			level = y[i];
			sb_printf(b, "V%.1f", SY(level));
			continue;
		}
		if (x[i] > hi)
			break;
		sb_printf(b, "H%.1fV%.1f", SX(x[i]), SY(y[i]));
		level = y[i];
	}
	sb_printf(b, "H%.1f\"/>", SX(hi));
	(void)level;
#undef SX
#undef SY
}

/* The x range of two ECDFs (bx[nb], cx[nc], ascending): with exact
 * steps (discrete) every step and half the smallest gap of margin,
 * else the 1st..99th percentiles stretched to the extremes when they
 * are not far out (heavy tails would squash the rest). */
static void ecdf_range(const double *bx, size_t nb, const double *cx, size_t nc,
		       int discrete, double *plo, double *phi)
{
	double lo, hi, span, mn, mx;

	mn = bx[0] < cx[0] ? bx[0] : cx[0];
	mx = bx[nb - 1] > cx[nc - 1] ? bx[nb - 1] : cx[nc - 1];
	if (discrete) {
		/* discrete: every step in view, half a gap of margin */
		double gap = HUGE_VAL;
		size_t i;

		for (i = 1; i < nb; i++)
			if (bx[i] - bx[i - 1] < gap)
				gap = bx[i] - bx[i - 1];
		for (i = 1; i < nc; i++)
			if (cx[i] - cx[i - 1] < gap)
				gap = cx[i] - cx[i - 1];
		if (!isfinite(gap) || !(gap > 0))
			gap = fabs(mn) > 0 ? fabs(mn) * 0.2 : 1.0;
		lo = mn - 0.5 * gap;
		hi = mx + 0.5 * gap;
	} else {
		lo = bx[1] < cx[1] ? bx[1] : cx[1];
		hi = bx[nb - 2] > cx[nc - 2] ? bx[nb - 2] : cx[nc - 2];
		span = hi - lo;
		if (mn >= lo - 0.25 * span)
			lo = mn;
		if (mx <= hi + 0.25 * span)
			hi = mx;
	}
	if (!(hi > lo)) {
		double d = fabs(lo) > 0 ? fabs(lo) * 0.1 : 0.5;

		lo -= d;
		hi += d;
	}
	*plo = lo;
	*phi = hi;
}

/* The x axis of the ECDF chart: round ticks in lo..hi, readable
 * labels. */
static void ecdf_x_axis(sbuf *b, double lo, double hi, double pw, double bottom)
{
	double ticks[6] = {0};
	char lab[6][LABEL_CHARS];
	size_t nt, g;

	nt = nice_ticks(lo, hi, 5, ticks);
	axis_labels(ticks, nt, lab);
	for (g = 0; g < nt; g++) {
		double x = CL + pw * span_frac(ticks[g], lo, hi);

		sb_printf(b,
			  "<path class=\"gl\" d=\"M%.1f %.0fv3\"/>"
			  "<text class=\"xl\" x=\"%.1f\" y=\"%.0f\" "
			  "text-anchor=\"middle\">",
			  x, bottom, x, bottom + 12);
		esc(b, lab[g]);
		sb_puts(b, "</text>");
	}
}

static void ecdf_chart(sbuf *b, json_t *base, json_t *cur)
{
	double bx[MAX_STEPS + 2 * (NQK + 2)], by[MAX_STEPS + 2 * (NQK + 2)];
	double cx[MAX_STEPS + 2 * (NQK + 2)], cy[MAX_STEPS + 2 * (NQK + 2)];
	size_t bs = ecdf_step_points(base, bx, by);
	size_t cs = ecdf_step_points(cur, cx, cy);
	size_t nb = bs ? bs : ecdf_points(base, bx, by);
	size_t nc = cs ? cs : ecdf_points(cur, cx, cy);
	double lo, hi;
	const double H = 150.0, top = CT, bottom = 126.0;
	double pw = CW - CL - CR, ph = bottom - top;
	size_t g;

	if ((nb < 2 && !bs) || (nc < 2 && !cs))
		return;
	ecdf_range(bx, nb, cx, nc, bs || cs, &lo, &hi);
	if (!bs)
		nb = steps_into_atoms(bx, by, nb);
	if (!cs)
		nc = steps_into_atoms(cx, cy, nc);
	if (bs && cs)
		sb_printf(b,
			  "<figure><figcaption>ECDF (exact steps: %zu "
			  "distinct values)</figcaption>",
			  bs > cs ? bs : cs);
	else
		sb_puts(b, "<figure><figcaption>ECDF (through the stored "
			   "quantiles)</figcaption>");
	sb_printf(b,
		  "<svg class=\"chart ecdf%s\" viewBox=\"0 0 %.0f %.0f\" "
		  "role=\"img\">",
		  bs && cs ? " discrete" : "", CW, H);
	for (g = 0; g <= 2; g++) {
		double yy = bottom - ph * (double)g / 2.0;

		sb_printf(b,
			  "<path class=\"gl\" d=\"M%.0f %.1fH%.0f\"/>"
			  "<text x=\"%.0f\" y=\"%.1f\" "
			  "text-anchor=\"end\">%.1f</text>",
			  CL, yy, CW - CR, CL - 3, yy + 3, (double)g / 2.0);
	}
	if (bs)
		ecdf_steps_line(b, "lb", bx, by, nb, lo, hi, CL, pw, top, ph);
	else
		ecdf_line(b, "lb", bx, by, nb, lo, hi, CL, pw, top, ph);
	if (cs)
		ecdf_steps_line(b, "lc", cx, cy, nc, lo, hi, CL, pw, top, ph);
	else
		ecdf_line(b, "lc", cx, cy, nc, lo, hi, CL, pw, top, ph);
	sb_printf(b, "<path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>", CL, bottom,
		  CW - CR);
	ecdf_x_axis(b, lo, hi, pw, bottom);
	sb_puts(b, "</svg></figure>");
}

/* The top of a PSI axis: nice_max up to 1, then 1, 2 or 5 times a power
 * of ten (PSI has no upper bound). */
static double psi_axis_max(double m)
{
	static const double f[] = {1.0, 2.0, 5.0, 10.0};
	double p;
	size_t i;

	if (!(m > 1.0))
		return nice_max(m);
	p = pow(10.0, floor(log10(m)));
	for (i = 0; i < 3 && m > f[i] * p; i++)
		;
	return f[i] * p;
}

/* Features charted hour by hour (the most severe first). */
#define HOURLY_CHARTS 6

/* One feature's PSI per hour (hourly_psi: start and values, null for an
 * hour without values) as a line with gaps, and the PSI threshold. */
static void hourly_chart(sbuf *b, json_t *f, double thr)
{
	const double W = 640.0, H = 96.0, L = 40.0, R = 10.0, T = 8.0,
		     bottom = 76.0;
	json_t *hp = json_object_get(f, "hourly_psi");
	json_t *vals = json_object_get(hp, "values");
	size_t n = json_array_size(vals), i;
	double ymax = 0, pw = W - L - R, ph = bottom - T;
	int pen = 0;

	for (i = 0; i < n; i++) {
		double v = json_number_value(json_array_get(vals, i));

		if (json_is_number(json_array_get(vals, i)) && v > ymax)
			ymax = v;
	}
	if (!isnan(thr) && thr > ymax)
		ymax = thr;
	ymax = psi_axis_max(ymax > 0 ? ymax * 1.1 : 0.1);
	sb_puts(b, "<h3>");
	esc(b, str(f, "name"));
	sb_puts(b, "</h3>");
	sb_printf(b,
		  "<svg class=\"chart hourly\" viewBox=\"0 0 %.0f %.0f\" "
		  "role=\"img\"><title>PSI hour by hour from ",
		  W, H);
	esc(b, str(hp, "start"));
	sb_puts(b, "</title>");
	sb_printf(b,
		  "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">"
		  "%.3g</text><text x=\"%.0f\" y=\"%.1f\" "
		  "text-anchor=\"end\">0</text>",
		  L - 3, T + 3, ymax, L - 3, bottom + 3);
	if (!isnan(thr) && thr <= ymax)
		sb_printf(b, "<path class=\"th\" d=\"M%.0f %.1fH%.0f\"/>", L,
			  bottom - ph * thr / ymax, W - R);
	sb_puts(b, "<path class=\"lt\" d=\"");
	for (i = 0; i < n; i++) {
		json_t *x = json_array_get(vals, i);
		double px = n > 1 ? L + pw * (double)i / (double)(n - 1)
				  : L + pw / 2;

		if (!json_is_number(x)) {
			pen = 0;
			continue;
		}
		sb_printf(b, "%s%.1f %.1f", pen ? "L" : "M", px,
			  bottom - ph * json_number_value(x) / ymax);
		pen = 1;
	}
	sb_printf(b,
		  "\"/><path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>"
		  "<text x=\"%.0f\" y=\"%.0f\">",
		  L, bottom, W - R, L, bottom + 14);
	esc(b, str(hp, "start"));
	sb_printf(b,
		  "</text><text x=\"%.0f\" y=\"%.0f\" "
		  "text-anchor=\"end\">%zu hours</text></svg>",
		  W - R, bottom + 14, n);
}

/* "PSI hour by hour" (reports merged from hour profiles): the most
 * severe features' trend inside the window. */
static void hourly_section(sbuf *b, const feat_ref *fr, size_t nf, double thr)
{
	size_t i, k = 0;

	for (i = 0; i < nf; i++)
		if (json_object_get(fr[i].f, "hourly_psi"))
			break;
	if (i == nf)
		return;
	sb_puts(b, "<h2 id=\"hourly\">PSI hour by hour</h2>"
		   "<div class=\"panel\">");
	for (i = 0; i < nf && k < HOURLY_CHARTS; i++) {
		if (!json_object_get(fr[i].f, "hourly_psi"))
			continue;
		hourly_chart(b, fr[i].f, thr);
		k++;
	}
	sb_puts(b, "</div>\n");
}

static void trend_chart(sbuf *b, const dm_report_point *pts, size_t n,
			double critical)
{
	const double W = 640.0, H = 130.0, L = 40.0, R = 10.0, T = 10.0,
		     bottom = 108.0;
	double pw = W - L - R, ph = bottom - T, ymax = 0;
	size_t i;
	int g;

	for (i = 0; i < n; i++)
		if (pts[i].drift_score > ymax)
			ymax = pts[i].drift_score;
	if (!isnan(critical) && critical > ymax && critical <= 1.0)
		ymax = critical;
	ymax = nice_max(ymax * 1.1);
	sb_printf(b,
		  "<svg class=\"chart trend\" viewBox=\"0 0 %.0f %.0f\" "
		  "role=\"img\">",
		  W, H);
	share_grid(b, ymax, T, bottom, L, W - R);
	if (!isnan(critical) && critical <= ymax) {
		double y = bottom - ph * critical / ymax;

		sb_printf(b,
			  "<path class=\"th\" d=\"M%.0f %.1fH%.0f\"/>"
			  "<text x=\"%.0f\" y=\"%.1f\" "
			  "text-anchor=\"end\">critical</text>",
			  L, y, W - R, W - R, y - 3);
	}
#define PX(i)                                                                  \
	(n > 1 ? L + 8 + (pw - 16) * (double)(i) / (double)(n - 1) : L + pw / 2)
#define PY(i)                                                                  \
	(bottom -                                                              \
	 ph * (isnan(pts[i].drift_score) ? 0 : pts[i].drift_score) / ymax)
	if (n > 1) {
		sb_puts(b, "<path class=\"lt\" d=\"");
		for (i = 0; i < n; i++)
			sb_printf(b, "%s%.1f %.1f", i ? "L" : "M", PX(i),
				  PY(i));
		sb_puts(b, "\"/>");
	}
	for (i = 0; i < n; i++) {
		sb_printf(b,
			  "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
			  "r=\"%s\"><title>",
			  pts[i].insufficient	  ? "pi"
			  : pts[i].drift_detected ? "pd"
						  : "po",
			  PX(i), PY(i), i + 1 == n ? "4.5" : "3");
		if (pts[i].window_end[0]) {
			sb_puts(b, "window to ");
			esc(b, pts[i].window_end);
			sb_puts(b, ", run ");
		}
		esc(b, pts[i].generated_at);
		sb_puts(b, ": ");
		if (pts[i].insufficient)
			sb_puts(b, "insufficient data");
		else
			put_pct(b, pts[i].drift_score);
		sb_puts(b, "</title></circle>");
	}
	sb_printf(b, "<path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>", L, bottom,
		  W - R);
	for (g = 0; g < 2 && n > 0; g++) {
		size_t k = g ? n - 1 : 0;

		if (g && n < 2)
			break;
		sb_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"%s\">",
			  PX(k), bottom + 14, g ? "end" : "start");
		esc(b, pts[k].window_end[0] ? pts[k].window_end
					    : pts[k].generated_at);
		sb_puts(b, "</text>");
	}
#undef PX
#undef PY
	sb_puts(b, "</svg>");
}

/* The performance trend's frame: a PT_W x PT_H chart, the plot from
 * (PT_L, PT_T) to (PT_W - PT_R, PT_BOTTOM); n points, values lo..hi. */
#define PT_W	  640.0
#define PT_H	  150.0
#define PT_L	  40.0
#define PT_R	  10.0
#define PT_T	  10.0
#define PT_BOTTOM 128.0

typedef struct perf_frame {
	size_t n;
	double lo, hi;
} perf_frame;

/* The x of point i (inset 8 from the plot's sides; one point: the
 * middle). */
static double perf_x(const perf_frame *fr, size_t i)
{
	double pw = PT_W - PT_L - PT_R;

	return fr->n > 1 ? PT_L + 8 +
				   (pw - 16) * (double)(i) / (double)(fr->n - 1)
			 : PT_L + pw / 2;
}

static double perf_y(const perf_frame *fr, double v)
{
	double ph = PT_BOTTOM - PT_T;

	return PT_BOTTOM - ph * ((v)-fr->lo) / (fr->hi - fr->lo);
}

/* When point p was: its window's end, else when it was made. */
static const char *point_when(const dm_report_point *p)
{
	return p->window_end[0] ? p->window_end : p->generated_at;
}

/* Measured F1 and ROC AUC of each run, as lines beside accuracy: each
 * point carries its value in data-f1 / data-auc. */
static void perf_trend_extra(sbuf *b, const dm_report_point *pts,
			     const perf_frame *fr)
{
	static const struct {
		int bit;
		const char *line, *dot, *data, *what;
	} m[2] = {{DM_POINT_F1, "pf", "pfc", "f1", "F1"},
		  {DM_POINT_AUC, "pa", "pac", "auc", "ROC AUC"}};
	size_t i, n = fr->n;
	int k;

	for (k = 0; k < 2; k++) {
		int first = 1;

		sb_printf(b, "<path class=\"%s\" d=\"", m[k].line);
		for (i = 0; i < n; i++) {
			double v = k ? pts[i].auc_measured : pts[i].f1_measured;

			if (!(pts[i].perf & m[k].bit))
				continue;
			sb_printf(b, "%s%.1f %.1f", first ? "M" : "L",
				  perf_x(fr, i), perf_y(fr, v));
			first = 0;
		}
		sb_puts(b, "\"/>");
		for (i = 0; i < n; i++) {
			double v = k ? pts[i].auc_measured : pts[i].f1_measured;

			if (!(pts[i].perf & m[k].bit))
				continue;
			sb_printf(b,
				  "<circle class=\"%s\" cx=\"%.1f\" "
				  "cy=\"%.1f\" r=\"2.5\" data-%s=\"%.6f\">"
				  "<title>",
				  m[k].dot, perf_x(fr, i), perf_y(fr, v),
				  m[k].data, v);
			esc(b, point_when(&pts[i]));
			sb_printf(b, ": measured %s %.4f</title></circle>",
				  m[k].what, v);
		}
	}
}

/* The range of every performance value of the points, widened to
 * multiples of 0.05 within [0, 1]; 0 if there is none. */
static int perf_range(const dm_report_point *pts, size_t n, double *plo,
		      double *phi)
{
	double lo = 1, hi = 0;
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		const dm_report_point *p = &pts[i];
		double v[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
		int k;

		if (p->perf & DM_POINT_MEASURED)
			v[0] = p->acc_measured;
		if (p->perf & DM_POINT_REFERENCE)
			v[1] = p->acc_reference;
		if (p->perf & DM_POINT_ESTIMATED) {
			v[2] = p->acc_est_lower;
			v[3] = p->acc_est_upper;
		}
		if (p->perf & DM_POINT_F1)
			v[4] = p->f1_measured;
		if (p->perf & DM_POINT_AUC)
			v[5] = p->auc_measured;
		for (k = 0; k < 6; k++)
			if (!isnan(v[k])) {
				lo = v[k] < lo ? v[k] : lo;
				hi = v[k] > hi ? v[k] : hi;
				any = 1;
			}
	}
	lo = floor(lo * 20 - 0.5) / 20;
	hi = ceil(hi * 20 + 0.5) / 20;
	*plo = lo < 0 ? 0 : lo;
	*phi = hi > 1 ? 1 : hi;
	return any;
}

/* The estimate's band (upper ends left to right, lower ends back) and
 * the reference, estimated and measured accuracy lines. */
static void perf_lines(sbuf *b, const dm_report_point *pts,
		       const perf_frame *fr)
{
	static const int bit[3] = {DM_POINT_REFERENCE, DM_POINT_ESTIMATED,
				   DM_POINT_MEASURED};
	static const char *const line[3] = {"pr", "pe", "pm"};
	size_t i, n = fr->n;
	int pass, first;

	for (i = 0, pass = 0; i < n; i++)
		if (pts[i].perf & DM_POINT_ESTIMATED)
			pass++;
	if (pass > 1) {
		first = 1;
		sb_puts(b, "<path class=\"pband\" d=\"");
		for (i = 0; i < n; i++)
			if (pts[i].perf & DM_POINT_ESTIMATED) {
				sb_printf(b, "%s%.1f %.1f", first ? "M" : "L",
					  perf_x(fr, i),
					  perf_y(fr, pts[i].acc_est_upper));
				first = 0;
			}
		for (i = n; i-- > 0;)
			if (pts[i].perf & DM_POINT_ESTIMATED)
				sb_printf(b, "L%.1f %.1f", perf_x(fr, i),
					  perf_y(fr, pts[i].acc_est_lower));
		sb_puts(b, "Z\"/>");
	}
	for (pass = 0; pass < 3; pass++) {
		first = 1;
		sb_printf(b, "<path class=\"%s\" d=\"", line[pass]);
		for (i = 0; i < n; i++) {
			double v = pass == 0   ? pts[i].acc_reference
				   : pass == 1 ? pts[i].acc_estimated
					       : pts[i].acc_measured;

			if (!(pts[i].perf & bit[pass]))
				continue;
			sb_printf(b, "%s%.1f %.1f", first ? "M" : "L",
				  perf_x(fr, i), perf_y(fr, v));
			first = 0;
		}
		sb_puts(b, "\"/>");
	}
}

/* A dot per estimated and per measured accuracy, with its title. */
static void perf_dots(sbuf *b, const dm_report_point *pts, const perf_frame *fr)
{
	size_t i;

	for (i = 0; i < fr->n; i++) {
		const dm_report_point *p = &pts[i];

		if (p->perf & DM_POINT_ESTIMATED) {
			sb_printf(b,
				  "<circle class=\"pec\" cx=\"%.1f\" "
				  "cy=\"%.1f\" r=\"2.5\" data-acc=\"%.6f\">"
				  "<title>",
				  perf_x(fr, i), perf_y(fr, p->acc_estimated),
				  p->acc_estimated);
			esc(b, point_when(p));
			sb_printf(b,
				  ": estimated accuracy %.4f [%.4f, %.4f]"
				  "</title></circle>",
				  p->acc_estimated, p->acc_est_lower,
				  p->acc_est_upper);
		}
		if (p->perf & DM_POINT_MEASURED) {
			sb_printf(b,
				  "<circle class=\"pmc\" cx=\"%.1f\" "
				  "cy=\"%.1f\" r=\"3\" data-acc=\"%.6f\">"
				  "<title>",
				  perf_x(fr, i), perf_y(fr, p->acc_measured),
				  p->acc_measured);
			esc(b, point_when(p));
			sb_printf(b,
				  ": measured accuracy %.4f</title>"
				  "</circle>",
				  p->acc_measured);
		}
	}
}

/* The accuracy trend: grid, band and lines, F1 and AUC, dots, and the
 * first and last point's time under the axis. */
static void perf_trend_chart(sbuf *b, const dm_report_point *pts, size_t n)
{
	perf_frame fr = {n, 1, 0};
	double ph = PT_BOTTOM - PT_T;
	size_t i;

	if (!perf_range(pts, n, &fr.lo, &fr.hi))
		return;
	sb_puts(b, "<h3>Accuracy over time</h3><p class=\"note\">"
		   "<span class=\"key pm\"></span>measured (labels)"
		   "<span class=\"key pe\"></span>estimated (CBPE) and its "
		   "band<span class=\"key pr\"></span>reference"
		   "<span class=\"key pf\"></span>measured F1"
		   "<span class=\"key pa\"></span>measured ROC AUC</p>");
	sb_printf(b,
		  "<svg class=\"chart trend perf-trend\" viewBox=\"0 0 "
		  "%.0f %.0f\" role=\"img\">",
		  PT_W, PT_H);
	for (i = 0; i <= 4; i++) {
		double v = fr.lo + (fr.hi - fr.lo) * (double)i / 4.0;
		double y = PT_BOTTOM - ph * (double)i / 4.0;

		sb_printf(b,
			  "<path class=\"gl\" d=\"M%.0f %.1fH%.0f\"/>"
			  "<text x=\"%.0f\" y=\"%.1f\" "
			  "text-anchor=\"end\">%.2f</text>",
			  PT_L, y, PT_W - PT_R, PT_L - 3, y + 3, v);
	}
	perf_lines(b, pts, &fr);
	perf_trend_extra(b, pts, &fr);
	perf_dots(b, pts, &fr);
	sb_printf(b, "<path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>", PT_L,
		  PT_BOTTOM, PT_W - PT_R);
	if (n > 0) {
		sb_printf(b, "<text x=\"%.1f\" y=\"%.0f\">", perf_x(&fr, 0),
			  PT_BOTTOM + 14);
		esc(b, point_when(&pts[0]));
		sb_puts(b, "</text>");
	}
	if (n > 1) {
		sb_printf(b,
			  "<text x=\"%.1f\" y=\"%.0f\" "
			  "text-anchor=\"end\">",
			  perf_x(&fr, n - 1), PT_BOTTOM + 14);
		esc(b, point_when(&pts[n - 1]));
		sb_puts(b, "</text>");
	}
	sb_puts(b, "</svg>");
}

/* The window's reliability diagram: per non-empty score bin, the share
 * of positives against the mean score; the diagonal is perfect
 * calibration.  Points carry data-x / data-y. */
static void calibration_chart(sbuf *b, json_t *cal)
{
	const double S = 232.0, L = 34.0, T = 8.0, side = 180.0;
	double bottom = T + side;
	json_t *curve = json_object_get(cal, "curve"), *pt;
	size_t i;
	int first = 1;

	if (!json_array_size(curve))
		return;
	sb_puts(b, "<figure class=\"calibration\"><figcaption>Calibration "
		   "(reliability diagram): share of label 1 by score bin, "
		   "against the bin's mean score; the diagonal is a perfectly "
		   "calibrated model</figcaption>");
	sb_printf(b,
		  "<svg class=\"chart calib\" viewBox=\"0 0 %.0f %.0f\" "
		  "role=\"img\">",
		  S, S);
	for (i = 0; i <= 4; i++) {
		double v = (double)i / 4.0;

		sb_printf(b,
			  "<path class=\"gl\" d=\"M%.0f %.1fH%.0f\"/>"
			  "<text x=\"%.0f\" y=\"%.1f\" "
			  "text-anchor=\"end\">%.2f</text>"
			  "<text x=\"%.1f\" y=\"%.0f\" "
			  "text-anchor=\"middle\">%.2f</text>",
			  L, bottom - side * v, L + side, L - 3,
			  bottom - side * v + 3, v, L + side * v, bottom + 12,
			  v);
	}
	sb_printf(b, "<path class=\"diag\" d=\"M%.0f %.0fL%.0f %.0f\"/>", L,
		  bottom, L + side, T);
	sb_puts(b, "<path class=\"cal\" d=\"");
	json_array_foreach(curve, i, pt)
	{
		sb_printf(b, "%s%.1f %.1f", first ? "M" : "L",
			  L + side * num(pt, "mean_predicted"),
			  bottom - side * num(pt, "fraction_positive"));
		first = 0;
	}
	sb_puts(b, "\"/>");
	json_array_foreach(curve, i, pt)
	{
		double x = num(pt, "mean_predicted"),
		       y = num(pt, "fraction_positive");

		sb_printf(b,
			  "<circle class=\"calc\" cx=\"%.1f\" cy=\"%.1f\" "
			  "r=\"3\" data-x=\"%.6f\" data-y=\"%.6f\" "
			  "data-count=\"%.0f\"><title>mean score %.3f, "
			  "share of 1 %.3f, ",
			  L + side * x, bottom - side * y, x, y,
			  num(pt, "count"), x, y);
		put_value(b, num(pt, "count"));
		sb_puts(b, " rows</title></circle>");
	}
	sb_printf(b,
		  "<path class=\"ax\" d=\"M%.0f %.0fH%.0fM%.0f %.0fV%.0f\"/>",
		  L, bottom, L + side, L, T, bottom);
	sb_puts(b, "</svg></figure>");
}

/* ---- sections -------------------------------------------------------------
 */

static void kpi(sbuf *b, const char *dt, const char *cls)
{
	sb_printf(b, "<div><dt>%s</dt><dd class=\"%s\">", dt, cls);
}

/* "Not monitored (2): customer_id (identifier), comment (text)". */
static void not_monitored(sbuf *b, json_t *cols)
{
	size_t n = json_array_size(cols), i;
	json_t *c;

	if (n == 0)
		return;
	sb_printf(b,
		  "<p class=\"note\" id=\"not-monitored\">Not monitored "
		  "(%zu): ",
		  n);
	json_array_foreach(cols, i, c)
	{
		if (i == 50) {
			sb_printf(b, ", \xE2\x80\xA6 and %zu more", n - i);
			break;
		}
		if (i)
			sb_puts(b, ", ");
		esc_trunc(b, str(c, "name"), 60);
		sb_puts(b, " (");
		esc(b, str(c, "role"));
		sb_puts(b, ")");
	}
	sb_puts(b, "</p>");
}

static void header(sbuf *b, json_t *root, int critical)
{
	const char *st = str(root, "status");
	json_t *win = json_object_get(root, "window");
	json_t *th = json_object_get(root, "thresholds");
	int insufficient = st && !strcmp(st, "insufficient_data");
	int drift = json_is_true(json_object_get(root, "drift_detected"));

	sb_puts(b, "<header class=\"top\"><h1>Drift report: ");
	esc(b, str(root, "model"));
	sb_puts(b, " <small>");
	esc(b, str(root, "model_version"));
	sb_puts(b, "</small></h1>");
	sb_printf(b, "<div class=\"verdict %s\" id=\"verdict\">%s</div>",
		  insufficient ? "v-insuf"
		  : critical   ? "v-crit"
		  : drift      ? "v-drift"
			       : "v-ok",
		  insufficient ? "NO VERDICT: INSUFFICIENT DATA"
		  : critical   ? "CRITICAL DRIFT"
		  : drift      ? "DRIFT DETECTED"
			       : "NO DRIFT");
	sb_puts(b, "<dl class=\"kpi\">");
	kpi(b, "Drift score", "score");
	put_pct(b, num(root, "drift_score"));
	sb_puts(b, "</dd></div>");
	kpi(b, "Features drifted", "drifted");
	sb_printf(b, "%.0f / %.0f</dd></div>", num(root, "features_drifted"),
		  num(root, "features_total"));
	kpi(b, "Samples", "samples");
	sb_printf(b, "%.0f</dd></div>", num(root, "samples"));
	kpi(b, "Window (UTC)", "window");
	if (str(win, "start") && str(win, "end")) {
		esc(b, str(win, "start"));
		sb_puts(b, " \xE2\x86\x92 ");
		esc(b, str(win, "end"));
	} else {
		sb_puts(b, "files given");
	}
	sb_puts(b, "</dd></div>");
	kpi(b, "Generated", "generated");
	esc(b, str(root, "generated_at"));
	sb_puts(b, "</dd></div></dl>");
	sb_puts(b, "<p class=\"note\">Thresholds: PSI ");
	put_g(b, num(th, "psi_minor"));
	sb_puts(b, " minor / ");
	put_g(b, num(th, "psi"));
	sb_puts(b, " significant; family-wise \xCE\xB1 ");
	put_g(b, num(th, "alpha"));
	sb_puts(b, " (Holm); KS D \xE2\x89\xA5 ");
	put_g(b, num(th, "min_ks_d"));
	sb_puts(b, "; critical drift score ");
	put_pct(b, num(th, "critical"));
	sb_puts(b, "; minimum samples ");
	put_g(b, num(th, "min_samples"));
	if (num(root, "rows_skipped") > 0)
		sb_printf(b, ". Malformed rows skipped: %.0f",
			  num(root, "rows_skipped"));
	sb_puts(b, ".</p>");
	if (str(root, "samples_note")) {
		sb_puts(b, "<p class=\"why\" id=\"samples-note\"><b>Not "
			   "analyzed:</b> ");
		esc(b, str(root, "samples_note"));
		sb_puts(b, "</p>");
	}
	not_monitored(b, json_object_get(root, "columns_not_monitored"));
	sb_puts(b, "</header>");
}

static void alerts_section(sbuf *b, json_t *alerts)
{
	size_t i, n = json_array_size(alerts);
	json_t *a;

	sb_printf(b, "<h2 id=\"alerts\">Alerts (%zu)</h2>", n);
	if (n == 0) {
		sb_puts(b, "<p class=\"note\">No alerts.</p>");
		return;
	}
	sb_puts(b, "<ul class=\"alerts\">");
	json_array_foreach(alerts, i, a)
	{
		const char *sev = str(a, "severity");
		int crit = sev && !strcmp(sev, "CRITICAL");

		if (i == MAX_ALERTS_SHOWN) {
			sb_printf(b,
				  "<li>\xE2\x80\xA6 and %zu more (see the JSON "
				  "report)</li>",
				  n - i);
			break;
		}
		sb_printf(b,
			  "<li class=\"sev-%s\"><span class=\"sev\">%s</span>",
			  crit ? "critical" : "warning",
			  crit ? "CRITICAL" : "WARNING");
		sb_puts(b, "<code>");
		esc(b, str(a, "code"));
		sb_puts(b, "</code> ");
		esc(b, str(a, "message"));
		sb_puts(b, "</li>");
	}
	sb_puts(b, "</ul>");
}

/* One row of the performance table: measured, reference, estimated. */
static void perf_row(sbuf *b, const char *label, json_t *perf, const char *key)
{
	json_t *ref = json_object_get(json_object_get(perf, "reference"), key);
	json_t *est = json_object_get(json_object_get(perf, "estimated"), key);
	json_t *dropped = json_object_get(ref, "dropped");

	if (!json_object_get(perf, key) && !ref && !est)
		return;
	sb_printf(b, "<tr%s><td>%s</td><td>",
		  json_is_true(dropped) ? " class=\"sev-warning\"" : "", label);
	put_g(b, num(perf, key));
	if (json_is_true(dropped))
		sb_puts(b, " <strong>(drop)</strong>");
	sb_puts(b, "</td><td>");
	put_g(b, num(ref, "value"));
	sb_puts(b, "</td><td>");
	put_g(b, num(est, "value"));
	if (est) {
		sb_puts(b, " [");
		put_g(b, num(est, "lower"));
		sb_puts(b, ", ");
		put_g(b, num(est, "upper"));
		sb_puts(b, "]");
	}
	sb_puts(b, "</td></tr>");
}

/* Measured (labels), reference and estimated (CBPE) performance, and the
 * confusion matrix (docs/model-quality.md). */
static void performance_section(sbuf *b, json_t *perf,
				const dm_report_point *pts, size_t npts)
{
	json_t *cm = json_object_get(perf, "confusion_matrix");
	json_t *classes = json_object_get(perf, "classes"), *row, *c;
	size_t i, j;

	if (!json_is_object(perf))
		return;
	sb_puts(b, "<h2 id=\"performance\">Model performance</h2>"
		   "<div class=\"panel\"><p class=\"note\">");
	put_value(b, num(perf, "labelled"));
	sb_puts(b, " of ");
	put_value(b, num(perf, "predictions"));
	sb_puts(b, " predictions have a label (column <code>");
	esc(b, str(perf, "prediction_column"));
	sb_puts(b, "</code>, maximum delay ");
	put_g(b, num(perf, "max_delay_hours"));
	sb_puts(b, " h); ");
	put_value(b, num(perf, "labels_late"));
	sb_puts(b, " labels came later.</p><table><thead><tr><th>Metric</th>"
		   "<th>Measured</th><th>Reference</th><th>Estimated "
		   "(CBPE) [band]</th></tr></thead><tbody>");
	perf_row(b, "Accuracy", perf, "accuracy");
	perf_row(b, "F1", perf, "f1");
	perf_row(b, "Macro F1", perf, "f1_macro");
	perf_row(b, "ROC AUC", perf, "roc_auc");
	perf_row(b, "Average precision", perf, "average_precision");
	perf_row(b, "Log loss", perf, "log_loss");
	perf_row(b, "Brier score", perf, "brier");
	perf_row(b, "MAE", perf, "mae");
	perf_row(b, "RMSE", perf, "rmse");
	perf_row(b, "MAPE", perf, "mape");
	perf_row(b, "R\xC2\xB2", perf, "r2");
	sb_puts(b, "</tbody></table>");
	if (json_is_array(cm) && json_array_size(cm) <= 20 &&
	    json_array_size(classes) == json_array_size(cm)) {
		sb_puts(b,
			"<table><caption>Confusion matrix (rows: label, "
			"columns: prediction)</caption><thead><tr><th></th>");
		json_array_foreach(classes, i, c)
		{
			sb_puts(b, "<th>");
			esc(b, str(c, "class"));
			sb_puts(b, "</th>");
		}
		sb_puts(b, "</tr></thead><tbody>");
		json_array_foreach(cm, i, row)
		{
			sb_puts(b, "<tr><th>");
			esc(b, str(json_array_get(classes, i), "class"));
			sb_puts(b, "</th>");
			for (j = 0; j < json_array_size(row); j++) {
				sb_puts(b, "<td>");
				put_value(b, json_number_value(
						     json_array_get(row, j)));
				sb_puts(b, "</td>");
			}
			sb_puts(b, "</tr>");
		}
		sb_puts(b, "</tbody></table>");
	}
	calibration_chart(b, json_object_get(perf, "calibration"));
	perf_trend_chart(b, pts, npts);
	sb_puts(b, "</div>\n");
}

static void table_section(sbuf *b, const feat_ref *fr, size_t n)
{
	size_t i;

	sb_printf(b, "<h2 id=\"summary\">Features by severity (%zu)</h2>", n);
	sb_puts(b, "<div class=\"panel\"><table class=\"features\"><thead><tr>"
		   "<th>Feature</th><th>Type</th><th>Status</th>"
		   "<th class=\"n\">PSI</th><th class=\"n\">KS D</th>"
		   "<th class=\"n\">p-value</th><th class=\"n\">adj. p</th>"
		   "<th class=\"n\">Missing</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		json_t *f = fr[i].f;
		const char *st = str(f, "status");
		json_t *cur = json_object_get(f, "current");

		sb_printf(b, "<tr><td><a href=\"#f-%zu\">", fr[i].index);
		esc_trunc(b, str(f, "name"), 60);
		sb_puts(b, "</a></td><td>");
		esc(b, str(f, "type"));
		sb_printf(b, "</td><td><span class=\"b %s\">",
			  status_class(st));
		esc(b, st ? st : "?");
		sb_puts(b, "</span></td><td class=\"n\">");
		put_g(b, num(f, "psi"));
		sb_puts(b, "</td><td class=\"n\">");
		put_g(b, num(f, "ks_statistic"));
		sb_puts(b, "</td><td class=\"n\">");
		put_p(b, pvalue_of(f));
		sb_puts(b, "</td><td class=\"n\">");
		put_p(b, num(f, "pvalue_adjusted"));
		sb_puts(b, "</td><td class=\"n\">");
		put_pct(b, num(cur, "missing_rate"));
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</tbody></table></div>");
}

static void stat(sbuf *b, const char *label, const char *cls, double x,
		 int pvalue)
{
	sb_printf(b, "<span>%s <b class=\"%s\">", label, cls);
	if (pvalue)
		put_p(b, x);
	else
		put_g(b, x);
	sb_puts(b, "</b></span> ");
}

/* The column's drift test when it is not the KS or chi-square shown
 * beside PSI: its name, statistic and p-value or threshold. */
static void test_line(sbuf *b, json_t *f)
{
	const char *t = str(f, "test");

	if (!t || !strcmp(t, "ks") || !strcmp(t, "chi2"))
		return;
	sb_puts(b, "<span>test <b class=\"test\">");
	esc(b, t);
	sb_puts(b, " ");
	put_g(b, num(f, "test_statistic"));
	if (!isnan(num(f, "test_pvalue"))) {
		sb_puts(b, ", p ");
		put_p(b, num(f, "test_pvalue"));
	} else if (!isnan(num(f, "test_threshold"))) {
		sb_puts(b, " (threshold ");
		put_g(b, num(f, "test_threshold"));
		sb_puts(b, ")");
	}
	sb_puts(b, "</b></span> ");
}

/* Names the categories of the current data that the baseline never saw
 * (as many as the report lists), with their share of the values. */
#define UNSEEN_SHOWN 20
static void unseen_list(sbuf *b, json_t *f, json_t *cur)
{
	json_t *ul = cur ? json_object_get(cur, "unseen_categories") : NULL;
	size_t n = json_array_size(ul), i;
	double u = num(f, "unseen");

	if (n == 0)
		return;
	sb_printf(b,
		  "<p class=\"m unseen-list\">Unseen in the baseline "
		  "(%.0f value%s, ",
		  isnan(u) ? 0.0 : u, u == 1 ? "" : "s");
	put_pct(b, unseen_share(f, cur));
	sb_puts(b, " of the current data): ");
	for (i = 0; i < n && i < UNSEEN_SHOWN; i++) {
		sb_puts(b, i ? ", <code class=\"unseen-cat\">"
			     : "<code class=\"unseen-cat\">");
		esc_trunc(b, json_string_value(json_array_get(ul, i)), 40);
		sb_puts(b, "</code>");
	}
	if (n > UNSEEN_SHOWN)
		sb_printf(b, " \xE2\x80\xA6 and %zu more", n - UNSEEN_SHOWN);
	sb_puts(b, "</p>");
}

static void feature_card(sbuf *b, const feat_ref *r, size_t maxcats)
{
	json_t *f = r->f;
	const char *st = str(f, "status"), *type = str(f, "type");
	json_t *base = json_object_get(f, "baseline");
	json_t *cur = json_object_get(f, "current");
	int numeric = type && !strcmp(type, "numeric");

	if (!json_is_object(cur))
		cur = NULL;
	sb_printf(b,
		  "<article class=\"feat %s\" id=\"f-%zu\" "
		  "data-feature=\"",
		  status_class(st), r->index);
	esc(b, str(f, "name"));
	sb_printf(b, "\" data-status=\"");
	esc(b, st);
	sb_puts(b, "\"><h3>");
	esc(b, str(f, "name"));
	sb_printf(b, " <span class=\"b %s\">", status_class(st));
	esc(b, st ? st : "?");
	sb_puts(b, "</span> <small>");
	esc(b, type);
	sb_puts(b, "</small></h3><p class=\"m\">");
	stat(b, "PSI", "psi", num(f, "psi"), 0);
	if (numeric) {
		stat(b, "KS D", "ksd", num(f, "ks_statistic"), 0);
		stat(b, "KS p", "ksp", num(f, "ks_pvalue"), 1);
	} else {
		stat(b, "\xCF\x87\xC2\xB2 p", "chi2p", num(f, "chi2_pvalue"),
		     1);
	}
	stat(b, "adj. p", "padj", num(f, "pvalue_adjusted"), 1);
	test_line(b, f);
	if (numeric) {
		sb_puts(b, "<span>mean <b>");
		put_value(b, num(base, "mean"));
		sb_puts(b, " \xE2\x86\x92 ");
		put_value(b, num(cur, "mean"));
		sb_puts(b, "</b></span> ");
	} else if (num(f, "unseen") > 0) {
		sb_printf(b,
			  "<span>unseen <b class=\"unseen\">%.0f</b></span> ",
			  num(f, "unseen"));
	}
	sb_puts(b, "<span>missing <b>");
	put_pct(b, num(base, "missing_rate"));
	sb_puts(b, " \xE2\x86\x92 ");
	put_pct(b, num(cur, "missing_rate"));
	sb_puts(b, "</b></span></p>");
	if (!cur)
		sb_puts(b, "<p class=\"note\">Not in the current data "
			   "(baseline only).</p>");
	unseen_list(b, f, cur);
	sb_puts(b, "<div class=\"charts\">");
	if (numeric)
		hist_numeric(b, f, base, cur);
	else
		hist_categorical(b, f, base, cur, maxcats);
	if (numeric && cur && !isnan(num(f, "ks_statistic")))
		ecdf_chart(b, base, cur);
	sb_puts(b, "</div></article>");
}

/* ---- entry points -----------------------------------------------------------
 */

static dm_err check_report(json_t *root, const char *name, dm_diag *diag)
{
	json_t *v = json_object_get(root, "report_version"), *f;
	size_t i;

	if (!json_is_object(root))
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "not a JSON object");
	if (!json_is_integer(v))
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "field 'report_version': missing");
	if (json_integer_value(v) < DM_REPORT_FORMAT_OLDEST ||
	    json_integer_value(v) > DM_REPORT_FORMAT_VERSION)
		return dm_diag_set(diag, DM_EVERSION, name, 0, NULL,
				   "report_version %lld is not supported",
				   (long long)json_integer_value(v));
	if (!json_is_string(json_object_get(root, "model")))
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "field 'model': missing or not a string");
	if (!json_is_array(json_object_get(root, "features")))
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "field 'features': missing or not an "
				   "array");
	json_array_foreach(json_object_get(root, "features"), i, f)
	{
		if (!json_is_string(json_object_get(f, "name")))
			return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
					   "field 'features[%zu].name': "
					   "missing or not a string",
					   i);
		if (!json_is_object(json_object_get(f, "baseline")))
			return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
					   "field 'features[%zu].baseline': "
					   "missing or not an object",
					   i);
	}
	return DM_OK;
}

/* The report's own accuracy point (as dm_report_brief_parse reads it). */
static void self_perf(json_t *perf, dm_report_point *p)
{
	json_t *ref =
		json_object_get(json_object_get(perf, "reference"), "accuracy");
	json_t *est =
		json_object_get(json_object_get(perf, "estimated"), "accuracy");

	if (json_is_number(json_object_get(perf, "accuracy"))) {
		p->perf |= DM_POINT_MEASURED;
		p->acc_measured = num(perf, "accuracy");
	}
	p->f1_measured = num(perf, json_is_number(json_object_get(perf, "f1"))
					   ? "f1"
					   : "f1_macro");
	p->auc_measured = num(perf, "roc_auc");
	p->perf |= (isnan(p->f1_measured) ? 0 : DM_POINT_F1) |
		   (isnan(p->auc_measured) ? 0 : DM_POINT_AUC);
	if (json_is_number(json_object_get(ref, "value"))) {
		p->perf |= DM_POINT_REFERENCE;
		p->acc_reference = num(ref, "value");
	}
	if (json_is_number(json_object_get(est, "value")) &&
	    json_is_number(json_object_get(est, "lower")) &&
	    json_is_number(json_object_get(est, "upper"))) {
		p->perf |= DM_POINT_ESTIMATED;
		p->acc_estimated = num(est, "value");
		p->acc_est_lower = num(est, "lower");
		p->acc_est_upper = num(est, "upper");
	}
}

/* The history to draw: points up to the report's own time, then the
 * report itself if it is not among them. */
static dm_report_point *trend_points(json_t *root, const dm_html_opts *o,
				     size_t *n)
{
	const char *at = str(root, "generated_at");
	const char *we = str(json_object_get(root, "window"), "end");
	const char *st = str(root, "status");
	const char *mine = we ? we : at; /* where the report sits in time */
	size_t i, k = 0, nh = o ? o->nhistory : 0;
	dm_report_point *p = calloc(nh + 1, sizeof(*p));
	int self = 0;

	if (!p)
		return NULL;
	for (i = 0; i < nh; i++) {
		const dm_report_point *h = &o->history[i];
		const char *its =
			h->window_end[0] ? h->window_end : h->generated_at;
		int c = mine ? strcmp(its, mine) : 0;

		/* runs of later windows (or, in one window, later runs) are
		 * after this report */
		if (c == 0 && at)
			c = strcmp(h->generated_at, at);
		if (c > 0)
			continue;
		if (at && !strcmp(h->generated_at, at) &&
		    !strcmp(h->window_end, we ? we : ""))
			self = 1;
		p[k++] = *h;
	}
	if (!self) {
		snprintf(p[k].generated_at, sizeof(p[k].generated_at), "%s",
			 at ? at : "");
		snprintf(p[k].window_end, sizeof(p[k].window_end), "%s",
			 we ? we : "");
		p[k].drift_score = num(root, "drift_score");
		p[k].drift_detected =
			json_is_true(json_object_get(root, "drift_detected"));
		p[k].insufficient = st && !strcmp(st, "insufficient_data");
		self_perf(json_object_get(root, "performance"), &p[k]);
		k++;
	}
	*n = k;
	return p;
}

/* Categories drawn per chart when the options do not say. */
#define MAX_CATS_DEFAULT 12

/* fr[0 .. nf) over the features, most severe first: drifted, minor,
 * not drifted, other; within each by PSI + KS D. */
static void rank_features(json_t *feats, feat_ref *fr, size_t nf)
{
	size_t i;

	for (i = 0; i < nf; i++) {
		json_t *f = json_array_get(feats, i);
		const char *st = str(f, "status");
		double psi = num(f, "psi"), d = num(f, "ks_statistic");

		fr[i].f = f;
		fr[i].index = i;
		fr[i].rank_class = !st			  ? 0
				   : !strcmp(st, "drift") ? 3
				   : !strcmp(st, "minor") ? 2
				   : !strcmp(st, "none")  ? 1
							  : 0;
		fr[i].rank = (isnan(psi) ? 0 : psi) + (isnan(d) ? 0 : d);
	}
	qsort(fr, nf, sizeof(*fr), by_severity);
}

/* 1 if one of the alerts is CRITICAL. */
static int any_critical(json_t *alerts)
{
	json_t *a;
	size_t i;
	int critical = 0;

	json_array_foreach(alerts, i, a)
	{
		const char *sev = str(a, "severity");

		critical |= sev && !strcmp(sev, "CRITICAL");
	}
	return critical;
}

/* The document's head: its title (model, version, time) and style. */
static void page_head(sbuf *b, json_t *root)
{
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		   "<meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width,"
		   "initial-scale=1\">"
		   "<meta name=\"generator\" content=\"driftmon " DM_VERSION
		   "\"><title>Drift report: ");
	esc(b, str(root, "model"));
	sb_puts(b, " ");
	esc(b, str(root, "model_version"));
	sb_puts(b, " (");
	esc(b, str(root, "generated_at"));
	sb_printf(b, ")</title><style>%s</style></head>\n<body><main>", css);
}

/* The distributions (a card per feature) and the footer. */
static void page_foot(sbuf *b, json_t *root, const dm_html_opts *o,
		      const feat_ref *fr, size_t nf)
{
	size_t i, maxcats = o && o->max_categories ? o->max_categories
						   : MAX_CATS_DEFAULT;

	sb_puts(b, "\n<h2 id=\"features\">Distributions</h2><p class=\"note\">"
		   "<span class=\"key hb\"></span>baseline"
		   "<span class=\"key hc\"></span>current window</p>"
		   "<div class=\"grid\">\n");
	for (i = 0; i < nf; i++) {
		feature_card(b, &fr[i], maxcats);
		sb_putc(b, '\n');
	}
	sb_puts(b, "</div><footer>Generated by ");
	esc(b, str(root, "generator"));
	if (o && o->json_location) {
		sb_puts(b, " \xC2\xB7 JSON report: ");
		esc(b, o->json_location);
	}
	sb_puts(b, " \xC2\xB7 Charts are drawn from the profiles in the "
		   "report (bin and category shares, stored quantiles), "
		   "not from raw rows.</footer></main></body></html>\n");
}

dm_err dm_report_html_from_json(const char *json, size_t len, const char *name,
				const dm_html_opts *o, char **out,
				size_t *outlen, dm_diag *diag)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *feats;
	feat_ref *fr = NULL;
	dm_report_point *pts = NULL;
	size_t nf, npts = 0;
	sbuf b;
	dm_err err;

	*out = NULL;
	sb_init(&b, HTML_MAX);
	if (!root)
		return dm_diag_set(diag, DM_EFORMAT, name, 0, NULL,
				   "not valid JSON (line %d: %s)", je.line,
				   je.text);
	if ((err = check_report(root, name, diag)) != DM_OK)
		goto out;
	feats = json_object_get(root, "features");
	nf = json_array_size(feats);
	fr = calloc(nf ? nf : 1, sizeof(*fr));
	pts = trend_points(root, o, &npts);
	if (!fr || !pts) {
		err = DM_ENOMEM;
		goto out;
	}
	rank_features(feats, fr, nf);
	page_head(&b, root);
	header(&b, root, any_critical(json_object_get(root, "alerts")));
	alerts_section(&b, json_object_get(root, "alerts"));
	performance_section(&b, json_object_get(root, "performance"), pts,
			    npts);
	sb_printf(&b,
		  "<h2 id=\"trend\">Drift score, last %zu run%s</h2>"
		  "<div class=\"panel\">",
		  npts, npts == 1 ? "" : "s");
	trend_chart(&b, pts, npts,
		    num(json_object_get(root, "thresholds"), "critical"));
	sb_puts(&b, "</div>\n");
	hourly_section(&b, fr, nf,
		       num(json_object_get(root, "thresholds"), "psi"));
	table_section(&b, fr, nf);
	page_foot(&b, root, o, fr, nf);
	err = sb_finish(&b, out, outlen);
	if (err == DM_ETOOBIG)
		dm_diag_set(diag, err, name, 0, NULL,
			    "the HTML report would exceed %zu MiB",
			    HTML_MAX >> 20);
out:
	sb_release(&b);
	free(fr);
	free(pts);
	json_decref(root);
	return err;
}

dm_err dm_report_to_html(const dm_result *r, const dm_html_opts *o, char **out,
			 size_t *outlen, dm_diag *diag)
{
	char *json = NULL;
	size_t len = 0;
	dm_err err;

	*out = NULL;
	err = dm_report_to_json(r, &json, &len);
	if (err == DM_OK)
		err = dm_report_html_from_json(json, len, r->model, o, out,
					       outlen, diag);
	free(json);
	return err;
}
