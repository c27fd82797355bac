/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_SUGGEST_H
#define GADGET_BASE_SUGGEST_H

/* For "did you mean": how far a mistyped word is from a known one. */
#include <stddef.h>

/* Longer words are compared on their first SUGGEST_MAX_LEN bytes. */
#define SUGGEST_MAX_LEN 63

/* Edit (Levenshtein) distance between a[0..la) and b[0..lb). */
unsigned int suggest_distance(const char *a, size_t la, const char *b, size_t lb);

#endif
