// SPDX-License-Identifier: Apache-2.0
/* IG's marker variables (info/markers.h): what each part is, and what is refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "info/markers.h"

static void test_tracer(void **state)
{
	struct marker m, copy;

	(void)state;
	assert_int_equal(marker_parse("gadget_tracer_open___events___event", &m), 1);
	assert_int_equal(m.def->kind, MARKER_TRACER);
	copy = m;	/* a copy is as good: parts are offsets */
	memset(&m, 0xff, sizeof(m));
	assert_string_equal(marker_get(&copy, MPART_NAME, 0), "open");
	assert_string_equal(marker_get(&copy, MPART_MAP, 0), "events");
	assert_string_equal(marker_get(&copy, MPART_STRUCT, 0), "event");
	assert_null(marker_get(&copy, MPART_PROG, 0));
	/* single and double underscores belong to the names */
	assert_int_equal(marker_parse("gadget_tracer_trace__x___my_events___ev_t", &m), 1);
	assert_string_equal(marker_get(&m, MPART_NAME, 0), "trace__x");
	assert_string_equal(marker_get(&m, MPART_MAP, 0), "my_events");
	assert_string_equal(marker_get(&m, MPART_STRUCT, 0), "ev_t");
}

static void test_snapshotter_programs_repeat(void **state)
{
	struct marker m;

	(void)state;
	assert_int_equal(marker_parse("gadget_snapshotter_procs___row___p1___p2___p3", &m), 1);
	assert_int_equal(m.def->kind, MARKER_SNAPSHOTTER);
	assert_string_equal(marker_get(&m, MPART_NAME, 0), "procs");
	assert_string_equal(marker_get(&m, MPART_STRUCT, 0), "row");
	assert_string_equal(marker_get(&m, MPART_PROG, 0), "p1");
	assert_string_equal(marker_get(&m, MPART_PROG, 1), "p2");
	assert_string_equal(marker_get(&m, MPART_PROG, 2), "p3");
	assert_null(marker_get(&m, MPART_PROG, 3));
	/* at most 3 programs, at least 1 */
	assert_int_equal(marker_parse("gadget_snapshotter_a___b___c___d___e___f", &m), -EINVAL);
	assert_int_equal(marker_parse("gadget_snapshotter_a___b", &m), -EINVAL);
}

static void test_other_kinds(void **state)
{
	struct marker m;

	(void)state;
	assert_int_equal(marker_parse("gadget_map_tracer_events", &m), 1);
	assert_int_equal(m.def->kind, MARKER_TRACER_MAP);
	assert_string_equal(marker_get(&m, MPART_MAP, 0), "events");
	assert_int_equal(marker_parse("gadget_mapiter_opens___counts", &m), 1);
	assert_int_equal(m.def->kind, MARKER_MAPITER);
	assert_string_equal(marker_get(&m, MPART_NAME, 0), "opens");
	assert_string_equal(marker_get(&m, MPART_MAP, 0), "counts");
	assert_int_equal(marker_parse("gadget_param_targ_pid", &m), 1);
	assert_int_equal(m.def->kind, MARKER_PARAM);
	assert_string_equal(marker_get(&m, MPART_VAR, 0), "targ_pid");
}

static void test_not_markers_and_malformed(void **state)
{
	struct marker m;
	char longname[400];

	(void)state;
	assert_int_equal(marker_parse("gadget_heap", &m), 0);
	assert_int_equal(marker_parse("targ_pid", &m), 0);
	assert_int_equal(marker_parse("__gadget_tracer_type_open", &m), 0);
	assert_int_equal(marker_parse("gadget_tracer_open___events", &m), -EINVAL);	/* no struct */
	assert_int_equal(marker_parse("gadget_tracer_open______event", &m), -EINVAL);	/* empty map */
	assert_int_equal(marker_parse("gadget_tracer_", &m), -EINVAL);
	assert_int_equal(marker_parse("gadget_param_a___b", &m), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	memcpy(longname, "gadget_param_", 13);
	assert_int_equal(marker_parse(longname, &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracer),
		cmocka_unit_test(test_snapshotter_programs_repeat),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_not_markers_and_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
