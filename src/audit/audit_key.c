/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit key file: 32 random bytes kept as hex in a file of mode 0600
 * next to the database, read by everything that appends to or verifies
 * the trail, and created once by `panshi init`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "audit/audit.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int key_parse(const char *path, const char *buf, size_t n,
		     uint8_t key[PS_AUDIT_KEY_LEN], struct ps_diag *d)
{
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	if (n != 2 * PS_AUDIT_KEY_LEN)
		goto bad;
	for (size_t i = 0; i < PS_AUDIT_KEY_LEN; i++) {
		int hi = hexval((unsigned char)buf[2 * i]), lo = hexval((unsigned char)buf[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return PS_OK;
bad:
	ps_diag_set(d, "audit key '%s' is not 64 hex digits", path);
	return PS_EPROTO;
}

int ps_audit_key_load(const char *path, uint8_t key[PS_AUDIT_KEY_LEN],
		      struct ps_diag *d)
{
	char buf[256];
	struct stat sb;
	ssize_t n;
	int rc = PS_OK, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ps_diag_set(d, "cannot open audit key '%s': %s", path, strerror(errno));
		return errno == ENOENT ? PS_ENOENT : PS_EIO;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		ps_diag_set(d, "audit key '%s' is not a regular file", path);
		rc = PS_EIO;
		goto out;
	}
	if ((sb.st_mode & 077) != 0) {
		ps_diag_set(d, "audit key '%s' is accessible by others (mode %04o): chmod 600 it",
			    path, (unsigned)(sb.st_mode & 07777));
		rc = PS_EINVAL;
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		ps_diag_set(d, "cannot read audit key '%s': %s", path, strerror(errno));
		rc = PS_EIO;
		goto out;
	}
	rc = key_parse(path, buf, (size_t)n, key, d);
out:
	memset(buf, 0, sizeof(buf));
	close(fd);
	return rc;
}

/* Write a new key to `tmp` (created exclusively, mode 0600). */
static int write_tmp(const char *tmp, struct ps_diag *d)
{
	uint8_t raw[PS_AUDIT_KEY_LEN];
	char hex[2 * PS_AUDIT_KEY_LEN + 2];
	int rc, fd;

	if ((rc = ps_random_bytes(raw, sizeof(raw))) != PS_OK ||
	    (rc = ps_hex_encode(raw, sizeof(raw), hex, sizeof(hex))) != PS_OK) {
		ps_diag_set(d, "cannot generate an audit key: %s", ps_strerror(rc));
		return rc;
	}
	memset(raw, 0, sizeof(raw));
	hex[2 * PS_AUDIT_KEY_LEN] = '\n';
	hex[2 * PS_AUDIT_KEY_LEN + 1] = '\0';
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ps_diag_set(d, "cannot create audit key '%s': %s", tmp, strerror(errno));
		return PS_EIO;
	}
	rc = write(fd, hex, sizeof(hex) - 1) == (ssize_t)(sizeof(hex) - 1) &&
		fsync(fd) == 0 ? PS_OK : PS_EIO;
	if (close(fd) != 0)
		rc = PS_EIO;
	memset(hex, 0, sizeof(hex));
	if (rc != PS_OK)
		ps_diag_set(d, "cannot write audit key '%s': %s", tmp, strerror(errno));
	return rc;
}

int ps_audit_key_create(const char *path, bool *created, struct ps_diag *d)
{
	char tmp[4200];
	int rc;

	*created = false;
	if (access(path, F_OK) == 0)
		return PS_OK;
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp)) {
		ps_diag_set(d, "audit key path '%s' is too long", path);
		return PS_EINVAL;
	}
	if ((rc = write_tmp(tmp, d)) != PS_OK) {
		unlink(tmp);
		return rc;
	}
	/* link() refuses to replace: the first creator's key wins. */
	if (link(tmp, path) == 0) {
		*created = true;
	} else if (errno != EEXIST) {
		ps_diag_set(d, "cannot create audit key '%s': %s", path, strerror(errno));
		rc = PS_EIO;
	}
	unlink(tmp);
	return rc;
}
