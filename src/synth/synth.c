/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic spam-detector data (see include/driftmon/synth.h).
 *
 * Design.  A row is an e-mail: its label comes first (spam with
 * probability 0.3 in training), then 50 features drawn conditionally on
 * it from the table base_features[] below, shaped like the original
 * system's features: negative-binomial and Poisson counts, beta ratios,
 * lognormal sizes and ages, Bernoulli flags, categorical strings, and a
 * few features derived from others (char_count from word_count and
 * avg_word_length, and so on).  Features past the 50th are generated from
 * a hash of their index: a fixed mix of shapes, independent of the seed.
 *
 * A batch is filled column by column (better for the branch predictor
 * and the caches than row by row), in five passes:
 *   1. labels;
 *   2. raw features, in table order (derived ones read their sources);
 *   3. the scenario's transformation of the touched features;
 *   4. missing values (null flags, NaN or empty strings);
 *   5. "prediction", a logistic score of some features plus noise, from
 *      the transformed values with missing ones imputed, so the score
 *      drifts with its inputs; then "label".
 * The scenario acts on final values, so derived features do not follow
 * the touched ones: a mean shift of word_count leaves char_count alone,
 * and untouched features keep exactly their training distribution.
 *
 * Mean shift and scale need each feature's mean and standard deviation
 * under the training distribution.  They are known analytically for the
 * mixture (1 - p) F_ham + p F_spam with p = 0.3: mean = (1-p) m0 + p m1,
 * var = (1-p) v0 + p v1 + p (1-p) (m1 - m0)^2.  Integer features stay
 * integer by stochastic rounding (floor(y) + [U < frac(y)]), which keeps
 * the mean shift exact; bounded features are clamped, and only features
 * far enough from their bounds are eligible (FL_SHIFT, FL_SCALE).
 *
 * Generators opened with drifted = 0 and 1 draw from different streams
 * even for the same stream id, so a training sample and a drifted sample
 * are always independent.
 *
 * Speed: counts and categories, whose parameters are fixed per class, are
 * drawn by inversion of a table with a guide (rng_disc_table: one uniform per
 * value), the rest by the samplers of rng.c with prepared parameters.
 * About 80 million values per second on one core (x86-64, -O2).
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftmon/synth.h"
#include "synth/rng.h"

#define BASE_FEATURES  50
#define MAX_FEATURES   10000
#define MAX_BATCH_ROWS ((size_t)1 << 22)
#define MAX_LEVELS     24
#define NEW_LEVELS     3
#define TRAIN_SPAM     0.3
/* Count tables of one generator hold at most this many entries (48 MiB);
 * features past the budget draw with the direct samplers. */
#define MAX_TAB_ENTRIES ((size_t)1 << 22)
#define DEFAULT_K	5
#define NAME_W		sizeof("feature_4294967295") /* extra feature names */

/* ------------------------------------------------------------------ */
/* Scenario names                                                      */
/* ------------------------------------------------------------------ */
static const char *const scenario_names[DM_SCEN_COUNT_] = {
	"none",
	"mean-shift",
	"scale",
	"new-category",
	"missing",
	"prior",
	"correlation-flip",
	"concept-drift",
	"concept-input-drift",
};

/* Default strength of each scenario (see synth.h). */
static const double scenario_default_mag[DM_SCEN_COUNT_] = {
	0.0, 0.25, 0.5, 0.2, 0.3, 0.6, 0.0, 0.15, 0.15,
};

/* The input part of DM_SCEN_CONCEPT_INPUT: a mean shift of this many
 * standard deviations. */
#define CONCEPT_INPUT_SHIFT 0.5

const char *dm_scenario_name(dm_scenario s)
{
	if ((unsigned)s >= (unsigned)DM_SCEN_COUNT_)
		return "unknown";
	return scenario_names[s];
}

int dm_scenario_parse(const char *name, dm_scenario *out)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < DM_SCEN_COUNT_; i++) {
		if (strcmp(name, scenario_names[i]) == 0) {
			if (out)
				*out = (dm_scenario)i;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Feature definitions                                                 */
/* ------------------------------------------------------------------ */
enum family {
	FAM_NB,	       /* negative binomial: a = mean, b = size */
	FAM_POIS,      /* Poisson: a = mean */
	FAM_HURDLE,    /* 1 + Poisson(a) (times the zero inflation) */
	FAM_BETA,      /* beta: a, b */
	FAM_NORMAL,    /* normal: a = mean, b = sd */
	FAM_LOGNORMAL, /* lognormal: a = mu, b = sigma (of the log) */
	FAM_GAMMA,     /* gamma: a = shape, b = scale */
	FAM_PARETO,    /* Pareto I: a = xm, b = alpha */
	FAM_BERN,      /* Bernoulli: a = P(1) */
	FAM_CAT,       /* categorical strings (codes if numeric_only) */
	FAM_CATNUM,    /* categorical integers 0..n-1 */
	/* Derived from other features of the same row: */
	FAM_CHARS,     /* char_count = word_count (avg_word_length + 1) */
	FAM_LINKDOM,   /* link_domain_count = 1 + Bin(url_count - 1, a) */
	FAM_BODYLEN,   /* body_length = char_count + markup ~ LN(a, b) */
	FAM_SENTENCES, /* sentence_count = 1 + Poisson(word_count / a) */
	FAM_SENTLEN,   /* avg_sentence_length = word_count / sentences */
	FAM_ATTSIZE    /* attachment_size_kb = attachments x LN(a, b) */
};

enum {
	FL_INT = 1,   /* integer-valued; drift keeps it integer */
	FL_ROUND = 2, /* continuous draw rounded to an integer */
	FL_SHIFT = 4, /* eligible for the mean-shift scenario */
	FL_SCALE = 8  /* eligible for the scale scenario */
};

/* Per-class parameters: z = probability of a structural zero. */
struct clsp {
	double z, a, b;
};

struct catdef {
	const char *const *levels;
	unsigned n;
	const double *w[2]; /* relative weights, ham and spam */
};

/*
 * A feature.  For the families FAM_NB to FAM_BERN, whose moments are known
 * in closed form, the value is off + mult * draw, where the draw is 0 with
 * probability z (structural zeros: NB, Poisson, hurdle and lognormal
 * only) and otherwise from the family with parameters a, b of the row's
 * class.  Counts take integer offsets and mult = 1.
 */
struct fdef {
	const char *name;
	unsigned char fam;
	unsigned char flags;
	double miss;	  /* baseline missing rate */
	double lo, hi;	  /* range (drift clamps to it) */
	double off, mult; /* value = off + mult * draw */
	struct clsp c[2]; /* ham, spam */
	const struct catdef *cat;
};

#define INF_ HUGE_VAL

/* Categorical levels and weights (ham, spam). */
static const char *const lang_lv[] = {
	"en", "es", "fr", "de", "pt", "it", "nl", "ru", "zh", "ja", "other",
};
static const double lang_w0[] = {
	.72, .06, .05, .05, .03, .02, .02, .01, .01, .01, .02,
};
static const double lang_w1[] = {
	.55, .05, .03, .04, .04, .01, .01, .11, .09, .02, .05,
};
static const char *const tld_lv[] = {
	"com", "net", "org",  "edu", "gov", "de",  "uk", "fr",
	"ru",  "cn",  "info", "biz", "xyz", "top", "io", "co",
};
static const double tld_w0[] = {
	.55,  .08,  .08, .06,  .02,  .05,  .05, .04,
	.005, .005, .01, .005, .002, .001, .03, .02,
};
static const double tld_w1[] = {
	.30, .08, .02, .005, .001, .02, .02, .01,
	.12, .10, .08, .06,  .07,  .07, .01, .03,
};
static const char *const ctype_lv[] = {
	"text/plain",	   "text/html",		"multipart/alternative",
	"multipart/mixed", "multipart/related",
};
static const double ctype_w0[] = {.40, .10, .35, .12, .03};
static const double ctype_w1[] = {.10, .45, .30, .05, .10};
static const char *const client_lv[] = {
	"outlook",	 "gmail-web", "apple-mail",  "thunderbird", "ios-mail",
	"android-gmail", "yahoo-web", "bulk-mailer", "php-mailer",  "unknown",
};
static const double client_w0[] = {
	.30, .25, .12, .05, .10, .10, .05, .01, .005, .015,
};
static const double client_w1[] = {
	.05, .05, .01, .01, .02, .02, .04, .35, .25, .20,
};
static const char *const charset_lv[] = {
	"utf-8",  "us-ascii", "iso-8859-1", "windows-1252",
	"koi8-r", "gb2312",   "shift_jis",
};
static const double charset_w0[] = {.78, .08, .06, .06, .005, .005, .01};
static const double charset_w1[] = {.55, .05, .08, .10, .08, .10, .04};
/* hour_sent: office hours for ham, around the clock for spam. */
static const double hour_w0[24] = {
	.5,  .3, .2, .2,  .2,  .3,  .8,	 1.5, 3,   4.5, 5, 5,
	4.5, 5,	 5,  4.8, 4.5, 3.5, 2.5, 2,   1.8, 1.5, 1, .7,
};
static const double hour_w1[24] = {
	3, 3, 3.2, 3.4, 3.5, 3.5, 3.3, 3.5, 3.8, 4,   4,   4,
	4, 4, 4,   4,	4,   4,	  4,   4,   3.8, 3.5, 3.3, 3.1,
};
/* day_of_week (0 = Monday): the same for both classes. */
static const double day_w[7] = {.17, .18, .18, .17, .15, .08, .07};

static const struct catdef cat_language = {lang_lv, 11, {lang_w0, lang_w1}};
static const struct catdef cat_tld = {tld_lv, 16, {tld_w0, tld_w1}};
static const struct catdef cat_ctype = {ctype_lv, 5, {ctype_w0, ctype_w1}};
static const struct catdef cat_client = {client_lv, 10, {client_w0, client_w1}};
static const struct catdef cat_charset = {
	charset_lv, 7, {charset_w0, charset_w1}};
static const struct catdef cat_hour = {NULL, 24, {hour_w0, hour_w1}};
static const struct catdef cat_day = {NULL, 7, {day_w, day_w}};

/* Indices of the base features (the order of base_features[]). */
enum {
	X_URL_COUNT,
	X_WORD_COUNT,
	X_AVG_WORD_LENGTH,
	X_CHAR_COUNT,
	X_UPPERCASE_RATIO,
	X_DIGIT_RATIO,
	X_PUNCTUATION_RATIO,
	X_WHITESPACE_RATIO,
	X_EXCLAMATION_COUNT,
	X_QUESTION_COUNT,
	X_DOLLAR_COUNT,
	X_HTML_TAG_COUNT,
	X_LINK_DOMAIN_COUNT,
	X_IMAGE_COUNT,
	X_MAX_WORD_LENGTH,
	X_SUBJECT_LENGTH,
	X_SUBJECT_UPPERCASE_RATIO,
	X_SUBJECT_HAS_EXCLAMATION,
	X_BODY_LENGTH,
	X_SENTENCE_COUNT,
	X_AVG_SENTENCE_LENGTH,
	X_NUM_RECIPIENTS,
	X_NUM_ATTACHMENTS,
	X_ATTACHMENT_SIZE_KB,
	X_REPLY_DEPTH,
	X_HOUR_SENT,
	X_DAY_OF_WEEK,
	X_SENDER_DOMAIN_AGE_DAYS,
	X_SPF_PASS,
	X_DKIM_PASS,
	X_DMARC_PASS,
	X_HAS_UNSUBSCRIBE_LINK,
	X_SPAM_WORD_COUNT,
	X_MONEY_WORD_COUNT,
	X_URGENCY_SCORE,
	X_SENTIMENT_SCORE,
	X_READABILITY_SCORE,
	X_LANGUAGE,
	X_SENDER_TLD,
	X_CONTENT_TYPE,
	X_CLIENT,
	X_CHARSET,
	X_RECEIVED_HOPS,
	X_HEADER_COUNT,
	X_TEXT_ENTROPY,
	X_LEXICAL_DIVERSITY,
	X_STOPWORD_RATIO,
	X_EMOJI_COUNT,
	X_SENDER_HISTORY_COUNT,
	X_IP_REPUTATION_SCORE,
	X_COUNT_
};

/* name, family, flags, missing, lo, hi, off, mult, ham, spam, categories */
#define CNT_ (FL_INT)
static const struct fdef base_features[BASE_FEATURES] = {
	[X_URL_COUNT] = {"url_count",
			 FAM_NB,
			 CNT_ | FL_SHIFT,
			 0,
			 0,
			 INF_,
			 0,
			 1,
			 {{0, 1.0, 0.8}, {0, 4.5, 1.5}},
			 NULL},
	[X_WORD_COUNT] = {"word_count",
			  FAM_NB,
			  CNT_ | FL_SHIFT,
			  0,
			  0,
			  INF_,
			  0,
			  1,
			  {{0, 180, 1.6}, {0, 320, 1.2}},
			  NULL},
	[X_AVG_WORD_LENGTH] = {"avg_word_length",
			       FAM_NORMAL,
			       FL_SHIFT | FL_SCALE,
			       0,
			       1,
			       INF_,
			       0,
			       1,
			       {{0, 4.6, 0.35}, {0, 5.0, 0.55}},
			       NULL},
	[X_CHAR_COUNT] = {"char_count",
			  FAM_CHARS,
			  CNT_,
			  0,
			  0,
			  INF_,
			  0,
			  1,
			  {{0, 0, 0}, {0, 0, 0}},
			  NULL},
	[X_UPPERCASE_RATIO] = {"uppercase_ratio",
			       FAM_BETA,
			       FL_SHIFT,
			       0,
			       0,
			       1,
			       0,
			       1,
			       {{0, 2, 30}, {0, 3, 10}},
			       NULL},
	[X_DIGIT_RATIO] = {"digit_ratio",
			   FAM_BETA,
			   FL_SHIFT,
			   0,
			   0,
			   1,
			   0,
			   1,
			   {{0, 1.5, 50}, {0, 2.5, 30}},
			   NULL},
	[X_PUNCTUATION_RATIO] = {"punctuation_ratio",
				 FAM_BETA,
				 FL_SHIFT,
				 0,
				 0,
				 1,
				 0,
				 1,
				 {{0, 5, 80}, {0, 6, 50}},
				 NULL},
	[X_WHITESPACE_RATIO] = {"whitespace_ratio",
				FAM_BETA,
				FL_SHIFT | FL_SCALE,
				0,
				0,
				1,
				0,
				1,
				{{0, 40, 200}, {0, 30, 170}},
				NULL},
	[X_EXCLAMATION_COUNT] = {"exclamation_count",
				 FAM_NB,
				 CNT_ | FL_SHIFT,
				 0,
				 0,
				 INF_,
				 0,
				 1,
				 {{0, 0.3, 0.5}, {0, 3, 0.8}},
				 NULL},
	[X_QUESTION_COUNT] = {"question_count",
			      FAM_NB,
			      CNT_,
			      0,
			      0,
			      INF_,
			      0,
			      1,
			      {{0, 1.2, 2}, {0, 1.2, 2}},
			      NULL},
	[X_DOLLAR_COUNT] = {"dollar_count",
			    FAM_NB,
			    CNT_,
			    0,
			    0,
			    INF_,
			    0,
			    1,
			    {{0, 0.05, 0.3}, {0, 1.5, 0.5}},
			    NULL},
	[X_HTML_TAG_COUNT] = {"html_tag_count",
			      FAM_NB,
			      CNT_ | FL_SHIFT,
			      0,
			      0,
			      INF_,
			      0,
			      1,
			      {{0.6, 30, 1.5}, {0.15, 80, 1.2}},
			      NULL},
	[X_LINK_DOMAIN_COUNT] = {"link_domain_count",
				 FAM_LINKDOM,
				 CNT_,
				 0,
				 0,
				 INF_,
				 0,
				 1,
				 {{0, 0.2, 0}, {0, 0.5, 0}},
				 NULL},
	[X_IMAGE_COUNT] = {"image_count",
			   FAM_NB,
			   CNT_,
			   0,
			   0,
			   INF_,
			   0,
			   1,
			   {{0, 0.4, 0.5}, {0, 2, 1}},
			   NULL},
	[X_MAX_WORD_LENGTH] = {"max_word_length",
			       FAM_NB,
			       CNT_ | FL_SHIFT,
			       0,
			       0,
			       INF_,
			       6,
			       1,
			       {{0, 7, 4}, {0, 12, 2}},
			       NULL},
	[X_SUBJECT_LENGTH] = {"subject_length",
			      FAM_NB,
			      CNT_ | FL_SHIFT,
			      0,
			      0,
			      INF_,
			      0,
			      1,
			      {{0, 38, 5}, {0, 52, 4}},
			      NULL},
	[X_SUBJECT_UPPERCASE_RATIO] = {"subject_uppercase_ratio",
				       FAM_BETA,
				       0,
				       0,
				       0,
				       1,
				       0,
				       1,
				       {{0, 1.2, 14}, {0, 2.2, 5}},
				       NULL},
	[X_SUBJECT_HAS_EXCLAMATION] = {"subject_has_exclamation",
				       FAM_BERN,
				       CNT_,
				       0,
				       0,
				       1,
				       0,
				       1,
				       {{0, 0.03, 0}, {0, 0.3, 0}},
				       NULL},
	[X_BODY_LENGTH] = {"body_length",
			   FAM_BODYLEN,
			   CNT_,
			   0,
			   0,
			   INF_,
			   0,
			   1,
			   {{0, 6.0, 1.2}, {0, 7.2, 1.0}},
			   NULL},
	[X_SENTENCE_COUNT] = {"sentence_count",
			      FAM_SENTENCES,
			      CNT_,
			      0,
			      0,
			      INF_,
			      0,
			      1,
			      {{0, 16, 0}, {0, 11, 0}},
			      NULL},
	[X_AVG_SENTENCE_LENGTH] = {"avg_sentence_length",
				   FAM_SENTLEN,
				   0,
				   0,
				   0,
				   INF_,
				   0,
				   1,
				   {{0, 0, 0}, {0, 0, 0}},
				   NULL},
	[X_NUM_RECIPIENTS] = {"num_recipients",
			      FAM_NB,
			      CNT_,
			      0,
			      1,
			      INF_,
			      1,
			      1,
			      {{0, 0.8, 0.6}, {0, 6, 0.4}},
			      NULL},
	[X_NUM_ATTACHMENTS] = {"num_attachments",
			       FAM_HURDLE,
			       CNT_,
			       0,
			       0,
			       INF_,
			       0,
			       1,
			       {{0.8, 0.5, 0}, {0.85, 0.1, 0}},
			       NULL},
	[X_ATTACHMENT_SIZE_KB] = {"attachment_size_kb",
				  FAM_ATTSIZE,
				  0,
				  0,
				  0,
				  INF_,
				  0,
				  1,
				  {{0, 5.0, 1.3}, {0, 4.2, 1.6}},
				  NULL},
	[X_REPLY_DEPTH] = {"reply_depth",
			   FAM_NB,
			   CNT_,
			   0,
			   0,
			   INF_,
			   0,
			   1,
			   {{0, 0.9, 1}, {0, 0.1, 0.3}},
			   NULL},
	[X_HOUR_SENT] = {"hour_sent",
			 FAM_CATNUM,
			 CNT_,
			 0,
			 0,
			 23,
			 0,
			 1,
			 {{0, 0, 0}, {0, 0, 0}},
			 &cat_hour},
	[X_DAY_OF_WEEK] = {"day_of_week",
			   FAM_CATNUM,
			   CNT_,
			   0,
			   0,
			   6,
			   0,
			   1,
			   {{0, 0, 0}, {0, 0, 0}},
			   &cat_day},
	[X_SENDER_DOMAIN_AGE_DAYS] = {"sender_domain_age_days",
				      FAM_LOGNORMAL,
				      CNT_ | FL_ROUND | FL_SHIFT,
				      0.04,
				      0,
				      INF_,
				      0,
				      1,
				      {{0, 7.3, 1.0}, {0, 4.8, 1.5}},
				      NULL},
	[X_SPF_PASS] = {"spf_pass",
			FAM_BERN,
			CNT_,
			0,
			0,
			1,
			0,
			1,
			{{0, 0.96, 0}, {0, 0.55, 0}},
			NULL},
	[X_DKIM_PASS] = {"dkim_pass",
			 FAM_BERN,
			 CNT_,
			 0,
			 0,
			 1,
			 0,
			 1,
			 {{0, 0.93, 0}, {0, 0.45, 0}},
			 NULL},
	[X_DMARC_PASS] = {"dmarc_pass",
			  FAM_BERN,
			  CNT_,
			  0,
			  0,
			  1,
			  0,
			  1,
			  {{0, 0.88, 0}, {0, 0.35, 0}},
			  NULL},
	[X_HAS_UNSUBSCRIBE_LINK] = {"has_unsubscribe_link",
				    FAM_BERN,
				    CNT_,
				    0,
				    0,
				    1,
				    0,
				    1,
				    {{0, 0.25, 0}, {0, 0.65, 0}},
				    NULL},
	[X_SPAM_WORD_COUNT] = {"spam_word_count",
			       FAM_NB,
			       CNT_ | FL_SHIFT,
			       0,
			       0,
			       INF_,
			       0,
			       1,
			       {{0, 0.6, 0.8}, {0, 7, 1.5}},
			       NULL},
	[X_MONEY_WORD_COUNT] = {"money_word_count",
				FAM_NB,
				CNT_,
				0,
				0,
				INF_,
				0,
				1,
				{{0, 0.3, 0.5}, {0, 3.5, 1}},
				NULL},
	[X_URGENCY_SCORE] = {"urgency_score",
			     FAM_BETA,
			     0,
			     0,
			     0,
			     1,
			     0,
			     1,
			     {{0, 1.2, 8}, {0, 3, 4}},
			     NULL},
	[X_SENTIMENT_SCORE] = {"sentiment_score",
			       FAM_BETA,
			       FL_SHIFT,
			       0,
			       -1,
			       1,
			       -1,
			       2,
			       {{0, 10, 8}, {0, 14, 6}},
			       NULL},
	[X_READABILITY_SCORE] = {"readability_score",
				 FAM_NORMAL,
				 FL_SHIFT | FL_SCALE,
				 0.02,
				 -INF_,
				 INF_,
				 0,
				 1,
				 {{0, 62, 12}, {0, 52, 16}},
				 NULL},
	[X_LANGUAGE] = {"language",
			FAM_CAT,
			0,
			0.01,
			0,
			0,
			0,
			1,
			{{0, 0, 0}, {0, 0, 0}},
			&cat_language},
	[X_SENDER_TLD] = {"sender_tld",
			  FAM_CAT,
			  0,
			  0,
			  0,
			  0,
			  0,
			  1,
			  {{0, 0, 0}, {0, 0, 0}},
			  &cat_tld},
	[X_CONTENT_TYPE] = {"content_type",
			    FAM_CAT,
			    0,
			    0,
			    0,
			    0,
			    0,
			    1,
			    {{0, 0, 0}, {0, 0, 0}},
			    &cat_ctype},
	[X_CLIENT] = {"client",
		      FAM_CAT,
		      0,
		      0,
		      0,
		      0,
		      0,
		      1,
		      {{0, 0, 0}, {0, 0, 0}},
		      &cat_client},
	[X_CHARSET] = {"charset",
		       FAM_CAT,
		       0,
		       0,
		       0,
		       0,
		       0,
		       1,
		       {{0, 0, 0}, {0, 0, 0}},
		       &cat_charset},
	[X_RECEIVED_HOPS] = {"received_hops",
			     FAM_POIS,
			     CNT_,
			     0,
			     2,
			     INF_,
			     2,
			     1,
			     {{0, 3, 0}, {0, 3, 0}},
			     NULL},
	[X_HEADER_COUNT] = {"header_count",
			    FAM_NB,
			    CNT_ | FL_SHIFT | FL_SCALE,
			    0,
			    0,
			    INF_,
			    0,
			    1,
			    {{0, 30, 60}, {0, 26, 40}},
			    NULL},
	[X_TEXT_ENTROPY] = {"text_entropy",
			    FAM_NORMAL,
			    FL_SHIFT | FL_SCALE,
			    0,
			    0,
			    INF_,
			    0,
			    1,
			    {{0, 4.15, 0.12}, {0, 4.35, 0.18}},
			    NULL},
	[X_LEXICAL_DIVERSITY] = {"lexical_diversity",
				 FAM_BETA,
				 FL_SHIFT | FL_SCALE,
				 0,
				 0,
				 1,
				 0,
				 1,
				 {{0, 30, 22}, {0, 22, 26}},
				 NULL},
	[X_STOPWORD_RATIO] = {"stopword_ratio",
			      FAM_BETA,
			      FL_SHIFT | FL_SCALE,
			      0,
			      0,
			      1,
			      0,
			      1,
			      {{0, 35, 60}, {0, 25, 70}},
			      NULL},
	[X_EMOJI_COUNT] = {"emoji_count",
			   FAM_NB,
			   CNT_,
			   0,
			   0,
			   INF_,
			   0,
			   1,
			   {{0, 0.2, 0.3}, {0, 1.5, 0.4}},
			   NULL},
	[X_SENDER_HISTORY_COUNT] = {"sender_history_count",
				    FAM_NB,
				    CNT_,
				    0.03,
				    0,
				    INF_,
				    0,
				    1,
				    {{0, 12, 0.4}, {0, 0.2, 0.2}},
				    NULL},
	[X_IP_REPUTATION_SCORE] = {"ip_reputation_score",
				   FAM_BETA,
				   0,
				   0.05,
				   0,
				   100,
				   0,
				   100,
				   {{0, 8, 2}, {0, 3, 4}},
				   NULL},
};
_Static_assert(X_COUNT_ == BASE_FEATURES, "feature index enum");
/* Derived features are drawn after their sources (in column order). */
_Static_assert(X_WORD_COUNT < X_CHAR_COUNT &&
		       X_AVG_WORD_LENGTH < X_CHAR_COUNT &&
		       X_URL_COUNT < X_LINK_DOMAIN_COUNT &&
		       X_CHAR_COUNT < X_BODY_LENGTH &&
		       X_WORD_COUNT < X_SENTENCE_COUNT &&
		       X_SENTENCE_COUNT < X_AVG_SENTENCE_LENGTH &&
		       X_NUM_ATTACHMENTS < X_ATTACHMENT_SIZE_KB,
	       "derived feature before its source");

/* The order in which scenarios pick their k features among the base
 * ones (eligible features past the 50th follow in index order). */
static const unsigned char shift_order[] = {
	X_URL_COUNT,
	X_WORD_COUNT,
	X_UPPERCASE_RATIO,
	X_AVG_WORD_LENGTH,
	X_SENDER_DOMAIN_AGE_DAYS,
	X_READABILITY_SCORE,
	X_SUBJECT_LENGTH,
	X_TEXT_ENTROPY,
	X_HTML_TAG_COUNT,
	X_SPAM_WORD_COUNT,
	X_HEADER_COUNT,
	X_LEXICAL_DIVERSITY,
	X_MAX_WORD_LENGTH,
	X_WHITESPACE_RATIO,
	X_STOPWORD_RATIO,
	X_PUNCTUATION_RATIO,
	X_DIGIT_RATIO,
	X_SENTIMENT_SCORE,
	X_EXCLAMATION_COUNT,
};
static const unsigned char scale_order[] = {
	X_AVG_WORD_LENGTH,  X_READABILITY_SCORE, X_TEXT_ENTROPY,
	X_WHITESPACE_RATIO, X_LEXICAL_DIVERSITY, X_STOPWORD_RATIO,
	X_HEADER_COUNT,
};
static const unsigned char missing_order[] = {
	X_SENDER_DOMAIN_AGE_DAYS,
	X_IP_REPUTATION_SCORE,
	X_SENDER_HISTORY_COUNT,
	X_READABILITY_SCORE,
	X_LANGUAGE,
	X_URL_COUNT,
	X_WORD_COUNT,
	X_UPPERCASE_RATIO,
	X_SPAM_WORD_COUNT,
	X_HTML_TAG_COUNT,
	X_SUBJECT_LENGTH,
	X_SENDER_TLD,
};
static const unsigned char newcat_order[] = {
	X_LANGUAGE, X_SENDER_TLD, X_CONTENT_TYPE, X_CLIENT, X_CHARSET,
};

static const char *const new_level_names[NEW_LEVELS] = {
	"xx-new-1",
	"xx-new-2",
	"xx-new-3",
};

/* The model score: logistic(intercept + sum w g(x) + N(0, noise^2)),
 * g = log1p or identity; a missing input is replaced by 'impute'. */
struct term {
	unsigned char feat;
	unsigned char log1p;
	double w, impute;
};
static const struct term score_terms[] = {
	{X_URL_COUNT, 1, 0.27, 1},
	{X_UPPERCASE_RATIO, 0, 3.0, 0.1},
	{X_SPAM_WORD_COUNT, 1, 0.42, 1},
	{X_MONEY_WORD_COUNT, 1, 0.3, 0},
	{X_EXCLAMATION_COUNT, 1, 0.24, 0},
	{X_SPF_PASS, 0, -0.6, 1},
	{X_DKIM_PASS, 0, -0.48, 1},
	{X_HAS_UNSUBSCRIBE_LINK, 0, 0.36, 0},
	{X_SENDER_DOMAIN_AGE_DAYS, 1, -0.27, 1000},
	{X_IP_REPUTATION_SCORE, 0, -0.018, 70},
	{X_SENDER_HISTORY_COUNT, 1, -0.24, 1},
};
/* Tuned so that the training AUC is about 0.98 and the mean score about
 * the spam share. */
#define SCORE_INTERCEPT 1.6
#define SCORE_NOISE	1.2

/* ------------------------------------------------------------------ */
/* Generator state                                                     */
/* ------------------------------------------------------------------ */
struct feat {
	struct fdef d;
	dm_coltype type;
	double miss;	      /* missing rate in this generator */
	double mean, sd;      /* under the training distribution; NaN unknown */
	int class_dep;	      /* distribution depends on the label */
	int touched;	      /* changed by this generator's scenario */
	int nlev;	      /* categorical: number of levels */
	int tab;	      /* draws from dd[] (counts, categories) */
	rng_disc_table dd[2]; /* per class: tabulated distribution */
	dm_strref lev[MAX_LEVELS + NEW_LEVELS]; /* FAM_CAT as strings */
	rng_negbin_par nb[2];
	rng_poisson_par po[2];
	rng_beta_par be[2];
	rng_gamma_par ga[2];
};

struct dm_synth {
	dm_synth_opts o;
	int drifted;
	double mag;  /* effective scenario magnitude */
	double spam; /* spam share of this generator */
	rng_gen rng;
	size_t nfeat;
	size_t ncols;
	struct feat *f;
	char *extra_names; /* "feature_051\0feature_052\0..." */
	char *drifted_names;
	size_t tab_entries; /* table entries so far (bounded) */
	/* current batch */
	dm_batch batch;
	dm_column *cols;
	size_t cap;
	uint8_t *label;
	uint64_t next_row;
	long flip; /* correlation-flip: the feature whose ranks reverse */
};

/* ------------------------------------------------------------------ */
/* Moments under the training distribution                             */
/* ------------------------------------------------------------------ */
/* Mean and variance of one class's draw (before off + mult); NaN when
 * not known in closed form. */
static void class_moments(const struct fdef *d, const struct clsp *c,
			  double *mean, double *var)
{
	double m = NAN, v = NAN, e2;

	switch (d->fam) {
	case FAM_NB:
		m = c->a;
		v = c->a + c->a * c->a / c->b;
		break;
	case FAM_POIS:
		m = v = c->a;
		break;
	case FAM_HURDLE:
		m = 1.0 + c->a;
		v = c->a;
		break;
	case FAM_BETA:
		m = c->a / (c->a + c->b);
		v = c->a * c->b /
		    ((c->a + c->b) * (c->a + c->b) * (c->a + c->b + 1.0));
		break;
	case FAM_NORMAL:
		m = c->a;
		v = c->b * c->b;
		break;
	case FAM_LOGNORMAL:
		m = exp(c->a + 0.5 * c->b * c->b);
		v = expm1(c->b * c->b) * exp(2.0 * c->a + c->b * c->b);
		if (d->flags & FL_ROUND)
			v += 1.0 / 12.0; /* rounding, Sheppard's correction */
		break;
	case FAM_GAMMA:
		m = c->a * c->b;
		v = c->a * c->b * c->b;
		break;
	case FAM_PARETO:
		if (c->b > 2.0) {
			m = c->b * c->a / (c->b - 1.0);
			v = c->a * c->a * c->b /
			    ((c->b - 1.0) * (c->b - 1.0) * (c->b - 2.0));
		}
		break;
	case FAM_BERN:
		m = c->a;
		v = c->a * (1.0 - c->a);
		break;
	default:
		break;
	}
	/* Structural zeros with probability z. */
	e2 = (1.0 - c->z) * (v + m * m);
	m *= 1.0 - c->z;
	v = e2 - m * m;
	*mean = d->off + d->mult * m;
	*var = d->mult * d->mult * v;
}

static void training_moments(struct feat *f)
{
	const double p = TRAIN_SPAM;
	double m0, v0, m1, v1;

	class_moments(&f->d, &f->d.c[0], &m0, &v0);
	class_moments(&f->d, &f->d.c[1], &m1, &v1);
	f->mean = (1.0 - p) * m0 + p * m1;
	f->sd = sqrt((1.0 - p) * v0 + p * v1 +
		     p * (1.0 - p) * (m1 - m0) * (m1 - m0));
}

/* ------------------------------------------------------------------ */
/* Set-up                                                              */
/* ------------------------------------------------------------------ */
/* Uniform in [0, 1) from a hash of (i, j): parameters of the features
 * past the 50th, the same for every seed. */
static double hash_unit(unsigned i, unsigned j)
{
	uint64_t h = rng_mix64(((uint64_t)i << 32) ^ (j * 0x9e3779b9u) ^
			       0x5851f42d4c957f2dull);

	return (double)(h >> 11) * 0x1.0p-53;
}

/*
 * Defines feature number idx (1-based, > 50): one of nine shapes in turn,
 * with parameters and the class effect drawn from a hash of idx.
 */
static void extra_feature(struct fdef *d, unsigned idx, const char *name)
{
	double u1 = hash_unit(idx, 1), u2 = hash_unit(idx, 2);
	double u3 = hash_unit(idx, 3), u4 = hash_unit(idx, 4);
	/* Class effect: none for a third of the features. */
	double e = u3 < 1.0 / 3.0 ? 0.0 : (u3 < 2.0 / 3.0 ? 0.4 : 0.8);

	memset(d, 0, sizeof(*d));
	d->name = name;
	d->mult = 1.0;
	d->lo = 0.0;
	d->hi = INF_;
	if (u4 < 0.2)
		d->miss = 0.01 + 0.2 * u4; /* 1% to 5% */
	switch ((idx - BASE_FEATURES - 1) % 9) {
	case 0:
		d->fam = FAM_NORMAL;
		d->flags = FL_SHIFT | FL_SCALE;
		d->lo = -INF_;
		d->c[0].a = -10.0 + 20.0 * u1;
		d->c[0].b = 0.5 + 4.5 * u2;
		d->c[1].a = d->c[0].a + e * d->c[0].b;
		d->c[1].b = d->c[0].b;
		break;
	case 1:
		d->fam = FAM_LOGNORMAL;
		d->flags = FL_SHIFT;
		d->c[0].a = 1.0 + 4.0 * u1;
		d->c[0].b = 0.3 + 0.9 * u2;
		d->c[1].a = d->c[0].a + 0.5 * e * d->c[0].b;
		d->c[1].b = d->c[0].b;
		break;
	case 2:
		d->fam = FAM_NB;
		d->flags = FL_INT | FL_SHIFT;
		d->c[0].a = 0.5 + 30.0 * u1;
		d->c[0].b = 0.5 + 5.0 * u2;
		d->c[1].a = d->c[0].a * (1.0 + e);
		d->c[1].b = d->c[0].b;
		break;
	case 3:
		d->fam = FAM_BETA;
		d->flags = FL_SHIFT | FL_SCALE;
		d->hi = 1.0;
		d->c[0].a = 1.0 + 9.0 * u1;
		d->c[0].b = 2.0 + 28.0 * u2;
		d->c[1].a = d->c[0].a * (1.0 + 0.5 * e);
		d->c[1].b = d->c[0].b;
		break;
	case 4:
		d->fam = FAM_POIS;
		d->flags = FL_INT | FL_SHIFT | FL_SCALE;
		d->c[0].a = 1.0 + 60.0 * u1;
		d->c[1].a = d->c[0].a * (1.0 + 0.5 * e);
		break;
	case 5:
		d->fam = FAM_BERN;
		d->flags = FL_INT;
		d->hi = 1.0;
		d->c[0].a = 0.05 + 0.45 * u1;
		d->c[1].a = d->c[0].a + 0.2 * e;
		break;
	case 6:
		d->fam = FAM_GAMMA;
		d->flags = FL_SHIFT;
		d->c[0].a = 0.5 + 5.0 * u1;
		d->c[0].b = 0.5 + 10.0 * u2;
		d->c[1].a = d->c[0].a;
		d->c[1].b = d->c[0].b * (1.0 + 0.5 * e);
		break;
	case 7:
		d->fam = FAM_PARETO;
		d->c[0].a = 1.0 + 9.0 * u1;
		d->c[0].b = 3.5 + 3.0 * u2;
		d->c[1].a = d->c[0].a;
		d->c[1].b = d->c[0].b - e;
		d->lo = d->c[0].a;
		break;
	default:
		/* Many zeros, then lognormal (like attachment sizes). */
		d->fam = FAM_LOGNORMAL;
		d->c[0].z = 0.3 + 0.5 * u1;
		d->c[0].a = 2.0 + 3.0 * u2;
		d->c[0].b = 0.5 + 1.0 * u4;
		d->c[1] = d->c[0];
		d->c[1].z = d->c[0].z * (1.0 - 0.5 * e);
		break;
	}
}

/* Does the distribution depend on the label? */
static int is_class_dependent(const struct fdef *d)
{
	unsigned i;

	switch (d->fam) {
	case FAM_CHARS:
	case FAM_LINKDOM:
	case FAM_BODYLEN:
	case FAM_SENTENCES:
	case FAM_SENTLEN:
	case FAM_ATTSIZE:
		return 1; /* all their sources depend on it */
	case FAM_CAT:
	case FAM_CATNUM:
		for (i = 0; i < d->cat->n; i++)
			if (d->cat->w[0][i] != d->cat->w[1][i])
				return 1;
		return 0;
	default:
		return memcmp(&d->c[0], &d->c[1], sizeof(d->c[0])) != 0;
	}
}

/* Tabulates class k's distribution of a count feature (see rng_disc_table);
 * falls back on the direct samplers past the budget. */
static dm_err tabulate_count(dm_synth *g, struct feat *f, int k)
{
	const struct fdef *d = &f->d;
	const struct clsp *c = &d->c[k];
	int rc;

	if (!f->tab)
		return DM_OK;
	if (d->fam == FAM_NB)
		rc = rng_disc_init_count(&f->dd[k], c->a, c->b, c->z, 0);
	else
		rc = rng_disc_init_count(&f->dd[k], c->a, HUGE_VAL, c->z,
					 d->fam == FAM_HURDLE);
	if (rc < 0)
		return DM_ENOMEM;
	if (rc > 0 || g->tab_entries + f->dd[k].n > MAX_TAB_ENTRIES) {
		rng_disc_release(&f->dd[k]);
		if (k == 1)
			rng_disc_release(&f->dd[0]);
		f->tab = 0;
		return DM_OK;
	}
	g->tab_entries += f->dd[k].n;
	return DM_OK;
}

/* Prepares the samplers' parameters and the training moments. */
static dm_err prepare_feature(dm_synth *g, struct feat *f)
{
	const struct fdef *d = &f->d;
	int numeric_only = g->o.numeric_only;
	dm_err err;
	int k, i;

	f->type = (d->fam == FAM_CAT && !numeric_only) ? DM_COL_STRING
						       : DM_COL_DOUBLE;
	if (d->fam == FAM_CAT && numeric_only)
		f->d.flags |= FL_INT;
	f->miss = d->miss;
	f->class_dep = is_class_dependent(d);
	/* Structural zeros exist for these families only; the Bernoulli
	 * and categorical ones take no offset or multiplier. */
	assert((d->c[0].z == 0.0 && d->c[1].z == 0.0) || d->fam == FAM_NB ||
	       d->fam == FAM_POIS || d->fam == FAM_HURDLE ||
	       d->fam == FAM_LOGNORMAL);
	assert(d->fam != FAM_BERN || (d->off == 0.0 && d->mult == 1.0));
	/* Counts: value = off + draw (integer offsets only). */
	assert((d->fam != FAM_NB && d->fam != FAM_POIS &&
		d->fam != FAM_HURDLE) ||
	       (d->mult == 1.0 && d->off == floor(d->off)));
	f->tab = d->fam == FAM_NB || d->fam == FAM_POIS ||
		 d->fam == FAM_HURDLE || d->fam == FAM_CAT ||
		 d->fam == FAM_CATNUM;
	for (k = 0; k < 2; k++) {
		const struct clsp *c = &d->c[k];

		switch (d->fam) {
		case FAM_NB:
			rng_negbin_init(&f->nb[k], c->a, c->b);
			if ((err = tabulate_count(g, f, k)))
				return err;
			break;
		case FAM_POIS:
		case FAM_HURDLE:
			rng_poisson_init(&f->po[k], c->a);
			if ((err = tabulate_count(g, f, k)))
				return err;
			break;
		case FAM_BETA:
			rng_beta_init(&f->be[k], c->a, c->b);
			break;
		case FAM_GAMMA:
			rng_gamma_init(&f->ga[k], c->a);
			break;
		case FAM_CAT:
		case FAM_CATNUM:
			assert(d->cat->n <= MAX_LEVELS);
			f->nlev = (int)d->cat->n;
			if (rng_disc_init_weights(&f->dd[k], d->cat->w[k],
						  d->cat->n))
				return DM_ENOMEM;
			break;
		default:
			break;
		}
	}
	if (d->fam == FAM_CAT) {
		for (i = 0; i < f->nlev; i++) {
			f->lev[i].ptr = d->cat->levels[i];
			f->lev[i].len = (uint32_t)strlen(d->cat->levels[i]);
		}
		for (i = 0; i < NEW_LEVELS; i++) {
			f->lev[f->nlev + i].ptr = new_level_names[i];
			f->lev[f->nlev + i].len =
				(uint32_t)strlen(new_level_names[i]);
		}
	}
	if (d->fam <= FAM_BERN) {
		training_moments(f);
	} else {
		f->mean = NAN;
		f->sd = NAN;
	}
	/* Eligibility checks that need the moments: integer features need
	 * some spread for a fractional-sd shift to look like one; bounded
	 * ones must sit well inside their range. */
	if (!(f->sd > 0.0)) {
		f->d.flags &= (unsigned char)~(FL_SHIFT | FL_SCALE);
	} else {
		if ((d->flags & FL_INT) && f->sd < 2.0)
			f->d.flags &= (unsigned char)~(FL_SHIFT | FL_SCALE);
		if (f->mean + 4.0 * f->sd > d->hi)
			f->d.flags &= (unsigned char)~(FL_SHIFT | FL_SCALE);
		if (f->mean - 4.0 * f->sd < d->lo)
			f->d.flags &= (unsigned char)~FL_SCALE;
	}
	return DM_OK;
}

/* Marks up to k features touched: first from 'order', then any other
 * feature passing 'ok' in index order. */
static size_t pick_features(dm_synth *g, const unsigned char *order,
			    size_t norder, size_t k,
			    int (*ok)(const struct feat *))
{
	size_t n = 0, i;

	for (i = 0; i < norder && n < k; i++) {
		struct feat *f = &g->f[order[i]];

		if (!f->touched && ok(f)) {
			f->touched = 1;
			n++;
		}
	}
	for (i = BASE_FEATURES; i < g->nfeat && n < k; i++) {
		struct feat *f = &g->f[i];

		if (!f->touched && ok(f)) {
			f->touched = 1;
			n++;
		}
	}
	return n;
}

static int ok_shift(const struct feat *f)
{
	return (f->d.flags & FL_SHIFT) != 0;
}

static int ok_scale(const struct feat *f)
{
	return (f->d.flags & FL_SCALE) != 0;
}

static int ok_any(const struct feat *f)
{
	(void)f;
	return 1;
}

static int ok_cat(const struct feat *f)
{
	return f->d.fam == FAM_CAT;
}

/* Chooses the touched features and sets the scenario's parameters. */
static void apply_scenario(dm_synth *g)
{
	size_t k = g->o.drift_features ? g->o.drift_features : DEFAULT_K;
	size_t i;

	g->spam = TRAIN_SPAM;
	g->mag = 0.0;
	g->flip = -1;
	if (!g->drifted || g->o.scenario == DM_SCEN_NONE)
		return;
	g->mag = g->o.magnitude > 0.0 ? g->o.magnitude
				      : scenario_default_mag[g->o.scenario];
	switch (g->o.scenario) {
	case DM_SCEN_MEAN_SHIFT:
	case DM_SCEN_CONCEPT_INPUT:
		pick_features(g, shift_order, sizeof(shift_order), k, ok_shift);
		break;
	case DM_SCEN_CONCEPT:
		break;
	case DM_SCEN_SCALE:
		pick_features(g, scale_order, sizeof(scale_order), k, ok_scale);
		break;
	case DM_SCEN_NEW_CATEGORY:
		if (g->mag > 0.9)
			g->mag = 0.9;
		pick_features(g, newcat_order, sizeof(newcat_order), k, ok_cat);
		break;
	case DM_SCEN_MISSING:
		if (g->mag > 0.95)
			g->mag = 0.95;
		pick_features(g, missing_order, sizeof(missing_order), k,
			      ok_any);
		for (i = 0; i < g->nfeat; i++)
			if (g->f[i].touched && g->f[i].miss < g->mag)
				g->f[i].miss = g->mag;
		break;
	case DM_SCEN_PRIOR:
		if (g->mag > 1.0)
			g->mag = 1.0;
		g->spam = g->mag;
		for (i = 0; i < g->nfeat; i++)
			g->f[i].touched = g->f[i].class_dep;
		break;
	case DM_SCEN_CORR_FLIP:
		/* the pair url_count / link_domain_count (both numeric) */
		for (i = 0; i < g->nfeat; i++) {
			if (strcmp(g->f[i].d.name, "link_domain_count") == 0) {
				g->flip = (long)i;
				g->f[i].touched = 1;
			} else if (strcmp(g->f[i].d.name, "url_count") == 0) {
				g->f[i].touched = 1;
			}
		}
		break;
	default:
		break;
	}
}

/* Joins the touched features' names with commas. */
static dm_err build_drifted_names(dm_synth *g)
{
	size_t len = 1, i, off = 0;

	for (i = 0; i < g->nfeat; i++)
		if (g->f[i].touched)
			len += strlen(g->f[i].d.name) + 1;
	g->drifted_names = malloc(len);
	if (!g->drifted_names)
		return DM_ENOMEM;
	g->drifted_names[0] = '\0';
	for (i = 0; i < g->nfeat; i++) {
		size_t n;

		if (!g->f[i].touched)
			continue;
		if (off)
			g->drifted_names[off++] = ',';
		n = strlen(g->f[i].d.name);
		memcpy(g->drifted_names + off, g->f[i].d.name, n);
		off += n;
		g->drifted_names[off] = '\0';
	}
	return DM_OK;
}

dm_err dm_synth_new(const dm_synth_opts *opts, int drifted, uint64_t stream,
		    dm_synth **out)
{
	dm_synth *g = NULL;
	dm_err err = DM_OK;
	size_t i, nf;

	if (out)
		*out = NULL;
	if (!opts || !out || (unsigned)opts->scenario >= DM_SCEN_COUNT_ ||
	    (opts->nfeatures != 0 && opts->nfeatures < BASE_FEATURES) ||
	    isnan(opts->magnitude))
		return DM_EINVAL;
	nf = opts->nfeatures ? opts->nfeatures : BASE_FEATURES;
	if (nf > MAX_FEATURES)
		return DM_ETOOBIG;
	g = calloc(1, sizeof(*g));
	if (!g)
		return DM_ENOMEM;
	g->o = *opts;
	g->o.nfeatures = (unsigned)nf;
	g->drifted = drifted != 0;
	g->nfeat = nf;
	g->ncols = nf + 1 + (opts->with_label != 0);
	/* Training and drifted generators never share a stream. */
	rng_seed(&g->rng, opts->seed,
		 rng_mix64(stream) ^ (g->drifted ? 0xd1f7ull : 0));
	g->f = calloc(nf, sizeof(*g->f));
	if (!g->f) {
		err = DM_ENOMEM;
		goto out;
	}
	if (nf > BASE_FEATURES) {
		g->extra_names = malloc((nf - BASE_FEATURES) * NAME_W);
		if (!g->extra_names) {
			err = DM_ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < nf; i++) {
		if (i < BASE_FEATURES) {
			g->f[i].d = base_features[i];
		} else {
			char *name =
				g->extra_names + (i - BASE_FEATURES) * NAME_W;

			snprintf(name, NAME_W, "feature_%03u",
				 (unsigned)(i + 1));
			extra_feature(&g->f[i].d, (unsigned)(i + 1), name);
		}
		err = prepare_feature(g, &g->f[i]);
		if (err)
			goto out;
	}
	apply_scenario(g);
	err = build_drifted_names(g);
	if (err)
		goto out;
	*out = g;
	g = NULL;
out:
	dm_synth_free(g);
	return err;
}

static void free_batch(dm_synth *g)
{
	size_t i;

	if (g->cols) {
		for (i = 0; i < g->ncols; i++) {
			free(g->cols[i].f64);
			free(g->cols[i].str);
			free(g->cols[i].null);
		}
	}
	free(g->cols);
	free(g->label);
	g->cols = NULL;
	g->label = NULL;
	g->cap = 0;
}

void dm_synth_free(dm_synth *g)
{
	size_t i;

	if (!g)
		return;
	free_batch(g);
	for (i = 0; g->f && i < g->nfeat; i++) {
		rng_disc_release(&g->f[i].dd[0]);
		rng_disc_release(&g->f[i].dd[1]);
	}
	free(g->f);
	free(g->extra_names);
	free(g->drifted_names);
	free(g);
}

size_t dm_synth_ncols(const dm_synth *g)
{
	return g ? g->ncols : 0;
}

const char *dm_synth_colname(const dm_synth *g, size_t i)
{
	if (!g || i >= g->ncols)
		return NULL;
	if (i < g->nfeat)
		return g->f[i].d.name;
	return i == g->nfeat ? "prediction" : "label";
}

dm_coltype dm_synth_coltype(const dm_synth *g, size_t i)
{
	if (!g || i >= g->ncols)
		return DM_COL_TEXT;
	return i < g->nfeat ? g->f[i].type : DM_COL_DOUBLE;
}

int dm_synth_col_is_flag(const dm_synth *g, size_t i)
{
	return g && i < g->nfeat && g->f[i].d.fam == FAM_BERN;
}

const char *dm_synth_drifted_names(const dm_synth *g)
{
	return g && g->drifted_names ? g->drifted_names : "";
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */
/* ------------------------------------------------------------------ */
/* Makes room for n rows (all columns). */
static dm_err reserve(dm_synth *g, size_t n)
{
	size_t i;

	if (n <= g->cap && g->cols)
		return DM_OK;
	free_batch(g);
	g->cols = calloc(g->ncols, sizeof(*g->cols));
	g->label = malloc(n ? n : 1);
	if (!g->cols || !g->label)
		goto fail;
	for (i = 0; i < g->ncols; i++) {
		dm_column *c = &g->cols[i];
		int isstr = i < g->nfeat && g->f[i].type == DM_COL_STRING;

		c->type = isstr ? DM_COL_STRING : DM_COL_DOUBLE;
		if (isstr)
			c->str = malloc((n ? n : 1) * sizeof(*c->str));
		else
			c->f64 = malloc((n ? n : 1) * sizeof(*c->f64));
		if (isstr ? !c->str : !c->f64)
			goto fail;
		if (i < g->nfeat && g->f[i].miss > 0.0) {
			c->null = malloc(n ? n : 1);
			if (!c->null)
				goto fail;
		}
	}
	g->cap = n;
	return DM_OK;
fail:
	free_batch(g);
	return DM_ENOMEM;
}

/* Integer-valued y by stochastic rounding: E[result] = y. */
static inline double stoch_round(rng_gen *r, double y)
{
	double fl = floor(y);

	return fl + (rng_uniform(r) < y - fl);
}

/* The values of feature j drawn from other columns of the row (word,
 * URL, character, sentence and attachment counts). */
static void draw_derived(dm_synth *g, size_t j, size_t n)
{
	const struct fdef *d = &g->f[j].d;
	const uint8_t *lab = g->label;
	rng_gen *r = &g->rng;
	double *x = g->cols[j].f64;
	const double *wc = g->cols[X_WORD_COUNT].f64;
	size_t i;

	switch (d->fam) {
	case FAM_CHARS: {
		const double *awl = g->cols[X_AVG_WORD_LENGTH].f64;

		for (i = 0; i < n; i++)
			x[i] = nearbyint(wc[i] * (awl[i] + 1.0));
		break;
	}
	case FAM_LINKDOM: {
		const double *uc = g->cols[X_URL_COUNT].f64;

		for (i = 0; i < n; i++)
			x[i] = uc[i] < 1.0
				       ? 0.0
				       : 1.0 + rng_binomial_small(
						       r, (uint64_t)uc[i] - 1,
						       d->c[lab[i]].a);
		break;
	}
	case FAM_BODYLEN: {
		const double *cc = g->cols[X_CHAR_COUNT].f64;

		for (i = 0; i < n; i++) {
			const struct clsp *cp = &d->c[lab[i]];

			x[i] = cc[i] +
			       nearbyint(rng_lognormal(r, cp->a, cp->b));
		}
		break;
	}
	case FAM_SENTENCES:
		for (i = 0; i < n; i++)
			x[i] = 1.0 + rng_poisson(r, wc[i] / d->c[lab[i]].a);
		break;
	case FAM_SENTLEN: {
		const double *sc = g->cols[X_SENTENCE_COUNT].f64;

		for (i = 0; i < n; i++)
			x[i] = wc[i] / sc[i];
		break;
	}
	case FAM_ATTSIZE: {
		const double *na = g->cols[X_NUM_ATTACHMENTS].f64;

		for (i = 0; i < n; i++) {
			const struct clsp *cp = &d->c[lab[i]];

			x[i] = na[i] < 1.0
				       ? 0.0
				       : na[i] * rng_lognormal(r, cp->a, cp->b);
		}
		break;
	}
	default:
		break;
	}
}

/* Raw values of feature j for n rows, by the rows' labels: from its
 * family's distribution, or from the columns it derives from. */
static void draw_feature(dm_synth *g, size_t j, size_t n)
{
	struct feat *f = &g->f[j];
	const struct fdef *d = &f->d;
	dm_column *c = &g->cols[j];
	const uint8_t *lab = g->label;
	rng_gen *r = &g->rng;
	double *x = c->f64;
	size_t i;

	if (f->tab && d->fam != FAM_CAT) {
		for (i = 0; i < n; i++)
			x[i] = d->off + rng_disc(r, &f->dd[lab[i]]);
		return;
	}
	switch (d->fam) {
	case FAM_NB:
		for (i = 0; i < n; i++) {
			const struct clsp *cp = &d->c[lab[i]];
			double v = 0.0;

			if (cp->z == 0.0 || rng_uniform(r) >= cp->z)
				v = rng_negbin_p(r, &f->nb[lab[i]]);
			x[i] = d->off + v;
		}
		break;
	case FAM_POIS:
		for (i = 0; i < n; i++) {
			double v = 0.0;

			if (d->c[lab[i]].z == 0.0 ||
			    rng_uniform(r) >= d->c[lab[i]].z)
				v = rng_poisson_p(r, &f->po[lab[i]]);
			x[i] = d->off + v;
		}
		break;
	case FAM_HURDLE:
		for (i = 0; i < n; i++) {
			double v = 0.0;

			if (rng_uniform(r) >= d->c[lab[i]].z)
				v = 1.0 + rng_poisson_p(r, &f->po[lab[i]]);
			x[i] = d->off + v;
		}
		break;
	case FAM_BETA:
		for (i = 0; i < n; i++)
			x[i] = d->off + d->mult * rng_beta_p(r, &f->be[lab[i]]);
		break;
	case FAM_NORMAL:
		for (i = 0; i < n; i++) {
			const struct clsp *cp = &d->c[lab[i]];
			double v = d->off +
				   d->mult * (cp->a + cp->b * rng_normal(r));

			x[i] = v < d->lo ? d->lo : v;
		}
		break;
	case FAM_LOGNORMAL:
		for (i = 0; i < n; i++) {
			const struct clsp *cp = &d->c[lab[i]];
			double v = 0.0;

			if (cp->z == 0.0 || rng_uniform(r) >= cp->z)
				v = rng_lognormal(r, cp->a, cp->b);
			v = d->off + d->mult * v;
			x[i] = (d->flags & FL_ROUND) ? nearbyint(v) : v;
		}
		break;
	case FAM_GAMMA:
		for (i = 0; i < n; i++)
			x[i] = d->off + d->mult * d->c[lab[i]].b *
						rng_gamma_p(r, &f->ga[lab[i]]);
		break;
	case FAM_PARETO:
		for (i = 0; i < n; i++)
			x[i] = d->off + d->mult * rng_pareto(r, d->c[lab[i]].a,
							     d->c[lab[i]].b);
		break;
	case FAM_BERN:
		for (i = 0; i < n; i++)
			x[i] = rng_bernoulli(r, d->c[lab[i]].a);
		break;
	case FAM_CAT:
		for (i = 0; i < n; i++) {
			double k = rng_disc(r, &f->dd[lab[i]]);

			if (f->type == DM_COL_STRING)
				c->str[i] = f->lev[(size_t)k];
			else
				x[i] = k;
		}
		break;
	default:
		draw_derived(g, j, n);
		break;
	}
}

/* The scenario's change to the values of a touched feature j. */
static void drift_feature(dm_synth *g, size_t j, size_t n)
{
	struct feat *f = &g->f[j];
	const struct fdef *d = &f->d;
	dm_column *c = &g->cols[j];
	rng_gen *r = &g->rng;
	double *x = c->f64;
	int isint = (d->flags & FL_INT) != 0;
	size_t i;

	switch (g->o.scenario) {
	case DM_SCEN_MEAN_SHIFT:
	case DM_SCEN_CONCEPT_INPUT: {
		double delta = (g->o.scenario == DM_SCEN_MEAN_SHIFT
					? g->mag
					: CONCEPT_INPUT_SHIFT) *
			       f->sd;

		for (i = 0; i < n; i++) {
			double y = x[i] + delta;

			if (isint)
				y = stoch_round(r, y);
			x[i] = y < d->lo ? d->lo : (y > d->hi ? d->hi : y);
		}
		break;
	}
	case DM_SCEN_SCALE: {
		double s = 1.0 + g->mag;

		for (i = 0; i < n; i++) {
			double y = f->mean + s * (x[i] - f->mean);

			if (isint)
				y = stoch_round(r, y);
			x[i] = y < d->lo ? d->lo : (y > d->hi ? d->hi : y);
		}
		break;
	}
	case DM_SCEN_NEW_CATEGORY:
		for (i = 0; i < n; i++) {
			uint32_t k;

			if (!(rng_uniform(r) < g->mag))
				continue;
			k = (uint32_t)f->nlev + rng_below(r, NEW_LEVELS);
			if (f->type == DM_COL_STRING)
				c->str[i] = f->lev[k];
			else
				x[i] = (double)k;
		}
		break;
	default:
		break; /* missing and prior act elsewhere */
	}
}

struct rank_item {
	double x;
	size_t i;
};

static int by_value(const void *a, const void *b)
{
	const struct rank_item *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->i < q->i ? -1 : (p->i > q->i);
}

/* Correlation flip: the values of feature j are put back in reversed
 * rank order (the smallest where the largest was): the same values,
 * so the same marginal, and every correlation with j changes sign. */
static dm_err flip_ranks(dm_synth *g, size_t j, size_t n)
{
	double *x = g->cols[j].f64;
	struct rank_item *it;
	size_t r;

	if (n < 2)
		return DM_OK;
	it = malloc(n * sizeof(*it));
	if (!it)
		return DM_ENOMEM;
	for (r = 0; r < n; r++) {
		it[r].x = x[r];
		it[r].i = r;
	}
	qsort(it, n, sizeof(*it), by_value);
	for (r = 0; r < n; r++)
		x[it[r].i] = it[n - 1 - r].x;
	free(it);
	return DM_OK;
}

/* Null flags of feature j (rate f->miss). */
static void draw_missing(dm_synth *g, size_t j, size_t n)
{
	struct feat *f = &g->f[j];
	dm_column *c = &g->cols[j];
	rng_gen *r = &g->rng;
	static const dm_strref empty = {"", 0};
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t m = rng_uniform(r) < f->miss;

		c->null[i] = m;
		if (!m)
			continue;
		if (f->type == DM_COL_STRING)
			c->str[i] = empty;
		else
			c->f64[i] = NAN;
	}
}

/* The model score from the (drifted, masked) features. */
static void draw_prediction(dm_synth *g, size_t n)
{
	double *p = g->cols[g->nfeat].f64;
	rng_gen *r = &g->rng;
	size_t i, t;

	for (i = 0; i < n; i++)
		p[i] = SCORE_INTERCEPT + SCORE_NOISE * rng_normal(r);
	for (t = 0; t < sizeof(score_terms) / sizeof(score_terms[0]); t++) {
		const struct term *tm = &score_terms[t];
		const dm_column *c = &g->cols[tm->feat];

		for (i = 0; i < n; i++) {
			double v = c->f64[i];

			if (c->null && c->null[i])
				v = tm->impute;
			if (tm->log1p)
				v = log1p(v > 0.0 ? v : 0.0);
			p[i] += tm->w * v;
		}
	}
	for (i = 0; i < n; i++)
		p[i] = 1.0 / (1.0 + exp(-p[i]));
}

dm_err dm_synth_next(dm_synth *g, size_t nrows, dm_batch **out)
{
	dm_err err;
	size_t i, j;

	if (out)
		*out = NULL;
	if (!g || !out)
		return DM_EINVAL;
	if (nrows > MAX_BATCH_ROWS)
		return DM_ETOOBIG;
	err = reserve(g, nrows);
	if (err)
		return err;
	for (i = 0; i < nrows; i++)
		g->label[i] = rng_uniform(&g->rng) < g->spam;
	for (j = 0; j < g->nfeat; j++)
		draw_feature(g, j, nrows);
	if (g->drifted && g->o.scenario != DM_SCEN_PRIOR)
		for (j = 0; j < g->nfeat; j++)
			if (g->f[j].touched)
				drift_feature(g, j, nrows);
	if (g->drifted && g->o.scenario == DM_SCEN_CORR_FLIP && g->flip >= 0 &&
	    (err = flip_ranks(g, (size_t)g->flip, nrows)) != DM_OK)
		return err;
	for (j = 0; j < g->nfeat; j++)
		if (g->f[j].miss > 0.0)
			draw_missing(g, j, nrows);
	draw_prediction(g, nrows);
	/* concept drift: P(label | inputs) changes, the inputs do not */
	if (g->drifted && (g->o.scenario == DM_SCEN_CONCEPT ||
			   g->o.scenario == DM_SCEN_CONCEPT_INPUT))
		for (i = 0; i < nrows; i++)
			if (rng_uniform(&g->rng) < g->mag)
				g->label[i] = !g->label[i];
	if (g->o.with_label) {
		double *l = g->cols[g->nfeat + 1].f64;

		for (i = 0; i < nrows; i++)
			l[i] = g->label[i];
	}
	g->batch.nrows = nrows;
	g->batch.ncols = g->ncols;
	g->batch.cols = g->cols;
	g->batch.first_row = g->next_row + 1;
	g->batch.row_numbers = NULL;
	g->next_row += nrows;
	*out = &g->batch;
	return DM_OK;
}
