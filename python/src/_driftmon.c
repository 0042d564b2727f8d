/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon._driftmon: the CPython extension under the driftmon package.
 *
 * A thin layer: profiles (from in-memory columns through
 * dm_mem_reader_open, or from files), comparisons (dm_detect and the
 * JSON/HTML reports), stored baselines, and the inference logger.  The
 * Python side (driftmon/__init__.py) turns DataFrames and arrays into
 * column descriptions; this file only reads their buffers (the buffer
 * protocol: a float64 column is handed to the library in place).
 *
 * Library errors become DriftmonError subclasses carrying the library's
 * one-line diagnostic.  The GIL is released while the library profiles,
 * compares, waits for the logger's WAL or flushes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driftmon/detect.h"
#include "driftmon/job.h"
#include "driftmon/layout.h"
#include "driftmon/logger.h"
#include "driftmon/profile.h"
#include "driftmon/report.h"
#include "driftmon/schema.h"
#include "driftmon/store.h"
#include "driftmon/table.h"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */
static PyObject *err_base; /* DriftmonError */
static PyObject *err_by_code[DM_ERR_COUNT_];

static PyObject *raise_dm(dm_err err, const dm_diag *diag, const char *what)
{
	PyObject *cls, *exc, *args;
	const char *msg = diag && diag->msg[0] ? diag->msg : dm_strerror(err);
	char line[1100];

	if (err == DM_ENOMEM)
		return PyErr_NoMemory();
	if (what)
		snprintf(line, sizeof(line), "%s: %s", what, msg);
	else
		snprintf(line, sizeof(line), "%s", msg);
	cls = (unsigned)err < DM_ERR_COUNT_ && err_by_code[err]
		      ? err_by_code[err]
		      : err_base;
	args = Py_BuildValue("(s)", line);
	if (!args)
		return NULL;
	exc = PyObject_Call(cls, args, NULL);
	Py_DECREF(args);
	if (!exc)
		return NULL;
	{
		PyObject *v = PyLong_FromLong((long)err);

		if (v) {
			PyObject_SetAttrString(exc, "code", v);
			Py_DECREF(v);
		}
		v = PyUnicode_FromString(diag && diag->file[0] ? diag->file
							       : "");
		if (v) {
			PyObject_SetAttrString(exc, "file", v);
			Py_DECREF(v);
		}
		v = PyUnicode_FromString(diag && diag->column[0] ? diag->column
								 : "");
		if (v) {
			PyObject_SetAttrString(exc, "column", v);
			Py_DECREF(v);
		}
		v = PyLong_FromUnsignedLongLong(diag ? diag->row : 0);
		if (v) {
			PyObject_SetAttrString(exc, "row", v);
			Py_DECREF(v);
		}
	}
	PyErr_Clear();
	PyErr_SetObject(cls, exc);
	Py_DECREF(exc);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Option helpers                                                      */
/* ------------------------------------------------------------------ */
/* A NULL-terminated copy of a list of str (NULL for None). */
static int str_list(PyObject *seq, char ***out)
{
	Py_ssize_t i, n;
	char **v;

	*out = NULL;
	if (!seq || seq == Py_None)
		return 0;
	seq = PySequence_Fast(seq, "expected a list of column names");
	if (!seq)
		return -1;
	n = PySequence_Fast_GET_SIZE(seq);
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v) {
		Py_DECREF(seq);
		PyErr_NoMemory();
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *s =
			PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));

		if (!s || !(v[i] = strdup(s))) {
			if (s)
				PyErr_NoMemory();
			for (i = 0; v[i]; i++)
				free(v[i]);
			free(v);
			Py_DECREF(seq);
			return -1;
		}
	}
	Py_DECREF(seq);
	*out = v;
	return 0;
}

static void free_list(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static unsigned default_threads(void)
{
	const char *e = getenv("DRIFTMON_THREADS");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (e && atoi(e) >= 1 && atoi(e) <= 8)
		return (unsigned)atoi(e);
	if (cpus < 1)
		return 1;
	return cpus > 4 ? 4 : (unsigned)cpus;
}

/* ------------------------------------------------------------------ */
/* Profile objects                                                     */
/* ------------------------------------------------------------------ */
typedef struct {
	PyObject_HEAD dm_profile prof;
	int baseline;	     /* finished baseline (not a current profile) */
	PyObject *reference; /* current mode: the Profile it points into */
} ProfileObject;

static PyTypeObject ProfileType;

static ProfileObject *profile_new(void)
{
	ProfileObject *p = PyObject_New(ProfileObject, &ProfileType);

	if (!p)
		return NULL;
	dm_profile_init(&p->prof, NULL);
	p->baseline = 0;
	p->reference = NULL;
	return p;
}

static void profile_dealloc(ProfileObject *self)
{
	dm_profile_release(&self->prof);
	Py_XDECREF(self->reference);
	PyObject_Free(self);
}

static PyObject *profile_to_json(ProfileObject *self, PyObject *unused)
{
	char *json = NULL;
	size_t len = 0;
	dm_err err;
	PyObject *r;

	if (!self->baseline) {
		PyErr_SetString(PyExc_ValueError,
				"only a baseline profile can be serialised");
		return NULL;
	}
	err = dm_baseline_to_json(&self->prof, &json, &len);
	if (err != DM_OK)
		return raise_dm(err, NULL, "cannot serialise the baseline");
	r = PyUnicode_FromStringAndSize(json, (Py_ssize_t)len);
	free(json);
	return r;
}

static PyObject *profile_get_rows(ProfileObject *self, void *c)
{
	return PyLong_FromUnsignedLongLong(self->prof.rows);
}

/* [(name, type, role, ltype, count, missing, invalid), ...] */
static PyObject *profile_get_columns(ProfileObject *self, void *c)
{
	PyObject *list = PyList_New((Py_ssize_t)self->prof.nfeat);
	size_t i;

	if (!list)
		return NULL;
	for (i = 0; i < self->prof.nfeat; i++) {
		const dm_feature *f = &self->prof.feat[i];
		PyObject *t = Py_BuildValue(
			"(sssssKKK)", f->name, dm_feature_type_name(f->type),
			dm_role_name(f->role), dm_ltype_name(f->ltype),
			f->reason, (unsigned long long)f->count,
			(unsigned long long)f->missing,
			(unsigned long long)f->invalid);

		if (!t) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, t);
	}
	return list;
}

static PyObject *profile_get_meta(ProfileObject *self, void *c)
{
	const dm_profile *p = &self->prof;

	return Py_BuildValue("{s:z,s:z,s:z,s:O}", "model", p->model, "version",
			     p->model_version, "created_at", p->created_at,
			     "baseline", self->baseline ? Py_True : Py_False);
}

static PyObject *profile_get_warnings(ProfileObject *self, void *c)
{
	PyObject *list = PyList_New((Py_ssize_t)self->prof.nwarnings);
	size_t i;

	for (i = 0; list && i < self->prof.nwarnings; i++) {
		PyObject *s = PyUnicode_FromString(self->prof.warnings[i]);

		if (!s) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, s);
	}
	return list;
}

static PyMethodDef profile_methods[] = {
	{"to_json", (PyCFunction)profile_to_json, METH_NOARGS,
	 "The baseline as JSON text (docs/baseline-format.md)."},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef profile_getset[] = {
	{"rows", (getter)profile_get_rows, NULL, "rows profiled", NULL},
	{"columns", (getter)profile_get_columns, NULL,
	 "(name, type, role, ltype, reason, count, missing, invalid) per "
	 "column",
	 NULL},
	{"meta", (getter)profile_get_meta, NULL, "model, version, created_at",
	 NULL},
	{"warnings", (getter)profile_get_warnings, NULL,
	 "warnings of the baseline's inference", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ProfileType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "driftmon._driftmon.Profile",
	.tp_basicsize = sizeof(ProfileObject),
	.tp_dealloc = (destructor)profile_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A profile held by libdriftmon (a baseline or a window).",
	.tp_methods = profile_methods,
	.tp_getset = profile_getset,
};

/* ------------------------------------------------------------------ */
/* Building profiles                                                   */
/* ------------------------------------------------------------------ */
struct popts {
	dm_profile_opts po;
	char **features, **exclude, **categorical, **missing;
	dm_spec spec;
	int has_spec;
	char *spec_text;
	char *model, *version;
};

static void popts_release(struct popts *o)
{
	free_list(o->features);
	free_list(o->exclude);
	free_list(o->categorical);
	free_list(o->missing);
	if (o->has_spec)
		dm_spec_release(&o->spec);
	free(o->spec_text);
	free(o->model);
	free(o->version);
}

static int dict_str(PyObject *d, const char *key, char **out)
{
	PyObject *v = d ? PyDict_GetItemString(d, key) : NULL;
	const char *s;

	*out = NULL;
	if (!v || v == Py_None)
		return 0;
	if (!(s = PyUnicode_AsUTF8(v)))
		return -1;
	if (!(*out = strdup(s))) {
		PyErr_NoMemory();
		return -1;
	}
	return 0;
}

/* A window compared once (driftmon.compare, as `driftmon compare`):
 * "window_ecdf" counts it against the reference's stored ECDF instead
 * of sketching it, unless "window_test" (a test name) needs the values
 * (dm_profile_opts.window_ecdf). */
static int window_opts(PyObject *d, struct popts *o)
{
	PyObject *v = d ? PyDict_GetItemString(d, "window_ecdf") : NULL;
	char *test = NULL;
	int id;

	if (v && v != Py_None)
		o->po.window_ecdf = PyObject_IsTrue(v);
	if (dict_str(d, "window_test", &test) < 0)
		return -1;
	id = test ? dm_test_from_name(test) : DM_TEST_AUTO;
	free(test);
	o->po.window_test = id < 0 ? DM_TEST_AUTO : id;
	return 0;
}

/* Options dict: features, exclude, categorical, missing_values (lists),
 * bins (int), spec (YAML text), spec_name, model, version, strict. */
static int popts_from(PyObject *d, ProfileObject *ref, struct popts *o)
{
	PyObject *v;
	char *specname = NULL;

	memset(o, 0, sizeof(*o));
	if (d && d != Py_None && !PyDict_Check(d)) {
		PyErr_SetString(PyExc_TypeError, "options must be a dict");
		return -1;
	}
	if (d == Py_None)
		d = NULL;
	if (str_list(d ? PyDict_GetItemString(d, "features") : NULL,
		     &o->features) < 0 ||
	    str_list(d ? PyDict_GetItemString(d, "exclude") : NULL,
		     &o->exclude) < 0 ||
	    str_list(d ? PyDict_GetItemString(d, "categorical") : NULL,
		     &o->categorical) < 0 ||
	    str_list(d ? PyDict_GetItemString(d, "missing_values") : NULL,
		     &o->missing) < 0 ||
	    dict_str(d, "spec", &o->spec_text) < 0 ||
	    dict_str(d, "model", &o->model) < 0 ||
	    dict_str(d, "version", &o->version) < 0 ||
	    dict_str(d, "spec_name", &specname) < 0)
		goto fail;
	o->po.features = (const char *const *)o->features;
	o->po.exclude = (const char *const *)o->exclude;
	o->po.categorical = (const char *const *)o->categorical;
	o->po.missing_values = (const char *const *)o->missing;
	if (d && (v = PyDict_GetItemString(d, "bins")) && v != Py_None) {
		long b = PyLong_AsLong(v);

		if (b == -1 && PyErr_Occurred())
			goto fail;
		if (b < 2 || b > DM_PSI_BINS_MAX) {
			PyErr_Format(PyExc_ValueError,
				     "bins: expected 2 to %d, got %ld",
				     DM_PSI_BINS_MAX, b);
			goto fail;
		}
		o->po.nbins = (unsigned)b;
	}
	o->po.strict = 1;
	if (d && (v = PyDict_GetItemString(d, "strict")) && v != Py_None)
		o->po.strict = PyObject_IsTrue(v);
	o->po.threads = default_threads();
	if (o->spec_text) {
		dm_diag diag;
		dm_err err;

		dm_diag_clear(&diag);
		err = dm_spec_parse_yaml(o->spec_text, strlen(o->spec_text),
					 specname ? specname : "<spec>",
					 &o->spec, &diag);
		if (err != DM_OK) {
			raise_dm(err, &diag, "invalid spec");
			goto fail;
		}
		o->has_spec = 1;
		o->po.spec = &o->spec;
	}
	if (ref) {
		o->po.reference = &ref->prof;
		o->po.strict = 0;
		o->po.spec = NULL;
		if (window_opts(d, o) < 0)
			goto fail;
	}
	free(specname);
	return 0;
fail:
	free(specname);
	popts_release(o);
	return -1;
}

/* Finishes a profile built by build_common: a baseline gets its edges,
 * model, version, creation time and spec text. */
static PyObject *finish(ProfileObject *p, struct popts *o, const char *what)
{
	dm_diag diag;
	dm_err err = DM_OK;

	if (!p->reference) {
		dm_diag_clear(&diag);
		Py_BEGIN_ALLOW_THREADS err = dm_profile_finish(&p->prof, &diag);
		Py_END_ALLOW_THREADS if (err != DM_OK)
		{
			if (err == DM_EEMPTY)
				snprintf(diag.msg, sizeof(diag.msg),
					 "%s: no data rows", what);
			Py_DECREF(p);
			return raise_dm(err, &diag, "cannot build a baseline");
		}
		p->baseline = 1;
		if (o->model || o->version) {
			char ts[32];
			time_t now = time(NULL);
			struct tm tm;

			gmtime_r(&now, &tm);
			strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
			p->prof.model = strdup(o->model ? o->model : "model");
			p->prof.model_version =
				strdup(o->version ? o->version : "v1");
			p->prof.created_at = strdup(ts);
		}
		if (o->spec_text)
			p->prof.spec_yaml = strdup(o->spec_text);
	}
	return (PyObject *)p;
}

/* Column description tuple (see driftmon/_columns.py):
 * (name, kind, data, missing|None, nan_missing, hint, code_kind,
 *  dict: list of bytes | None) */
struct colbuf {
	Py_buffer data, missing;
	int has_data, has_missing;
	dm_strref *dict;
};

/* Bytes of one element of a dm_mem_kind (0 for kinds not accepted). */
static Py_ssize_t elem_size(int kind)
{
	switch (kind) {
	case DM_MEM_F64:
	case DM_MEM_I64:
	case DM_MEM_U64:
	case DM_MEM_TIME_NS:
	case DM_MEM_TIME_S:
		return 8;
	case DM_MEM_F32:
	case DM_MEM_I32:
	case DM_MEM_U32:
		return 4;
	case DM_MEM_I16:
	case DM_MEM_U16:
		return 2;
	case DM_MEM_I8:
	case DM_MEM_U8:
	case DM_MEM_BOOL:
		return 1;
	default:
		return 0;
	}
}

static int get_buffer(PyObject *o, Py_buffer *b, const char *name)
{
	if (PyObject_GetBuffer(o, b, PyBUF_STRIDES) < 0)
		return -1;
	if (b->ndim != 1) {
		PyBuffer_Release(b);
		PyErr_Format(PyExc_ValueError,
			     "column '%s': expected a one-dimensional array",
			     name);
		return -1;
	}
	return 0;
}

static PyObject *profile_columns(PyObject *mod, PyObject *args)
{
	const char *name;
	PyObject *cols, *opts, *refobj, *seq = NULL, *result = NULL;
	Py_ssize_t nrows, n = 0, i;
	ProfileObject *ref = NULL, *p = NULL;
	struct colbuf *bufs = NULL;
	dm_mem_column *mc = NULL;
	struct popts o;
	dm_reader *r = NULL;
	dm_diag diag;
	dm_err err;

	if (!PyArg_ParseTuple(args, "sOnOO", &name, &cols, &nrows, &opts,
			      &refobj))
		return NULL;
	if (refobj != Py_None) {
		if (!PyObject_TypeCheck(refobj, &ProfileType) ||
		    !((ProfileObject *)refobj)->baseline) {
			PyErr_SetString(PyExc_TypeError,
					"reference must be a baseline Profile");
			return NULL;
		}
		ref = (ProfileObject *)refobj;
	}
	if (nrows < 0) {
		PyErr_SetString(PyExc_ValueError, "negative row count");
		return NULL;
	}
	if (popts_from(opts, ref, &o) < 0)
		return NULL;
	if (!(seq = PySequence_Fast(cols, "columns must be a list")))
		goto out;
	n = PySequence_Fast_GET_SIZE(seq);
	bufs = calloc((size_t)n + 1, sizeof(*bufs));
	mc = calloc((size_t)n + 1, sizeof(*mc));
	if (!bufs || !mc) {
		PyErr_NoMemory();
		goto out;
	}
	for (i = 0; i < n; i++) {
		PyObject *t = PySequence_Fast_GET_ITEM(seq, i);
		PyObject *data, *missing, *dict;
		const char *cname;
		int kind, nanm, hint, ckind;

		if (!PyArg_ParseTuple(t, "siOOpiiO", &cname, &kind, &data,
				      &missing, &nanm, &hint, &ckind, &dict))
			goto out;
		mc[i].name = cname;
		mc[i].kind = (dm_mem_kind)kind;
		mc[i].nan_missing = nanm;
		mc[i].hint = (dm_ltype)hint;
		mc[i].code_kind = (dm_mem_kind)ckind;
		if (get_buffer(data, &bufs[i].data, cname) < 0)
			goto out;
		bufs[i].has_data = 1;
		if (bufs[i].data.shape[0] != nrows) {
			PyErr_Format(PyExc_ValueError,
				     "column '%s': %zd values, expected %zd",
				     cname, bufs[i].data.shape[0], nrows);
			goto out;
		}
		if (kind == DM_MEM_STR || kind < 0 ||
		    kind >= DM_MEM_KIND_COUNT_) {
			PyErr_Format(PyExc_ValueError,
				     "column '%s': unsupported kind %d", cname,
				     kind);
			goto out;
		}
		if (bufs[i].data.itemsize !=
		    elem_size(kind == DM_MEM_CODES ? ckind : kind)) {
			PyErr_Format(
				PyExc_ValueError,
				"column '%s': %zd-byte elements do not fit "
				"kind %d",
				cname, bufs[i].data.itemsize, kind);
			goto out;
		}
		mc[i].data = bufs[i].data.buf;
		mc[i].stride = bufs[i].data.strides[0];
		if (nrows == 0)
			mc[i].data = "";
		if (missing != Py_None) {
			if (get_buffer(missing, &bufs[i].missing, cname) < 0)
				goto out;
			bufs[i].has_missing = 1;
			if (bufs[i].missing.itemsize != 1 ||
			    bufs[i].missing.strides[0] != 1 ||
			    bufs[i].missing.shape[0] != nrows) {
				PyErr_Format(
					PyExc_ValueError,
					"column '%s': the missing mask must "
					"be %zd contiguous bytes",
					cname, nrows);
				goto out;
			}
			mc[i].missing = bufs[i].missing.buf;
		}
		if (dict != Py_None) {
			Py_ssize_t k, nd;

			if (!PyList_Check(dict)) {
				PyErr_SetString(PyExc_TypeError,
						"categories must be a list");
				goto out;
			}
			nd = PyList_GET_SIZE(dict);
			bufs[i].dict =
				calloc((size_t)nd + 1, sizeof(dm_strref));
			if (!bufs[i].dict) {
				PyErr_NoMemory();
				goto out;
			}
			for (k = 0; k < nd; k++) {
				PyObject *b = PyList_GET_ITEM(dict, k);

				if (!PyBytes_Check(b)) {
					PyErr_SetString(PyExc_TypeError,
							"categories must be "
							"bytes");
					goto out;
				}
				bufs[i].dict[k].ptr = PyBytes_AS_STRING(b);
				bufs[i].dict[k].len =
					(uint32_t)PyBytes_GET_SIZE(b);
			}
			mc[i].dict = bufs[i].dict;
			mc[i].ndict = (size_t)nd;
		}
	}
	dm_diag_clear(&diag);
	err = dm_mem_reader_open(name, mc, (size_t)n, (size_t)nrows, NULL, &r,
				 &diag);
	if (err != DM_OK) {
		raise_dm(err, &diag, "cannot read");
		goto out;
	}
	if (!(p = profile_new()))
		goto out;
	dm_profile_init(&p->prof, &o.po);
	if (ref) {
		Py_INCREF(ref);
		p->reference = (PyObject *)ref;
	}
	Py_BEGIN_ALLOW_THREADS err =
		dm_profile_add_reader(&p->prof, &o.po, r, &diag);
	Py_END_ALLOW_THREADS if (err != DM_OK)
	{
		Py_CLEAR(p);
		raise_dm(err, &diag, "cannot read");
		goto out;
	}
	result = finish(p, &o, name);
	p = NULL;
out:
	dm_reader_free(r);
	for (i = 0; bufs && i < n; i++) {
		if (bufs[i].has_data)
			PyBuffer_Release(&bufs[i].data);
		if (bufs[i].has_missing)
			PyBuffer_Release(&bufs[i].missing);
		free(bufs[i].dict);
	}
	free(bufs);
	free(mc);
	Py_XDECREF(seq);
	popts_release(&o);
	return result;
}

static PyObject *profile_files(PyObject *mod, PyObject *args)
{
	PyObject *paths, *opts, *refobj, *result = NULL;
	ProfileObject *ref = NULL, *p = NULL;
	char **files = NULL;
	struct popts o;
	dm_reader_opts ro = {0};
	size_t i;
	dm_err err = DM_OK;
	dm_diag diag;

	if (!PyArg_ParseTuple(args, "OOO", &paths, &opts, &refobj))
		return NULL;
	if (refobj != Py_None) {
		if (!PyObject_TypeCheck(refobj, &ProfileType) ||
		    !((ProfileObject *)refobj)->baseline) {
			PyErr_SetString(PyExc_TypeError,
					"reference must be a baseline Profile");
			return NULL;
		}
		ref = (ProfileObject *)refobj;
	}
	if (popts_from(opts, ref, &o) < 0)
		return NULL;
	if (str_list(paths, &files) < 0)
		goto out;
	if (!files || !files[0]) {
		PyErr_SetString(PyExc_ValueError, "no files given");
		goto out;
	}
	ro.lenient = ref != NULL;
	if (!(p = profile_new()))
		goto out;
	dm_profile_init(&p->prof, &o.po);
	if (ref) {
		Py_INCREF(ref);
		p->reference = (PyObject *)ref;
	}
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS for (i = 0; files[i] && err == DM_OK; i++)
	{
		dm_reader *r = NULL;

		err = dm_reader_open_file(files[i], &ro, &r, &diag);
		if (err == DM_OK)
			err = dm_profile_add_reader(&p->prof, &o.po, r, &diag);
		dm_reader_free(r);
		if (err != DM_OK && !diag.msg[0])
			dm_diag_set(&diag, err, files[i], 0, NULL, "%s",
				    dm_strerror(err));
		else if (err != DM_OK && !diag.file[0]) {
			char msg[sizeof(diag.msg)];

			snprintf(msg, sizeof(msg), "%s", diag.msg);
			dm_diag_set(&diag, err, files[i], 0, NULL, "%s", msg);
		}
	}
	Py_END_ALLOW_THREADS if (err != DM_OK)
	{
		Py_CLEAR(p);
		raise_dm(err, &diag, "cannot read");
		goto out;
	}
	result = finish(p, &o, files[0]);
	p = NULL;
out:
	free_list(files);
	popts_release(&o);
	return result;
}

static PyObject *baseline_from_json(PyObject *mod, PyObject *args)
{
	const char *json, *name;
	Py_ssize_t len;
	ProfileObject *p;
	dm_diag diag;
	dm_err err;

	if (!PyArg_ParseTuple(args, "s#s", &json, &len, &name))
		return NULL;
	if (!(p = profile_new()))
		return NULL;
	dm_profile_release(&p->prof);
	dm_diag_clear(&diag);
	err = dm_baseline_from_json(json, (size_t)len, name, &p->prof, &diag);
	if (err != DM_OK) {
		dm_profile_init(&p->prof, NULL);
		Py_DECREF(p);
		return raise_dm(err, &diag, "bad baseline");
	}
	p->baseline = 1;
	return (PyObject *)p;
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */
/* ------------------------------------------------------------------ */
static int cfg_double(PyObject *d, const char *key, double *out, double lo,
		      double hi)
{
	PyObject *v = PyDict_GetItemString(d, key);
	double x;

	if (!v || v == Py_None)
		return 0;
	x = PyFloat_AsDouble(v);
	if (x == -1.0 && PyErr_Occurred())
		return -1;
	if (!(x >= lo && x <= hi)) {
		PyErr_Format(PyExc_ValueError,
			     "%s: expected a number from %g to %g, got %R", key,
			     lo, hi, v);
		return -1;
	}
	*out = x;
	return 1;
}

/* The spec's model defaults (unless given) and per-column settings, as
 * the CLI's cli_spec_apply. */
static int apply_spec(dm_detect_config *c, unsigned given, dm_profile *base)
{
	dm_spec spec;
	dm_diag diag;
	size_t i;

	if (!base->spec_yaml)
		return 0;
	dm_diag_clear(&diag);
	if (dm_spec_parse_yaml(base->spec_yaml, strlen(base->spec_yaml),
			       "baseline spec", &spec, &diag) != DM_OK)
		return 0; /* it was checked when the baseline was built */
	if (!isnan(spec.psi_threshold) && !(given & 1))
		c->psi_threshold = spec.psi_threshold;
	if (!isnan(spec.alpha) && !(given & 2))
		c->alpha = spec.alpha;
	if (!isnan(spec.critical_threshold) && !(given & 4))
		c->critical_threshold = spec.critical_threshold;
	if (spec.has_min_samples && !(given & 8))
		c->min_samples = spec.min_samples;
	for (i = 0; i < spec.ncols; i++) {
		const dm_column_spec *cs = &spec.cols[i];
		dm_feature *f = dm_profile_find(base, cs->name);

		if (!f)
			continue;
		if (cs->test)
			snprintf(f->test, sizeof(f->test), "%s", cs->test);
		if (!isnan(cs->psi_threshold))
			f->psi_threshold = cs->psi_threshold;
		if (!isnan(cs->min_effect))
			f->min_effect = cs->min_effect;
		if (!isnan(cs->importance))
			f->importance = cs->importance;
	}
	dm_spec_release(&spec);
	return 0;
}

/* compare(reference, current, config, model, version) -> JSON text */
static PyObject *compare(PyObject *mod, PyObject *args)
{
	PyObject *refo, *curo, *cfgd, *result = NULL, *v;
	const char *model, *version;
	ProfileObject *ref, *cur;
	dm_detect_config cfg;
	dm_result res;
	dm_diag diag;
	dm_err err;
	unsigned given = 0;
	char *json = NULL, ts[32];
	size_t len;
	double x;
	time_t now;
	struct tm tm;
	int k;

	if (!PyArg_ParseTuple(args, "O!O!O!ss", &ProfileType, &refo,
			      &ProfileType, &curo, &PyDict_Type, &cfgd, &model,
			      &version))
		return NULL;
	ref = (ProfileObject *)refo;
	cur = (ProfileObject *)curo;
	if (!ref->baseline || cur->reference != refo) {
		PyErr_SetString(PyExc_ValueError,
				"current must be profiled against reference");
		return NULL;
	}
	dm_detect_config_init(&cfg);
	if ((k = cfg_double(cfgd, "psi_threshold", &cfg.psi_threshold, 0,
			    100)) < 0)
		return NULL;
	given |= k ? 1 : 0;
	if ((k = cfg_double(cfgd, "alpha", &cfg.alpha, 1e-12, 0.5)) < 0)
		return NULL;
	given |= k ? 2 : 0;
	if ((k = cfg_double(cfgd, "critical_threshold", &cfg.critical_threshold,
			    0, 1)) < 0)
		return NULL;
	given |= k ? 4 : 0;
	x = NAN;
	if ((k = cfg_double(cfgd, "min_samples", &x, 1, 1e15)) < 0)
		return NULL;
	if (k) {
		if (x != floor(x)) {
			PyErr_SetString(PyExc_ValueError,
					"min_samples: expected a whole number");
			return NULL;
		}
		cfg.min_samples = (uint64_t)x;
		given |= 8;
	}
	if (cfg_double(cfgd, "min_ks_d", &cfg.min_ks_d, 0, 1) < 0 ||
	    cfg_double(cfgd, "psi_minor", &cfg.psi_minor, 0, 100) < 0 ||
	    cfg_double(cfgd, "test_threshold", &cfg.test_threshold, 0, 100) < 0)
		return NULL;
	if ((v = PyDict_GetItemString(cfgd, "test")) && v != Py_None) {
		const char *t = PyUnicode_AsUTF8(v);
		int id;

		if (!t)
			return NULL;
		if ((id = dm_test_from_name(t)) < 0) {
			PyErr_Format(PyExc_ValueError,
				     "test: '%s' is not one of %s", t,
				     dm_test_names_list());
			return NULL;
		}
		cfg.test = id;
	}
	apply_spec(&cfg, given, &ref->prof);
	memset(&res, 0, sizeof(res));
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS err =
		dm_detect(&ref->prof, &cur->prof, &cfg, &res, &diag);
	Py_END_ALLOW_THREADS if (err != DM_OK) return raise_dm(
		err, &diag, "cannot compare");
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	free(res.generated_at);
	free(res.model);
	free(res.model_version);
	res.generated_at = strdup(ts);
	res.model = strdup(model);
	res.model_version = strdup(version);
	res.rows_skipped = cur->prof.rows_skipped;
	err = dm_report_to_json(&res, &json, &len);
	if (err != DM_OK)
		raise_dm(err, NULL, "cannot build the report");
	else
		result = PyUnicode_FromStringAndSize(json, (Py_ssize_t)len);
	free(json);
	dm_result_release(&res);
	return result;
}

static PyObject *html_from_json(PyObject *mod, PyObject *args)
{
	const char *json, *name;
	Py_ssize_t len;
	char *html = NULL;
	size_t hlen;
	dm_diag diag;
	dm_err err;
	PyObject *r;

	if (!PyArg_ParseTuple(args, "s#s", &json, &len, &name))
		return NULL;
	dm_diag_clear(&diag);
	err = dm_report_html_from_json(json, (size_t)len, name, NULL, &html,
				       &hlen, &diag);
	if (err != DM_OK)
		return raise_dm(err, &diag, "cannot render the report");
	r = PyUnicode_FromStringAndSize(html, (Py_ssize_t)hlen);
	free(html);
	return r;
}

/* ------------------------------------------------------------------ */
/* Stores                                                              */
/* ------------------------------------------------------------------ */
static PyObject *store_put(PyObject *mod, PyObject *args)
{
	const char *url, *key;
	const char *data;
	Py_ssize_t len;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	char *loc;
	PyObject *r;

	if (!PyArg_ParseTuple(args, "ssy#", &url, &key, &data, &len))
		return NULL;
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS err = dm_store_open(url, &st, &diag);
	if (err == DM_OK)
		err = dm_store_put(st, key, data, (size_t)len, &diag);
	Py_END_ALLOW_THREADS if (err != DM_OK)
	{
		dm_store_free(st);
		return raise_dm(err, &diag, "cannot write to the store");
	}
	loc = dm_store_location(st, key);
	r = PyUnicode_FromString(loc ? loc : key);
	free(loc);
	dm_store_free(st);
	return r;
}

static PyObject *store_get(PyObject *mod, PyObject *args)
{
	const char *url, *key;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	char *data = NULL;
	size_t len = 0;
	PyObject *r;

	if (!PyArg_ParseTuple(args, "ss", &url, &key))
		return NULL;
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS err = dm_store_open(url, &st, &diag);
	if (err == DM_OK)
		err = dm_store_get(st, key, (size_t)1 << 30, &data, &len,
				   &diag);
	Py_END_ALLOW_THREADS dm_store_free(st);
	if (err != DM_OK)
		return raise_dm(err, &diag, "cannot read from the store");
	r = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
	free(data);
	return r;
}

/* ------------------------------------------------------------------ */
/* The hourly job (driftmon/job.h)                                     */
/* ------------------------------------------------------------------ */
/* Warnings of dm_job_detect, collected into a list (called with the GIL
 * released: only C here). */
struct job_warnings {
	char **msgs;
	size_t n;
};

static void on_job_warning(void *ctx, dm_job_warning what, const char *msg)
{
	struct job_warnings *w = ctx;
	char **v = realloc(w->msgs, (w->n + 1) * sizeof(*v));

	if (!v)
		return;
	w->msgs = v;
	if ((v[w->n] = strdup(msg)))
		w->n++;
}

/* The HTML copies beside the JSON this run stored (as the CLI writes
 * them, without the score trend). */
static dm_err write_html(dm_store *st, const dm_result *res, const char *json,
			 size_t len, const dm_job_written *w, dm_diag *diag)
{
	char key[DM_LAYOUT_KEY_MAX + 8];
	char *html = NULL;
	size_t hl = 0;
	dm_err err;

	snprintf(key, sizeof(key), "%s.json", w->stem);
	err = dm_report_html_from_json(json, len, key, NULL, &html, &hl, diag);
	if (err != DM_OK)
		return err;
	snprintf(key, sizeof(key), "%s.html", w->stem);
	err = dm_store_put(st, key, html, hl, diag);
	if (err == DM_OK && w->latest_version)
		err = dm_layout_latest_key(res->model, res->model_version,
					   "html", key, sizeof(key), diag);
	if (err == DM_OK && w->latest_version)
		err = dm_store_put(st, key, html, hl, diag);
	if (err == DM_OK && w->latest_model)
		err = dm_layout_latest_key(res->model, NULL, "html", key,
					   sizeof(key), diag);
	if (err == DM_OK && w->latest_model)
		err = dm_store_put(st, key, html, hl, diag);
	free(html);
	return err;
}

/*
 * detect(model, version, store, settings, at, inputs, strict, write)
 *   -> (json, stored_key | None, [warning, ...])
 * settings: {flag name: text} applied with dm_job_settings_set over the
 * DRIFT_* environment, as the CLI's flags; at: Unix seconds or None.
 */
static PyObject *job_detect(PyObject *mod, PyObject *args)
{
	const char *model, *version, *url;
	PyObject *settings, *atobj, *inobj, *result = NULL, *wl = NULL;
	int strict, write;
	char **inputs = NULL, *json = NULL, *loc = NULL;
	struct job_warnings warned = {NULL, 0};
	dm_job_opts jo;
	dm_job *job = NULL;
	dm_job_written written;
	dm_store *st = NULL;
	dm_diag diag;
	dm_err err;
	size_t len = 0, i;
	Py_ssize_t pos = 0;
	PyObject *key, *val;

	if (!PyArg_ParseTuple(args, "sssO!OOpp", &model, &version, &url,
			      &PyDict_Type, &settings, &atobj, &inobj, &strict,
			      &write))
		return NULL;
	dm_diag_clear(&diag);
	memset(&written, 0, sizeof(written));
	err = dm_job_opts_from_env(&jo, &diag);
	if (err != DM_OK)
		return raise_dm(err, &diag, NULL);
	jo.model = model;
	jo.version = version;
	jo.strict = strict;
	while (PyDict_Next(settings, &pos, &key, &val)) {
		const char *k = PyUnicode_AsUTF8(key);
		PyObject *sv = PyObject_Str(val);
		const char *v = sv ? PyUnicode_AsUTF8(sv) : NULL;

		if (!k || !v) {
			Py_XDECREF(sv);
			return NULL;
		}
		err = dm_job_settings_set(&jo.settings, k, v, &diag);
		Py_DECREF(sv);
		if (err == DM_ENOENT) {
			PyErr_Format(PyExc_TypeError, "unknown setting '%s'",
				     k);
			return NULL;
		}
		if (err != DM_OK)
			return raise_dm(err, &diag, NULL);
	}
	if (atobj != Py_None) {
		double t = PyFloat_AsDouble(atobj);

		if (t == -1.0 && PyErr_Occurred())
			return NULL;
		if (!(t >= 0 && t < 253402300800.0)) {
			PyErr_SetString(
				PyExc_ValueError,
				"at: expected a time from 1970 to 9999");
			return NULL;
		}
		jo.at = (time_t)t;
	}
	if (str_list(inobj, &inputs) < 0)
		return NULL;
	jo.inputs = (const char *const *)inputs;
	jo.warn = on_job_warning;
	jo.warn_ctx = &warned;
	Py_BEGIN_ALLOW_THREADS err = dm_store_open(url, &st, &diag);
	if (err == DM_OK)
		err = dm_job_detect(st, &jo, &job, &diag);
	if (err == DM_OK)
		err = dm_report_to_json(dm_job_result(job), &json, &len);
	if (err == DM_OK && write) {
		err = dm_job_write_report(st, dm_job_result(job), json, len,
					  &written, &diag);
		if (err == DM_OK)
			err = write_html(st, dm_job_result(job), json, len,
					 &written, &diag);
		if (err == DM_OK)
			loc = dm_store_location(st, written.key);
	}
	Py_END_ALLOW_THREADS if (err != DM_OK)
	{
		raise_dm(err, &diag, NULL);
		goto out;
	}
	if (!(wl = PyList_New(0)))
		goto out;
	for (i = 0; i < warned.n; i++) {
		PyObject *m = PyUnicode_FromString(warned.msgs[i]);

		if (!m || PyList_Append(wl, m) < 0) {
			Py_XDECREF(m);
			goto out;
		}
		Py_DECREF(m);
	}
	result = Py_BuildValue("(s#zO)", json, (Py_ssize_t)len, loc, wl);
out:
	Py_XDECREF(wl);
	for (i = 0; i < warned.n; i++)
		free(warned.msgs[i]);
	free(warned.msgs);
	free(loc);
	free(json);
	dm_job_free(job);
	dm_store_free(st);
	free_list(inputs);
	return result;
}

/* ------------------------------------------------------------------ */
/* The logger                                                          */
/* ------------------------------------------------------------------ */
/*
 * A dm_logger shared by any number of Python threads.  log() converts
 * the record while holding the GIL, then releases it for the WAL write
 * (and, with fsync "always", the wait for the disk).  A read-write lock
 * keeps close() from freeing the logger under a log() in flight.
 */
typedef struct {
	PyObject_HEAD dm_logger *lg;
	pthread_rwlock_t lock;
} LoggerObject;

static PyTypeObject LoggerType;

/* A whole number >= 0 from an optional object (None = not given). */
static int opt_uint(PyObject *v, const char *key, unsigned long long max,
		    unsigned long long *out)
{
	unsigned long long x;

	if (!v || v == Py_None)
		return 0;
	x = PyLong_Check(v) ? PyLong_AsUnsignedLongLong(v)
			    : (unsigned long long)-1;
	if ((x == (unsigned long long)-1 && PyErr_Occurred()) ||
	    !PyLong_Check(v) || x > max) {
		PyErr_Clear();
		PyErr_Format(PyExc_ValueError,
			     "%s: expected a whole number from 0 to %llu, "
			     "got %R",
			     key, max, v);
		return -1;
	}
	*out = x;
	return 1;
}

static int logger_init(LoggerObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = {"store",
				 "wal_dir",
				 "prefix",
				 "fsync",
				 "codec",
				 "host",
				 "flush_rows",
				 "flush_bytes",
				 "flush_seconds",
				 "fsync_ms",
				 "wal_max_bytes",
				 "flush_threads",
				 "close_timeout_ms",
				 "retry_max_ms",
				 "hour_profiles",
				 NULL};
	const char *store, *wal, *prefix = NULL, *fsync = NULL, *codec = NULL,
				 *host = NULL;
	PyObject *num[8] = {NULL};
	unsigned long long u[8] = {0};
	int given[8] = {0}, hour_profiles = 1;
	dm_logger_config cfg;
	dm_diag diag;
	dm_err err;
	int k;

	if (self->lg) {
		PyErr_SetString(PyExc_RuntimeError, "logger already open");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "ss|zzzz$OOOOOOOOp", kwlist,
					 &store, &wal, &prefix, &fsync, &codec,
					 &host, &num[0], &num[1], &num[2],
					 &num[3], &num[4], &num[5], &num[6],
					 &num[7], &hour_profiles))
		return -1;
	for (k = 0; k < 8; k++) {
		unsigned long long max = k == 0 || k == 1 || k == 4
						 ? (unsigned long long)SIZE_MAX
						 : UINT32_MAX;

		if ((given[k] = opt_uint(num[k], kwlist[6 + k], max, &u[k])) <
		    0)
			return -1;
	}
	dm_logger_config_init(&cfg);
	cfg.store_url = store;
	cfg.wal_dir = wal;
	cfg.prefix = prefix;
	cfg.codec = codec;
	cfg.host = host;
	cfg.no_hour_profiles = !hour_profiles;
	if (fsync) {
		if (!strcmp(fsync, "interval"))
			cfg.fsync = DM_LOG_FSYNC_INTERVAL;
		else if (!strcmp(fsync, "always"))
			cfg.fsync = DM_LOG_FSYNC_ALWAYS;
		else if (!strcmp(fsync, "never"))
			cfg.fsync = DM_LOG_FSYNC_NEVER;
		else {
			PyErr_Format(PyExc_ValueError,
				     "fsync: expected interval, always or "
				     "never, got '%s'",
				     fsync);
			return -1;
		}
	}
	if (given[0])
		cfg.flush_rows = (size_t)u[0];
	if (given[1])
		cfg.flush_bytes = (size_t)u[1];
	if (given[2])
		cfg.flush_seconds = (unsigned)u[2];
	if (given[3])
		cfg.fsync_ms = (unsigned)u[3];
	if (given[4])
		cfg.wal_max_bytes = u[4];
	if (given[5])
		cfg.flush_threads = (unsigned)u[5];
	if (given[6])
		cfg.close_timeout_ms = (unsigned)u[6];
	if (given[7])
		cfg.retry_max_ms = (unsigned)u[7];
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS err = dm_logger_open(&cfg, &self->lg, &diag);
	Py_END_ALLOW_THREADS if (err != DM_OK)
	{
		self->lg = NULL;
		raise_dm(err, &diag, "cannot open the logger");
		return -1;
	}
	return 0;
}

static PyObject *logger_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	LoggerObject *self = (LoggerObject *)type->tp_alloc(type, 0);

	if (!self)
		return NULL;
	self->lg = NULL;
	pthread_rwlock_init(&self->lock, NULL);
	return (PyObject *)self;
}

static dm_err close_logger(LoggerObject *self, dm_diag *diag)
{
	dm_err err = DM_OK;

	Py_BEGIN_ALLOW_THREADS pthread_rwlock_wrlock(&self->lock);
	if (self->lg)
		err = dm_logger_close(self->lg, diag);
	self->lg = NULL;
	pthread_rwlock_unlock(&self->lock);
	Py_END_ALLOW_THREADS return err;
}

static void logger_dealloc(LoggerObject *self)
{
	dm_diag diag;

	if (self->lg)
		close_logger(self, &diag);
	pthread_rwlock_destroy(&self->lock);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Values of a dict into vals[*n...]; the strings point into the dict's
 * str objects (alive while the caller holds the dict). */
static int log_values(PyObject *d, const char *what, dm_log_value *vals,
		      size_t *n, size_t max)
{
	Py_ssize_t pos = 0;
	PyObject *key, *val;

	if (!d || d == Py_None)
		return 0;
	if (!PyDict_Check(d)) {
		PyErr_Format(PyExc_TypeError, "%s must be a dict", what);
		return -1;
	}
	while (PyDict_Next(d, &pos, &key, &val)) {
		dm_log_value *v = &vals[*n];
		Py_ssize_t len;

		if (*n >= max) {
			PyErr_Format(PyExc_ValueError, "too many %s", what);
			return -1;
		}
		memset(v, 0, sizeof(*v));
		if (!PyUnicode_Check(key)) {
			PyErr_Format(PyExc_TypeError,
				     "%s: names must be str, got %R", what,
				     key);
			return -1;
		}
		if (!(v->name = PyUnicode_AsUTF8(key)))
			return -1;
		if (val == Py_None) {
			v->type = DM_LOG_NULL;
		} else if (PyBool_Check(val)) {
			v->type = DM_LOG_BOOL;
			v->num = val == Py_True ? 1.0 : 0.0;
		} else if (PyUnicode_Check(val)) {
			v->type = DM_LOG_STRING;
			if (!(v->str = PyUnicode_AsUTF8AndSize(val, &len)))
				return -1;
			v->str_len = (size_t)len;
			if (len == 0)
				v->str = "";
		} else if (PyFloat_Check(val) || PyLong_Check(val) ||
			   PyNumber_Check(val)) {
			double x = PyFloat_AsDouble(val);

			if (x == -1.0 && PyErr_Occurred()) {
				PyErr_Clear();
				PyErr_Format(PyExc_TypeError,
					     "%s '%s': not a number: %R", what,
					     v->name, val);
				return -1;
			}
			v->type = DM_LOG_NUMBER;
			v->num = x;
		} else {
			PyErr_Format(PyExc_TypeError,
				     "%s '%s': expected a number, str, bool or "
				     "None, got %s",
				     what, v->name, Py_TYPE(val)->tp_name);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

static PyObject *logger_log(LoggerObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = {"model",	"version",    "features",
				 "predictions", "request_id", "timestamp",
				 NULL};
	const char *model, *version, *reqid = NULL;
	PyObject *features, *preds = Py_None, *tsobj = Py_None;
	dm_log_value *vals = NULL;
	dm_log_record rec;
	size_t nf = 0, np = 0, max;
	dm_diag diag;
	dm_err err = DM_OK;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "ssO|OzO", kwlist, &model,
					 &version, &features, &preds, &reqid,
					 &tsobj))
		return NULL;
	memset(&rec, 0, sizeof(rec));
	if (tsobj != Py_None) {
		double t = PyFloat_AsDouble(tsobj);

		if (t == -1.0 && PyErr_Occurred())
			return NULL;
		if (!(t >= 0 && t * 1e6 < (double)DM_LOG_TS_MAX_US)) {
			PyErr_SetString(PyExc_ValueError,
					"timestamp: expected seconds since "
					"the epoch from 1970 to 9999");
			return NULL;
		}
		rec.timestamp_us = (int64_t)llround(t * 1e6);
	}
	max = (PyDict_Check(features) ? (size_t)PyDict_Size(features) : 0) +
	      (preds != Py_None && PyDict_Check(preds)
		       ? (size_t)PyDict_Size(preds)
		       : 0) +
	      1;
	vals = calloc(max, sizeof(*vals));
	if (!vals)
		return PyErr_NoMemory();
	if (log_values(features, "features", vals, &nf, max) < 0 ||
	    log_values(preds, "predictions", vals + nf, &np, max - nf) < 0) {
		free(vals);
		return NULL;
	}
	rec.model_name = model;
	rec.model_version = version;
	rec.request_id = reqid;
	rec.features = vals;
	rec.nfeatures = nf;
	rec.predictions = vals + nf;
	rec.npredictions = np;
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS pthread_rwlock_rdlock(&self->lock);
	if (self->lg)
		err = dm_logger_log(self->lg, &rec, &diag);
	else
		err = DM_ERR_COUNT_;
	pthread_rwlock_unlock(&self->lock);
	Py_END_ALLOW_THREADS free(vals);
	if (err == DM_ERR_COUNT_) {
		PyErr_SetString(PyExc_ValueError, "the logger is closed");
		return NULL;
	}
	if (err != DM_OK)
		return raise_dm(err, &diag, "record refused");
	Py_RETURN_NONE;
}

static PyObject *logger_flush(LoggerObject *self, PyObject *args)
{
	double timeout = 0;
	dm_diag diag;
	dm_err err = DM_OK;
	int closed = 0;

	if (!PyArg_ParseTuple(args, "|d", &timeout))
		return NULL;
	dm_diag_clear(&diag);
	Py_BEGIN_ALLOW_THREADS pthread_rwlock_rdlock(&self->lock);
	if (self->lg)
		err = dm_logger_flush(
			self->lg, timeout > 0 ? (unsigned)(timeout * 1000) : 0,
			&diag);
	else
		closed = 1;
	pthread_rwlock_unlock(&self->lock);
	Py_END_ALLOW_THREADS if (closed)
	{
		PyErr_SetString(PyExc_ValueError, "the logger is closed");
		return NULL;
	}
	if (err != DM_OK)
		return raise_dm(err, &diag, "flush");
	Py_RETURN_NONE;
}

static PyObject *logger_close(LoggerObject *self, PyObject *unused)
{
	dm_diag diag;
	dm_err err;

	dm_diag_clear(&diag);
	err = close_logger(self, &diag);
	if (err != DM_OK)
		return raise_dm(err, &diag, "close");
	Py_RETURN_NONE;
}

static PyObject *logger_stats(LoggerObject *self, PyObject *unused)
{
	dm_logger_stats st;
	int open;

	Py_BEGIN_ALLOW_THREADS pthread_rwlock_rdlock(&self->lock);
	open = self->lg != NULL;
	if (open)
		dm_logger_get_stats(self->lg, &st);
	pthread_rwlock_unlock(&self->lock);
	Py_END_ALLOW_THREADS if (!open)
	{
		PyErr_SetString(PyExc_ValueError, "the logger is closed");
		return NULL;
	}
	return Py_BuildValue(
		"{s:K,s:K,s:K,s:K,s:K,s:K,s:K,s:O,s:s,s:O}", "records_logged",
		(unsigned long long)st.records_logged, "records_rejected",
		(unsigned long long)st.records_rejected, "records_flushed",
		(unsigned long long)st.records_flushed, "records_pending",
		(unsigned long long)st.records_pending, "files_uploaded",
		(unsigned long long)st.files_uploaded, "upload_failures",
		(unsigned long long)st.upload_failures, "wal_bytes",
		(unsigned long long)st.wal_bytes, "storage_ok",
		st.storage_ok ? Py_True : Py_False, "last_error", st.last_error,
		"wal_writable", st.wal_writable ? Py_True : Py_False);
}

static PyObject *logger_closed(LoggerObject *self, void *c)
{
	return PyBool_FromLong(self->lg == NULL);
}

static PyMethodDef logger_methods[] = {
	{"log", (PyCFunction)(void (*)(void))logger_log,
	 METH_VARARGS | METH_KEYWORDS,
	 "log(model, version, features, predictions=None, request_id=None, "
	 "timestamp=None)\n\nAppends one record to the write-ahead log."},
	{"flush", (PyCFunction)logger_flush, METH_VARARGS,
	 "flush(timeout=0)\n\nWaits until everything logged is uploaded."},
	{"close", (PyCFunction)logger_close, METH_NOARGS,
	 "Uploads what is left and stops the logger."},
	{"stats", (PyCFunction)logger_stats, METH_NOARGS,
	 "A snapshot of the logger's counters."},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef logger_getset[] = {
	{"closed", (getter)logger_closed, NULL, "True once closed", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject LoggerType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "driftmon._driftmon.Logger",
	.tp_basicsize = sizeof(LoggerObject),
	.tp_dealloc = (destructor)logger_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = "The inference logger (dm_logger).",
	.tp_methods = logger_methods,
	.tp_getset = logger_getset,
	.tp_init = (initproc)logger_init,
	.tp_new = logger_new,
};

/* ------------------------------------------------------------------ */
/* Module                                                              */
/* ------------------------------------------------------------------ */
static PyMethodDef module_methods[] = {
	{"profile_columns", profile_columns, METH_VARARGS,
	 "profile_columns(name, columns, nrows, options, reference)"},
	{"profile_files", profile_files, METH_VARARGS,
	 "profile_files(paths, options, reference)"},
	{"baseline_from_json", baseline_from_json, METH_VARARGS,
	 "baseline_from_json(text, name)"},
	{"compare", compare, METH_VARARGS,
	 "compare(reference, current, config, model, version) -> JSON"},
	{"html_from_json", html_from_json, METH_VARARGS,
	 "html_from_json(json, name) -> HTML"},
	{"store_put", store_put, METH_VARARGS, "store_put(url, key, bytes)"},
	{"detect", job_detect, METH_VARARGS,
	 "detect(model, version, store, settings, at, inputs, strict, write)"
	 " -> (json, location, warnings)"},
	{"store_get", store_get, METH_VARARGS, "store_get(url, key)"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
	PyModuleDef_HEAD_INIT,
	"_driftmon",
	"libdriftmon bindings (use the driftmon package)",
	-1,
	module_methods,
	NULL,
	NULL,
	NULL,
	NULL,
};

/* Exception classes: name, codes, extra Python base. */
static int add_errors(PyObject *m)
{
	static const struct {
		const char *name;
		dm_err codes[3];
		PyObject **extra;
	} classes[] = {
		{"FormatError",
		 {DM_EFORMAT, DM_EVERSION, DM_ETOOBIG},
		 &PyExc_ValueError},
		{"InvalidArgumentError",
		 {DM_EINVAL, DM_EUNSUPPORTED, 0},
		 &PyExc_ValueError},
		{"SchemaError", {DM_ESCHEMA, 0, 0}, &PyExc_ValueError},
		{"EmptyDataError", {DM_EEMPTY, 0, 0}, &PyExc_ValueError},
		{"NotFoundError", {DM_ENOENT, 0, 0}, &PyExc_FileNotFoundError},
		{"StorageError", {DM_EIO, DM_ENET, DM_EAUTH}, &PyExc_OSError},
		{"ConflictError", {DM_ECONFLICT, 0, 0}, NULL},
		{"LoggerFullError", {DM_EFULL, 0, 0}, NULL},
	};
	size_t i, j;

	err_base = PyErr_NewExceptionWithDoc(
		"driftmon.DriftmonError",
		"An error of libdriftmon; str() is the library's message, "
		".code "
		"its dm_err, .file/.row/.column the detail.",
		NULL, NULL);
	if (!err_base ||
	    PyModule_AddObjectRef(m, "DriftmonError", err_base) < 0)
		return -1;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		char full[80];
		PyObject *bases, *cls;

		snprintf(full, sizeof(full), "driftmon.%s", classes[i].name);
		bases = classes[i].extra
				? PyTuple_Pack(2, err_base, *classes[i].extra)
				: PyTuple_Pack(1, err_base);
		if (!bases)
			return -1;
		cls = PyErr_NewException(full, bases, NULL);
		Py_DECREF(bases);
		if (!cls || PyModule_AddObjectRef(m, classes[i].name, cls) < 0)
			return -1;
		for (j = 0; j < 3; j++)
			if (classes[i].codes[j])
				err_by_code[classes[i].codes[j]] = cls;
		Py_DECREF(cls); /* the module keeps it */
	}
	return 0;
}

PyMODINIT_FUNC PyInit__driftmon(void)
{
	PyObject *m;

	if (PyType_Ready(&ProfileType) < 0 || PyType_Ready(&LoggerType) < 0)
		return NULL;
	m = PyModule_Create(&moduledef);
	if (!m)
		return NULL;
	if (add_errors(m) < 0 ||
	    PyModule_AddObjectRef(m, "Profile", (PyObject *)&ProfileType) < 0 ||
	    PyModule_AddObjectRef(m, "Logger", (PyObject *)&LoggerType) < 0 ||
	    PyModule_AddIntConstant(m, "REPORT_FORMAT_VERSION",
				    DM_REPORT_FORMAT_VERSION) < 0 ||
	    PyModule_AddIntConstant(m, "BASELINE_FORMAT_VERSION",
				    DM_BASELINE_FORMAT_VERSION) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
