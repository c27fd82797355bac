// SPDX-License-Identifier: Apache-2.0
/* Picking this host's BTF out of an IG btfgen layer (runtime/btfgen.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "base/file.h"
#include "runtime/btfgen.h"

static void test_os_release(void **state)
{
	struct btfgen_host h;

	(void)state;
	/* Debian's, as it is */
	assert_int_equal(btfgen_os_release_parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
						 "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
						 "VERSION=\"12 (bookworm)\"\nID=debian\n", &h), 0);
	assert_string_equal(h.id, "debian");
	assert_string_equal(h.version_id, "12");
	/* RHEL quotes its ID; single quotes, CRLF and trailing blanks are the shell's too */
	assert_int_equal(btfgen_os_release_parse("ID=\"rhel\"\r\nID_LIKE=\"fedora\"\r\n"
						 "VERSION_ID='8.5'  \r\n", &h), 0);
	assert_string_equal(h.id, "rhel");
	assert_string_equal(h.version_id, "8.5");
	/* ID_LIKE and VERSION_CODENAME are not ID and VERSION_ID; escapes in double quotes */
	assert_int_equal(btfgen_os_release_parse("ID_LIKE=debian\nVERSION_CODENAME=jammy\n"
						 "ID=ubu\\ntu\nVERSION_ID=\"22.\\04\"", &h), 0);
	assert_string_equal(h.id, "ubu\\ntu");
	assert_string_equal(h.version_id, "22.04");
	/* Arch has no VERSION_ID: no entry can be named */
	assert_int_equal(btfgen_os_release_parse("NAME=\"Arch Linux\"\nID=arch\nBUILD_ID=rolling\n",
						 &h), -ENOENT);
	assert_int_equal(btfgen_os_release_parse("", &h), -ENOENT);
}

static void test_arch(void **state)
{
	(void)state;
	/* btfhub-archive's folders: x86_64 and arm64 (uname says aarch64) */
	assert_string_equal(btfgen_arch("x86_64"), "x86_64");
	assert_string_equal(btfgen_arch("aarch64"), "arm64");
	/* others as uname names them */
	assert_string_equal(btfgen_arch("riscv64"), "riscv64");
	assert_string_equal(btfgen_arch("mips"), "mips");
}

static void test_entry(void **state)
{
	struct btfgen_host h = { "ubuntu", "20.04", "arm64", "5.4.0-1018-raspi" };
	char buf[64];

	(void)state;
	assert_int_equal(btfgen_host_entry(&h, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ubuntu/20.04/arm64/5.4.0-1018-raspi.btf");
	assert_int_equal(btfgen_host_entry(&h, buf, 20), -ENAMETOOLONG);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* /etc/os-release first, else /usr/lib/os-release (os-release(5)). */
static void test_host_read(void **state)
{
	char root[] = "/tmp/test_btfgen.XXXXXX", path[256], cmd[300];
	struct gadget_err err = {};
	struct btfgen_host h;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(btfgen_host_read(root, &h, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/usr/lib/os-release exists"));
	snprintf(path, sizeof(path), "%s/usr/lib", root);
	assert_int_equal(mkdir_parents(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/usr/lib/os-release", root);
	write_file(path, "ID=fedora\nVERSION_ID=39\n");
	assert_int_equal(btfgen_host_read(root, &h, &err), 0);
	assert_string_equal(h.id, "fedora");
	assert_string_equal(h.version_id, "39");
	assert_true(h.arch[0] && h.release[0]);
	snprintf(path, sizeof(path), "%s/etc", root);
	assert_int_equal(mkdir_parents(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/os-release", root);
	write_file(path, "ID=arch\n");
	assert_int_equal(btfgen_host_read(root, &h, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "etc/os-release has no ID= or no VERSION_ID="));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

/* A layer as IG's builder makes it, and one made with "tar -C dir ." (./ names). */
static void test_scan_extract(void **state)
{
	char dir[] = "/tmp/test_btfgen.XXXXXX", cmd[600], path[4096], tgz[300];
	struct gadget_err err = {};
	struct btfgen_scan s;
	struct btf *b = btf__new_empty();
	const void *raw;
	__u32 raw_len;
	size_t len;
	void *data;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true(btf__add_int(b, "int", 4, BTF_INT_SIGNED) > 0);
	raw = btf__raw_data(b, &raw_len);
	snprintf(path, sizeof(path), "%s/btfs/debian/12/x86_64", dir);
	assert_int_equal(mkdir_parents(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/btfs/debian/12/x86_64/6.1.0-18-amd64.btf", dir);
	assert_int_equal(file_write_atomic(path, raw, raw_len, &err), 0);
	snprintf(cmd, sizeof(cmd), "cd %s/btfs && mkdir -p ubuntu/20.04/x86_64 && echo notbtf "
		 ">ubuntu/20.04/x86_64/5.4.0-26-generic.btf && echo x >README && echo xz "
		 ">ubuntu/20.04/x86_64/5.4.0-42-generic.btf.tar.xz && tar c --gz "
		 "--sort=name -f ../layer.tar.gz . >/dev/null", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(tgz, sizeof(tgz), "%s/layer.tar.gz", dir);
	assert_int_equal(file_read(tgz, &data, &len, &err), 0);

	assert_int_equal(btfgen_scan(data, len, "debian/12/x86_64/6.1.0-18-amd64.btf", &s, &err), 0);
	assert_int_equal(s.entries, 2);	/* README is no .btf, the .btf.tar.xz is counted apart */
	assert_int_equal(s.xz, 1);
	assert_true(s.found);
	assert_string_equal(s.listing, "debian/12/x86_64/6.1.0-18-amd64.btf, "
			    "ubuntu/20.04/x86_64/5.4.0-26-generic.btf");

	assert_int_equal(btfgen_extract(data, len, "debian/12/x86_64/6.1.0-18-amd64.btf", path,
					sizeof(path), &err), 0);
	btf__free(b);
	b = btf__parse_raw(path);
	assert_non_null(b);
	assert_int_equal(btf__type_cnt(b), 2);
	assert_int_equal(unlink(path), 0);

	assert_int_equal(btfgen_extract(data, len, "debian/12/x86_64/6.1.0-99-amd64.btf", path,
					sizeof(path), &err), -ENOENT);
	assert_string_equal(path, "");
	assert_non_null(strstr(err.msg, "looked for debian/12/x86_64/6.1.0-99-amd64.btf; the layer "
			       "holds 2 entries: debian/12/x86_64/6.1.0-18-amd64.btf, ubuntu/"));
	assert_non_null(strstr(err.msg, "(and btfhub-archive's .btf.tar.xz files, which are not used"));
	assert_int_equal(btfgen_extract(data, len, "ubuntu/20.04/x86_64/5.4.0-26-generic.btf", path,
					sizeof(path), &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "is not a BTF file"));
	assert_int_equal(btfgen_scan("not a tar.gz", 12, "x", &s, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "btfgen layer"));

	btf__free(b);
	free(data);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_release),
		cmocka_unit_test(test_arch),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_host_read),
		cmocka_unit_test(test_scan_extract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
