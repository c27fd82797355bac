// SPDX-License-Identifier: Apache-2.0
/*
 * Inspektor Gadget's packet filters (<gadget/packetfilter.h>): each
 * gadget_pf_<name> function is a filter the runtime compiles from a pcap
 * expression and puts in that function's place at load.  They are found
 * by symbol name, so IG's own header (the same stub) is found alike, and
 * each becomes a string param the user sets ("pf", "pf-<name>").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "validator/analysis.h"

static int add_filter_param(struct analysis *a, const char *param)
{
	struct gadget_info *info = a->info;
	struct gadget_param *p;

	for (unsigned int i = 0; i < info->nr_params; i++)
		if (!strcmp(info->params[i].name, param))
			return 0;
	p = realloc(info->params, (info->nr_params + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	info->params = p;
	p = &info->params[info->nr_params];
	*p = (struct gadget_param){ .packet_filter = true };
	p->field.kind = FIELD_STRING;
	p->name = strdup(param);
	p->field.name = strdup(param);	/* the image config serialises the field by name */
	p->field.type_name = strdup("pcap expression");
	p->default_value = strdup("");
	p->description = strdup("packets kept, in tcpdump's filter syntax (\"udp dst port "
				"53\"); empty: every packet");
	info->nr_params++;
	if (!p->name || !p->field.name || !p->field.type_name || !p->default_value || !p->description)
		return -ENOMEM;
	return 0;
}

int validator_packet_filters(struct analysis *a)
{
	for (unsigned int i = 0; i < a->elf.nr_progs; i++) {
		const struct elf_prog_loc *loc = &a->elf.progs[i];
		char param[128];

		if (gadget_pf_param_name(loc->name, param, sizeof(param)))
			continue;
		if (add_filter_param(a, param))
			return -ENOMEM;
		diag_add(a, DIAG_NOTE, loc->file, loc->line, loc->col, "packet filter %s: set its "
			 "pcap expression with --param %s=EXPR%s", loc->name, param,
			 strcmp(param, GADGET_PF_PARAM) ? "" : " (or --pf EXPR)");
	}
	return 0;
}
