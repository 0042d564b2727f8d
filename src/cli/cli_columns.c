/* SPDX-License-Identifier: Apache-2.0 */
/* --role COL=ROLE, --type COL=TYPE and --missing-values: the column
 * options 'baseline' and 'compare' share. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Appends name=code to the parallel lists (names NULL-terminated).
 * -1 when out of memory. */
static int push(char ***names, int **codes, size_t *n, const char *name,
		int code)
{
	char **nn = cli_list_append(*names, name);
	int *nc;

	if (!nn)
		return -1;
	*names = nn;
	nc = realloc(*codes, (*n + 1) * sizeof(**codes));
	if (!nc)
		return -1;
	*codes = nc;
	(*codes)[(*n)++] = code;
	return 0;
}

/* "a=x,b=y" into the lists; parse maps a value to its code.  0, or -1
 * (a malformed item, an unknown value, out of memory). */
static int add(char ***names, int **codes, size_t *n, const char *arg,
	       int (*parse)(const char *, int *))
{
	char **items = cli_split_list(arg);
	size_t i;
	int rc = items && items[0] ? 0 : -1;

	for (i = 0; rc == 0 && items[i]; i++) {
		char *eq = strchr(items[i], '=');
		int v;

		if (!eq || eq == items[i] || parse(eq + 1, &v) < 0) {
			rc = -1;
			break;
		}
		*eq = '\0';
		rc = push(names, codes, n, items[i], v);
	}
	cli_free_list(items);
	return rc;
}

static int role_code(const char *s, int *out)
{
	dm_role r;

	if (dm_role_parse(s, &r) < 0)
		return -1;
	*out = (int)r;
	return 0;
}

static int ltype_code(const char *s, int *out)
{
	dm_ltype t;

	if (dm_ltype_parse(s, &t) < 0)
		return -1;
	*out = (int)t;
	return 0;
}

int cli_columns_role(cli_columns *c, const char *cmd, const char *arg)
{
	if (add(&c->role_names, &c->role_codes, &c->nroles, arg, role_code) < 0)
		return cli_usage(cmd,
				 "invalid --role '%s': expected COLUMN=ROLE "
				 "with ROLE one of feature, prediction, label, "
				 "event_time, identifier, text, ignored",
				 arg);
	return EXIT_OK;
}

int cli_columns_type(cli_columns *c, const char *cmd, const char *arg)
{
	if (add(&c->type_names, &c->type_codes, &c->ntypes, arg, ltype_code) <
	    0)
		return cli_usage(cmd,
				 "invalid --type '%s': expected COLUMN=TYPE "
				 "with TYPE one of numeric, integer, boolean, "
				 "categorical, timestamp, text",
				 arg);
	return EXIT_OK;
}

int cli_columns_missing(cli_columns *c, const char *arg)
{
	cli_free_list(c->missing);
	c->missing = cli_split_list(arg);
	return c->missing ? EXIT_OK : cli_fail("out of memory");
}

int cli_columns_apply(cli_columns *c, dm_profile_opts *po)
{
	size_t i;

	free(c->roles);
	free(c->types);
	c->roles = calloc(c->nroles + 1, sizeof(*c->roles));
	c->types = calloc(c->ntypes + 1, sizeof(*c->types));
	if (!c->roles || !c->types)
		return cli_fail("out of memory");
	for (i = 0; i < c->nroles; i++)
		c->roles[i] = (dm_role)c->role_codes[i];
	for (i = 0; i < c->ntypes; i++)
		c->types[i] = (dm_ltype)c->type_codes[i];
	po->role_names = (const char *const *)c->role_names;
	po->role_values = c->roles;
	po->ltype_names = (const char *const *)c->type_names;
	po->ltype_values = c->types;
	po->missing_values = (const char *const *)c->missing;
	return EXIT_OK;
}

void cli_columns_release(cli_columns *c)
{
	cli_free_list(c->role_names);
	cli_free_list(c->type_names);
	cli_free_list(c->missing);
	free(c->role_codes);
	free(c->type_codes);
	free(c->roles);
	free(c->types);
	memset(c, 0, sizeof(*c));
}
