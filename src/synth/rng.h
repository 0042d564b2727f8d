/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private: the random number generator behind the synthetic data (see
 * rng.c).  xoshiro256** for the bits, and samplers for the distributions
 * the spam-detector features are drawn from: uniform, normal (ziggurat),
 * exponential, gamma, Poisson, negative binomial, beta, lognormal,
 * Pareto, Bernoulli, binomial, and any discrete distribution with a
 * table (counts, categories).
 *
 * Every sampler is a pure function of the generator state, so a stream is
 * reproducible across runs.  The bits are the same on every machine; the
 * variates that go through exp() or log() are the same wherever the libm
 * is (another libm may differ in a last bit, which can move a rare draw
 * across a boundary).  The
 * samplers with a "_p" suffix take parameters prepared once by the
 * matching _init function, which moves the per-draw set-up cost (square
 * roots, exponentials) out of the hot loop.
 */
#ifndef DM_SYNTH_RNG_H
#define DM_SYNTH_RNG_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** state (Blackman and Vigna 2021); never all zero. */
typedef struct rng_gen {
	uint64_t s[4];
} rng_gen;

/*
 * Seeds r from (seed, stream): both are hashed through splitmix64
 * (Steele, Lea and Flood 2014) into the 256-bit state, so nearby seeds
 * or stream ids give unrelated streams.
 */
void rng_seed(rng_gen *r, uint64_t seed, uint64_t stream);

/* splitmix64 finaliser: a bijective 64-bit mixer (also handy for hashing
 * small integers into parameters). */
uint64_t rng_mix64(uint64_t x);

static inline uint64_t rng_rotl_(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits: xoshiro256** 1.0 (Blackman and Vigna,
 * "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
 * 2021). */
static inline uint64_t rng_u64(rng_gen *r)
{
	uint64_t *s = r->s;
	uint64_t out = rng_rotl_(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl_(s[3], 45);
	return out;
}

/* Uniform on [0, 1) with 53 random bits. */
static inline double rng_uniform(rng_gen *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1]: safe to take the logarithm of. */
static inline double rng_uniform_pos(rng_gen *r)
{
	return (double)((rng_u64(r) >> 11) + 1) * 0x1.0p-53;
}

/* 1 with probability p, else 0. */
static inline int rng_bernoulli(rng_gen *r, double p)
{
	return rng_uniform(r) < p;
}

/* Uniform integer in [0, n), 1 <= n < 2^32 (multiply-shift on 32
 * random bits; the bias, below n / 2^32, is irrelevant for the small n
 * used here). */
static inline uint32_t rng_below(rng_gen *r, uint32_t n)
{
	return (uint32_t)(((rng_u64(r) >> 32) * n) >> 32);
}

/* Standard normal N(0, 1) (ziggurat). */
double rng_normal(rng_gen *r);
/* Standard exponential (mean 1), by inversion. */
double rng_exponential(rng_gen *r);
/* Lognormal: exp(mu + sigma Z). */
double rng_lognormal(rng_gen *r, double mu, double sigma);
/* Pareto type I with scale xm > 0 and tail index alpha > 0:
 * P(X > x) = (xm / x)^alpha for x >= xm. */
double rng_pareto(rng_gen *r, double xm, double alpha);

/* Gamma(shape, 1), shape > 0 (Marsaglia and Tsang 2000). */
typedef struct rng_gamma_par {
	double shape;
	double d;     /* shape' - 1/3, where shape' = max(shape, shape + 1) */
	double c;     /* 1 / sqrt(9 d) */
	double inv_a; /* 1 / shape when shape < 1 (boost), else 0 */
} rng_gamma_par;
void rng_gamma_init(rng_gamma_par *p, double shape);
double rng_gamma_p(rng_gen *r, const rng_gamma_par *p);
/* Gamma with the given shape (> 0) and scale (> 0). */
double rng_gamma(rng_gen *r, double shape, double scale);

/* Poisson(mean), mean >= 0: Knuth's multiplication method below mean 10,
 * Hörmann's PTRS above.  Returns an integer-valued double. */
typedef struct rng_poisson_par {
	double mean;
	double emean; /* exp(-mean) (Knuth) */
	double b, a;  /* PTRS constants */
	double inv_alpha, vr;
	int ptrs;
} rng_poisson_par;
void rng_poisson_init(rng_poisson_par *p, double mean);
double rng_poisson_p(rng_gen *r, const rng_poisson_par *p);
double rng_poisson(rng_gen *r, double mean);

/* Negative binomial with the given mean (>= 0) and size (dispersion,
 * > 0): variance mean + mean^2 / size.  Drawn as a gamma-Poisson mixture,
 * Poisson(Gamma(size, mean / size)).  Integer-valued double. */
typedef struct rng_negbin_par {
	rng_gamma_par g;
	double scale; /* mean / size */
} rng_negbin_par;
void rng_negbin_init(rng_negbin_par *p, double mean, double size);
double rng_negbin_p(rng_gen *r, const rng_negbin_par *p);
double rng_negbin(rng_gen *r, double mean, double size);

/* Beta(a, b), a, b > 0, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
typedef struct rng_beta_par {
	rng_gamma_par ga, gb;
} rng_beta_par;
void rng_beta_init(rng_beta_par *p, double a, double b);
double rng_beta_p(rng_gen *r, const rng_beta_par *p);
double rng_beta(rng_gen *r, double a, double b);

/* Binomial(n, p) by counting n Bernoulli trials (used only for small n).
 * Integer-valued double. */
double rng_binomial_small(rng_gen *r, uint64_t n, double p);

/*
 * A distribution on {0, 1, 2, ...} tabulated for sampling by inversion
 * with a guide table (H.-C. Chen and Y. Asau, "On generating random
 * variates from an empirical distribution", AIIE Trans. 6(2), 1974): one
 * uniform and on average under two comparisons per draw, whatever the
 * shape.  Used for the count features, whose parameters are fixed, and
 * for categorical ones.
 *
 * Count tables cover the values up to where the upper tail is below
 * 1e-10 (at most RNG_DISC_MAX entries); a uniform beyond the table
 * continues the inversion exactly with the probability recurrence, so
 * the distribution is not truncated.
 */
#define RNG_DISC_MAX 32768
typedef struct rng_disc_table {
	double *cum;	 /* cum[i] = P(X <= i) */
	uint32_t *guide; /* guide[j] = min { i : cum[i] > j / n } */
	uint32_t n;
	/* Past the table: P(v) = zw pY(v - shift), pY(y + 1) = pY(y)
	 * (ra y + rb) / (y + 1); last_p = P(n - 1). */
	double last_p, zw, ra, rb;
	unsigned shift;
} rng_disc_table;

/*
 * Tabulates X = 0 with probability zero, else shift + Y, where Y is
 * negative binomial (mean, size) or, if size is infinite, Poisson(mean).
 * Returns 0 on success, 1 if the distribution cannot be tabulated
 * (P(Y = 0) underflows), -1 on allocation failure.  Release with
 * rng_disc_release().
 */
int rng_disc_init_count(rng_disc_table *d, double mean, double size,
			double zero, unsigned shift);
/* Categorical: tabulates P(X = i) proportional to w[i], i < n (w[i] >=
 * 0).  Returns 0, or -1 on allocation failure or if no w[i] is > 0. */
int rng_disc_init_weights(rng_disc_table *d, const double *w, size_t n);
/* Frees the tables; a zeroed or released d is accepted. */
void rng_disc_release(rng_disc_table *d);
/* Continues the inversion past the table (rare; see rng_disc). */
double rng_disc_tail(const rng_disc_table *d, double u);

/* A draw from a tabulated distribution: an integer-valued double. */
static inline double rng_disc(rng_gen *r, const rng_disc_table *d)
{
	double u = rng_uniform(r);
	size_t j = (size_t)(u * d->n);
	uint32_t i;

	if (j >= d->n)
		j = d->n - 1;
	for (i = d->guide[j]; u >= d->cum[i];)
		if (++i == d->n)
			return rng_disc_tail(d, u);
	return (double)i;
}

/* ln(k!) for an integer-valued k >= 0 (exact table below 10, Stirling's
 * series above; absolute error below 1e-13). */
double rng_log_factorial(double k);

#endif
