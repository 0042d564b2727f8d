/* SPDX-License-Identifier: Apache-2.0 */
/*
 * driftmon export macro.
 *
 * libdriftmon is compiled with -fvisibility=hidden: a function is part of
 * the shared library's ABI only when its declaration in include/driftmon/
 * carries DM_API.  Everything else — the helpers shared between the
 * library's own files, which carry module prefixes (jw_, sb_, lg_, pq_,
 * az_, dmio_, rng_ ...) rather than dm_ — stays inside the library.
 * `scripts/lint.sh` checks that the exported symbols are exactly the
 * DM_API declarations and that each starts with dm_.
 */
#ifndef DRIFTMON_EXPORT_H
#define DRIFTMON_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define DM_API __attribute__((visibility("default")))
#else
#define DM_API
#endif

#endif /* DRIFTMON_EXPORT_H */
