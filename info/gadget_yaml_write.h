/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_GADGET_YAML_WRITE_H
#define GADGET_INFO_GADGET_YAML_WRITE_H

/*
 * The gadget.yaml of an image in Inspektor Gadget's format (the config blob,
 * application/vnd.gadget.config.v1+yaml), written from the validator's
 * analysis with the author's gadget.yaml (info/gadget_yaml.h) merged in:
 *
 *   name, description          the analysis (the author's name first)
 *   homepageURL, documentationURL, sourceURL   the author's
 *   datasources.<ds>.fields    one entry per field of the event (a topper's
 *                              key first), in record order, with the
 *                              annotations the analysis carries
 *                              (description, columns.width/maxwidth/
 *                              alignment/hidden); then the author's fields
 *                              the object does not have (IG's operators add
 *                              them), and the author's other data sources
 *   params.ebpf.<var>          key, defaultValue, description of each param
 *
 * The same analysis and gadget.yaml give the same bytes.
 */
#include <stddef.h>

#include "base/err.h"
#include "info/gadget_info.h"
#include "info/gadget_yaml.h"

/* *out is malloc'ed, NUL-terminated; *len its length. */
int gadget_yaml_write(const struct gadget_info *info, const struct gadget_yaml *author,
		      char **out, size_t *len, struct gadget_err *err);

#endif
