/* SPDX-License-Identifier: Apache-2.0 */
/* Small shared helpers (see util.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"

char *util_dupn(const void *p, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

int util_mkdirs(const char *path, size_t len, mode_t mode)
{
	char *p = util_dupn(path, len), *q;
	int rc = 0;

	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	for (q = p + 1; rc == 0 && *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			rc = -1;
		*q = '/';
	}
	if (rc == 0 && len && mkdir(p, mode) < 0 && errno != EEXIST)
		rc = -1;
	if (rc < 0) {
		int e = errno;

		free(p);
		errno = e;
		return -1;
	}
	free(p);
	return 0;
}

int util_key_path_ok(const char *key)
{
	const char *p = key;

	if (!key || !*key || *key == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}
