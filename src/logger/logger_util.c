/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small pieces the logger is built from: CRC32C, a capped growable byte
 * buffer with LEB128 varints, a string hash map, and UTC calendar
 * arithmetic.
 *
 * CRC32C is the Castagnoli polynomial 0x1EDC6F41 (reflected 0x82F63B78)
 * with the usual all-ones initial value and final complement (RFC 3720,
 * appendix B.4 gives the test vectors the unit tests check).  Where the
 * CPU has SSE 4.2 its crc32 instruction is used, 8 bytes at a time;
 * otherwise a slicing-by-8 table.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logger/logger_int.h"

/* ---- CRC32C ------------------------------------------------------------ */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static int crc_hw;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] =
				(crc_table[t - 1][i] >> 8) ^
				crc_table[0][crc_table[t - 1][i] & 0xff];
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	crc_hw = __builtin_cpu_supports("sse4.2");
#endif
}

static uint32_t crc_sw(uint32_t c, const uint8_t *p, size_t n)
{
	while (n && ((uintptr_t)p & 7)) {
		c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xff];
		n--;
	}
	while (n >= 8) {
		uint32_t lo, hi;

		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
		lo ^= c;
		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		    crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		c = (c >> 8) ^ crc_table[0][(c ^ *p++) & 0xff];
	return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2"))) static uint32_t
crc_hw8(uint32_t c, const uint8_t *p, size_t n)
{
	uint64_t c64 = c;

	while (n && ((uintptr_t)p & 7)) {
		c = __builtin_ia32_crc32qi(c, *p++);
		n--;
	}
	c64 = c;
	while (n >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c64 = __builtin_ia32_crc32di(c64, v);
		p += 8;
		n -= 8;
	}
	c = (uint32_t)c64;
	while (n--)
		c = __builtin_ia32_crc32qi(c, *p++);
	return c;
}
#endif

uint32_t lg_crc32c(uint32_t crc, const void *p, size_t n)
{
	uint32_t c = ~crc;

	pthread_once(&crc_once, crc_init);
#if defined(__x86_64__) && defined(__GNUC__)
	if (crc_hw)
		return ~crc_hw8(c, p, n);
#endif
	return ~crc_sw(c, p, n);
}

/* ---- smap ------------------------------------------------------------ */
uint32_t smap_hash(const char *s, size_t len)
{
	/* FNV-1a, 32 bits: short column names, no adversary that could
	 * profit (a flood of distinct names is bounded by max_columns). */
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

smap_slot *smap_find(const smap *m, const char *key, size_t len, uint32_t hash)
{
	size_t mask, i;

	if (!m->nslots)
		return NULL;
	mask = m->nslots - 1;
	for (i = hash & mask;; i = (i + 1) & mask) {
		smap_slot *s = &m->slots[i];

		if (!s->hash)
			return NULL;
		if (s->hash == hash && s->len == len &&
		    !memcmp(s->key, key, len))
			return s;
	}
}

static int smap_grow(smap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64, i;
	smap_slot *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (i = 0; i < m->nslots; i++) {
		smap_slot *o = &m->slots[i];
		size_t j;

		if (!o->hash)
			continue;
		for (j = o->hash & (n - 1); s[j].hash; j = (j + 1) & (n - 1))
			;
		s[j] = *o;
	}
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	return 0;
}

int smap_insert(smap *m, const char *key, size_t len, uint32_t hash,
		uint32_t val)
{
	size_t i, mask;

	if ((m->n + 1) * 2 > m->nslots && smap_grow(m) < 0)
		return -1;
	mask = m->nslots - 1;
	for (i = hash & mask; m->slots[i].hash; i = (i + 1) & mask)
		;
	m->slots[i].key = key;
	m->slots[i].len = (uint32_t)len;
	m->slots[i].hash = hash;
	m->slots[i].val = val;
	m->n++;
	return 0;
}

void smap_clear(smap *m)
{
	if (m->nslots && m->n)
		memset(m->slots, 0, m->nslots * sizeof(*m->slots));
	m->n = 0;
}

void smap_release(smap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- time ------------------------------------------------------------ */
int64_t lg_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t lg_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms",
 * days_from_civil and civil_from_days. */
int64_t lg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void lg_civil_from_us(int64_t us, int *year, int *month, int *day, int *hour)
{
	int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400;
	int64_t sod = secs - z * 86400;
	int64_t era;
	unsigned doe, yoe, doy, mp, d, m;
	int64_t y;

	*hour = (int)(sod / 3600);
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}
