/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random variates for the synthetic data generator (see rng.h).
 *
 * Sources:
 *  - xoshiro256** and the splitmix64 seeder: D. Blackman and S. Vigna,
 *    "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
 *    2021 (arXiv 2018); G. L. Steele, D. Lea and C. H. Flood, "Fast splittable
 *    pseudorandom number generators", OOPSLA 2014.
 *  - Normal: the ziggurat of G. Marsaglia and W. W. Tsang, "The ziggurat
 *    method for generating random variables", J. Stat. Software 5(8),
 *    2000, with 256 layers, in J. A. Doornik's variant ("An improved
 *    ziggurat method to generate normal random samples", 2005): the
 *    layer index and the abscissa come from disjoint bits, and the
 *    rejection test uses the density itself rather than integer tables.
 *    Tail beyond r: G. Marsaglia, "Generating a variable from the tail of
 *    the normal distribution", Technometrics 6(1), 1964.
 *  - Gamma: G. Marsaglia and W. W. Tsang, "A simple method for generating
 *    gamma variables", ACM TOMS 26(3), 2000 (shape < 1 by their boost
 *    G(a) = G(a + 1) U^(1/a)).
 *  - Poisson: D. E. Knuth, TAOCP vol. 2, 3.4.1 (multiplication of
 *    uniforms) for small means; W. Hörmann, "The transformed rejection
 *    method for generating Poisson random variables", Insurance:
 *    Mathematics and Economics 12, 1993, algorithm PTRS, for mean >= 10.
 *  - Negative binomial as the gamma-Poisson mixture, beta as a ratio of
 *    gammas (L. Devroye, "Non-Uniform Random Variate Generation", 1986,
 *    chapters IX and X).
 *  - Distributions with fixed parameters on {0, 1, ...}: inversion with
 *    a guide table, H.-C. Chen and Y. Asau, "On generating random
 *    variates from an empirical distribution", AIIE Transactions 6(2),
 *    1974 (Devroye 1986, III.2.4).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

#include "synth/rng.h"

static void zig_init(void);
static once_flag zig_once = ONCE_FLAG_INIT;

/* ------------------------------------------------------------------ */
/* Seeding                                                             */
/* ------------------------------------------------------------------ */
uint64_t rng_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* One step of splitmix64: advance by the golden-ratio increment, mix. */
static uint64_t splitmix64_next(uint64_t *x)
{
	*x += 0x9e3779b97f4a7c15ull;
	return rng_mix64(*x);
}

void rng_seed(rng_gen *r, uint64_t seed, uint64_t stream)
{
	/* Hash the stream id first so that (seed, stream) and
	 * (seed + 1, stream - 1) do not collide. */
	uint64_t x = rng_mix64(seed ^ 0x6a09e667f3bcc909ull) ^
		     rng_mix64(stream + 0xbb67ae8584caa73bull);
	int i;

	/* Every generator is seeded before use, so this is the one place
	 * that needs to make sure the normal sampler's tables exist. */
	call_once(&zig_once, zig_init);
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64_next(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1; /* the one forbidden state */
}

/* ------------------------------------------------------------------ */
/* Normal: ziggurat with 256 layers                                    */
/* ------------------------------------------------------------------ */
/*
 * Layers i = 1..255 are the rectangles [0, x[i]] x [f(x[i]), f(x[i+1])]
 * under f(x) = exp(-x^2 / 2), x[1] = r > x[2] > ... > x[256] = 0; layer 0
 * is [0, r] x [0, f(r)] plus the tail beyond r, drawn as a rectangle of
 * width x[0] = v / f(r).  All 256 have the same area v.  r is the
 * published constant for 256 layers; v and the x[i] follow from it.
 */
#define ZIG_N 256
#define ZIG_R 3.6541528853610088

static struct {
	double x[ZIG_N + 1];
	double f[ZIG_N + 1]; /* f(x[i]) (f[0] unused) */
	double k[ZIG_N];     /* x[i+1] / x[i]: |u| below it is accepted */
} zig;

static void zig_init(void)
{
	const double r = ZIG_R;
	double fr = exp(-0.5 * r * r);
	double v = r * fr + 1.25331413731550025 /* sqrt(pi / 2) */ *
				    erfc(r * 0.70710678118654752);
	int i;

	zig.x[0] = v / fr;
	zig.x[1] = r;
	for (i = 1; i < ZIG_N - 1; i++) {
		double fi = exp(-0.5 * zig.x[i] * zig.x[i]);

		zig.x[i + 1] = sqrt(-2.0 * log(v / zig.x[i] + fi));
	}
	zig.x[ZIG_N] = 0.0;
	for (i = 0; i <= ZIG_N; i++)
		zig.f[i] = exp(-0.5 * zig.x[i] * zig.x[i]);
	for (i = 0; i < ZIG_N; i++)
		zig.k[i] = zig.x[i + 1] / zig.x[i];
}

/* A variate from the normal tail beyond r (Marsaglia 1964). */
static double normal_tail(rng_gen *r, int negative)
{
	double x, y;

	do {
		x = -log(rng_uniform_pos(r)) / ZIG_R;
		y = -log(rng_uniform_pos(r));
	} while (y + y < x * x);
	return negative ? -(ZIG_R + x) : ZIG_R + x;
}

double rng_normal(rng_gen *r)
{
	for (;;) {
		uint64_t bits = rng_u64(r);
		unsigned i = (unsigned)(bits & (ZIG_N - 1));
		/* Top 53 bits: u uniform on [-1, 1). */
		double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
		double x;

		if (fabs(u) < zig.k[i])
			return u * zig.x[i];
		if (i == 0)
			return normal_tail(r, u < 0);
		/* Wedge of layer i: accept under the density. */
		x = u * zig.x[i];
		if (zig.f[i] + rng_uniform(r) * (zig.f[i + 1] - zig.f[i]) <
		    exp(-0.5 * x * x))
			return x;
	}
}

double rng_exponential(rng_gen *r)
{
	return -log(rng_uniform_pos(r));
}

double rng_lognormal(rng_gen *r, double mu, double sigma)
{
	return exp(mu + sigma * rng_normal(r));
}

double rng_pareto(rng_gen *r, double xm, double alpha)
{
	/* Inversion: X = xm U^(-1/alpha) = xm exp(E / alpha). */
	return xm * exp(rng_exponential(r) / alpha);
}

/* ------------------------------------------------------------------ */
/* Gamma (Marsaglia and Tsang 2000)                                     */
/* ------------------------------------------------------------------ */
void rng_gamma_init(rng_gamma_par *p, double shape)
{
	double a = shape < 1.0 ? shape + 1.0 : shape;

	p->shape = shape;
	p->d = a - 1.0 / 3.0;
	p->c = 1.0 / sqrt(9.0 * p->d);
	p->inv_a = shape < 1.0 ? 1.0 / shape : 0.0;
}

double rng_gamma_p(rng_gen *r, const rng_gamma_par *p)
{
	double x, v, u, x2, g;

	for (;;) {
		do {
			x = rng_normal(r);
			v = 1.0 + p->c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = rng_uniform(r);
		x2 = x * x;
		/* Squeeze (their eq. 2), then the exact test. */
		if (u < 1.0 - 0.0331 * x2 * x2)
			break;
		if (log(u) < 0.5 * x2 + p->d * (1.0 - v + log(v)))
			break;
	}
	g = p->d * v;
	if (p->inv_a > 0.0) /* shape < 1: boost, G(a) = G(a+1) U^(1/a) */
		g *= exp(-rng_exponential(r) * p->inv_a);
	return g;
}

double rng_gamma(rng_gen *r, double shape, double scale)
{
	rng_gamma_par p;

	rng_gamma_init(&p, shape);
	return scale * rng_gamma_p(r, &p);
}

/* ------------------------------------------------------------------ */
/* Poisson                                                             */
/* ------------------------------------------------------------------ */
/* ln(k!) for k = 0..9. */
static const double log_fact_small[10] = {
	0.0,
	0.0,
	0.69314718055994531,
	1.79175946922805500,
	3.17805383034794562,
	4.78749174278204599,
	6.57925121201010100,
	8.52516136106541430,
	10.60460290274525023,
	12.80182748008146961,
};

double rng_log_factorial(double k)
{
	const double ln_sqrt_2pi = 0.91893853320467274;
	double x, x2, series;

	if (k < 10.0)
		return log_fact_small[(int)k];
	/* Stirling's series for ln Gamma(x), x = k + 1 >= 11:
	 * 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7). */
	x = k + 1.0;
	x2 = x * x;
	series = (1.0 / 12.0 -
		  (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) /
			  x2) /
		 x;
	return (x - 0.5) * log(x) - x + ln_sqrt_2pi + series;
}

#define POISSON_PTRS_MIN 10.0

void rng_poisson_init(rng_poisson_par *p, double mean)
{
	double smu;

	p->mean = mean > 0.0 ? mean : 0.0;
	p->ptrs = p->mean >= POISSON_PTRS_MIN;
	p->emean = exp(-p->mean);
	smu = sqrt(p->mean);
	/* Hörmann (1993), algorithm PTRS, step 0. */
	p->b = 0.931 + 2.53 * smu;
	p->a = -0.059 + 0.02483 * p->b;
	p->inv_alpha = 1.1239 + 1.1328 / (p->b - 3.4);
	p->vr = 0.9277 - 3.6224 / (p->b - 2.0);
}

/* Knuth: the number of uniforms whose running product stays above
 * exp(-mean). */
static double poisson_knuth(rng_gen *r, double emean)
{
	double prod = rng_uniform(r);
	double k = 0.0;

	while (prod > emean) {
		k += 1.0;
		prod *= rng_uniform(r);
	}
	return k;
}

/* PTRS: transformed rejection with squeeze (Hörmann 1993, steps 1-3). */
static double poisson_ptrs(rng_gen *r, const rng_poisson_par *p)
{
	for (;;) {
		double u = rng_uniform(r) - 0.5;
		double v = rng_uniform(r);
		double us = 0.5 - fabs(u);
		double k;

		if (us <= 0.0)
			continue;
		k = floor((2.0 * p->a / us + p->b) * u + p->mean + 0.43);
		if (us >= 0.07 && v <= p->vr)
			return k;
		if (k < 0.0 || (us < 0.013 && v > us))
			continue;
		/* The exact test; its logarithms are needed in few
		 * iterations, so they are not prepared in advance. */
		if (log(v * p->inv_alpha / (p->a / (us * us) + p->b)) <=
		    -p->mean + k * log(p->mean) - rng_log_factorial(k))
			return k;
	}
}

double rng_poisson_p(rng_gen *r, const rng_poisson_par *p)
{
	if (p->ptrs)
		return poisson_ptrs(r, p);
	return poisson_knuth(r, p->emean);
}

double rng_poisson(rng_gen *r, double mean)
{
	rng_poisson_par p;

	if (!(mean > 0.0))
		return 0.0;
	if (mean < POISSON_PTRS_MIN)
		return poisson_knuth(r, exp(-mean));
	rng_poisson_init(&p, mean);
	return poisson_ptrs(r, &p);
}

/* ------------------------------------------------------------------ */
/* Negative binomial, beta, binomial                                   */
/* ------------------------------------------------------------------ */
void rng_negbin_init(rng_negbin_par *p, double mean, double size)
{
	rng_gamma_init(&p->g, size);
	p->scale = mean / size;
}

double rng_negbin_p(rng_gen *r, const rng_negbin_par *p)
{
	if (!(p->scale > 0.0))
		return 0.0;
	return rng_poisson(r, p->scale * rng_gamma_p(r, &p->g));
}

double rng_negbin(rng_gen *r, double mean, double size)
{
	rng_negbin_par p;

	rng_negbin_init(&p, mean, size);
	return rng_negbin_p(r, &p);
}

void rng_beta_init(rng_beta_par *p, double a, double b)
{
	rng_gamma_init(&p->ga, a);
	rng_gamma_init(&p->gb, b);
}

double rng_beta_p(rng_gen *r, const rng_beta_par *p)
{
	double x = rng_gamma_p(r, &p->ga);
	double y = rng_gamma_p(r, &p->gb);
	double s = x + y;

	/* Both underflow only for tiny shapes; fall back on the mean. */
	if (!(s > 0.0))
		return p->ga.shape / (p->ga.shape + p->gb.shape);
	return x / s;
}

double rng_beta(rng_gen *r, double a, double b)
{
	rng_beta_par p;

	rng_beta_init(&p, a, b);
	return rng_beta_p(r, &p);
}

double rng_binomial_small(rng_gen *r, uint64_t n, double p)
{
	double k = 0.0;
	uint64_t i;

	for (i = 0; i < n; i++)
		k += rng_uniform(r) < p;
	return k;
}

/* ------------------------------------------------------------------ */
/* Tabulated discrete distributions (guide tables)                     */
/* ------------------------------------------------------------------ */
/* Fills the guide table once cum[0..n-1] is set. */
static int disc_guide(rng_disc_table *d)
{
	uint32_t i = 0, j;

	d->guide = malloc((size_t)d->n * sizeof(*d->guide));
	if (!d->guide)
		return -1;
	for (j = 0; j < d->n; j++) {
		double t = (double)j / d->n;

		while (i < d->n - 1 && d->cum[i] <= t)
			i++;
		d->guide[j] = i;
	}
	return 0;
}

void rng_disc_release(rng_disc_table *d)
{
	free(d->cum);
	free(d->guide);
	d->cum = NULL;
	d->guide = NULL;
	d->n = 0;
}

int rng_disc_init_weights(rng_disc_table *d, const double *w, size_t n)
{
	double s = 0.0, t = 0.0;
	size_t i, last = 0;

	d->cum = NULL;
	d->guide = NULL;
	d->n = (uint32_t)n;
	d->last_p = d->zw = d->ra = d->rb = 0.0;
	d->shift = 0;
	for (i = 0; i < n; i++) {
		s += w[i];
		if (w[i] > 0.0)
			last = i;
	}
	if (!(s > 0.0))
		return -1;
	d->cum = malloc(n * sizeof(*d->cum));
	if (!d->cum)
		return -1;
	for (i = 0; i < n; i++) {
		t += w[i];
		/* Exactly 1 from the last positive weight on, so a uniform
		 * below 1 never runs past the table. */
		d->cum[i] = i >= last ? 1.0 : t / s;
	}
	if (disc_guide(d)) {
		rng_disc_release(d);
		return -1;
	}
	return 0;
}

int rng_disc_init_count(rng_disc_table *d, double mean, double size,
			double zero, unsigned shift)
{
	const double tail = 1e-10;
	double p0, py, c = 0.0, y;
	uint32_t n = 0, cap = 64;
	int poisson = isinf(size);

	d->cum = NULL;
	d->guide = NULL;
	d->n = 0;
	d->zw = 1.0 - zero;
	d->shift = shift;
	if (poisson) {
		/* pY(y + 1) = pY(y) mean / (y + 1) */
		d->ra = 0.0;
		d->rb = mean;
		p0 = exp(-mean);
	} else {
		/* pY(y + 1) = pY(y) q (y + size) / (y + 1), q = m/(m+size) */
		double q = mean / (mean + size);

		d->ra = q;
		d->rb = q * size;
		p0 = exp(-size * log1p(mean / size));
	}
	if (!(p0 > 1e-280) || !(mean >= 0.0))
		return 1;
	d->cum = malloc(cap * sizeof(*d->cum));
	if (!d->cum)
		return -1;
	py = 0.0;
	for (;;) {
		double pv;

		/* P(v) for v = n */
		if (n < shift) {
			pv = 0.0;
		} else {
			y = (double)(n - shift);
			py = n == shift ? p0
					: py * (d->ra * (y - 1.0) + d->rb) / y;
			pv = d->zw * py;
		}
		if (n == 0)
			pv += zero;
		if (n == cap) {
			double *nc = realloc(d->cum,
					     2 * (size_t)cap * sizeof(*d->cum));

			if (!nc) {
				rng_disc_release(d);
				return -1;
			}
			d->cum = nc;
			cap *= 2;
		}
		c += pv;
		d->cum[n++] = c;
		d->last_p = d->zw * py; /* the part the recurrence continues */
		/* Stop once the tail is negligible and past the mode. */
		if ((1.0 - c < tail && n > shift && py > 0.0 &&
		     d->ra * (double)(n - 1 - shift) + d->rb <
			     (double)(n - shift)) ||
		    n == RNG_DISC_MAX)
			break;
	}
	d->n = n;
	if (disc_guide(d)) {
		rng_disc_release(d);
		return -1;
	}
	return 0;
}

double rng_disc_tail(const rng_disc_table *d, double u)
{
	double v = (double)(d->n - 1);
	double c = d->cum[d->n - 1];
	double p = d->last_p;

	/* Sequential inversion from the end of the table.  p is the
	 * probability of v; the loop ends when the CDF passes u or stops
	 * growing (rounding), which bounds it. */
	for (;;) {
		double y = v + 1.0 - d->shift; /* Y-value of v + 1 */
		double nc;

		p = p * (d->ra * (y - 1.0) + d->rb) / y;
		nc = c + p;
		v += 1.0;
		if (u < nc || nc == c)
			return v;
		c = nc;
	}
}
