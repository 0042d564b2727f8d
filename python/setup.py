# SPDX-License-Identifier: Apache-2.0
"""Build of the driftmon Python package (a CPython extension over libdriftmon).

Which libdriftmon it links (DRIFTMON_LIB):

* ``intree`` (the default when ../build/libdriftmon.a exists): the static
  archive of this source tree, built by ``make lib`` -- the extension then
  needs no libdriftmon at run time.  DRIFTMON_BUILD_DIR picks another build
  folder (``build-san`` for the sanitizer build; then the extension also
  links -fsanitize=address,undefined and runs with LD_PRELOAD=libasan).
* ``pkg-config``: an installed library found by ``pkg-config driftmon``
  (``make install``); PKG_CONFIG_PATH as usual.

Offline on Debian 12::

    make lib
    pip install --no-build-isolation --break-system-packages ./python

In-tree, without installing (what the tests use)::

    python3 setup.py build_ext --build-lib ../build/python
"""
import os
import shlex
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("DRIFTMON_SRC_ROOT", os.path.dirname(HERE))
# The libraries libdriftmon.a needs (the Makefile's LDLIBS).
PRIVATE_LIBS = ["microhttpd", "jansson", "curl", "snappy", "zstd", "z",
                "bz2", "lzma", "lz4", "brotlidec", "brotlienc", "crypto", "expat", "yaml",
                "m"]


def _makefile_libs():
    """The Makefile's LDLIBS (what libdriftmon.a needs), so that the list
    stays in step with the library; PRIVATE_LIBS when not found."""
    try:
        with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("LDLIBS :="):
                    return [w for w in line.split(":=", 1)[1].split()
                            if w.startswith("-l")]
    except OSError:
        pass
    return ["-l" + lib for lib in PRIVATE_LIBS]


def _pkg_config(*args):
    out = subprocess.run(["pkg-config", *args, "driftmon"], check=True,
                         capture_output=True, text=True).stdout
    return shlex.split(out)


def _extension_args():
    build = os.environ.get("DRIFTMON_BUILD_DIR", os.path.join(ROOT, "build"))
    if not os.path.isabs(build):
        build = os.path.join(ROOT, build)
    archive = os.path.join(build, "libdriftmon.a")
    how = os.environ.get("DRIFTMON_LIB",
                         "intree" if os.path.exists(archive) else "pkg-config")
    compile_args = ["-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                    "-Wno-missing-field-initializers", "-D_GNU_SOURCE",
                    "-pthread"]
    if how == "intree":
        if not os.path.exists(archive):
            raise SystemExit(f"driftmon: {archive} not found: run `make lib` "
                             "first, or set DRIFTMON_LIB=pkg-config")
        link = [archive] + _makefile_libs() + ["-pthread"]
        if os.path.basename(build.rstrip("/")) == "build-san":
            compile_args += ["-fsanitize=address,undefined",
                             "-fno-omit-frame-pointer"]
            link += ["-fsanitize=address,undefined"]
        return dict(include_dirs=[os.path.join(ROOT, "include")],
                    extra_compile_args=compile_args, extra_link_args=link)
    if how == "pkg-config":
        try:
            cflags = _pkg_config("--cflags")
            libs = _pkg_config("--libs", "--static")
        except (OSError, subprocess.CalledProcessError) as e:
            raise SystemExit("driftmon: libdriftmon not found by pkg-config "
                             f"({e}); run `make install` or build in-tree")
        return dict(extra_compile_args=compile_args + cflags,
                    extra_link_args=libs)
    raise SystemExit(f"driftmon: DRIFTMON_LIB={how!r}: expected intree or "
                     "pkg-config")


setup(
    name="driftmon",
    version="0.1.0",
    description="Data drift monitoring for ML models (Python bindings of "
                "libdriftmon)",
    license="Apache-2.0",
    packages=["driftmon"],
    package_data={"driftmon": ["py.typed", "*.pyi"]},
    ext_modules=[Extension("driftmon._driftmon", ["src/_driftmon.c"],
                           **_extension_args())],
    python_requires=">=3.9",
    zip_safe=False,
)
