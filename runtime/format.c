// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/text.h"
#include "runtime/format.h"

static const char *const syscall_names[] = {
#include "syscall_names.h"
};

static int64_t boot_to_real_ns;	/* realtime - boottime, fixed at start */

void format_init(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	boot_to_real_ns = (rt.tv_sec - bt.tv_sec) * 1000000000LL + (rt.tv_nsec - bt.tv_nsec);
}

const char *format_syscall_name(unsigned int nr)
{
	return nr < sizeof(syscall_names) / sizeof(syscall_names[0]) ? syscall_names[nr] : NULL;
}

/* Two digits per division: this runs for every number of every event. */
size_t format_u64(uint64_t v, char *out)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[24], *p = tmp + sizeof(tmp);
	size_t n;

	while (v >= 100) {
		unsigned int r = v % 100;

		v /= 100;
		*--p = pairs[2 * r + 1];
		*--p = pairs[2 * r];
	}
	if (v >= 10) {
		*--p = pairs[2 * v + 1];
		*--p = pairs[2 * v];
	} else {
		*--p = '0' + v;
	}
	n = tmp + sizeof(tmp) - p;
	memcpy(out, p, n);
	out[n] = 0;
	return n;
}

static size_t format_s64(int64_t v, char *out)
{
	if (v < 0) {
		out[0] = '-';
		return 1 + format_u64(-(uint64_t)v, out + 1);
	}
	return format_u64(v, out);
}

uint64_t field_raw_u64(const struct gadget_field *f, const uint8_t *rec)
{
	uint64_t v = 0;
	unsigned int n = f->size > 8 ? 8 : f->size;

	if (n == 8 && !f->bit_size) {
		memcpy(&v, rec + f->offset, 8);
		return v;
	}
	memcpy(&v, rec + f->offset, n);	/* BPF targets here are little endian */
	if (f->bit_size) {
		v >>= f->bit_offset;
		if (f->bit_size < 64)
			v &= (1ULL << f->bit_size) - 1;
	}
	return v;
}

int64_t field_raw_s64(const struct gadget_field *f, const uint8_t *rec)
{
	unsigned int bits = f->bit_size ? f->bit_size : (f->size > 8 ? 8 : f->size) * 8;
	uint64_t v = field_raw_u64(f, rec);

	if (!bits)
		return 0;	/* a zero-size field (hostile metadata) */
	if (bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return (int64_t)v;
}

bool field_is_numeric(const struct gadget_field *f)
{
	return special_type_has(f->special, SPECIAL_F_VALUE) &&
	       (f->kind == FIELD_INT || f->kind == FIELD_UINT);
}

/* A small bounded appender: never writes past cap, always terminates. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n >= b->cap)
		n = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_u64(struct sbuf *b, uint64_t v)
{
	char t[24];

	sb_put(b, t, format_u64(v, t));
}

/* Text of a string field for columns: non-printable bytes become '?' (base/text.h). */
static void text_string(struct sbuf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++) {
		char c = text_safe_char(s[i], false);

		sb_put(b, &c, 1);
	}
}

/* ---- the text of special types (info/special_types.h), one fmt_ each ---- */

typedef void special_fmt_fn(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			    enum fmt_mode mode);

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An IPv6 address that holds an IPv4 one (::ffff:a.b.c.d) is printed as that. */
static bool ip_is_v6(const uint8_t *addr, uint8_t version)
{
	return version == GADGET_IP_V6 && memcmp(addr, v4mapped, sizeof(v4mapped));
}

static void fmt_ip(struct sbuf *b, const uint8_t *addr, uint8_t version)
{
	char ip[INET6_ADDRSTRLEN];

	if (version == GADGET_IP_V4)
		inet_ntop(AF_INET, addr, ip, sizeof(ip));
	else if (ip_is_v6(addr, version))
		inet_ntop(AF_INET6, addr, ip, sizeof(ip));
	else if (version == GADGET_IP_V6)
		inet_ntop(AF_INET, addr + sizeof(v4mapped), ip, sizeof(ip));
	else
		snprintf(ip, sizeof(ip), "-");
	sb_str(b, ip);
}

/* solo_types.h's ipv4_addr: 4 bytes in network order, as the kernel keeps them */
static void fmt_ipv4_addr(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			  enum fmt_mode mode)
{
	(void)mode;
	fmt_ip(b, rec + f->offset, GADGET_IP_V4);
}

static void fmt_ipv6_addr(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			  enum fmt_mode mode)
{
	(void)mode;
	fmt_ip(b, rec + f->offset, GADGET_IP_V6);
}

static void fmt_l3endpoint(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			   enum fmt_mode mode)
{
	const uint8_t *p = rec + f->offset;

	(void)mode;
	fmt_ip(b, p, f->size > GADGET_L3EP_VERSION_OFF ? p[GADGET_L3EP_VERSION_OFF] : 0);
}

static void fmt_l4endpoint(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			   enum fmt_mode mode)
{
	const uint8_t *p = rec + f->offset;
	uint8_t ver = f->size > GADGET_L4EP_VERSION_OFF ? p[GADGET_L4EP_VERSION_OFF] : 0;
	uint16_t port;

	(void)mode;
	memcpy(&port, p + GADGET_L4EP_PORT_OFF, sizeof(port));
	if (ip_is_v6(p, ver))
		sb_put(b, "[", 1);
	fmt_ip(b, p, ver);
	if (ip_is_v6(p, ver))
		sb_put(b, "]", 1);
	sb_put(b, ":", 1);
	sb_u64(b, port);
}

static void fmt_dns_name(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			 enum fmt_mode mode)
{
	const uint8_t *p = rec + f->offset;
	size_t i = 0, len = f->size;
	bool first = true;

	(void)mode;
	while (i < len && p[i]) {
		size_t n = p[i++];

		/* compression pointers and overlong labels end the name */
		if (n > 63 || i + n > len)
			break;
		if (!first)
			sb_put(b, ".", 1);
		text_string(b, (const char *)p + i, n);
		i += n;
		first = false;
	}
	if (first)
		sb_put(b, ".", 1);
}

static void fmt_duration(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			 enum fmt_mode mode)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{ 1000000000ULL, "s" }, { 1000000ULL, "ms" }, { 1000ULL, "us" },
	};
	uint64_t ns = field_raw_u64(f, rec);
	char t[48];

	(void)mode;
	for (unsigned int i = 0; i < 3; i++) {
		if (ns >= units[i].div) {
			snprintf(t, sizeof(t), "%llu.%03llu%s", (unsigned long long)(ns / units[i].div),
				 (unsigned long long)(ns % units[i].div * 1000 / units[i].div), units[i].unit);
			sb_str(b, t);
			return;
		}
	}
	sb_u64(b, ns);
	sb_str(b, "ns");
}

static size_t put_digits(char *out, uint64_t v, unsigned int n)
{
	for (unsigned int i = n; i-- > 0; v /= 10)
		out[i] = '0' + v % 10;
	return n;
}

/*
 * A boot-time timestamp as wall-clock time: "12:34:56.789" (local) in text,
 * "2024-01-02T12:34:56.123456789Z" (UTC) in JSON.  out holds 48 bytes.
 * gmtime/localtime are slow: the text of the last second is kept.
 */
size_t format_timestamp(uint64_t boot_ns, enum fmt_mode mode, char *out)
{
	static __thread time_t last_sec[2] = { -1, -1 };
	static __thread char last_txt[2][40];
	static __thread size_t last_len[2];
	int64_t real = (int64_t)(boot_ns + (uint64_t)boot_to_real_ns);	/* wraps, no UB */
	time_t sec = real / 1000000000LL;
	long ns = real % 1000000000LL;
	size_t n;

	if (real < 0)	/* before 1970: hostile data, no cache */
		return snprintf(out, 48, "%lld.%09ld", (long long)sec, ns);
	if (sec != last_sec[mode]) {
		struct tm tm;

		if (mode == FMT_JSON)
			last_len[mode] = strftime(last_txt[mode], sizeof(last_txt[mode]), "%Y-%m-%dT%H:%M:%S", gmtime_r(&sec, &tm));
		else
			last_len[mode] = strftime(last_txt[mode], sizeof(last_txt[mode]), "%H:%M:%S", localtime_r(&sec, &tm));
		last_sec[mode] = sec;
	}
	memcpy(out, last_txt[mode], last_len[mode]);
	n = last_len[mode];
	out[n++] = '.';
	if (mode == FMT_JSON) {
		n += put_digits(out + n, ns, 9);
		out[n++] = 'Z';
	} else {
		n += put_digits(out + n, ns / 1000000, 3);
	}
	out[n] = 0;
	return n;
}

static void fmt_timestamp(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			  enum fmt_mode mode)
{
	char t[48];

	sb_put(b, t, format_timestamp(field_raw_u64(f, rec), mode, t));
}

static void fmt_ifindex(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			enum fmt_mode mode)
{
	static __thread char names[256][IF_NAMESIZE];
	static __thread bool known[256];
	uint64_t idx = field_raw_u64(f, rec);
	char tmp[IF_NAMESIZE];

	(void)mode;
	if (idx == 0) {
		sb_str(b, "-");
		return;
	}
	if (idx < 256) {
		if (!known[idx]) {
			if (!if_indextoname(idx, names[idx]))
				snprintf(names[idx], IF_NAMESIZE, "if%u", (unsigned int)idx);
			known[idx] = true;
		}
		sb_str(b, names[idx]);
	} else {
		sb_str(b, if_indextoname(idx, tmp) ? tmp : "?");
	}
}

static void fmt_errno(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
		      enum fmt_mode mode)
{
	int64_t e = field_raw_s64(f, rec);
	const char *name = e ? strerrorname_np(e < 0 ? -e : e) : NULL;
	char t[24];

	(void)mode;
	if (name)
		sb_str(b, name);
	else
		sb_put(b, t, format_s64(e, t));
}

static void fmt_signal(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
		       enum fmt_mode mode)
{
	uint64_t s = field_raw_u64(f, rec);
	const char *name = s < 65 ? sigabbrev_np(s) : NULL;

	(void)mode;
	if (name) {
		sb_str(b, "SIG");
		sb_str(b, name);
	} else {
		sb_u64(b, s);
	}
}

static void fmt_syscall(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			enum fmt_mode mode)
{
	const char *name = format_syscall_name(field_raw_u64(f, rec));

	(void)mode;
	if (name)
		sb_str(b, name);
	else
		sb_u64(b, field_raw_u64(f, rec));
}

static void fmt_file_flags(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			   enum fmt_mode mode)
{
	char t[256];

	(void)mode;
	sb_put(b, t, format_open_flags(field_raw_u64(f, rec), t, sizeof(t)));
}

static void fmt_file_mode(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			  enum fmt_mode mode)
{
	char t[12];

	(void)mode;
	sb_put(b, t, format_file_mode(field_raw_u64(f, rec), t));
}

/* ---- the text of a field kind ---- */

/* Enum values compare on the field's width: clang 14 emits no BTF
 * signedness for enums, so BLUE = -3 is recorded as 4294967293. */
uint64_t field_enum_mask(const struct gadget_field *f)
{
	unsigned int bits = f->bit_size ? f->bit_size : (f->size > 8 ? 8 : f->size) * 8;

	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

static void fmt_enum(struct sbuf *b, const struct gadget_field *f, int64_t v)
{
	uint64_t mask = field_enum_mask(f);

	for (unsigned int i = 0; i < f->nr_enum_vals; i++) {
		if (((uint64_t)f->enum_vals[i].value & mask) == ((uint64_t)v & mask)) {
			sb_str(b, f->enum_vals[i].name);
			return;
		}
	}
	if (v < 0) {
		sb_put(b, "-", 1);
		sb_u64(b, -(uint64_t)v);
	} else {
		sb_u64(b, v);
	}
}

static void fmt_flags(struct sbuf *b, const struct gadget_field *f, uint64_t v)
{
	uint64_t left = v;
	bool any = false;
	char t[24];

	for (unsigned int i = 0; i < f->nr_enum_vals; i++) {
		uint64_t bit = f->enum_vals[i].value;

		if (!bit || (bit & (bit - 1)) || !(v & bit))
			continue;
		if (any)
			sb_put(b, "|", 1);
		sb_str(b, f->enum_vals[i].name);
		left &= ~bit;
		any = true;
	}
	if (left || !any) {
		if (any)
			sb_put(b, "|", 1);
		snprintf(t, sizeof(t), "0x%llx", (unsigned long long)left);
		sb_str(b, t);
	}
}

static void hex_bytes(struct sbuf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char t[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

		sb_put(b, t, 2);
	}
}

static void fmt_float(struct sbuf *b, const uint8_t *p, uint32_t size)
{
	char t[64];

	if (size == 4) {
		float v;

		memcpy(&v, p, 4);
		snprintf(t, sizeof(t), "%g", v);
	} else {
		double v;

		memcpy(&v, p, 8);
		snprintf(t, sizeof(t), "%g", v);
	}
	sb_str(b, t);
}

/* A field printed as its kind: what every special type without a fmt_ of its own gets. */
static void fmt_kind(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
		     enum fmt_mode mode)
{
	const uint8_t *p = rec + f->offset;
	char t[24];

	(void)mode;
	switch (f->kind) {
	case FIELD_INT:
		sb_put(b, t, format_s64(field_raw_s64(f, rec), t));
		return;
	case FIELD_UINT:
		sb_u64(b, field_raw_u64(f, rec));
		return;
	case FIELD_BOOL:
		sb_str(b, field_raw_u64(f, rec) ? "true" : "false");
		return;
	case FIELD_ENUM:
		fmt_enum(b, f, field_raw_s64(f, rec));
		return;
	case FIELD_FLAGS:
		fmt_flags(b, f, field_raw_u64(f, rec));
		return;
	case FIELD_STRING:
		text_string(b, (const char *)p, f->size);
		return;
	case FIELD_FLOAT:
		fmt_float(b, p, f->size);
		return;
	case FIELD_BYTES:
	default:
		hex_bytes(b, p, f->size);
		return;
	}
}

#define SPECIAL_FMT(id, btf, bkind, kind, json, width, min, flags, text) [SPECIAL_##id] = text,
static special_fmt_fn *const special_fmts[SPECIAL__COUNT] = {
	GADGET_SPECIAL_TYPES(SPECIAL_FMT)
};

static special_fmt_fn *special_fmt(const struct gadget_field *f)
{
	return special_fmts[(unsigned int)f->special < SPECIAL__COUNT ? f->special : SPECIAL_NONE];
}

/*
 * Metadata from an image config is not derived from the object again, so a
 * field may claim to be an endpoint in 2 bytes: anything smaller than what
 * it is read as prints as hex instead of being read past its end.
 */
static bool shape_ok(const struct gadget_field *f)
{
	if (f->size < special_type(f->special)->min_size)
		return false;
	return f->kind != FIELD_FLOAT || f->size == 4 || f->size == 8;
}

/* The text of a field: what columns show, what -F compares against, what JSON quotes. */
static void format_text(struct sbuf *b, const struct gadget_field *f, const uint8_t *rec,
			enum fmt_mode mode)
{
	if (!shape_ok(f))
		hex_bytes(b, rec + f->offset, f->size);
	else
		special_fmt(f)(b, f, rec, mode);
}

/*
 * Per byte class, for JSON strings and the string ops: 1 printable ASCII
 * that JSON keeps as is, 2 '"' and '\\' (printable, escaped in JSON), 0 NUL
 * (the end), 3 the rest.  Runs of class 1 are copied with one memcpy.
 */
static const uint8_t byte_class[256] = {
	[0] = 0, [1 ... 0x1f] = 3, [0x20 ... 0x21] = 1, ['"'] = 2, [0x23 ... 0x5b] = 1,
	['\\'] = 2, [0x5d ... 0x7e] = 1, [0x7f ... 0xff] = 3,
};

/* The escape of one byte that is not class 1, into esc (6 bytes); returns its length. */
static size_t json_escape_byte(uint8_t c, bool sanitize, char *esc)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = c;
		return 2;
	}
	if (sanitize) {
		esc[0] = '?';
		return 1;
	}
	if (c == '\n' || c == '\t') {
		esc[0] = '\\';
		esc[1] = c == '\n' ? 'n' : 't';
		return 2;
	}
	/* bytes >= 0x7f may not be UTF-8: escape them as code points */
	memcpy(esc, "\\u00", 4);
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 15];
	return 6;
}

size_t format_json_string(const char *str, size_t len, bool sanitize, char *out, size_t cap)
{
	const uint8_t *s = (const uint8_t *)str;
	size_t o = 0, i = 0, end;

	if (cap < 3) {
		if (cap)
			out[0] = 0;
		return 0;
	}
	end = cap - 2;		/* the closing quote and the NUL always fit */
	out[o++] = '"';
	while (i < len) {
		size_t start = i, n;
		char esc[6];
		uint8_t c;

		while (i < len && byte_class[s[i]] == 1)
			i++;
		n = i - start < end - o ? i - start : end - o;
		memcpy(out + o, s + start, n);
		o += n;
		if (i >= len || !(c = s[i]) || n < i - start)
			break;
		i++;
		n = json_escape_byte(c, sanitize, esc);
		if (n > end - o)
			break;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o++] = '"';
	out[o] = 0;
	return o;
}

size_t format_field(const struct gadget_field *f, const uint8_t *rec, enum fmt_mode mode,
		    char *out, size_t cap)
{
	char tmp[1024];
	struct sbuf b = { out, 0, cap }, t = { tmp, 0, sizeof(tmp) };

	out[0] = 0;
	if (mode == FMT_TEXT) {
		format_text(&b, f, rec, FMT_TEXT);
		return b.len;
	}
	/*
	 * JSON: a plain value as its kind, numbers and bools bare, strings
	 * as they are (a duration, "1.234ms" in text, is its ns); anything
	 * else is its text, quoted.
	 */
	if (special_type_has(f->special, SPECIAL_F_VALUE) && shape_ok(f)) {
		switch (f->kind) {
		case FIELD_INT: case FIELD_UINT: case FIELD_BOOL:
			fmt_kind(&b, f, rec, FMT_JSON);
			return b.len;
		case FIELD_STRING:
			return format_json_string((const char *)rec + f->offset, f->size, false, out, cap);
		default:
			break;
		}
	}
	tmp[0] = 0;
	format_text(&t, f, rec, FMT_JSON);
	return format_json_string(tmp, t.len, false, out, cap);
}
/* ---- the compiled decoder: one op per field, chosen once ---- */

static size_t op_generic(const struct field_op *op, const uint8_t *rec, enum fmt_mode mode, char *out)
{
	return format_field(op->f, rec, mode, out, FIELD_OP_GENERIC_MAX + 1);
}

static size_t op_generic_text(const struct field_op *op, const uint8_t *rec, char *out)
{
	return op_generic(op, rec, FMT_TEXT, out);
}

static size_t op_generic_json(const struct field_op *op, const uint8_t *rec, char *out)
{
	return op_generic(op, rec, FMT_JSON, out);
}

static size_t op_uint(const struct field_op *op, const uint8_t *rec, char *out)
{
	uint64_t v = 0;

	memcpy(&v, rec + op->offset, op->size);	/* little endian, size 1, 2, 4 or 8 */
	return format_u64(v, out);
}

static size_t op_int(const struct field_op *op, const uint8_t *rec, char *out)
{
	uint64_t v = 0;

	memcpy(&v, rec + op->offset, op->size);
	if (op->size < 8 && (v >> (op->size * 8 - 1)) & 1)
		v |= ~0ULL << (op->size * 8);
	return format_s64((int64_t)v, out);
}

/* As text_string(): up to NUL or size, non-printable bytes as '?'. */
static size_t op_string_text(const struct field_op *op, const uint8_t *rec, char *out)
{
	const uint8_t *s = rec + op->offset;
	size_t i = 0, n = op->size;

	while (i < n) {
		size_t start = i;

		while (i < n && (uint8_t)(byte_class[s[i]] - 1) <= 1)	/* printable */
			i++;
		memcpy(out + start, s + start, i - start);
		if (i >= n || !s[i])
			break;
		out[i++] = '?';
	}
	out[i] = 0;
	return i;
}

/* out holds max[FMT_JSON] + 1 = 6 * size + 3 bytes: the whole string always fits */
static size_t op_string_json(const struct field_op *op, const uint8_t *rec, char *out)
{
	return format_json_string((const char *)rec + op->offset, op->size, false, out,
				  6 * op->size + 3);
}

/* Special string types (gadget_comm) are JSON strings of their text. */
static size_t op_text_string_json(const struct field_op *op, const uint8_t *rec, char *out)
{
	return format_json_string((const char *)rec + op->offset, op->size, true, out,
				  6 * op->size + 3);
}

static size_t op_timestamp(const struct field_op *op, const uint8_t *rec, enum fmt_mode mode, char *out)
{
	uint64_t boot;
	size_t n = 0;

	memcpy(&boot, rec + op->offset, sizeof(boot));
	if (mode == FMT_JSON)
		out[n++] = '"';
	n += format_timestamp(boot, mode, out + n);
	if (mode == FMT_JSON) {
		out[n++] = '"';
		out[n] = 0;
	}
	return n;
}

static size_t op_timestamp_text(const struct field_op *op, const uint8_t *rec, char *out)
{
	return op_timestamp(op, rec, FMT_TEXT, out);
}

static size_t op_timestamp_json(const struct field_op *op, const uint8_t *rec, char *out)
{
	return op_timestamp(op, rec, FMT_JSON, out);
}

void field_op_init(struct field_op *op, const struct gadget_field *f)
{
	bool value = special_type_has(f->special, SPECIAL_F_VALUE);
	bool as_kind = special_fmt(f) == fmt_kind;
	bool whole = !f->bit_size && (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8);

	*op = (struct field_op){
		.f = f, .offset = f->offset, .size = f->size,
		.fn = { op_generic_text, op_generic_json },
		.max = { FIELD_OP_GENERIC_MAX, FIELD_OP_GENERIC_MAX },
	};
	/* a plain number is bare in JSON; its text may differ (a duration's "1.5ms") */
	if (value && whole && (f->kind == FIELD_UINT || f->kind == FIELD_INT)) {
		op->fn[FMT_JSON] = f->kind == FIELD_UINT ? op_uint : op_int;
		op->max[FMT_JSON] = 20;
		if (as_kind) {
			op->fn[FMT_TEXT] = op->fn[FMT_JSON];
			op->max[FMT_TEXT] = 20;
		}
	} else if (f->kind == FIELD_STRING && as_kind && f->size <= FIELD_OP_GENERIC_MAX / 6) {
		op->fn[FMT_TEXT] = op_string_text;
		op->max[FMT_TEXT] = f->size;
		op->fn[FMT_JSON] = value ? op_string_json : op_text_string_json;
		op->max[FMT_JSON] = 6 * f->size + 2;
	} else if (special_fmt(f) == fmt_timestamp && whole && f->size == 8) {
		op->fn[FMT_TEXT] = op_timestamp_text;
		op->fn[FMT_JSON] = op_timestamp_json;
		op->max[FMT_TEXT] = op->max[FMT_JSON] = 50;
	}
}
