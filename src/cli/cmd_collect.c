/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon collect: the HTTP inference-log collector, for gateways in
 * any language.  It wires libmicrohttpd to the logger library:
 *
 *   POST /v1/predictions   a JSON array of records, or NDJSON
 *                          -> 202 once they are in the write-ahead log
 *   POST /v1/labels        ground truth (request id, model, version,
 *                          label, time), the same way, into labels/
 *                          through a write-ahead log of its own
 *                          (<wal-dir>/labels)
 *   GET  /healthz, /readyz 200 ok / 503 not ready (draining, the WAL
 *                          full or unwritable); details only with the
 *                          bearer token
 *   GET  /livez            200 while the process serves
 *   GET  /metrics          Prometheus text
 *
 * A request is all or nothing: 400 (malformed, naming the record and
 * the field; or a type conflict, naming the column and both types),
 * 401 (bearer token), 413 (body or record limits), 503 (WAL full:
 * storage has been down too long; Retry-After) keep nothing of it.
 *
 * Connections: each request must arrive whole (headers and body) within
 * --request-timeout of the connection's start or of the previous
 * request's end, or a watchdog thread shuts the socket down; past
 * --max-connections, --reserve-connections more are admitted to answer
 * health checks and to tell other clients 503; --health-listen serves
 * the probes on a listener of their own.
 *
 * SIGTERM / SIGINT: stop accepting connections, let the requests in
 * flight finish, upload everything (up to --drain-seconds), exit.
 * docs/logger.md describes the operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "driftmon/labels.h"
#include "driftmon/logger.h"
#include "driftmon/store.h"

static const char help[] =
	"usage: driftmon collect [--listen ADDR:PORT] [--wal-dir DIR]\n"
	"                        [--store URL] [options]\n"
	"\n"
	"Receives prediction records over HTTP and writes them, through a\n"
	"write-ahead log, as hourly Parquet partitions\n"
	"inference-logs/year=YYYY/month=MM/day=DD/hour=HH/*.parquet in the\n"
	"store (docs/logger.md).\n"
	"\n"
	"  POST /v1/predictions   JSON array of records, or NDJSON; 202 once\n"
	"                         the records are in the write-ahead log\n"
	"  POST /v1/labels        label records (request_id, model_name,\n"
	"                         model_version, label, timestamp), the same\n"
	"                         way, into labels/year=.../hour=HH/ (WAL\n"
	"                         <wal-dir>/labels; docs/model-quality.md)\n"
	"  GET  /healthz, /readyz 200, or 503 when not ready (draining, the\n"
	"                         WAL full or not writable); details only\n"
	"                         with the bearer token\n"
	"  GET  /livez            200 while the process serves\n"
	"  GET  /metrics          Prometheus text\n"
	"\n"
	"  -l, --listen ADDR:PORT   where to listen (default 127.0.0.1:8080;\n"
	"                           port 0 picks a free one)\n"
	"      --port-file FILE     write the port listened on to FILE\n"
	"  -w, --wal-dir DIR        write-ahead-log folder (default\n"
	"                           $DRIFTMON_WAL_DIR or ./driftmon-wal)\n"
	"      --store URL          storage (default $DRIFTMON_STORE or\n"
	"                           ./driftmon-data)\n"
	"      --prefix P           key prefix (default inference-logs)\n"
	"      --fsync POLICY       always | interval (default) | never\n"
	"      --fsync-ms N         interval of the interval policy (10)\n"
	"      --flush-rows N       records per WAL segment / upload (10000)\n"
	"      --flush-bytes SIZE   bytes per WAL segment (64MiB)\n"
	"      --flush-seconds N    upload a segment this old (60)\n"
	"      --wal-max-bytes SIZE refuse records (503) past this much\n"
	"                           un-uploaded WAL (1GiB)\n"
	"      --max-body-bytes SIZE  largest request body (16MiB)\n"
	"      --max-records N      most records per request (10000)\n"
	"      --max-connections N  concurrent connections (256)\n"
	"      --reserve-connections N  more connections past the limit,\n"
	"                           for health checks and 503s (8)\n"
	"      --request-timeout N  seconds for a request's headers and\n"
	"                           body to arrive, in total (30)\n"
	"      --health-listen ADDR:PORT  serve /healthz, /readyz, /livez\n"
	"                           and /metrics on a listener of their own\n"
	"      --max-models N       models x versions learned (10000)\n"
	"      --max-columns N      columns learned per model and version\n"
	"                           (10000)\n"
	"      --schema-ttl N       forget learned models and columns unused\n"
	"                           for N seconds, once their records are\n"
	"                           uploaded (86400; 0 = never)\n"
	"      --schema FILE        declared schema (JSON: {\"columns\":\n"
	"                           "
	"[{\"name\":..,\"type\":\"number\"|\"string\",\n"
	"                           \"role\":\"feature\"|\"prediction\"}]});\n"
	"                           default: learned per model and version\n"
	"      --codec C            snappy (default) | zstd | none\n"
	"      --host NAME          host part of file names (default: the\n"
	"                           host name)\n"
	"      --drain-seconds N    on SIGTERM, wait this long for the last\n"
	"                           uploads (30)\n"
	"      --no-hourly-profiles do not store the hour profiles of the\n"
	"                           model versions that have a baseline\n"
	"                           (docs/hourly-profiles.md; also\n"
	"                           DRIFTMON_NO_PROFILES=1)\n"
	"  -h, --help               this help\n"
	"\n"
	"Environment: DRIFTMON_COLLECTOR_TOKEN: when set, requests to\n"
	"/v1/predictions and /v1/labels need 'Authorization: Bearer <token>'.\n"
	"SIZE takes K, M, G (or KiB, MiB, GiB) suffixes.\n";

enum {
	OPT_PORTFILE = 256,
	OPT_STORE,
	OPT_PREFIX,
	OPT_FSYNC,
	OPT_FSYNCMS,
	OPT_FROWS,
	OPT_FBYTES,
	OPT_FSECS,
	OPT_WALMAX,
	OPT_MAXBODY,
	OPT_MAXREC,
	OPT_MAXCONN,
	OPT_SCHEMA,
	OPT_CODEC,
	OPT_HOST,
	OPT_DRAIN,
	OPT_RESERVE,
	OPT_REQTIMEOUT,
	OPT_HEALTH,
	OPT_MAXMODELS,
	OPT_MAXCOLS,
	OPT_TTL,
	OPT_NOPROF
};

static const struct option longopts[] = {
	{"listen", required_argument, NULL, 'l'},
	{"port-file", required_argument, NULL, OPT_PORTFILE},
	{"wal-dir", required_argument, NULL, 'w'},
	{"store", required_argument, NULL, OPT_STORE},
	{"prefix", required_argument, NULL, OPT_PREFIX},
	{"fsync", required_argument, NULL, OPT_FSYNC},
	{"fsync-ms", required_argument, NULL, OPT_FSYNCMS},
	{"flush-rows", required_argument, NULL, OPT_FROWS},
	{"flush-bytes", required_argument, NULL, OPT_FBYTES},
	{"flush-seconds", required_argument, NULL, OPT_FSECS},
	{"wal-max-bytes", required_argument, NULL, OPT_WALMAX},
	{"max-body-bytes", required_argument, NULL, OPT_MAXBODY},
	{"max-records", required_argument, NULL, OPT_MAXREC},
	{"max-connections", required_argument, NULL, OPT_MAXCONN},
	{"schema", required_argument, NULL, OPT_SCHEMA},
	{"codec", required_argument, NULL, OPT_CODEC},
	{"host", required_argument, NULL, OPT_HOST},
	{"drain-seconds", required_argument, NULL, OPT_DRAIN},
	{"reserve-connections", required_argument, NULL, OPT_RESERVE},
	{"request-timeout", required_argument, NULL, OPT_REQTIMEOUT},
	{"health-listen", required_argument, NULL, OPT_HEALTH},
	{"max-models", required_argument, NULL, OPT_MAXMODELS},
	{"max-columns", required_argument, NULL, OPT_MAXCOLS},
	{"schema-ttl", required_argument, NULL, OPT_TTL},
	{"no-hourly-profiles", no_argument, NULL, OPT_NOPROF},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Request-duration histogram buckets (seconds). */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
				 0.025,	 0.05,	0.1,	0.25,  0.5,
				 1,	 2.5,	5,	10};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

/* HTTP status codes counted in the metrics. */
static const unsigned codes[] = {200, 202, 400, 401, 404, 405, 413, 500, 503};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* One open connection, for the watchdog (conn_mu). */
typedef struct conn_slot {
	int fd;		     /* our dup of the socket: shutdown() is safe on
			      * it whatever the server does with its own */
	int64_t deadline_ms; /* the request must be in by then; 0 while one
			      * is being answered */
	int overflow;	     /* admitted past --max-connections */
	int health;	     /* on the --health-listen listener */
	int cut;	     /* shut down by the watchdog */
	struct conn_slot *prev, *next;
} conn_slot;

typedef struct collector {
	dm_logger *lg;
	dm_logger *labels_lg; /* POST /v1/labels: prefix labels/ */
	const char *token;
	size_t max_body, max_records;
	uint64_t wal_max;
	int draining;
	/* connections */
	pthread_mutex_t conn_mu;
	conn_slot *conns;
	unsigned nconns, max_conn;
	int64_t request_ms, overflow_ms, drain_at_ms;
	int stop_watchdog;
	uint64_t conns_cut, conns_overflow;
	/* metrics (atomics) */
	uint64_t requests[NCODES];
	uint64_t records_received, records_rejected, in_flight;
	uint64_t labels_received, labels_rejected;
	uint64_t hist[NBUCKETS + 1];
	uint64_t dur_sum_us, dur_count;
	pthread_mutex_t log_mu; /* serialises event lines on stderr */
} collector;

typedef struct req {
	int post;    /* POST /v1/predictions or /v1/labels */
	int labels;  /* /v1/labels */
	int counted; /* in in_flight */
	conn_slot *slot;
	int responded; /* a response is queued */
	int too_big;
	char *body;
	size_t len, cap;
	struct timespec t0;
} req;

static void count_code(collector *c, unsigned code)
{
	size_t i;

	for (i = 0; i < NCODES; i++)
		if (codes[i] == code) {
			__atomic_fetch_add(&c->requests[i], 1,
					   __ATOMIC_RELAXED);
			return;
		}
}

static void on_event(void *ctx, dm_log_event ev, const char *msg)
{
	collector *c = ctx;
	const char *what = "logger";
	char shown[700];

	switch (ev) {
	case DM_LOG_EV_UPLOAD_FAILED:
		what = "upload failed";
		break;
	case DM_LOG_EV_STORAGE_BACK:
		what = "storage back";
		break;
	case DM_LOG_EV_RECOVERED:
		what = "recovered";
		break;
	case DM_LOG_EV_TORN_TAIL:
		what = "recovered";
		break;
	case DM_LOG_EV_QUARANTINED:
		what = "quarantined";
		break;
	case DM_LOG_EV_WAL_FULL:
		what = "refusing records";
		break;
	case DM_LOG_EV_DISK:
		what = "write-ahead log disk";
		break;
	case DM_LOG_EV_HOUR_PROFILE:
		what = "hour profiles";
		break;
	}
	dm_redact(msg, shown, sizeof(shown));
	pthread_mutex_lock(&c->log_mu);
	fprintf(stderr, "driftmon collect: %s: %s\n", what, shown);
	pthread_mutex_unlock(&c->log_mu);
}

/* ---- responses -------------------------------------------------------- */
static enum MHD_Result respond(collector *c, req *r,
			       struct MHD_Connection *conn, unsigned code,
			       const char *ctype, const char *body, size_t len,
			       int close_conn)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)body,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", ctype);
	if (code == 401)
		MHD_add_response_header(resp, "WWW-Authenticate",
					"Bearer realm=\"driftmon\"");
	if (code == 503)
		MHD_add_response_header(resp, "Retry-After", "5");
	if (code == 405)
		MHD_add_response_header(resp, "Allow",
					r && r->post ? "POST" : "GET");
	if (close_conn)
		MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	if (r)
		r->responded = 1;
	count_code(c, code);
	return ret;
}

/* {"error": msg[, "record": n][, "field": f]} */
static enum MHD_Result respond_error(collector *c, req *r,
				     struct MHD_Connection *conn, unsigned code,
				     const char *msg, uint64_t record,
				     const char *field, int close_conn)
{
	json_t *o = json_object();
	char *txt;
	enum MHD_Result ret;

	json_object_set_new(o, "error", json_string(msg));
	if (record)
		json_object_set_new(o, "record",
				    json_integer((json_int_t)record));
	if (field && *field)
		json_object_set_new(o, "field", json_string(field));
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!txt)
		return MHD_NO;
	ret = respond(c, r, conn, code, "application/json", txt, strlen(txt),
		      close_conn);
	free(txt);
	return ret;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void observe(collector *c, double secs)
{
	size_t i;

	for (i = 0; i < NBUCKETS && secs > buckets[i]; i++)
		;
	__atomic_fetch_add(&c->hist[i], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->dur_sum_us, (uint64_t)(secs * 1e6),
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->dur_count, 1, __ATOMIC_RELAXED);
}

/* ---- endpoints ------------------------------------------------------------
 */
/* POST /v1/labels and its write-ahead log. */
static void labels_metrics(collector *c, FILE *fp)
{
	dm_logger_stats st;

	dm_logger_get_stats(c->labels_lg, &st);
	fprintf(fp,
		"# HELP driftmon_collector_labels_received_total Label "
		"records accepted (202).\n"
		"# TYPE driftmon_collector_labels_received_total counter\n"
		"driftmon_collector_labels_received_total %llu\n"
		"# HELP driftmon_collector_labels_rejected_total Label records "
		"of refused requests (as far as they were parsed).\n"
		"# TYPE driftmon_collector_labels_rejected_total counter\n"
		"driftmon_collector_labels_rejected_total %llu\n"
		"# HELP driftmon_logger_labels_flushed_total Label records "
		"uploaded in Parquet files.\n"
		"# TYPE driftmon_logger_labels_flushed_total counter\n"
		"driftmon_logger_labels_flushed_total %llu\n"
		"# HELP driftmon_logger_labels_pending Label records in their "
		"write-ahead log not yet uploaded.\n"
		"# TYPE driftmon_logger_labels_pending gauge\n"
		"driftmon_logger_labels_pending %llu\n"
		"# HELP driftmon_logger_labels_wal_bytes Bytes of the labels' "
		"write-ahead log on disk.\n"
		"# TYPE driftmon_logger_labels_wal_bytes gauge\n"
		"driftmon_logger_labels_wal_bytes %llu\n",
		(unsigned long long)__atomic_load_n(&c->labels_received,
						    __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&c->labels_rejected,
						    __ATOMIC_RELAXED),
		(unsigned long long)st.records_flushed,
		(unsigned long long)st.records_pending,
		(unsigned long long)st.wal_bytes);
}

/* The collector's own counters: requests by status, records, and the
 * request-duration histogram. */
static void collector_metrics(collector *c, FILE *fp)
{
	size_t i;
	uint64_t cum = 0;

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
	fprintf(fp, "# HELP driftmon_collector_requests_total HTTP requests "
		    "answered, by status code.\n"
		    "# TYPE driftmon_collector_requests_total counter\n");
	for (i = 0; i < NCODES; i++)
		fprintf(fp,
			"driftmon_collector_requests_total{code=\"%u\"} "
			"%llu\n",
			codes[i], (unsigned long long)LOAD(c->requests[i]));
	fprintf(fp,
		"# HELP driftmon_collector_records_received_total Records "
		"accepted (202).\n"
		"# TYPE driftmon_collector_records_received_total counter\n"
		"driftmon_collector_records_received_total %llu\n"
		"# HELP driftmon_collector_records_rejected_total Records of "
		"refused requests (as far as they were parsed).\n"
		"# TYPE driftmon_collector_records_rejected_total counter\n"
		"driftmon_collector_records_rejected_total %llu\n",
		(unsigned long long)LOAD(c->records_received),
		(unsigned long long)LOAD(c->records_rejected));
	fprintf(fp, "# HELP driftmon_collector_request_duration_seconds Time "
		    "to answer POST /v1/predictions.\n"
		    "# TYPE driftmon_collector_request_duration_seconds "
		    "histogram\n");
	for (i = 0; i <= NBUCKETS; i++) {
		cum += LOAD(c->hist[i]);
		if (i < NBUCKETS)
			fprintf(fp,
				"driftmon_collector_request_duration_seconds_"
				"bucket{le=\"%g\"} %llu\n",
				buckets[i], (unsigned long long)cum);
		else
			fprintf(fp,
				"driftmon_collector_request_duration_seconds_"
				"bucket{le=\"+Inf\"} %llu\n",
				(unsigned long long)cum);
	}
	fprintf(fp,
		"driftmon_collector_request_duration_seconds_sum %.6f\n"
		"driftmon_collector_request_duration_seconds_count %llu\n",
		(double)LOAD(c->dur_sum_us) / 1e6,
		(unsigned long long)LOAD(c->dur_count));
#undef LOAD
}

/* The write-ahead logger's counters and gauges (st). */
static void logger_metrics(const dm_logger_stats *st, FILE *fp)
{
	fprintf(fp,
		"# HELP driftmon_logger_records_logged_total Records written "
		"to the write-ahead log.\n"
		"# TYPE driftmon_logger_records_logged_total counter\n"
		"driftmon_logger_records_logged_total %llu\n"
		"# HELP driftmon_logger_records_flushed_total Records uploaded "
		"in Parquet files.\n"
		"# TYPE driftmon_logger_records_flushed_total counter\n"
		"driftmon_logger_records_flushed_total %llu\n"
		"# HELP driftmon_logger_records_pending Records in the "
		"write-ahead log not yet uploaded.\n"
		"# TYPE driftmon_logger_records_pending gauge\n"
		"driftmon_logger_records_pending %llu\n"
		"# HELP driftmon_logger_records_refused_full_total Records "
		"refused because the write-ahead log was full.\n"
		"# TYPE driftmon_logger_records_refused_full_total counter\n"
		"driftmon_logger_records_refused_full_total %llu\n"
		"# HELP driftmon_logger_files_uploaded_total Parquet files "
		"uploaded.\n"
		"# TYPE driftmon_logger_files_uploaded_total counter\n"
		"driftmon_logger_files_uploaded_total %llu\n"
		"# HELP driftmon_logger_flush_failures_total Failed uploads "
		"(each is retried).\n"
		"# TYPE driftmon_logger_flush_failures_total counter\n"
		"driftmon_logger_flush_failures_total %llu\n"
		"# HELP driftmon_logger_wal_bytes Bytes of write-ahead log on "
		"disk.\n"
		"# TYPE driftmon_logger_wal_bytes gauge\n"
		"driftmon_logger_wal_bytes %llu\n"
		"# HELP driftmon_logger_wal_max_bytes Cap on the write-ahead "
		"log.\n"
		"# TYPE driftmon_logger_wal_max_bytes gauge\n"
		"driftmon_logger_wal_max_bytes %llu\n"
		"# HELP driftmon_logger_wal_segments Write-ahead-log segments "
		"on disk.\n"
		"# TYPE driftmon_logger_wal_segments gauge\n"
		"driftmon_logger_wal_segments %llu\n"
		"# HELP driftmon_logger_segments_replayed_total Segments of an "
		"earlier run found at start.\n"
		"# TYPE driftmon_logger_segments_replayed_total counter\n"
		"driftmon_logger_segments_replayed_total %llu\n"
		"# HELP driftmon_logger_fsyncs_total fdatasync calls on the "
		"write-ahead log.\n"
		"# TYPE driftmon_logger_fsyncs_total counter\n"
		"driftmon_logger_fsyncs_total %llu\n"
		"# HELP driftmon_logger_storage_up 1 unless the last upload "
		"failed.\n"
		"# TYPE driftmon_logger_storage_up gauge\n"
		"driftmon_logger_storage_up %d\n",
		(unsigned long long)st->records_logged,
		(unsigned long long)st->records_flushed,
		(unsigned long long)st->records_pending,
		(unsigned long long)st->records_refused_full,
		(unsigned long long)st->files_uploaded,
		(unsigned long long)st->upload_failures,
		(unsigned long long)st->wal_bytes,
		(unsigned long long)st->wal_max_bytes,
		(unsigned long long)st->wal_segments,
		(unsigned long long)st->segments_replayed,
		(unsigned long long)st->fsyncs, st->storage_ok ? 1 : 0);
}

/* The main listener's connections and the logger's disk, schema and
 * hour-profile counters (st). */
static void connection_metrics(collector *c, const dm_logger_stats *st,
			       FILE *fp)
{
	uint64_t cut, over;
	unsigned open_now;

	pthread_mutex_lock(&c->conn_mu);
	cut = c->conns_cut;
	over = c->conns_overflow;
	open_now = c->nconns;
	pthread_mutex_unlock(&c->conn_mu);
	fprintf(fp,
		"# HELP driftmon_collector_connections_open "
		"Connections "
		"open on the main listener.\n"
		"# TYPE driftmon_collector_connections_open gauge\n"
		"driftmon_collector_connections_open %u\n"
		"# HELP driftmon_collector_connections_cut_total "
		"Connections shut down because a request did not "
		"arrive whole within --request-timeout.\n"
		"# TYPE driftmon_collector_connections_cut_total "
		"counter\n"
		"driftmon_collector_connections_cut_total %llu\n"
		"# HELP driftmon_collector_connections_overflow_total "
		"Connections admitted past --max-connections (health "
		"checks, 503s).\n"
		"# TYPE driftmon_collector_connections_overflow_total "
		"counter\n"
		"driftmon_collector_connections_overflow_total %llu\n"
		"# HELP driftmon_logger_wal_writable 0 while the "
		"write-ahead log's disk cannot be written.\n"
		"# TYPE driftmon_logger_wal_writable gauge\n"
		"driftmon_logger_wal_writable %d\n"
		"# HELP driftmon_logger_schema_entries Models x "
		"versions "
		"and columns in the learned schema.\n"
		"# TYPE driftmon_logger_schema_entries gauge\n"
		"driftmon_logger_schema_entries %llu\n"
		"# HELP driftmon_logger_schema_expired_total Learned "
		"entries forgotten after --schema-ttl unused.\n"
		"# TYPE driftmon_logger_schema_expired_total counter\n"
		"driftmon_logger_schema_expired_total %llu\n"
		"# HELP driftmon_logger_hour_profiles_written_total "
		"Hour profiles stored (docs/hourly-profiles.md).\n"
		"# TYPE driftmon_logger_hour_profiles_written_total "
		"counter\n"
		"driftmon_logger_hour_profiles_written_total %llu\n"
		"# HELP driftmon_logger_hour_profiles_skipped_total "
		"Hour profiles left to detect.\n"
		"# TYPE driftmon_logger_hour_profiles_skipped_total "
		"counter\n"
		"driftmon_logger_hour_profiles_skipped_total %llu\n",
		open_now, (unsigned long long)cut, (unsigned long long)over,
		st->wal_writable ? 1 : 0,
		(unsigned long long)st->schema_entries,
		(unsigned long long)st->schema_expired,
		(unsigned long long)st->hour_profiles_written,
		(unsigned long long)st->hour_profiles_skipped);
}

/* GET /metrics: Prometheus text of the collector, the logger, the
 * connections and the labels. */
static enum MHD_Result metrics(collector *c, req *r,
			       struct MHD_Connection *conn)
{
	dm_logger_stats st;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	enum MHD_Result ret;

	if (!fp)
		return MHD_NO;
	dm_logger_get_stats(c->lg, &st);
	collector_metrics(c, fp);
	logger_metrics(&st, fp);
	connection_metrics(c, &st, fp);
	labels_metrics(c, fp);
	if (fclose(fp) != 0) {
		free(buf);
		return MHD_NO;
	}
	ret = respond(c, r, conn, 200, "text/plain; version=0.0.4", buf, len,
		      0);
	free(buf);
	return ret;
}

static int token_ok(const collector *c, struct MHD_Connection *conn);

/*
 * Readiness (/healthz, /readyz): 503 while draining, while the WAL is
 * (nearly) at its cap, or while its disk cannot be written; 200
 * otherwise ("degraded" while uploads fail: records are still kept).
 * Callers without the bearer token get the status word only: storage
 * URLs, local paths and error texts are for the operator.  With the
 * token the details come too, credentials redacted.
 */
/* The readiness of one logger's WAL: NULL when ready, else why not. */
static const char *wal_unready(const collector *c, const dm_logger_stats *st)
{
	if (!st->wal_writable)
		return "write-ahead log cannot be written";
	if (st->wal_bytes + c->max_body * 2 >= st->wal_max_bytes)
		return "write-ahead log nearly full";
	return NULL;
}

static enum MHD_Result healthz(collector *c, req *r,
			       struct MHD_Connection *conn, int live)
{
	dm_logger_stats st, lst;
	json_t *o = json_object();
	unsigned code = 200;
	const char *status = "ok", *why;
	char *txt, shown[300];
	enum MHD_Result ret;

	dm_logger_get_stats(c->lg, &st);
	dm_logger_get_stats(c->labels_lg, &lst);
	why = wal_unready(c, &st);
	if (!why)
		why = wal_unready(c, &lst); /* the labels' WAL */
	if (live) {
		status = "alive";
	} else if (__atomic_load_n(&c->draining, __ATOMIC_RELAXED)) {
		code = 503;
		status = "draining";
	} else if (why) {
		code = 503;
		status = why;
	} else if (!st.storage_ok || !lst.storage_ok) {
		status = "degraded: uploads failing";
	}
	json_object_set_new(o, "status", json_string(status));
	if (c->token && token_ok(c, conn)) {
		json_object_set_new(o, "storage_ok",
				    json_boolean(st.storage_ok));
		json_object_set_new(o, "wal_writable",
				    json_boolean(st.wal_writable));
		json_object_set_new(o, "wal_bytes",
				    json_integer((json_int_t)st.wal_bytes));
		json_object_set_new(o, "wal_max_bytes",
				    json_integer((json_int_t)st.wal_max_bytes));
		json_object_set_new(
			o, "disk_free_bytes",
			json_integer((json_int_t)st.disk_free_bytes));
		json_object_set_new(
			o, "records_pending",
			json_integer((json_int_t)st.records_pending));
		json_object_set_new(
			o, "schema_entries",
			json_integer((json_int_t)st.schema_entries));
		json_object_set_new(
			o, "labels_pending",
			json_integer((json_int_t)lst.records_pending));
		json_object_set_new(o, "labels_wal_bytes",
				    json_integer((json_int_t)lst.wal_bytes));
		if (st.wal_error[0])
			json_object_set_new(
				o, "wal_error",
				json_string(dm_redact(st.wal_error, shown,
						      sizeof(shown))));
		if (st.last_error[0] && !st.storage_ok)
			json_object_set_new(
				o, "last_error",
				json_string(dm_redact(st.last_error, shown,
						      sizeof(shown))));
	}
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!txt)
		return MHD_NO;
	ret = respond(c, r, conn, code, "application/json", txt, strlen(txt),
		      0);
	free(txt);
	return ret;
}

/* Constant-time comparison of the bearer token. */
static int token_ok(const collector *c, struct MHD_Connection *conn)
{
	const char *h;
	size_t n, t, i;
	unsigned char diff = 0;

	if (!c->token)
		return 1;
	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	h += 7;
	while (*h == ' ')
		h++;
	n = strlen(h);
	t = strlen(c->token);
	diff = n != t;
	for (i = 0; i < t; i++)
		diff |= (unsigned char)(c->token[i] ^ (i < n ? h[i] : 0));
	return diff == 0;
}

static unsigned status_for(dm_err err)
{
	switch (err) {
	case DM_EINVAL:
	case DM_EFORMAT:
	case DM_ESCHEMA:
		return 400;
	case DM_ETOOBIG:
		return 413;
	case DM_EFULL:
	case DM_EIO:
	case DM_ENOMEM:
		return 503;
	default:
		return 500;
	}
}

/* POST /v1/predictions and /v1/labels: all the records into the WAL,
 * or none. */
static enum MHD_Result ingest(collector *c, req *r, struct MHD_Connection *conn)
{
	dm_logger *lg = r->labels ? c->labels_lg : c->lg;
	uint64_t *ok = r->labels ? &c->labels_received : &c->records_received;
	uint64_t *bad = r->labels ? &c->labels_rejected : &c->records_rejected;
	dm_log_parsed p;
	dm_diag diag;
	dm_err err;
	enum MHD_Result ret;
	char msg[64];

	dm_diag_clear(&diag);
	if (r->too_big) {
		snprintf(msg, sizeof(msg), "body larger than %zu bytes",
			 c->max_body);
		ret = respond_error(c, r, conn, 413, msg, 0, NULL, 0);
		goto done;
	}
	if (r->labels)
		err = dm_labels_parse_json(r->body, r->len, c->max_records, &p,
					   &diag);
	else
		err = dm_log_parse_json(r->body, r->len, c->max_records, &p,
					&diag);
	if (err == DM_OK)
		err = dm_logger_log_batch(lg, p.records, p.nrecords, &diag);
	if (err == DM_OK) {
		snprintf(msg, sizeof(msg), "{\"accepted\":%zu}", p.nrecords);
		__atomic_fetch_add(ok, p.nrecords, __ATOMIC_RELAXED);
		ret = respond(c, r, conn, 202, "application/json", msg,
			      strlen(msg), 0);
	} else {
		__atomic_fetch_add(bad, p.nrecords, __ATOMIC_RELAXED);
		ret = respond_error(c, r, conn, status_for(err),
				    diag.msg[0] ? diag.msg : dm_strerror(err),
				    diag.row, diag.column, 0);
	}
	if (r->labels)
		dm_labels_parsed_release(&p);
	else
		dm_log_parsed_release(&p);
done:
	observe(c, elapsed(&r->t0));
	return ret;
}

/* ---- connections ------------------------------------------------------ */
static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static conn_slot *slot_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? (conn_slot *)ci->socket_context : NULL;
}

/* Sets the connection's deadline (0: none while a request is answered). */
static void slot_deadline(collector *c, conn_slot *sl, int64_t deadline)
{
	if (!sl)
		return;
	pthread_mutex_lock(&c->conn_mu);
	sl->deadline_ms = deadline;
	pthread_mutex_unlock(&c->conn_mu);
}

/*
 * A connection opens or closes.  Each gets a slot with a deadline for
 * its first request; past --max-connections it is an overflow slot with
 * a short one (it may ask for health or be told 503).  The socket is
 * dup()ed so that the watchdog can shut it down without racing with the
 * server closing its own descriptor.
 */
static void conn_notify(collector *c, int health, struct MHD_Connection *conn,
			void **socket_context,
			enum MHD_ConnectionNotificationCode toe)
{
	conn_slot *sl = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		sl = calloc(1, sizeof(*sl));
		if (!sl)
			return;
		sl->fd = ci ? fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0) : -1;
		sl->health = health;
		pthread_mutex_lock(&c->conn_mu);
		if (!health) {
			c->nconns++;
			sl->overflow = c->nconns > c->max_conn;
			if (sl->overflow)
				c->conns_overflow++;
		}
		sl->deadline_ms =
			mono_ms() + (sl->overflow || health ? c->overflow_ms
							    : c->request_ms);
		sl->next = c->conns;
		if (c->conns)
			c->conns->prev = sl;
		c->conns = sl;
		pthread_mutex_unlock(&c->conn_mu);
		*socket_context = sl;
		return;
	}
	if (!sl)
		return;
	pthread_mutex_lock(&c->conn_mu);
	if (sl->prev)
		sl->prev->next = sl->next;
	else
		c->conns = sl->next;
	if (sl->next)
		sl->next->prev = sl->prev;
	if (!health)
		c->nconns--;
	pthread_mutex_unlock(&c->conn_mu);
	if (sl->fd >= 0)
		close(sl->fd);
	free(sl);
	*socket_context = NULL;
}

static void notify_main(void *cls, struct MHD_Connection *conn,
			void **socket_context,
			enum MHD_ConnectionNotificationCode toe)
{
	conn_notify(cls, 0, conn, socket_context, toe);
}

static void notify_health(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	conn_notify(cls, 1, conn, socket_context, toe);
}

/*
 * The watchdog: a connection whose request has not arrived whole by its
 * deadline (headers and body: a client sending one byte now and then is
 * cut like a silent one) is shut down; the server then sees the end of
 * the stream and closes it.  While draining, idle connections get one
 * second more at most.
 */
static void *watchdog_main(void *arg)
{
	collector *c = arg;

	for (;;) {
		int64_t now = mono_ms(), drain;
		conn_slot *sl;

		pthread_mutex_lock(&c->conn_mu);
		if (c->stop_watchdog) {
			pthread_mutex_unlock(&c->conn_mu);
			break;
		}
		drain = c->drain_at_ms;
		for (sl = c->conns; sl; sl = sl->next) {
			int64_t dl = sl->deadline_ms;

			if (sl->cut)
				continue;
			if (drain && dl && dl > drain + 1000)
				dl = drain + 1000;
			if (!dl || now < dl)
				continue;
			sl->cut = 1;
			c->conns_cut++;
			if (sl->fd >= 0)
				shutdown(sl->fd, SHUT_RDWR);
		}
		pthread_mutex_unlock(&c->conn_mu);
		usleep(100 * 1000);
	}
	return NULL;
}

static int is_probe(const char *url)
{
	return !strcmp(url, "/healthz") || !strcmp(url, "/readyz") ||
	       !strcmp(url, "/livez") || !strcmp(url, "/metrics");
}

static enum MHD_Result probe(collector *c, req *r, struct MHD_Connection *conn,
			     const char *url, const char *method)
{
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_error(c, r, conn, 405, "use GET", 0, NULL, 0);
	if (!strcmp(url, "/metrics"))
		return metrics(c, r, conn);
	return healthz(c, r, conn, !strcmp(url, "/livez"));
}

/* The first call of a request (its headers are in). */
static enum MHD_Result request_start(collector *c, req *r,
				     struct MHD_Connection *conn,
				     const char *url, const char *method)
{
	if (is_probe(url))
		return probe(c, r, conn, url, method);
	if (r->slot && r->slot->health)
		return respond_error(c, r, conn, 404,
				     "no such endpoint (GET /healthz, /readyz, "
				     "/livez, /metrics)",
				     0, NULL, 0);
	if (!r->post)
		return respond_error(c, r, conn, 404,
				     "no such endpoint (POST /v1/predictions, "
				     "/v1/labels, GET /healthz, /readyz, "
				     "/livez, /metrics)",
				     0, NULL, 0);
	if (strcmp(method, "POST") != 0)
		return respond_error(c, r, conn, 405,
				     r->labels ? "use POST for /v1/labels"
					       : "use POST for /v1/predictions",
				     0, NULL, 0);
	if (__atomic_load_n(&c->draining, __ATOMIC_SEQ_CST))
		return respond_error(c, r, conn, 503, "shutting down", 0, NULL,
				     1);
	if (r->slot && r->slot->overflow) {
		char msg[120];

		snprintf(msg, sizeof(msg),
			 "too many connections (more than %u); try again",
			 c->max_conn);
		return respond_error(c, r, conn, 503, msg, 0, NULL, 1);
	}
	if (!token_ok(c, conn))
		return respond_error(c, r, conn, 401,
				     "missing or wrong bearer token "
				     "(Authorization: Bearer ...)",
				     0, NULL, 1);
	{
		const char *cl = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		uint64_t want = 0;

		if (cl && cli_parse_u64(cl, &want) == 0) {
			if (want > c->max_body) {
				char msg[80];

				snprintf(msg, sizeof(msg),
					 "body larger than %zu bytes",
					 c->max_body);
				return respond_error(c, r, conn, 413, msg, 0,
						     NULL, 1);
			}
			r->cap = (size_t)want + 1;
			r->body = malloc(r->cap);
			if (!r->body)
				r->cap = 0;
		}
	}
	return MHD_YES;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn,
			       const char *url, const char *method,
			       const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	collector *c = cls;
	req *r = *con_cls;

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		r->labels = !strcmp(url, "/v1/labels");
		r->post = r->labels || !strcmp(url, "/v1/predictions");
		r->slot = slot_of(conn);
		if (!r->slot || !r->slot->health) {
			r->counted = 1;
			__atomic_fetch_add(&c->in_flight, 1, __ATOMIC_SEQ_CST);
		}
		return request_start(c, r, conn, url, method);
	}
	if (r->responded) {
		*upload_data_size = 0; /* discard */
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (r->too_big || n > c->max_body - r->len) {
			r->too_big = 1;
			return MHD_YES;
		}
		if (r->len + n > r->cap) {
			size_t cap = r->cap ? r->cap : 65536;
			char *b;

			while (cap < r->len + n)
				cap *= 2;
			b = realloc(r->body, cap);
			if (!b)
				return MHD_NO;
			r->body = b;
			r->cap = cap;
		}
		memcpy(r->body + r->len, upload_data, n);
		r->len += n;
		return MHD_YES;
	}
	/* the whole request is in: no deadline while it is answered */
	slot_deadline(c, r->slot, 0);
	return ingest(c, r, conn);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	collector *c = cls;
	req *r = *con_cls;

	(void)toe;
	/* the next request on this connection has its own deadline (which
	 * also bounds how long a kept-alive connection may idle) */
	if (r && r->slot)
		slot_deadline(c, r->slot,
			      mono_ms() + (r->slot->overflow || r->slot->health
						   ? c->overflow_ms
						   : c->request_ms));
	else
		slot_deadline(c, slot_of(conn), mono_ms() + c->request_ms);
	if (!r)
		return;
	free(r->body);
	if (r->counted)
		__atomic_fetch_sub(&c->in_flight, 1, __ATOMIC_SEQ_CST);
	free(r);
	*con_cls = NULL;
}

/* ---- shutdown ---------------------------------------------------------------
 */
typedef struct closer {
	dm_logger *lg;
	dm_diag diag;
	dm_err err;
	int done;
	pthread_mutex_t *mu;
	pthread_cond_t *cv;
} closer;

static void *closer_main(void *arg)
{
	closer *k = arg;
	dm_err err = dm_logger_close(k->lg, &k->diag);

	pthread_mutex_lock(k->mu);
	k->err = err;
	k->done = 1;
	pthread_cond_signal(k->cv);
	pthread_mutex_unlock(k->mu);
	return NULL;
}

/*
 * dm_logger_close waits --drain-seconds for the last uploads, then for
 * the upload under way to return, which a store's own retries may make
 * long.  The predictions' and the labels' loggers close at once, in two
 * threads; shutdown stays prompt: after --drain-seconds + 3 s the
 * process says what stays in the WAL and exits 1 without waiting (the
 * WAL is on disk: the next start uploads it).  The first error wins.
 */
static dm_err close_bounded(collector *c, unsigned drain_s, const char *wal,
			    dm_diag *diag)
{
	/* outlive this call if the process exits early */
	static closer k[2];
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	dm_logger *lgs[2] = {c->lg, c->labels_lg};
	pthread_t t[2];
	int started[2] = {0, 0};
	struct timespec ts;
	dm_logger_stats st, lst;
	dm_err err = DM_OK;
	int i, done;

	dm_logger_get_stats(c->lg, &st);
	dm_logger_get_stats(c->labels_lg, &lst);
	for (i = 0; i < 2; i++) {
		memset(&k[i], 0, sizeof(k[i]));
		k[i].lg = lgs[i];
		k[i].mu = &mu;
		k[i].cv = &cv;
		dm_diag_clear(&k[i].diag);
		if (pthread_create(&t[i], NULL, closer_main, &k[i]) == 0)
			started[i] = 1;
		else
			closer_main(&k[i]);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)drain_s + 3;
	pthread_mutex_lock(&mu);
	while (!(k[0].done && k[1].done) &&
	       pthread_cond_timedwait(&cv, &mu, &ts) != ETIMEDOUT)
		;
	done = k[0].done && k[1].done;
	pthread_mutex_unlock(&mu);
	if (!done) {
		/* the stats of a logger being closed are still readable: it
		 * is freed only when close returns, which has not happened */
		fprintf(stderr,
			"driftmon collect: shutdown: an upload was still under "
			"way after %u s; of the %llu records and %llu labels "
			"waiting at the signal, those not uploaded stay in the "
			"write-ahead log '%s' and are uploaded by the next "
			"start\n",
			drain_s + 3, (unsigned long long)st.records_pending,
			(unsigned long long)lst.records_pending, wal);
		fflush(stderr);
		_exit(EXIT_RUNTIME);
	}
	for (i = 0; i < 2; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		if (k[i].err != DM_OK && err == DM_OK) {
			err = k[i].err;
			*diag = k[i].diag;
		}
	}
	return err;
}

/* ---- options ------------------------------------------------------------ */
static int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strspn(s, "0123456789");
	uint64_t v, mul = 1;
	const char *suf = s + n;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (cli_parse_u64(num, &v) < 0)
		return -1;
	if (!*suf || !strcasecmp(suf, "b"))
		mul = 1;
	else if (!strcasecmp(suf, "k") || !strcasecmp(suf, "kib") ||
		 !strcasecmp(suf, "kb"))
		mul = 1024;
	else if (!strcasecmp(suf, "m") || !strcasecmp(suf, "mib") ||
		 !strcasecmp(suf, "mb"))
		mul = 1024 * 1024;
	else if (!strcasecmp(suf, "g") || !strcasecmp(suf, "gib") ||
		 !strcasecmp(suf, "gb"))
		mul = 1024ull * 1024 * 1024;
	else
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	return cli_parse_u64(s, out) < 0 || *out < lo || *out > hi ? -1 : 0;
}

/* The first key of object o not in the NULL-terminated list, or NULL. */
static const char *unknown_key(json_t *o, const char *const *known)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(o, k, v)
	{
		for (i = 0; known[i] && strcmp(known[i], k) != 0; i++)
			;
		if (!known[i])
			return k;
	}
	return NULL;
}

/* Reads a declared schema file into cols (names owned by *root).
 * Strict: an unknown key is an error naming it (a typo such as "rol"
 * must not be ignored). */
static int load_schema(const char *path, json_t **root, dm_log_column **cols,
		       size_t *n)
{
	static const char *const top_keys[] = {"columns", NULL};
	static const char *const col_keys[] = {"name", "type", "role", NULL};
	json_error_t je;
	json_t *arr;
	const char *bad;
	size_t i;

	*root = json_load_file(path, 0, &je);
	if (!*root) {
		cli_fail("cannot read schema '%s': line %d: %s", path, je.line,
			 je.text);
		return -1;
	}
	if (json_is_object(*root) && (bad = unknown_key(*root, top_keys))) {
		cli_fail("schema '%s': unknown key '%s' (expected \"columns\")",
			 path, bad);
		return -1;
	}
	arr = json_object_get(*root, "columns");
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		cli_fail("schema '%s': expected {\"columns\": [...]} with at "
			 "least one column",
			 path);
		return -1;
	}
	*n = json_array_size(arr);
	*cols = calloc(*n, sizeof(**cols));
	if (!*cols)
		return -1;
	for (i = 0; i < *n; i++) {
		json_t *c = json_array_get(arr, i);
		const char *name =
			json_string_value(json_object_get(c, "name"));
		const char *type =
			json_string_value(json_object_get(c, "type"));
		const char *role =
			json_string_value(json_object_get(c, "role"));

		if (json_is_object(c) && (bad = unknown_key(c, col_keys))) {
			cli_fail("schema '%s': column %zu: unknown key '%s' "
				 "(expected \"name\", \"type\", \"role\")",
				 path, i + 1, bad);
			return -1;
		}
		if (!name || !type ||
		    (strcmp(type, "number") && strcmp(type, "string"))) {
			cli_fail(
				"schema '%s': column %zu: needs a \"name\" and "
				"a \"type\" (\"number\" or \"string\")",
				path, i + 1);
			return -1;
		}
		if (role && strcmp(role, "feature") &&
		    strcmp(role, "prediction")) {
			cli_fail("schema '%s': column '%s': role must be "
				 "\"feature\" or \"prediction\"",
				 path, name);
			return -1;
		}
		(*cols)[i].name = name;
		(*cols)[i].type =
			type[0] == 'n' ? DM_LOG_NUMBER : DM_LOG_STRING;
		(*cols)[i].prediction = role && role[0] == 'p';
	}
	return 0;
}

/* "host:port", "[v6]:port", ":port" or "port". */
static int parse_listen(const char *s, struct addrinfo **ai)
{
	char host[256] = "", port[16];
	const char *colon;
	struct addrinfo hints;

	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof(host))
			return -1;
		memcpy(host, s + 1, (size_t)(e - s - 1));
		host[e - s - 1] = '\0';
		colon = e + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon) {
			if ((size_t)(colon - s) >= sizeof(host))
				return -1;
			memcpy(host, s, (size_t)(colon - s));
			host[colon - s] = '\0';
		}
	}
	snprintf(port, sizeof(port), "%s", colon ? colon + 1 : s);
	if (!*port || strspn(port, "0123456789") != strlen(port) ||
	    strtoul(port, NULL, 10) > 65535)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	return getaddrinfo(*host ? host : NULL, port, &hints, ai) == 0 ? 0 : -1;
}

static int write_port_file(const char *path, unsigned port)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u\n", port);

	return cli_write_file_atomic(path, buf, (size_t)n);
}

/* ---- the command, step by step ------------------------------------------- */
typedef struct options {
	const char *listen, *port_file, *schema_path, *store_flag,
		*health_listen;
	uint64_t reserve, req_timeout, ttl, max_conn, drain;
	dm_logger_config cfg; /* the predictions' logger */
} options;

/* The size limits of the options, as their messages state them. */
#define FLUSH_BYTES_MIN ((uint64_t)4 << 10)
#define FLUSH_BYTES_MAX ((uint64_t)4 << 30)
#define WAL_BYTES_MIN	((uint64_t)64 << 10)
#define BODY_BYTES_MIN	((uint64_t)1 << 10)
#define BODY_BYTES_MAX	((uint64_t)1 << 30)

/* One option of the server (body, records, connections, timeouts) into
 * o or col: -1 when fine, else the exit code. */
static int parse_server_option(int c, const char *arg, options *o,
			       collector *col, int argc, char **argv)
{
	uint64_t v;

	switch (c) {
	case OPT_MAXBODY:
		if (parse_size(arg, &v) < 0 || v < BODY_BYTES_MIN ||
		    v > BODY_BYTES_MAX)
			return cli_usage("collect",
					 "--max-body-bytes must be a "
					 "size from 1KiB to 1GiB, not "
					 "'%s'",
					 arg);
		col->max_body = (size_t)v;
		break;
	case OPT_MAXREC:
		if (parse_uint(arg, 1, 10000000, &v) < 0)
			return cli_usage("collect",
					 "--max-records must be 1 to "
					 "10000000, not '%s'",
					 arg);
		col->max_records = (size_t)v;
		break;
	case OPT_MAXCONN:
		if (parse_uint(arg, 1, 100000, &o->max_conn) < 0)
			return cli_usage("collect",
					 "--max-connections must be 1 "
					 "to 100000, not '%s'",
					 arg);
		break;
	case OPT_DRAIN:
		if (parse_uint(arg, 1, 86400, &o->drain) < 0)
			return cli_usage("collect",
					 "--drain-seconds must be 1 to "
					 "86400, not '%s'",
					 arg);
		break;
	case OPT_RESERVE:
		if (parse_uint(arg, 0, 10000, &o->reserve) < 0)
			return cli_usage("collect",
					 "--reserve-connections must be "
					 "0 to 10000, not '%s'",
					 arg);
		break;
	case OPT_REQTIMEOUT:
		if (parse_uint(arg, 1, 3600, &o->req_timeout) < 0)
			return cli_usage("collect",
					 "--request-timeout must be 1 "
					 "to 3600, not '%s'",
					 arg);
		break;
	default:
		return cli_bad_option("collect", argc, argv);
	}
	return -1;
}

/* One option of the predictions' logger (fsync, flushes, WAL, schema)
 * into o->cfg or o: -1 when fine, else the exit code. */
static int parse_logger_option(int c, const char *arg, options *o,
			       collector *col, int argc, char **argv)
{
	uint64_t v;

	switch (c) {
	case OPT_FSYNC:
		if (!strcmp(arg, "always"))
			o->cfg.fsync = DM_LOG_FSYNC_ALWAYS;
		else if (!strcmp(arg, "interval"))
			o->cfg.fsync = DM_LOG_FSYNC_INTERVAL;
		else if (!strcmp(arg, "never"))
			o->cfg.fsync = DM_LOG_FSYNC_NEVER;
		else
			return cli_usage("collect",
					 "--fsync must be always, "
					 "interval or never, not '%s'",
					 arg);
		break;
	case OPT_FSYNCMS:
		if (parse_uint(arg, 1, 60000, &v) < 0)
			return cli_usage("collect",
					 "--fsync-ms must be 1 to "
					 "60000, not '%s'",
					 arg);
		o->cfg.fsync_ms = (unsigned)v;
		break;
	case OPT_FROWS:
		if (parse_uint(arg, 1, 100000000, &v) < 0)
			return cli_usage("collect",
					 "--flush-rows must be 1 to "
					 "100000000, not '%s'",
					 arg);
		o->cfg.flush_rows = (size_t)v;
		break;
	case OPT_FBYTES:
		if (parse_size(arg, &v) < 0 || v < FLUSH_BYTES_MIN ||
		    v > FLUSH_BYTES_MAX)
			return cli_usage("collect",
					 "--flush-bytes must be a size "
					 "from 4KiB to 4GiB, not '%s'",
					 arg);
		o->cfg.flush_bytes = (size_t)v;
		break;
	case OPT_FSECS:
		if (parse_uint(arg, 1, 86400, &v) < 0)
			return cli_usage("collect",
					 "--flush-seconds must be 1 to "
					 "86400, not '%s'",
					 arg);
		o->cfg.flush_seconds = (unsigned)v;
		break;
	case OPT_WALMAX:
		if (parse_size(arg, &v) < 0 || v < WAL_BYTES_MIN)
			return cli_usage("collect",
					 "--wal-max-bytes must be a "
					 "size of at least 64KiB, not "
					 "'%s'",
					 arg);
		o->cfg.wal_max_bytes = v;
		break;
	case OPT_MAXMODELS:
		if (parse_uint(arg, 1, 10000000, &v) < 0)
			return cli_usage("collect",
					 "--max-models must be 1 to "
					 "10000000, not '%s'",
					 arg);
		o->cfg.max_models = (size_t)v;
		break;
	case OPT_MAXCOLS:
		if (parse_uint(arg, 1, 10000000, &v) < 0)
			return cli_usage("collect",
					 "--max-columns must be 1 to "
					 "10000000, not '%s'",
					 arg);
		o->cfg.max_schema_columns = (size_t)v;
		break;
	case OPT_TTL:
		if (parse_uint(arg, 0, 100000000, &o->ttl) < 0)
			return cli_usage("collect",
					 "--schema-ttl must be 0 to "
					 "100000000 seconds, not '%s'",
					 arg);
		break;
	default:
		return parse_server_option(c, arg, o, col, argc, argv);
	}
	return -1;
}

/* One option into o or col: -1 when fine, else the exit code. */
static int parse_option(int c, options *o, collector *col, int argc,
			char **argv)
{
	switch (c) {
	case 'l':
		o->listen = optarg;
		break;
	case OPT_PORTFILE:
		o->port_file = optarg;
		break;
	case 'w':
		o->cfg.wal_dir = optarg;
		break;
	case OPT_STORE:
		o->store_flag = optarg;
		break;
	case OPT_PREFIX:
		o->cfg.prefix = optarg;
		break;
	case OPT_SCHEMA:
		o->schema_path = optarg;
		break;
	case OPT_CODEC:
		o->cfg.codec = optarg;
		break;
	case OPT_HOST:
		o->cfg.host = optarg;
		break;
	case OPT_HEALTH:
		o->health_listen = optarg;
		break;
	case OPT_NOPROF:
		o->cfg.no_hour_profiles = 1;
		break;
	case 'h':
		fputs(help, stdout);
		return EXIT_OK;
	default:
		return parse_logger_option(c, optarg, o, col, argc, argv);
	}
	return -1;
}

/* Every option; -1 when the collector is to start, else the exit code. */
static int parse_options(int argc, char **argv, options *o, collector *col)
{
	const char *wal_env = getenv("DRIFTMON_WAL_DIR");
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:8080";
	o->reserve = 8;
	o->req_timeout = 30;
	o->ttl = 86400;
	o->max_conn = 256;
	o->drain = 30;
	dm_logger_config_init(&o->cfg);
	o->cfg.wal_dir = wal_env && *wal_env ? wal_env : "./driftmon-wal";
	col->max_body = (size_t)16 << 20;
	col->max_records = 10000;
	optind = 0;
	while ((c = getopt_long(argc, argv, "l:w:h", longopts, NULL)) != -1)
		if ((rc = parse_option(c, o, col, argc, argv)) >= 0)
			return rc;
	if (optind < argc)
		return cli_usage("collect", "unexpected argument '%s'",
				 argv[optind]);
	return -1;
}

/* The collector's settings and the loggers' configuration from o. */
static void configure(options *o, collector *col, const dm_log_column *cols,
		      size_t ncols)
{
	col->token = getenv("DRIFTMON_COLLECTOR_TOKEN");
	if (col->token && !*col->token)
		col->token = NULL;
	o->cfg.store_url = cli_store_url(o->store_flag);
	o->cfg.schema = cols;
	o->cfg.nschema = ncols;
	o->cfg.close_timeout_ms = (unsigned)(o->drain * 1000);
	o->cfg.on_event = on_event;
	o->cfg.event_ctx = col;
	o->cfg.schema_ttl_s = (unsigned)o->ttl;
	o->cfg.schema_ttl_set = 1;
	/* A dedicated process: uploading is its work, not a background
	 * chore to yield to request threads (at the library's nice +10 a
	 * saturated collector uploaded 11,000 records/s instead of 132,000;
	 * BENCHMARKS.md, "Library logger stalls, removed"). */
	o->cfg.flush_nice = 0;
	o->cfg.flush_nice_set = 1;
	if (!cli_hourly_enabled(0))
		o->cfg.no_hour_profiles = 1;
	col->wal_max = o->cfg.wal_max_bytes;
	col->max_conn = (unsigned)o->max_conn;
	col->request_ms = (int64_t)o->req_timeout * 1000;
	col->overflow_ms = col->request_ms < 2000 ? col->request_ms : 2000;
}

static int logger_failed(dm_err err, dm_diag *diag, const char *what)
{
	char shown[sizeof(diag->msg)];
	int rc;

	dm_redact(diag->msg, shown, sizeof(diag->msg));
	memcpy(diag->msg, shown, sizeof(diag->msg));
	rc = cli_fail_err(err, diag, what);
	return rc == EXIT_USAGE ? EXIT_RUNTIME : rc;
}

/*
 * The predictions' logger, then the labels': the same store, limits and
 * durability; prefix labels (where `driftmon labels` writes), the WAL
 * folder <wal-dir>/labels (its own lock, manifest and cap), a declared
 * schema of one string output, "label".
 */
static int open_loggers(collector *col, const options *o, char *lwal,
			size_t lwal_n)
{
	static const dm_log_column label_col = {"label", DM_LOG_STRING, 1};
	dm_logger_config lc = o->cfg;
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	err = dm_logger_open(&o->cfg, &col->lg, &diag);
	if (err != DM_OK)
		return logger_failed(err, &diag, "cannot start the logger");
	if ((size_t)snprintf(lwal, lwal_n, "%s/labels", o->cfg.wal_dir) >=
	    lwal_n)
		return cli_fail("--wal-dir '%s' is too long", o->cfg.wal_dir);
	lc.wal_dir = lwal;
	lc.prefix = "labels";
	lc.schema = &label_col;
	lc.nschema = 1;
	err = dm_logger_open(&lc, &col->labels_lg, &diag);
	if (err != DM_OK)
		return logger_failed(err, &diag,
				     "cannot start the labels' logger");
	return EXIT_OK;
}

typedef struct servers {
	struct addrinfo *ai, *hai;
	struct MHD_Daemon *d, *hd;
	pthread_t watchdog;
	int have_watchdog;
	unsigned port;
} servers;

/* The listeners (resolved before any thread starts). */
static int resolve(const options *o, servers *sv)
{
	if (parse_listen(o->listen, &sv->ai) < 0)
		return cli_usage("collect",
				 "--listen: cannot use '%s' (expected "
				 "HOST:PORT, [IPv6]:PORT or PORT)",
				 o->listen);
	if (o->health_listen && parse_listen(o->health_listen, &sv->hai) < 0)
		return cli_usage("collect",
				 "--health-listen: cannot use '%s' (expected "
				 "HOST:PORT, [IPv6]:PORT or PORT)",
				 o->health_listen);
	return EXIT_OK;
}

/* The HTTP daemons and the watchdog; writes the port file. */
static int serve(collector *col, const options *o, servers *sv)
{
	const union MHD_DaemonInfo *info;

	sv->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD |
			MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
			MHD_USE_ITC,
		0, NULL, NULL, handler, col, MHD_OPTION_SOCK_ADDR,
		sv->ai->ai_addr, MHD_OPTION_NOTIFY_COMPLETED, completed, col,
		MHD_OPTION_NOTIFY_CONNECTION, notify_main, col,
		MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)(o->max_conn + o->reserve),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->req_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)256, MHD_OPTION_END);
	if (!sv->d)
		return cli_fail("cannot listen on %s: %s", o->listen,
				strerror(errno));
	if (sv->hai) {
		sv->hd = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
				MHD_USE_ITC,
			0, NULL, NULL, handler, col, MHD_OPTION_SOCK_ADDR,
			sv->hai->ai_addr, MHD_OPTION_NOTIFY_COMPLETED,
			completed, col, MHD_OPTION_NOTIFY_CONNECTION,
			notify_health, col, MHD_OPTION_CONNECTION_LIMIT,
			(unsigned)32, MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned)5, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			(size_t)(32 * 1024), MHD_OPTION_END);
		if (!sv->hd)
			return cli_fail("cannot listen on %s: %s",
					o->health_listen, strerror(errno));
	}
	if (pthread_create(&sv->watchdog, NULL, watchdog_main, col) != 0)
		return cli_fail("cannot start a thread");
	sv->have_watchdog = 1;
	info = MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_BIND_PORT);
	sv->port = info ? info->port : 0;
	if (o->port_file && write_port_file(o->port_file, sv->port) != EXIT_OK)
		return EXIT_RUNTIME;
	if (sv->hd) {
		info = MHD_get_daemon_info(sv->hd, MHD_DAEMON_INFO_BIND_PORT);
		fprintf(stderr, "driftmon collect: health checks on port %u\n",
			info ? info->port : 0);
	}
	return EXIT_OK;
}

static void announce(const collector *col, const options *o, unsigned port)
{
	char shown[sizeof(((dm_diag *)0)->msg)];

	fprintf(stderr,
		"driftmon collect: listening on port %u (WAL '%s', store "
		"'%s', fsync %s%s)\n",
		port, o->cfg.wal_dir,
		dm_redact(o->cfg.store_url, shown, sizeof(shown)),
		o->cfg.fsync == DM_LOG_FSYNC_ALWAYS  ? "always"
		: o->cfg.fsync == DM_LOG_FSYNC_NEVER ? "never"
						     : "interval",
		col->token ? ", bearer token required" : "");
}

/* Stop accepting, let the requests in flight finish, stop the daemons. */
static void quiesce(collector *col, servers *sv)
{
	MHD_socket ls;
	int i;

	__atomic_store_n(&col->draining, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&col->conn_mu);
	col->drain_at_ms = mono_ms();
	pthread_mutex_unlock(&col->conn_mu);
	ls = MHD_quiesce_daemon(sv->d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	/* requests being answered finish; idle and slow connections are
	 * cut by the watchdog within a second */
	for (i = 0;
	     i < 1000 && __atomic_load_n(&col->in_flight, __ATOMIC_SEQ_CST);
	     i++)
		usleep(10000);
	MHD_stop_daemon(sv->d);
	sv->d = NULL;
	if (sv->hd) {
		MHD_stop_daemon(sv->hd);
		sv->hd = NULL;
	}
}

/* Upload what is pending (both loggers) and close them. */
static int drain_loggers(collector *col, const options *o, int sig)
{
	dm_logger_stats st, lst;
	char shown[sizeof(((dm_diag *)0)->msg)];
	dm_diag diag;
	dm_err err;

	dm_logger_get_stats(col->lg, &st);
	dm_logger_get_stats(col->labels_lg, &lst);
	fprintf(stderr,
		"driftmon collect: %s: stopped accepting; uploading %llu "
		"records and %llu labels\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM",
		(unsigned long long)st.records_pending,
		(unsigned long long)lst.records_pending);
	dm_diag_clear(&diag);
	err = close_bounded(col, (unsigned)o->drain, o->cfg.wal_dir, &diag);
	col->lg = col->labels_lg = NULL;
	if (err != DM_OK) {
		dm_redact(diag.msg, shown, sizeof(diag.msg));
		memcpy(diag.msg, shown, sizeof(diag.msg));
		return cli_fail_err(err, &diag, "shutdown");
	}
	fprintf(stderr, "driftmon collect: all records uploaded; exiting\n");
	return EXIT_OK;
}

static void release(collector *col, servers *sv)
{
	dm_diag diag;

	if (sv->d)
		MHD_stop_daemon(sv->d);
	if (sv->hd)
		MHD_stop_daemon(sv->hd);
	if (sv->have_watchdog) {
		pthread_mutex_lock(&col->conn_mu);
		col->stop_watchdog = 1;
		pthread_mutex_unlock(&col->conn_mu);
		pthread_join(sv->watchdog, NULL);
	}
	if (sv->hai)
		freeaddrinfo(sv->hai);
	if (sv->ai)
		freeaddrinfo(sv->ai);
	dm_diag_clear(&diag);
	if (col->lg)
		(void)dm_logger_close(col->lg, &diag);
	if (col->labels_lg)
		(void)dm_logger_close(col->labels_lg, &diag);
}

int cmd_collect(int argc, char **argv)
{
	options o;
	collector col;
	servers sv;
	json_t *schema_root = NULL;
	dm_log_column *schema_cols = NULL;
	size_t nschema = 0;
	char lwal[4096];
	sigset_t sigs;
	int rc, sig = 0;

	memset(&col, 0, sizeof(col));
	memset(&sv, 0, sizeof(sv));
	/* Request bodies and parsed records (~100 KB-10 MB) are allocated
	 * and freed per request: keep them in the heap instead of mapping
	 * and unmapping (and page-faulting) them every time. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	if ((rc = parse_options(argc, argv, &o, &col)) >= 0)
		return rc;
	pthread_mutex_init(&col.log_mu, NULL);
	pthread_mutex_init(&col.conn_mu, NULL);
	rc = resolve(&o, &sv);
	if (rc == EXIT_OK && o.schema_path &&
	    load_schema(o.schema_path, &schema_root, &schema_cols, &nschema) <
		    0)
		rc = EXIT_USAGE;
	if (rc != EXIT_OK)
		goto out;
	configure(&o, &col, schema_cols, nschema);

	/* Signals go to sigwait in this thread only: block them before any
	 * thread starts (the logger's and microhttpd's inherit the mask). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = open_loggers(&col, &o, lwal, sizeof(lwal));
	if (rc == EXIT_OK)
		rc = serve(&col, &o, &sv);
	if (rc != EXIT_OK)
		goto out;
	announce(&col, &o, sv.port);
	while (sigwait(&sigs, &sig) != 0)
		;
	quiesce(&col, &sv);
	rc = drain_loggers(&col, &o, sig);
out:
	release(&col, &sv);
	free(schema_cols);
	json_decref(schema_root);
	pthread_mutex_destroy(&col.log_mu);
	pthread_mutex_destroy(&col.conn_mu);
	return rc;
}
