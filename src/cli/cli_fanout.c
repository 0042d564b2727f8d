/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fan-out (docs/fanout.md): shares of a file list (--shard I/N or a
 * Kubernetes Indexed Job's JOB_COMPLETION_INDEX / JOB_COMPLETIONS), the
 * training files of a sharded baseline (local files and folders, or a
 * prefix of the store), the partial each share writes and their merge.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_fanout.h"
#include "driftmon/layout.h"
#include "driftmon/store.h"

int cli_parse_shard(const char *s, unsigned *i, unsigned *n)
{
	char *end;
	unsigned long a, b;

	a = strtoul(s, &end, 10);
	if (end == s || *end != '/' || s[0] == '-')
		return -1;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end || s[0] == '-' || b < 1 || b > CLI_MAX_SHARDS ||
	    a >= b)
		return -1;
	*i = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

int cli_shard_from_env(const char *cmd, unsigned *i, unsigned *n)
{
	const char *ji = getenv("JOB_COMPLETION_INDEX");
	const char *jn = getenv("JOB_COMPLETIONS");
	char buf[64];

	if (!ji || !*ji || !jn || !*jn)
		return EXIT_OK;
	snprintf(buf, sizeof(buf), "%s/%s", ji, jn);
	if (cli_parse_shard(buf, i, n) < 0)
		return cli_usage(cmd,
				 "invalid JOB_COMPLETION_INDEX '%s' "
				 "/ JOB_COMPLETIONS '%s': expected 0 <= index "
				 "< completions",
				 ji, jn);
	return EXIT_OK;
}

/* ---- the input files --------------------------------------------------- */

static int data_file(const char *name)
{
	return dm_layout_is_data_file(name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_file(fanout_files *ff, const char *name, uint64_t size,
		    int in_store)
{
	char **k = realloc(ff->keys, (ff->n + 2) * sizeof(char *));
	uint64_t *s;
	uint8_t *st;

	if (!k)
		return -1;
	ff->keys = k;
	s = realloc(ff->sizes, (ff->n + 1) * sizeof(uint64_t));
	if (!s)
		return -1;
	ff->sizes = s;
	st = realloc(ff->in_store, ff->n + 1);
	if (!st)
		return -1;
	ff->in_store = st;
	if (!(ff->keys[ff->n] = strdup(name)))
		return -1;
	ff->in_store[ff->n] = (uint8_t)in_store;
	ff->sizes[ff->n++] = size;
	ff->keys[ff->n] = NULL;
	return 0;
}

/* The data files of a local folder (not recursive), sorted. */
static int add_folder(fanout_files *ff, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i, dlen = strlen(dir);
	int rc = EXIT_OK;

	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--; /* "in/" and "in" list the same keys */

	if (!d)
		return cli_fail("cannot read folder '%s'", dir);
	while ((e = readdir(d)) != NULL) {
		char **nn;

		if (e->d_name[0] == '.' || !data_file(e->d_name))
			continue;
		size_t len = dlen + strlen(e->d_name) + 2;

		nn = realloc(names, (n + 1) * sizeof(char *));
		if (!nn || !(nn[n] = malloc(len))) {
			names = nn ? nn : names;
			rc = cli_fail("out of memory");
			break;
		}
		names = nn;
		snprintf(names[n++], len, "%.*s/%s", (int)dlen, dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++) {
		struct stat sb;

		if (rc == EXIT_OK &&
		    add_file(ff, names[i],
			     stat(names[i], &sb) == 0 ? (uint64_t)sb.st_size
						      : 0,
			     0) < 0)
			rc = cli_fail("out of memory");
		free(names[i]);
	}
	free(names);
	return rc;
}

int fanout_list_inputs(char *const *inputs, const char *prefix, dm_store *st,
		       fanout_files *ff)
{
	size_t i;
	int rc;

	memset(ff, 0, sizeof(*ff));
	for (i = 0; inputs && inputs[i]; i++) {
		struct stat sb;

		if (stat(inputs[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if ((rc = add_folder(ff, inputs[i])) != EXIT_OK)
				return rc;
			continue;
		}
		if (add_file(ff, inputs[i],
			     stat(inputs[i], &sb) == 0 ? (uint64_t)sb.st_size
						       : 0,
			     0) < 0)
			return cli_fail("out of memory");
	}
	if (prefix) {
		char **keys = NULL;
		size_t n = 0;
		dm_diag diag;
		dm_err err;

		dm_diag_clear(&diag);
		err = dm_store_list(st, prefix, &keys, &n, &diag);
		if (err != DM_OK)
			return cli_fail_err(err, &diag,
					    "cannot list the input");
		for (i = 0; i < n; i++)
			if (data_file(keys[i]) &&
			    add_file(ff, keys[i], 0, 1) < 0) {
				dm_store_free_list(keys, n);
				return cli_fail("out of memory");
			}
		dm_store_free_list(keys, n);
	}
	return EXIT_OK;
}

void fanout_files_release(fanout_files *ff)
{
	size_t i;

	for (i = 0; i < ff->n; i++)
		free(ff->keys[i]);
	free(ff->keys);
	free(ff->sizes);
	free(ff->in_store);
	memset(ff, 0, sizeof(*ff));
}

void fanout_share(size_t n, unsigned i, unsigned shards, size_t *lo, size_t *hi)
{
	*lo = (size_t)((uint64_t)n * i / shards);
	*hi = (size_t)((uint64_t)n * (i + 1) / shards);
}

int fanout_profile(const fanout_files *ff, size_t lo, size_t hi, dm_store *st,
		   const dm_profile_opts *po, dm_profile *p)
{
	dm_reader_opts ro = {0};
	size_t i;

	ro.threads = po->threads;
	for (i = lo; i < hi; i++) {
		dm_source *src = NULL;
		dm_reader *r = NULL;
		dm_diag diag;
		dm_err err;

		dm_diag_clear(&diag);
		if (ff->in_store[i])
			err = dm_store_open_source(st, ff->keys[i], &src,
						   &diag);
		else
			err = dm_source_open_file(ff->keys[i], &src, &diag);
		if (err == DM_OK)
			err = dm_reader_open(src, &ro, &r, &diag);
		if (err == DM_OK)
			err = dm_profile_add_reader(p, po, r, &diag);
		dm_reader_free(r);
		if (err != DM_OK) {
			if (!diag.file[0])
				snprintf(diag.file, sizeof(diag.file), "%s",
					 ff->keys[i]);
			return cli_fail_err(err, &diag, "cannot read");
		}
	}
	return EXIT_OK;
}

/* ---- partials ------------------------------------------------------------ */

int fanout_partials_prefix(const char *model, const char *version, char *out,
			   size_t n)
{
	dm_diag diag;
	char *slash;

	dm_diag_clear(&diag);
	if (dm_layout_baseline_key(model, version, out, n, &diag) != DM_OK)
		return cli_fail("%s", diag.msg);
	slash = strrchr(out, '/');
	if (!slash || (size_t)(slash - out) + sizeof("/partials/") > n)
		return cli_fail("model name too long");
	memcpy(slash, "/partials/", sizeof("/partials/"));
	return EXIT_OK;
}

static int partial_key(const char *model, const char *version, unsigned i,
		       unsigned shards, char *out, size_t n)
{
	size_t len;
	int rc = fanout_partials_prefix(model, version, out, n);

	if (rc != EXIT_OK)
		return rc;
	len = strlen(out);
	if ((size_t)snprintf(out + len, n - len, "part-%05u-of-%05u.json", i,
			     shards) >= n - len)
		return cli_fail("model name too long");
	return EXIT_OK;
}

int fanout_write_partial(dm_store *st, const char *model, const char *version,
			 unsigned i, unsigned shards, uint64_t fingerprint,
			 const fanout_files *ff, size_t lo, size_t hi,
			 dm_profile *p)
{
	dm_partial pt;
	char key[DM_LAYOUT_KEY_MAX], ts[32], *json = NULL, *loc;
	size_t len, j;
	dm_diag diag;
	dm_err err = DM_OK;
	int rc;

	dm_partial_init(&pt);
	pt.prof = *p; /* taken over */
	dm_profile_init(p, NULL);
	cli_iso_time(time(NULL), ts, sizeof(ts));
	pt.model = strdup(model);
	pt.model_version = strdup(version);
	pt.created_at = strdup(ts);
	pt.shard = i;
	pt.shards = shards;
	pt.run_fingerprint = fingerprint;
	pt.files_total = ff->n;
	for (j = lo; j < hi && err == DM_OK; j++)
		err = dm_partial_add_file(&pt, ff->keys[j], ff->sizes[j]);
	if (err != DM_OK || !pt.model || !pt.model_version || !pt.created_at) {
		dm_partial_release(&pt);
		return cli_fail("out of memory");
	}
	if ((rc = partial_key(model, version, i, shards, key, sizeof(key))) !=
	    EXIT_OK) {
		dm_partial_release(&pt);
		return rc;
	}
	dm_diag_clear(&diag);
	err = dm_partial_to_json(&pt, &json, &len);
	if (err == DM_OK)
		err = dm_store_put(st, key, json, len, &diag);
	free(json);
	if (err != DM_OK) {
		dm_partial_release(&pt);
		return cli_fail_err(err, &diag, "cannot write the partial");
	}
	loc = dm_store_location(st, key);
	printf("Partial baseline of %s %s, shard %u/%u: %zu of %zu files, "
	       "%" PRIu64 " rows\nWritten to %s\n",
	       model, version, i, shards, hi - lo, ff->n, pt.prof.rows,
	       loc ? loc : key);
	free(loc);
	dm_partial_release(&pt);
	return EXIT_OK;
}

/* The shard count of the partials under prefix when they agree; prints
 * the error otherwise. */
static int found_count(dm_store *st, const char *prefix, unsigned *shards)
{
	char **keys = NULL;
	size_t n = 0, i, plen = strlen(prefix);
	unsigned found = 0, other = 0;
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	err = dm_store_list(st, prefix, &keys, &n, &diag);
	if (err != DM_OK && err != DM_ENOENT)
		return cli_fail_err(err, &diag, "cannot list the partials");
	for (i = 0; i < n; i++) {
		unsigned a, b;
		char tail;

		if (sscanf(keys[i] + plen, "part-%u-of-%u.jso%c", &a, &b,
			   &tail) != 3 ||
		    b == 0)
			continue;
		if (!found)
			found = b;
		else if (b != found && !other)
			other = b;
	}
	dm_store_free_list(keys, n);
	if (!found)
		return cli_fail("no baseline partials under %s (run the "
				"shards first: driftmon baseline ... --shard "
				"I/N)",
				prefix);
	if (other)
		return cli_fail("partials of more than one run under %s (%u "
				"and %u shards): pass --shards N",
				prefix, found, other);
	*shards = found;
	return EXIT_OK;
}

/* Reads partial i of shards into pt and checks it against the first
 * one (NULL for the first). */
static int read_partial(dm_store *st, const char *model, const char *version,
			unsigned i, unsigned shards, const dm_partial *first,
			dm_partial *pt, int *missing)
{
	char key[DM_LAYOUT_KEY_MAX], *json = NULL;
	size_t len;
	dm_diag diag;
	dm_err err;
	int rc;

	*missing = 0;
	if ((rc = partial_key(model, version, i, shards, key, sizeof(key))) !=
	    EXIT_OK)
		return rc;
	dm_diag_clear(&diag);
	err = dm_store_get(st, key, 0, &json, &len, &diag);
	if (err == DM_ENOENT) {
		*missing = 1;
		return EXIT_RUNTIME;
	}
	if (err != DM_OK)
		return cli_fail_err(err, &diag, "cannot read the partial");
	err = dm_partial_from_json(json, len, key, pt, &diag);
	free(json);
	if (err != DM_OK)
		return cli_fail("%s: %s", key, diag.msg);
	if (strcmp(pt->model, model) || strcmp(pt->model_version, version) ||
	    pt->shard != i || pt->shards != shards)
		return cli_fail("%s is shard %u/%u of %s %s, not shard %u/%u "
				"of %s %s",
				key, pt->shard, pt->shards, pt->model,
				pt->model_version, i, shards, model, version);
	if (first && (pt->run_fingerprint != first->run_fingerprint ||
		      pt->files_total != first->files_total ||
		      (!pt->prof.spec_yaml != !first->prof.spec_yaml) ||
		      (pt->prof.spec_yaml &&
		       strcmp(pt->prof.spec_yaml, first->prof.spec_yaml))))
		return cli_fail("%s is of another run than shard 0 (its input "
				"files or options differ): rerun shard %u/%u "
				"with the same input and options",
				key, i, shards);
	return EXIT_OK;
}

int fanout_merge_partials(dm_store *st, const char *model, const char *version,
			  unsigned shards, dm_profile *p)
{
	char prefix[DM_LAYOUT_KEY_MAX], miss[200];
	dm_partial first, pt;
	uint64_t files = 0;
	size_t moff = 0;
	unsigned i, nmiss = 0;
	int rc, missing;

	if ((rc = fanout_partials_prefix(model, version, prefix,
					 sizeof(prefix))) != EXIT_OK)
		return rc;
	if (!shards && (rc = found_count(st, prefix, &shards)) != EXIT_OK)
		return rc;
	dm_partial_init(&first);
	miss[0] = '\0';
	for (i = 0; i < shards; i++) {
		dm_partial *cur = i ? &pt : &first;
		dm_diag diag;

		rc = read_partial(st, model, version, i, shards,
				  i && first.model ? &first : NULL, cur,
				  &missing);
		if (missing) {
			if (nmiss++ < 10 && moff < sizeof(miss) - 12)
				moff += (size_t)snprintf(
					miss + moff, sizeof(miss) - moff,
					"%s%u", nmiss > 1 ? ", " : "", i);
			continue;
		}
		if (rc != EXIT_OK || nmiss) {
			if (i)
				dm_partial_release(cur);
			if (rc != EXIT_OK)
				break;
			continue;
		}
		files += cur->nfiles;
		if (i == 0) {
			*p = first.prof;
			dm_profile_init(&first.prof, NULL);
			continue;
		}
		dm_diag_clear(&diag);
		if (p->nfeat == 0 && p->rows == 0) {
			/* the earlier shares had no files */
			dm_profile_release(p);
			*p = pt.prof;
			dm_profile_init(&pt.prof, NULL);
		} else if ((pt.prof.nfeat || pt.prof.rows) &&
			   dm_partial_merge(p, &pt.prof, &diag) != DM_OK) {
			rc = cli_fail("cannot merge shard %u/%u: %s", i, shards,
				      diag.msg);
		}
		dm_partial_release(&pt);
		if (rc != EXIT_OK)
			break;
	}
	if (rc == EXIT_OK && nmiss == 0 && files != first.files_total)
		rc = cli_fail("the partials cover %" PRIu64 " files, the run "
			      "had %" PRIu64,
			      files, first.files_total);
	if (nmiss)
		rc = cli_fail(
			"%u of %u partials missing under %s: shard%s %s%s "
			"(rerun: driftmon baseline ... --shard I/%u)",
			nmiss, shards, prefix, nmiss > 1 ? "s" : "", miss,
			nmiss > 10 ? ", ..." : "", shards);
	dm_partial_release(&first);
	return rc;
}
