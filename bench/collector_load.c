/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collector_load: an HTTP/1.1 load client for `driftmon collect`, used by
 * the benchmark (bench/collector.sh) and the durability tests
 * (tests/suites/logger.sh).
 *
 * N connections (one thread each, keep-alive) POST JSON arrays of
 * prediction records to /v1/predictions for a duration or a number of
 * requests.  Every record has a unique request_id
 * "<prefix>-<conn>-<request>-<i>", and with --ack-log every request is
 * written as one line "<status> <prefix>-<conn>-<request> <records>"
 * once its outcome is known: the HTTP status, or ERR when the connection
 * failed after the request was sent (the collector may or may not have
 * kept it).  A test expands these lines to know exactly which records
 * were acknowledged (202), refused (4xx/5xx) or in doubt (ERR).
 *
 * --bad-pct P makes P% of the requests malformed in one of five ways
 * (truncated JSON, a type conflict, a missing model_name, an unknown
 * field, an array value); each must be answered 400, and a different
 * answer is counted as "unexpected".
 *
 *   collector_load --port P [--conns 4] [--duration S | --requests N]
 *                  [--batch B | --batch-min A --batch-max B]
 *                  [--features F] [--bad-pct P] [--prefix ID]
 *                  [--ack-log FILE] [--token T] [--models K]
 *                  [--ts-start ISO --ts-hours H] [--exit-on-refused]
 *                  [--pause-ms MS] [--seed N]
 *
 * --pause-ms makes each connection wait between requests (a gentler
 * load for the durability tests, where what matters is the number of
 * kills, not the volume).
 *
 * Prints one summary line of key=value pairs (requests, ok, rejected,
 * errors, unexpected, records_acked, seconds, records_per_s, p50_ms,
 * p99_ms, max_ms).  Exit status 0, or 1 if any answer was unexpected.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static struct {
	int port;
	const char *host;
	int conns;
	double duration;
	long requests;
	int bmin, bmax;
	int features;
	int bad_pct;
	const char *prefix;
	const char *ack_log;
	const char *token;
	int models;
	int64_t ts_start; /* seconds; 0 = no timestamp field */
	int ts_hours;
	int exit_on_refused;
	unsigned seed;
	int pause_ms;
} opt = {0,   "127.0.0.1", 4,	 0, 0, 100, 100, 50, 0,
	 "r", NULL,	   NULL, 1, 0, 1,   0,	 1,  0};

static FILE *ack_fp;
static pthread_mutex_t ack_mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop_all;
static long requests_left;
static int any_ok; /* a 202 was seen: the schema knows f00 as a number */

/* pool of formatted numbers */
#define NPOOL 4096
static char pool[NPOOL][24];
static unsigned char pool_len[NPOOL];

typedef struct stats {
	long requests, ok, rejected, errors, unexpected, status503;
	long records_acked;
	double *lat;
	size_t nlat, caplat;
} stats;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p) {
			perror("realloc");
			exit(2);
		}
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void iso(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The body of one request; returns the bad kind used (0 = good). */
static int make_body(buf *b, int conn, long req, int n, uint64_t *rng)
{
	int bad = 0, badrec = -1, i, f;
	char tmp[160];

	b->len = 0;
	if (opt.bad_pct && (int)(xorshift(rng) % 100) < opt.bad_pct) {
		bad = 1 + (int)(xorshift(rng) % 5);
		if (bad == 2 && !__atomic_load_n(&any_ok, __ATOMIC_RELAXED))
			bad = 3;
		badrec = (int)(xorshift(rng) % (uint64_t)n);
	}
	put(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i)
			put(b, ",", 1);
		put(b, "{", 1);
		if (opt.ts_start) {
			char ts[32];
			int64_t t = opt.ts_start +
				    (int64_t)(xorshift(rng) %
					      (uint64_t)(opt.ts_hours * 3600));

			iso(t, ts, sizeof(ts));
			snprintf(tmp, sizeof(tmp), "\"timestamp\":\"%s\",", ts);
			puts_(b, tmp);
		}
		if (!(bad == 3 && i == badrec)) {
			snprintf(tmp, sizeof(tmp), "\"model_name\":\"m%d\",",
				 opt.models > 1 ? (int)(xorshift(rng) %
							(uint64_t)opt.models)
						: 0);
			puts_(b, tmp);
		}
		if (bad == 4 && i == badrec)
			puts_(b, "\"model_nmae\":\"typo\",");
		snprintf(tmp, sizeof(tmp),
			 "\"model_version\":\"v1\",\"request_id\":\"%s-%d-%ld-%"
			 "d\","
			 "\"features\":{",
			 opt.prefix, conn, req, i);
		puts_(b, tmp);
		for (f = 0; f < opt.features; f++) {
			unsigned k = (unsigned)(xorshift(rng) % NPOOL);

			snprintf(tmp, sizeof(tmp), "%s\"f%02d\":", f ? "," : "",
				 f);
			puts_(b, tmp);
			if (bad == 2 && i == badrec && f == 0)
				puts_(b, "\"not a number\"");
			else if (bad == 5 && i == badrec && f == 0)
				puts_(b, "[1,2]");
			else
				put(b, pool[k], pool_len[k]);
		}
		put(b, "},\"prediction\":", 15);
		put(b, pool[i % NPOOL], pool_len[i % NPOOL]);
		put(b, "}", 1);
	}
	put(b, "]", 1);
	if (bad == 1)
		b->len = b->len / 2; /* truncated JSON */
	return bad;
}

static int connect_to(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)opt.port);
	inet_pton(AF_INET, opt.host, &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int send_all(int fd, const char *h, size_t hl, const char *b, size_t bl)
{
	struct iovec iov[2] = {{(void *)h, hl}, {(void *)b, bl}};
	int n = 2, i = 0;

	while (i < n) {
		ssize_t w = writev(fd, iov + i, n - i);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		while (i < n && (size_t)w >= iov[i].iov_len) {
			w -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < n) {
			iov[i].iov_base = (char *)iov[i].iov_base + w;
			iov[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Reads one response; returns the status, -1 on a broken connection.
 * *close_after: the server asked to close. */
static int read_response(int fd, char *rb, size_t cap, int *close_after)
{
	size_t len = 0, hdr_end = 0, clen = 0;
	int status = -1;

	*close_after = 0;
	for (;;) {
		ssize_t r;
		char *e;

		if (hdr_end && len >= hdr_end + clen)
			break;
		if (len + 1 >= cap)
			return -1;
		r = read(fd, rb + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		len += (size_t)r;
		rb[len] = '\0';
		if (!hdr_end && (e = strstr(rb, "\r\n\r\n"))) {
			char *cl = strcasestr(rb, "\r\ncontent-length:");

			hdr_end = (size_t)(e - rb) + 4;
			if (cl && cl < e)
				clen = strtoul(cl + 17, NULL, 10);
			if (strcasestr(rb, "\r\nconnection: close") &&
			    strcasestr(rb, "\r\nconnection: close") < e)
				*close_after = 1;
			if (sscanf(rb, "HTTP/1.%*d %d", &status) != 1)
				return -1;
		}
	}
	return status;
}

static void ack(const char *st, int conn, long req, int n)
{
	if (!ack_fp)
		return;
	pthread_mutex_lock(&ack_mu);
	fprintf(ack_fp, "%s %s-%d-%ld %d\n", st, opt.prefix, conn, req, n);
	fflush(ack_fp);
	pthread_mutex_unlock(&ack_mu);
}

typedef struct worker {
	int id;
	stats st;
	pthread_t th;
} worker;

static void *run(void *arg)
{
	worker *w = arg;
	uint64_t rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)opt.seed << 20) ^
		       (uint64_t)(w->id + 1) * 0x100000001B3ull;
	buf body = {0};
	char hdr[512], *rb = malloc(1 << 16);
	double end = opt.duration > 0 ? now_s() + opt.duration : 0;
	long req = 0;
	int fd = -1;

	if (!rb)
		return NULL;
	while (!stop_all) {
		int n, bad, status, close_after;
		size_t hl;
		double t0;

		if (end && now_s() >= end)
			break;
		if (opt.requests &&
		    __atomic_sub_fetch(&requests_left, 1, __ATOMIC_RELAXED) < 0)
			break;
		if (fd < 0 && (fd = connect_to()) < 0) {
			if (opt.exit_on_refused)
				break;
			usleep(20000);
			if (opt.requests)
				__atomic_add_fetch(&requests_left, 1,
						   __ATOMIC_RELAXED);
			continue;
		}
		n = opt.bmin +
		    (opt.bmax > opt.bmin
			     ? (int)(xorshift(&rng) %
				     (uint64_t)(opt.bmax - opt.bmin + 1))
			     : 0);
		bad = make_body(&body, w->id, req, n, &rng);
		hl = (size_t)snprintf(hdr, sizeof(hdr),
				      "POST /v1/predictions HTTP/1.1\r\n"
				      "Host: %s:%d\r\n"
				      "Content-Type: application/json\r\n"
				      "Content-Length: %zu\r\n%s%s%s\r\n",
				      opt.host, opt.port, body.len,
				      opt.token ? "Authorization: Bearer " : "",
				      opt.token ? opt.token : "",
				      opt.token ? "\r\n" : "");
		t0 = now_s();
		w->st.requests++;
		if (send_all(fd, hdr, hl, body.p, body.len) < 0 ||
		    (status = read_response(fd, rb, 1 << 16, &close_after)) <
			    0) {
			/* sent (maybe partly): the outcome is unknown */
			ack("ERR", w->id, req, n);
			w->st.errors++;
			close(fd);
			fd = -1;
			req++;
			continue;
		}
		if (w->st.nlat == w->st.caplat) {
			w->st.caplat = w->st.caplat ? w->st.caplat * 2 : 4096;
			w->st.lat = realloc(w->st.lat,
					    w->st.caplat * sizeof(double));
		}
		w->st.lat[w->st.nlat++] = now_s() - t0;
		{
			char s[16];

			snprintf(s, sizeof(s), "%d", status);
			ack(s, w->id, req, n);
		}
		if (status == 202) {
			w->st.ok++;
			w->st.records_acked += n;
			__atomic_store_n(&any_ok, 1, __ATOMIC_RELAXED);
			if (bad)
				w->st.unexpected++;
		} else {
			w->st.rejected++;
			if (status == 503)
				w->st.status503++;
			if (!bad && status != 503)
				w->st.unexpected++;
			if (bad && status != 400)
				w->st.unexpected++;
			if (w->st.unexpected && w->st.unexpected < 4)
				fprintf(stderr,
					"collector_load: request %s-%d-%ld "
					"(bad kind %d): %d %s\n",
					opt.prefix, w->id, req, bad, status,
					strstr(rb, "\r\n\r\n")
						? strstr(rb, "\r\n\r\n") + 4
						: "");
		}
		if (close_after) {
			close(fd);
			fd = -1;
		}
		req++;
		if (opt.pause_ms)
			usleep((useconds_t)opt.pause_ms * 1000);
	}
	if (fd >= 0)
		close(fd);
	free(body.p);
	free(rb);
	return NULL;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int64_t parse_iso(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) {
		fprintf(stderr, "collector_load: bad time '%s'\n", s);
		exit(2);
	}
	return (int64_t)timegm(&tm);
}

int main(int argc, char **argv)
{
	worker *w;
	stats tot;
	double t0, secs;
	int i;
	uint64_t rng = 12345;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

#define ARG(name) (!strcmp(a, name) && v && (++i, 1))
		if (ARG("--port"))
			opt.port = atoi(v);
		else if (ARG("--host"))
			opt.host = v;
		else if (ARG("--conns"))
			opt.conns = atoi(v);
		else if (ARG("--duration"))
			opt.duration = atof(v);
		else if (ARG("--requests"))
			opt.requests = atol(v);
		else if (ARG("--batch"))
			opt.bmin = opt.bmax = atoi(v);
		else if (ARG("--batch-min"))
			opt.bmin = atoi(v);
		else if (ARG("--batch-max"))
			opt.bmax = atoi(v);
		else if (ARG("--features"))
			opt.features = atoi(v);
		else if (ARG("--bad-pct"))
			opt.bad_pct = atoi(v);
		else if (ARG("--prefix"))
			opt.prefix = v;
		else if (ARG("--ack-log"))
			opt.ack_log = v;
		else if (ARG("--token"))
			opt.token = v;
		else if (ARG("--models"))
			opt.models = atoi(v);
		else if (ARG("--ts-start"))
			opt.ts_start = parse_iso(v);
		else if (ARG("--ts-hours"))
			opt.ts_hours = atoi(v);
		else if (ARG("--pause-ms"))
			opt.pause_ms = atoi(v);
		else if (ARG("--seed"))
			opt.seed = (unsigned)atoi(v);
		else if (!strcmp(a, "--exit-on-refused"))
			opt.exit_on_refused = 1;
		else {
			fprintf(stderr,
				"collector_load: bad argument '%s' "
				"(see the comment at the top of "
				"bench/collector_load.c)\n",
				a);
			return 2;
		}
#undef ARG
	}
	if (opt.port <= 0 || opt.conns <= 0 || opt.bmin <= 0 ||
	    opt.bmax < opt.bmin || opt.features < 1 ||
	    (!opt.duration && !opt.requests) || opt.ts_hours < 1) {
		fprintf(stderr, "collector_load: need --port, --conns > 0, "
				"batch sizes > 0, and --duration or "
				"--requests\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NPOOL; i++) {
		double x = (double)(xorshift(&rng) % 2000000) / 1000.0 - 1000.0;

		pool_len[i] = (unsigned char)snprintf(pool[i], sizeof(pool[i]),
						      "%.6g", x);
	}
	if (opt.ack_log && !(ack_fp = fopen(opt.ack_log, "a"))) {
		perror(opt.ack_log);
		return 2;
	}
	requests_left = opt.requests;
	w = calloc((size_t)opt.conns, sizeof(*w));
	t0 = now_s();
	for (i = 0; i < opt.conns; i++) {
		w[i].id = i;
		pthread_create(&w[i].th, NULL, run, &w[i]);
	}
	memset(&tot, 0, sizeof(tot));
	for (i = 0; i < opt.conns; i++) {
		pthread_join(w[i].th, NULL);
		tot.requests += w[i].st.requests;
		tot.ok += w[i].st.ok;
		tot.rejected += w[i].st.rejected;
		tot.errors += w[i].st.errors;
		tot.unexpected += w[i].st.unexpected;
		tot.status503 += w[i].st.status503;
		tot.records_acked += w[i].st.records_acked;
		if (w[i].st.nlat) {
			tot.lat = realloc(tot.lat, (tot.nlat + w[i].st.nlat) *
							   sizeof(double));
			memcpy(tot.lat + tot.nlat, w[i].st.lat,
			       w[i].st.nlat * sizeof(double));
			tot.nlat += w[i].st.nlat;
		}
		free(w[i].st.lat);
	}
	secs = now_s() - t0;
	qsort(tot.lat, tot.nlat, sizeof(double), cmpd);
	printf("requests=%ld ok=%ld rejected=%ld status503=%ld errors=%ld "
	       "unexpected=%ld records_acked=%ld seconds=%.3f "
	       "records_per_s=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
	       tot.requests, tot.ok, tot.rejected, tot.status503, tot.errors,
	       tot.unexpected, tot.records_acked, secs,
	       (double)tot.records_acked / secs,
	       tot.nlat ? tot.lat[tot.nlat / 2] * 1e3 : 0,
	       tot.nlat ? tot.lat[(size_t)((double)tot.nlat * 0.99)] * 1e3 : 0,
	       tot.nlat ? tot.lat[tot.nlat - 1] * 1e3 : 0);
	if (ack_fp)
		fclose(ack_fp);
	free(tot.lat);
	free(w);
	return tot.unexpected ? 1 : 0;
}
