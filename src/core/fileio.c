/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-file reading with a size cap, offset-to-position for parser errors
 * and CSV field quoting, shared by the configuration and policy loaders and
 * the table printers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

int ps_file_read(const char *path, enum ps_mem_sub sub, size_t max, char **out,
		 size_t *len, struct ps_diag *d)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL;
	size_t n;
	int rc = PS_OK;

	if (f == NULL) {
		int e = errno;

		ps_diag_set(d, "cannot open '%s': %s", path, strerror(e));
		return e == ENOENT ? PS_ENOENT : PS_EIO;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		ps_diag_set(d, "cannot read '%s': not a regular file", path);
		rc = PS_EIO;
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		ps_diag_set(d, "'%s' is too large (over %zu bytes)", path, max);
		rc = PS_ELIMIT;
		goto out;
	}
	buf = ps_malloc(sub, (size_t)st.st_size + 1);
	if (buf == NULL) {
		ps_diag_set(d, "out of memory");
		rc = PS_ENOMEM;
		goto out;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		ps_diag_set(d, "cannot read '%s': %s", path, strerror(errno));
		rc = PS_EIO;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	ps_free(buf);
	fclose(f);
	return rc;
}

void ps_text_offset_pos(const char *text, size_t len, size_t off,
			unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++; /* not a UTF-8 continuation byte */
		}
	}
}

void ps_csv_write_field(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int write_failed(const char *path, int *sys_errno, struct ps_diag *d)
{
	int e = errno;

	ps_diag_set(d, "cannot write '%s': %s", path, strerror(e));
	if (sys_errno != NULL)
		*sys_errno = e;
	return PS_EIO;
}

int ps_file_write_atomic(const char *path, ps_file_writer_fn fn, void *arg,
			 int *sys_errno, struct ps_diag *d)
{
	char tmp[4200];
	FILE *f;
	int rc;

	if (strcmp(path, "-") == 0)
		return fn(arg, stdout, d);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    sizeof(tmp)) {
		ps_diag_set(d, "cannot write '%s': name too long", path);
		return PS_EINVAL;
	}
	if ((f = fopen(tmp, "wb")) == NULL)
		return write_failed(path, sys_errno, d);
	rc = fn(arg, f, d);
	if (fclose(f) != 0 && rc == PS_OK)
		rc = write_failed(path, sys_errno, d);
	if (rc == PS_OK && rename(tmp, path) != 0)
		rc = write_failed(path, sys_errno, d);
	if (rc != PS_OK)
		unlink(tmp);
	return rc;
}
