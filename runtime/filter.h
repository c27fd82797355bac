/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_FILTER_H
#define GADGET_RUNTIME_FILTER_H

/*
 * -F filters in user space, ig's syntax: "field==value" ("=" too), "!=",
 * ">", "<", ">=", "<=", "~regex", "!~regex" (POSIX ERE); "a==1,b==2" ANDs
 * its terms ("\," is a comma in a value), and so do several -F.  Compiled
 * once against the schema: a field it does not have is an error.  Numbers compare numerically on the raw value (enums accept their
 * names), everything else compares the field's printed text.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "runtime/schema.h"

enum filter_op { FOP_EQ, FOP_NE, FOP_GT, FOP_LT, FOP_GE, FOP_LE, FOP_RE, FOP_NRE };

struct filter_term {
	int col;
	enum filter_op op;
	bool numeric;
	bool is_signed;
	int64_t sval;
	uint64_t uval;
	char *text;
	regex_t re;
	bool has_re;
};

struct filter {
	struct filter_term *terms;
	unsigned int nr;
	/* --pid: a record passes when its gadget_pid is one of these */
	const struct column *pid_col;
	const uint32_t *pids;
	unsigned int nr_pids;
};

int filter_add(struct filter *f, const struct schema *s, const char *expr, struct gadget_err *err);
/*
 * Keep only records of these processes, by the schema's first gadget_pid
 * field.  in_kernel: the gadget filters them itself (targ_pid), so a
 * schema with no pid field is no error.
 */
int filter_add_pids(struct filter *f, const struct schema *s, const uint32_t *pids, unsigned int n,
		    bool in_kernel, struct gadget_err *err);
static inline bool filter_active(const struct filter *f)
{
	return f->nr || f->pid_col;
}

bool filter_match(const struct filter *f, const struct schema *s, const struct row *r);
void filter_free(struct filter *f);

#endif
