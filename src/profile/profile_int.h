/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private interface between profile.c (streaming profiles) and infer.c
 * (the evidence gathered while a baseline streams through, and the
 * decisions taken from it at dm_profile_finish: logical types, roles,
 * missing-marker warnings).  See docs/schema.md.
 */
#ifndef DM_PROFILE_INT_H
#define DM_PROFILE_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "driftmon/profile.h"

/* Values remembered (as hashes) to estimate the share of distinct values;
 * values offered before giving up; string values sampled for words. */
#define PF_DSET	       1024
#define PF_DSET_STOP   65536
#define PF_TEXT_SAMPLE 4096
/* Integers within this span of the first one are tracked as a code. */
#define PF_CODE_SPAN 256
/* At most this many distinct integers make an integer code. */
#define PF_CODE_MAX 32

/* Two doubles and two 64-bit integers side by side (GCC / clang vector
 * extensions; SSE2 or its equivalent on every 64-bit target). */
typedef double pf_v2d __attribute__((vector_size(16)));
typedef int64_t pf_v2i __attribute__((vector_size(16)));
/* Four of each: one AVX2 register, or two SSE2 ones (the compiler splits
 * them where AVX2 is not enabled). */
typedef double pf_v4d __attribute__((vector_size(32)));
typedef int64_t pf_v4i __attribute__((vector_size(32)));

/* A function compiled twice, for AVX2 and for the base x86-64, the one
 * run chosen once by the CPU (GCC's target_clones: an ifunc).  AVX2
 * without FMA: products and sums rounded one at a time as in the SSE2
 * code, the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PF_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PF_AVX2_CLONES
#endif

typedef struct pf_evidence {
	int gather; /* baseline mode: gather evidence (else current mode) */
	/* numbers (baseline mode) */
	int all_int;	/* every value so far an integer */
	int increasing; /* strictly increasing so far */
	int have_last;
	double first, last; /* first and last value seen */
	int code_ok;	    /* every integer within PF_CODE_SPAN of code_base */
	double code_base;
	uint64_t code_bits[PF_CODE_SPAN / 64];
	/* distinct values: hashes of the first ones (integers, strings) */
	uint64_t *dset;
	size_t dn;
	uint64_t offered, full_at;
	int dstop;
	/* strings: words and bytes of the first PF_TEXT_SAMPLE values */
	uint64_t txt_n, txt_words, txt_bytes;
	/* where the logical type came from ("Parquet DATE", ...) */
	char type_note[48];
	int time_of_day;       /* times of day (seconds since midnight) */
	int fixed_role;	       /* role set by flag, spec or metadata: keep it */
	char role_note[48];    /* why the role is fixed */
	int user_markers;      /* missing markers set by flag or spec */
	int fixed_type;	       /* logical type set by flag or spec */
	int reader_prediction; /* the writer marked it a model output */
	/* current mode: the baseline's categories include numbers (-1 =
	 * not yet looked at) */
	int ref_numeric_cats;
	/* baseline mode, once the category table is full: which categories
	 * it keeps (categories.c, pf_cat_count_sampled) */
	struct pf_catsample *catsample;
	/* current mode: the reference categories written with spaces
	 * around them, by their value without (pf_cat_loose) */
	struct pf_loose_cat *loose;
	size_t nloose;
	int loose_built;
} pf_evidence;

static inline uint64_t pf_hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* splitmix64's finaliser: spreads the bits of an integer or a hash
 * (infer.c's distinct set, categories.c's sampling keys). */
static inline uint64_t pf_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* s[0..*n) without the spaces and tabs around it (*n shortened). */
static inline const char *pf_trim(const char *s, size_t *n)
{
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		--*n;
	while (*n > 0 && (*s == ' ' || *s == '\t'))
		s++, --*n;
	return s;
}

/* Marks a column of times of day (read as seconds since midnight): its
 * type note "<what>, as seconds since midnight"; never an identifier. */
static inline void pf_note_time_of_day(pf_evidence *e, const char *what)
{
	char buf[sizeof(e->type_note)];

	snprintf(buf, sizeof(buf), "%s, as seconds since midnight", what);
	memcpy(e->type_note, buf, sizeof(buf));
	e->time_of_day = 1;
}

pf_evidence *pf_evidence_new(void);
/* dm_baseline_write with its features written ahead on threads - 1
 * more threads (threads > 1): the same text. */
dm_err pf_baseline_write_threads(const dm_profile *p, dm_sink_fn sink,
				 void *ctx, unsigned threads);

/* Moments written as null (NaN) because they overflowed a double: only
 * values beyond 1e150 in magnitude can make the squared deviations do
 * so; their min and max are still finite (profile.c warns; baseline_check.c,
 * hourprof.c). */
static inline int pf_moments_overflowed(const dm_moments *m)
{
	return (isnan(m->mean) || isnan(m->m2)) && isfinite(m->min) &&
	       isfinite(m->max) && m->min <= m->max &&
	       fmax(fabs(m->min), fabs(m->max)) >= 1e150;
}

void pf_evidence_free(pf_evidence *e);
/* Evidence from the n valid values of one numeric batch. */
void pf_evidence_numbers(pf_evidence *e, const double *v, size_t n);
/* dst := evidence of dst's rows followed by src's (merging profiles of
 * consecutive parts of the same data); -1 on allocation failure. */
int pf_evidence_merge(pf_evidence *dst, const pf_evidence *src);
/* Evidence from one string value (sampled; cheap once saturated). */
void pf_evidence_string(pf_evidence *e, const char *s, size_t n);
/* Baseline mode, at dm_profile_finish: decides every feature's logical
 * type and role (unless fixed), canonicalises boolean categories, warns
 * about missing markers that hide a column's most common value, and
 * drops the sketches and categories of columns that are not analysed. */
dm_err pf_infer(dm_profile *p);
/* Rewrites the categories of a boolean feature as exactly "false",
 * "true" (merging spellings).  -1 if a category is not a boolean. */
int pf_canon_bool_cats(dm_feature *f);
/* Nonzero for a placeholder written for a missing number: 1-4 of
 * . - ? * # / _ ~ (spaces around allowed, 16 bytes in all at most), or
 * an en or em dash. */
int pf_placeholder(const char *s, size_t n);
/* Counts n more values of category s (added if new); -1 on failure. */
int pf_cat_add(dm_feature *f, const char *s, uint64_t n);
/* Finds (or, if add, inserts) the category of the n bytes at s; returns
 * its index, or -1 if absent and not added (also past
 * DM_MAX_CATEGORIES), -2 on allocation failure (categories.c). */
long pf_cat_index(dm_feature *f, const char *s, size_t n, int add);
/* Training data: counts w values of the n bytes at s into f, keeping of
 * a column with more than DM_MAX_CATEGORIES values the ones whose hashes
 * are smallest (a sample that does not depend on the counts), with every
 * value of each; the rest is f->other.  e is f's evidence.  -1 on
 * allocation failure (categories.c). */
int pf_cat_count_sampled(dm_feature *f, pf_evidence *e, const char *s, size_t n,
			 uint64_t w);
void pf_catsample_free(struct pf_catsample *cs);
/* A feature whose categories were kept by key: its categories in one
 * order (most frequent first, then by value), whatever the order they
 * came in; -1 on allocation failure (categories.c). */
int pf_cats_by_key_order(dm_feature *f);
/* Current mode: the reference category (index < nref) that the n bytes
 * at s equal once the spaces around both are dropped (" Private" written
 * by one tool, "Private" by another), or -1; -2 on allocation failure
 * (categories.c).  Called only for a value with no category of its own. */
long pf_cat_loose(dm_feature *f, pf_evidence *e, const char *s, size_t n,
		  size_t nref);
/* The sampling key of the n bytes at s (categories.c). */
uint64_t pf_cat_key(const char *s, size_t n);
/* The name says "model output" (prediction, score, y_pred, *_proba...). */
int pf_prediction_name(const char *name);
/* The name says "ground truth" (label, target, y_true, ground_truth). */
int pf_label_name(const char *name);
/* Appends a formatted warning to p. */
dm_err pf_warn(dm_profile *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Adds feature i (the last one, i == nfeat - 1, whose name is set) to
 * p's name index, so dm_profile_find is a hash lookup.  Features must
 * be indexed in order from 0; a profile whose features were not all
 * indexed is searched linearly.
 */
dm_err dmp_profile_index_add(dm_profile *p, size_t i);
/* Frees the name index of p (findex.c). */
void dmp_profile_index_free(dm_profile *p);

/* Current mode: gives the empty profile p the reference's features,
 * types, edges and categories (and its multivariate columns), as the
 * first batch against ref would (hour profiles read back). */
dm_err dmp_profile_from_reference(dm_profile *p, const dm_profile *ref);

/*
 * Checks a baseline read from storage as a whole (p's name index must
 * cover every feature): names within DM_MAX_NAME_BYTES and unique,
 * categories unique with counts adding up, bin counts adding up,
 * moments consistent, count + missing within rows.  DM_EFORMAT with a
 * diag naming name and the feature.
 */
dm_err dmp_baseline_validate(dm_profile *p, const char *name, dm_diag *diag);

/* dm_baseline_from_json by jansson on the whole document: no feature
 * parsed apart, no sketch array read from the text (the reference the
 * tests compare those with). */
dm_err dmp_baseline_from_json_whole(const char *json, size_t len,
				    const char *name, dm_profile *p,
				    dm_diag *diag);

/*
 * dm_baseline_from_json without the numeric features' quantile sketches
 * (f->sketch NULL, their points neither parsed nor checked): everything
 * a current profile against the baseline reads (the logger's hour
 * profiles), at a fraction of the cost (the points are most of a
 * baseline's bytes).  Not for detect, which tests against the points.
 */
dm_err dmp_baseline_from_json_nosketch(const char *json, size_t len,
				       const char *name, dm_profile *p,
				       dm_diag *diag);

/* Baseline partials (partial.c): add_feature and set_markers of
 * profile.c, and dm_partial_merge (dst := dst's rows then src's, after
 * giving a column that was all missing in one the other's type). */
dm_feature *dmp_profile_add_feature(dm_profile *p, const char *name);
dm_err dmp_feature_set_markers(dm_feature *f, const char *const *list,
			       size_t n);
dm_err dmp_baseline_merge_part(dm_profile *dst, dm_profile *src, dm_diag *diag);

#endif
