/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_HUMAN_H
#define GADGET_BASE_HUMAN_H

#include <stddef.h>

/*
 * A size for people, in SI units as docker and skopeo print them: "999B",
 * "1.2kB", "3.4MB".  sep goes between the number and the unit: "" in
 * tables (`gadget images`), " " in running text and progress lines.
 */
void human_size(double bytes, const char *sep, char *buf, size_t len);

#endif
