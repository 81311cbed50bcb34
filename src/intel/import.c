/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The import driver shared by every intel format: reads a file or buffer
 * (gzip or plain, through zlib) line by line with a bounded line length,
 * hands lines to the format, normalises and completes each indicator the
 * format emits, counts bad lines with their reasons, reports progress,
 * and on a file import writes the indicators to the store in bulk.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_int.h"
#include "store/store.h"

#define READ_CHUNK (256 * 1024)
#define MEM_INFLATE_MAX ((int64_t)256 << 20)
#define DOC_MAX ((int64_t)1 << 30)
#define PROGRESS_EVERY 4096 /* lines between looks at the clock */

/* The formats this build reads. */
static const struct ps_intel_format_ops *const formats[PS_INTEL_FMT__COUNT] = {
	[PS_INTEL_FMT_LIST] = &ps_intel_fmt_list,
	[PS_INTEL_FMT_CSV] = &ps_intel_fmt_csv,
	[PS_INTEL_FMT_MALTRAIL] = &ps_intel_fmt_maltrail,
	[PS_INTEL_FMT_STIX] = &ps_intel_fmt_stix,
	[PS_INTEL_FMT_MISP] = &ps_intel_fmt_misp,
};

static const char *const format_names[PS_INTEL_FMT__COUNT] = {
	"auto", "list", "csv", "maltrail", "stix", "misp",
};

const char *ps_intel_format_name(enum ps_intel_format f)
{
	return (unsigned)f < PS_INTEL_FMT__COUNT ? format_names[f] : "";
}

int ps_intel_format_parse(const char *s, enum ps_intel_format *out)
{
	for (int f = 0; f < PS_INTEL_FMT__COUNT; f++)
		if (s != NULL && strcasecmp(s, format_names[f]) == 0) {
			*out = (enum ps_intel_format)f;
			return PS_OK;
		}
	return PS_EINVAL;
}

static bool ends_with(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n >= m && strcasecmp(s + n - m, sfx) == 0;
}

enum ps_intel_format ps_intel_format_guess(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return PS_INTEL_FMT_MISP;
	if (ends_with(path, ".csv") || ends_with(path, ".csv.gz"))
		return PS_INTEL_FMT_CSV;
	if (ends_with(path, ".tsv") || ends_with(path, ".tsv.gz"))
		return PS_INTEL_FMT_MALTRAIL;
	if (ends_with(path, ".json") || ends_with(path, ".json.gz"))
		return PS_INTEL_FMT_STIX;
	return PS_INTEL_FMT_LIST;
}

void ps_intel_import_opts_init(struct ps_intel_import_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->confidence = -1;
	o->tlp = -1;
	o->shareable = -1;
}

void ps_intel_extra_init(struct ps_intel_extra *x)
{
	memset(x, 0, sizeof(*x));
	x->confidence = -1;
	x->tlp = -1;
	x->shareable = -1;
}

/* ---- bad and skipped lines --------------------------------------------------- */

void ps_intel_bad_text(struct ps_intel_parse *p, const char *msg)
{
	struct ps_intel_report *r = p->r;

	r->bad++;
	if (r->n_shown < PS_INTEL_BAD_SHOWN) {
		r->shown[r->n_shown].line = p->line;
		snprintf(r->shown[r->n_shown].where, sizeof(r->shown[0].where), "%s",
			 p->where != NULL ? p->where : "");
		snprintf(r->shown[r->n_shown].msg, sizeof(r->shown[0].msg), "%s", msg);
		r->n_shown++;
	}
}

void ps_intel_bad(struct ps_intel_parse *p, enum ps_msg_id id, ...)
{
	char msg[256];
	va_list ap;

	if (p->r->n_shown >= PS_INTEL_BAD_SHOWN) {
		p->r->bad++; /* counted, not formatted */
		return;
	}
	va_start(ap, id);
	(void)ps_tr_vfmt(msg, sizeof(msg), id, ap);
	va_end(ap);
	ps_intel_bad_text(p, msg);
}

void ps_intel_skip(struct ps_intel_parse *p, enum ps_msg_id reason)
{
	struct ps_intel_report *r = p->r;
	const char *text = ps_tr(reason);
	size_t i;

	r->skipped++;
	for (i = 0; i < r->n_skip_kinds; i++)
		if (strcmp(r->skip_kinds[i].reason, text) == 0)
			break;
	if (i == r->n_skip_kinds) {
		if (i == PS_INTEL_SKIP_KINDS)
			i--; /* the last kind collects the rest */
		else
			snprintf(r->skip_kinds[r->n_skip_kinds++].reason,
				 sizeof(r->skip_kinds[0].reason), "%s", text);
	}
	r->skip_kinds[i].count++;
}

/* ---- emitting an indicator ---------------------------------------------------- */

/* Append "a,b" items of s[0..n) to p->tags; false when too long. */
static bool tags_add(struct ps_intel_parse *p, size_t *len, const char *s, size_t n)
{
	ps_intel_trim(&s, &n);
	if (n == 0)
		return true;
	if (*len + (*len > 0) + n > PS_INTEL_TAGS_MAX)
		return false;
	if (*len > 0)
		p->tags[(*len)++] = ',';
	memcpy(p->tags + *len, s, n);
	*len += n;
	p->tags[*len] = '\0';
	return true;
}

static bool build_tags(struct ps_intel_parse *p, const struct ps_intel_extra *x)
{
	size_t len = 0;
	char port[16];
	int n;

	p->tags[0] = '\0';
	if (p->o->tags != NULL && !tags_add(p, &len, p->o->tags, strlen(p->o->tags)))
		return false;
	if (x != NULL && x->tags != NULL && !tags_add(p, &len, x->tags, x->tags_len))
		return false;
	if (p->norm.port != 0) {
		n = snprintf(port, sizeof(port), "port:%u", p->norm.port);
		return tags_add(p, &len, port, (size_t)n);
	}
	return true;
}

/* family from x or the options; into buf; false (bad line counted) when invalid. */
static bool get_family(struct ps_intel_parse *p, const struct ps_intel_extra *x,
		       char *buf, const char **out)
{
	const char *f = x != NULL && x->family != NULL ? x->family : p->o->family;
	size_t n = x != NULL && x->family != NULL ? x->family_len : f ? strlen(f) : 0;

	*out = NULL;
	if (f == NULL)
		return true;
	ps_intel_trim(&f, &n);
	if (n == 0)
		return true;
	if (n > PS_INTEL_FAMILY_MAX) {
		ps_intel_bad(p, PS_MSG_INTEL_FIELD_LONG, "family", PS_INTEL_FAMILY_MAX);
		return false;
	}
	if (!ps_intel_utf8_valid(f, n)) {
		ps_intel_bad(p, PS_MSG_INTEL_FIELD_UTF8, "family");
		return false;
	}
	memcpy(buf, f, n);
	buf[n] = '\0';
	*out = buf;
	return true;
}

static void fill_ioc(struct ps_intel_parse *p, const struct ps_intel_extra *x,
		     struct ps_ioc *ioc)
{
	memset(ioc, 0, sizeof(*ioc));
	ioc->type = p->norm.type;
	ioc->value = p->norm.value;
	ioc->prefix = p->norm.prefix;
	ioc->subdomains = p->norm.type == PS_IOC_DOMAIN &&
			  (p->norm.subdomains || p->o->subdomains || (x && x->subdomains));
	ioc->category = x && x->category ? x->category : p->category;
	if (ioc->category == PS_IOC_CAT_NONE)
		ioc->category = ps_ioc_category_default(ioc->type);
	ioc->severity = x && x->severity > 0 ? (uint8_t)x->severity : p->severity;
	ioc->confidence = x && x->confidence >= 0 ? (uint8_t)x->confidence : p->confidence;
	ioc->tlp = x && x->tlp >= 0 ? (enum ps_tlp)x->tlp : p->tlp;
	ioc->shareable = p->shareable && !(x && x->shareable == 0);
	ioc->first_seen = x && x->first_seen ? x->first_seen : p->now;
	ioc->last_seen = x && x->last_seen ? x->last_seen : p->now;
	if (ioc->last_seen < ioc->first_seen)
		ioc->last_seen = ioc->first_seen;
	ioc->expires = x && x->expires ? x->expires
		     : p->ttl_us > 0 ? ioc->last_seen + p->ttl_us : 0;
	ioc->tags = p->tags[0] != '\0' ? p->tags : NULL;
	if (x && x->source && x->source_len &&
	    x->source_len <= PS_INTEL_SOURCE_NAME_MAX &&
	    ps_intel_utf8_valid(x->source, x->source_len)) {
		memcpy(p->source, x->source, x->source_len);
		p->source[x->source_len] = '\0';
		ioc->source = p->source;
	}
}

int ps_intel_emit(struct ps_intel_parse *p, enum ps_ioc_type hint, const char *v,
		  size_t n, const struct ps_intel_extra *x)
{
	char family[PS_INTEL_FAMILY_MAX + 1];
	struct ps_ioc ioc;
	int rc;

	if (hint == PS_IOC_NONE)
		hint = p->o->type;
	if (ps_ioc_normalize(hint, v, n, &p->norm, &p->diag) != PS_OK) {
		ps_intel_bad_text(p, p->diag.msg);
		return PS_OK;
	}
	fill_ioc(p, x, &ioc);
	if (!get_family(p, x, family, &ioc.family))
		return PS_OK;
	if (!build_tags(p, x)) {
		ps_intel_bad(p, PS_MSG_INTEL_FIELD_LONG, "tags", PS_INTEL_TAGS_MAX);
		return PS_OK;
	}
	if (!ps_intel_utf8_valid(p->tags, strlen(p->tags))) {
		ps_intel_bad(p, PS_MSG_INTEL_FIELD_UTF8, "tags");
		return PS_OK;
	}
	ioc.tags = p->tags[0] != '\0' ? p->tags : NULL;
	p->r->read++;
	rc = p->sink(p->sink_arg, &ioc);
	if (rc != PS_OK)
		p->sink_rc = rc;
	return rc;
}

/* ---- reading lines ---------------------------------------------------------------- */

/* Bytes from a gzip or plain file, or from memory (inflated when gzip). */
struct reader {
	gzFile gz;
	const uint8_t *mem;
	size_t mem_len, mem_off;
	z_stream zs;
	bool inflating, zs_ready, zs_end;
	int64_t produced;
	char *buf;
	size_t cap, start, end;
	bool eof, skipping;
	int err; /* PS_EIO, PS_EPROTO, PS_ELIMIT once failed */
};

static int reader_init(struct reader *r)
{
	r->cap = READ_CHUNK + PS_INTEL_LINE_MAX;
	r->buf = ps_malloc(PS_MEM_INTEL, r->cap);
	return r->buf != NULL ? PS_OK : PS_ENOMEM;
}

static void reader_release(struct reader *r)
{
	if (r->gz != NULL)
		gzclose(r->gz);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	ps_free(r->buf);
}

static int mem_setup(struct reader *r, const void *data, size_t len)
{
	r->mem = data;
	r->mem_len = len;
	if (len < 2 || r->mem[0] != 0x1f || r->mem[1] != 0x8b)
		return PS_OK;
	if (inflateInit2(&r->zs, 15 + 32) != Z_OK)
		return PS_ENOMEM;
	r->zs_ready = r->inflating = true;
	r->zs.next_in = (Bytef *)(uintptr_t)data;
	r->zs.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	return PS_OK;
}

/* Inflate into dst; concatenated gzip members are read one after another. */
static long mem_inflate(struct reader *r, char *dst, size_t room)
{
	int zrc;

	r->zs.next_out = (Bytef *)dst;
	r->zs.avail_out = (uInt)room;
	while (r->zs.avail_out > 0 && r->zs.avail_in > 0) {
		zrc = inflate(&r->zs, Z_NO_FLUSH);
		r->zs_end = zrc == Z_STREAM_END;
		if (zrc == Z_STREAM_END) {
			if (r->zs.avail_in == 0 || inflateReset(&r->zs) != Z_OK)
				break;
		} else if (zrc != Z_OK) {
			r->err = PS_EPROTO;
			return -1;
		}
	}
	/* all input used without the end of a member: truncated */
	if (r->zs.avail_in == 0 && !r->zs_end && r->zs.avail_out > 0) {
		r->err = PS_EPROTO;
		return -1;
	}
	return (long)(room - r->zs.avail_out);
}

/* Read more bytes after r->end; sets eof or err. */
static void reader_fill(struct reader *r)
{
	size_t room = r->cap - r->end;
	long got;

	if (room > READ_CHUNK)
		room = READ_CHUNK;
	if (r->gz != NULL) {
		got = gzread(r->gz, r->buf + r->end, (unsigned)room);
		if (got < 0) {
			int zerr;

			gzerror(r->gz, &zerr);
			r->err = zerr == Z_ERRNO ? PS_EIO : PS_EPROTO;
		}
	} else if (r->inflating) {
		got = mem_inflate(r, r->buf + r->end, room);
		if (got >= 0 && (r->produced += got) > MEM_INFLATE_MAX)
			r->err = PS_ELIMIT;
	} else {
		got = (long)(r->mem_len - r->mem_off < room ? r->mem_len - r->mem_off : room);
		memcpy(r->buf + r->end, r->mem + r->mem_off, (size_t)got);
		r->mem_off += (size_t)got;
	}
	if (got > 0)
		r->end += (size_t)got;
	else
		r->eof = true;
}

/*
 * The next line (without '\n'; a trailing CR is the format's business),
 * borrowed until the next call. *long_line is set for a line over
 * PS_INTEL_LINE_MAX, which is skipped to its end. PS_OK, PS_EOF, or the
 * reader's error.
 */
static int reader_line(struct reader *r, char **line, size_t *len, bool *long_line)
{
	char *nl;

	*long_line = false;
	for (;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl != NULL || (r->eof && r->err == PS_OK && r->end > r->start)) {
			size_t n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;

			*line = r->buf + r->start;
			*len = n;
			r->start += n + (nl != NULL);
			if (r->skipping || n > PS_INTEL_LINE_MAX) {
				r->skipping = false;
				*long_line = true;
			}
			return PS_OK;
		}
		if (r->err != PS_OK)
			return r->err;
		if (r->eof)
			return PS_EOF;
		if (r->end - r->start >= PS_INTEL_LINE_MAX) {
			r->skipping = true; /* drop what we have, keep looking for '\n' */
			r->start = r->end = 0;
		} else if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		reader_fill(r);
	}
}

/* ---- the parse loop ------------------------------------------------------------------- */

struct progress {
	const char *path;
	int64_t total;
	uint64_t last_ms;  /* last line written, or the start */
	bool ticked;       /* a line was written */
	int64_t start_us;
	struct reader *rd;
};

static void progress_tick(struct ps_intel_parse *p, struct progress *pg, bool force)
{
	const struct ps_intel_import_opts *o = p->o;
	int64_t every = o->progress_ms > 0 ? o->progress_ms : 2000;
	uint64_t now = ps_time_mono_ms();
	struct ps_intel_progress info;

	/* the first line after one interval; a closing line only after others */
	if (o->progress == NULL || (force ? !pg->ticked : now - pg->last_ms < (uint64_t)every))
		return;
	pg->last_ms = now;
	pg->ticked = true;
	info.path = pg->path;
	info.bytes_total = pg->total;
	info.bytes_done = pg->rd->gz != NULL ? (int64_t)gzoffset(pg->rd->gz)
					     : (int64_t)pg->rd->mem_off;
	info.lines = p->r->lines;
	info.read = p->r->read;
	info.elapsed_us = ps_time_now_us() - pg->start_us;
	o->progress(o->progress_arg, &info);
}

static void strip_line(struct ps_intel_parse *p, char **s, size_t *n)
{
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	if (p->line == 1 && *n >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
		*s += 3;
		*n -= 3;
	}
}

static int run_lines(const struct ps_intel_format_ops *ops, struct ps_intel_parse *p,
		     struct reader *rd, struct progress *pg)
{
	bool long_line;
	char *s;
	size_t n;
	int rc;

	while ((rc = reader_line(rd, &s, &n, &long_line)) == PS_OK) {
		p->line++;
		p->r->lines++;
		strip_line(p, &s, &n);
		if (long_line)
			ps_intel_bad(p, PS_MSG_INTEL_LINE_LONG, PS_INTEL_LINE_MAX);
		else if (memchr(s, '\0', n) != NULL)
			ps_intel_bad(p, PS_MSG_INTEL_NUL);
		else if ((rc = ops->line(p, s, n)) != PS_OK)
			return rc;
		if (p->line % PROGRESS_EVERY != 0)
			continue;
		progress_tick(p, pg, false);
		if (p->o->stop != NULL && atomic_load(p->o->stop))
			return PS_ECANCELED;
	}
	if (rc != PS_EOF)
		return rc;
	return ops->end != NULL ? ops->end(p) : PS_OK;
}

/* Whole input into one buffer for document formats. */
static int run_document(const struct ps_intel_format_ops *ops, struct ps_intel_parse *p,
			struct reader *rd)
{
	struct ps_buf all = PS_BUF_INIT(PS_MEM_INTEL, (size_t)DOC_MAX);
	int rc = PS_OK;

	if (rd->gz == NULL && !rd->inflating)
		return ops->document(p, (const char *)rd->mem, rd->mem_len);
	while (rc == PS_OK && !rd->eof && rd->err == PS_OK) {
		rd->start = rd->end = 0;
		reader_fill(rd);
		rc = ps_buf_add(&all, rd->buf, rd->end);
	}
	if (rc == PS_OK)
		rc = rd->err;
	if (rc == PS_OK)
		rc = ops->document(p, ps_buf_cstr(&all), ps_buf_len(&all));
	ps_buf_release(&all);
	return rc;
}

/* Parse from rd, or (rd NULL) the directory dir with the format's directory hook. */
static int run(const struct ps_intel_format_ops *ops, struct ps_intel_parse *p,
	       struct reader *rd, struct progress *pg, const char *dir)
{
	int rc = PS_OK;

	p->state = NULL;
	pg->last_ms = ps_time_mono_ms();
	if (ops->state_size > 0 &&
	    (p->state = ps_calloc(PS_MEM_INTEL, 1, ops->state_size)) == NULL)
		return PS_ENOMEM;
	if (ops->begin != NULL)
		rc = ops->begin(p);
	if (rc == PS_OK && rd == NULL)
		rc = ops->directory(p, dir);
	else if (rc == PS_OK)
		rc = ops->document != NULL ? run_document(ops, p, rd) : run_lines(ops, p, rd, pg);
	if (rd != NULL)
		progress_tick(p, pg, true);
	if (ops->release != NULL)
		ops->release(p);
	ps_free(p->state);
	p->state = NULL;
	if (rc == PS_OK && p->sink_rc != PS_OK)
		rc = p->sink_rc;
	return rc;
}

/* Defaults from the options and the built-ins (and the source, for files). */
static void parse_defaults(struct ps_intel_parse *p, const struct ps_intel_source *src)
{
	const struct ps_intel_import_opts *o = p->o;

	p->category = o->category ? o->category : src ? src->category : PS_IOC_CAT_NONE;
	p->severity = (uint8_t)(o->severity > 0 ? o->severity
			       : src && src->severity > 0 ? src->severity
							  : PS_INTEL_SEVERITY_DEFAULT);
	p->confidence = (uint8_t)(o->confidence >= 0 ? o->confidence
				 : src && src->confidence >= 0 ? src->confidence
							       : PS_INTEL_CONFIDENCE_DEFAULT);
	p->tlp = o->tlp >= 0 ? (enum ps_tlp)o->tlp
	       : src && src->tlp >= 0 ? (enum ps_tlp)src->tlp : PS_INTEL_TLP_DEFAULT;
	p->shareable = o->shareable >= 0 ? o->shareable != 0 : src ? src->shareable != 0 : true;
	p->ttl_us = (o->ttl_s > 0 ? o->ttl_s : src ? src->ttl_s : 0) * PS_USEC_PER_SEC;
	p->now = o->now_us > 0 ? o->now_us : ps_time_now_us();
}

static bool opts_valid(const struct ps_intel_import_opts *o)
{
	return (unsigned)o->format < PS_INTEL_FMT__COUNT && (unsigned)o->type < PS_IOC__COUNT &&
	       (unsigned)o->category < PS_IOC_CAT__COUNT && o->severity >= 0 &&
	       o->severity <= 5 && o->confidence >= -1 && o->confidence <= 100 &&
	       o->tlp >= -1 && o->tlp < PS_TLP__COUNT && o->shareable >= -1 &&
	       o->shareable <= 1 && o->ttl_s >= 0 && o->refresh_s >= 0;
}

static const struct ps_intel_format_ops *format_ops(const struct ps_intel_import_opts *o,
						   const char *name, struct ps_diag *d)
{
	enum ps_intel_format f = o->format != PS_INTEL_FMT_AUTO ? o->format
								 : ps_intel_format_guess(name);
	const struct ps_intel_format_ops *ops = formats[f];

	if (ops == NULL)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_FORMAT_UNSUP, name,
			  ps_intel_format_name(f));
	return ops;
}

/* The message for a parse that ended with rc (the store's are the caller's). */
static void parse_message(const struct ps_intel_parse *p, int rc, const char *name,
			  struct ps_diag *d)
{
	if (rc == PS_EINVAL && p->diag.msg[0] != '\0')
		memcpy(d->msg, p->diag.msg, sizeof(d->msg));
	else if (rc == PS_EPROTO)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_GZIP, name, (long)p->line);
	else if (rc == PS_ELIMIT)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_TOO_BIG, name,
			  (long long)MEM_INFLATE_MAX);
	else if (rc == PS_EIO)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_READ, name, (long)p->line,
			  strerror(errno));
	else if (rc == PS_ECANCELED)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_STOPPED, name, (long)p->line);
}

int ps_intel_parse_mem(const struct ps_intel_import_opts *o, const char *name,
		       const void *data, size_t len, ps_intel_sink_fn sink, void *arg,
		       struct ps_intel_report *r, struct ps_diag *d)
{
	struct ps_intel_parse *p;
	const struct ps_intel_format_ops *ops;
	struct reader rd = {0};
	struct progress pg = {name, (int64_t)len, 0, false, ps_time_now_us(), &rd};
	struct ps_diag dummy;
	int rc;

	d = d != NULL ? d : &dummy;
	d->msg[0] = '\0';
	memset(r, 0, sizeof(*r));
	if (!opts_valid(o))
		return PS_EINVAL;
	if ((ops = format_ops(o, name, d)) == NULL)
		return PS_EUNSUP;
	p = ps_calloc(PS_MEM_INTEL, 1, sizeof(*p));
	if (p == NULL)
		return PS_ENOMEM;
	*p = (struct ps_intel_parse){.o = o, .name = name, .r = r, .sink = sink,
				     .sink_arg = arg};
	parse_defaults(p, NULL);
	rc = reader_init(&rd);
	if (rc == PS_OK)
		rc = mem_setup(&rd, data, len);
	if (rc == PS_OK)
		rc = run(ops, p, &rd, &pg, NULL);
	parse_message(p, rc, name, d);
	r->elapsed_us = ps_time_now_us() - pg.start_us;
	reader_release(&rd);
	ps_free(p);
	return rc;
}

/* ---- importing a file into the store ----------------------------------------------- */

#define IMPORT_SOURCES 64   /* records' own sources remembered per import */

struct import_ctx {
	struct ps_intel_writer *w;
	struct ps_store *st;
	const char *self;             /* the import's source name */
	const char *format;           /* for sources records name */
	int64_t source_id;
	unsigned nsrc;
	struct {
		char name[PS_INTEL_SOURCE_NAME_MAX + 1];
		int64_t id;
	} srcs[IMPORT_SOURCES];
	struct ps_intel_source src;   /* the source's defaults after the put */
	char name[256];
};

/*
 * The id of a record's own source (an export of ours names each
 * indicator's source), created like the import's own on first sight.
 * At most IMPORT_SOURCES of them per file: a file naming more (a hostile
 * bundle could name one per record) files the rest under the import's own.
 */
static int record_source(struct import_ctx *c, const char *name, int64_t *id)
{
	struct ps_intel_source s = {.name = name, .format = c->format,
				    .confidence = -1, .tlp = -1,
				    .shareable = -1};
	unsigned i;
	int rc;

	for (i = 0; i < c->nsrc; i++) {
		if (!strcmp(c->srcs[i].name, name)) {
			*id = c->srcs[i].id;
			return PS_OK;
		}
	}
	if (c->nsrc == IMPORT_SOURCES) {
		*id = c->source_id;
		return PS_OK;
	}
	rc = ps_intel_source_put(c->st, &s, id);
	if (rc == PS_OK) {
		snprintf(c->srcs[c->nsrc].name, sizeof(c->srcs[0].name), "%s",
			 name);
		c->srcs[c->nsrc++].id = *id;
	}
	return rc;
}

static int import_sink(void *arg, const struct ps_ioc *ioc)
{
	struct import_ctx *c = arg;
	struct ps_ioc row = *ioc;
	int rc;

	row.source_id = c->source_id;
	if (ioc->source && strcmp(ioc->source, c->self) &&
	    (rc = record_source(c, ioc->source, &row.source_id)) != PS_OK)
		return rc;
	row.source = NULL;
	return ps_intel_writer_add(c->w, &row);
}

static int keep_source(void *arg, const struct ps_intel_source *s)
{
	struct import_ctx *c = arg;

	c->src = *s;
	c->src.name = c->src.format = c->src.location = NULL;
	return PS_OK;
}

/* Create or update the source from the options; read back its defaults. */
static int import_source(struct ps_store *st, const struct ps_intel_import_opts *o,
			 const char *path, enum ps_intel_format f, struct import_ctx *c)
{
	struct ps_intel_source s = {
		.name = o->source, .format = ps_intel_format_name(f), .location = o->location != NULL ? o->location : path,
		.refresh_s = o->refresh_s, .ttl_s = o->ttl_s, .category = o->category,
		.severity = o->severity, .confidence = o->confidence, .tlp = o->tlp,
		.shareable = o->shareable,
	};
	int rc = ps_intel_source_put(st, &s, &c->source_id);

	if (rc == PS_OK)
		rc = ps_intel_source_get(st, o->source, keep_source, c);
	return rc;
}

/*
 * Open path for reading (messages name it). A directory is only opened
 * by a format that reads directories (MISP feeds): *dir is set then.
 */
static int import_open(const char *path, const struct ps_intel_format_ops *ops,
		       struct reader *rd, int64_t *size, bool *dir, struct ps_diag *d)
{
	struct stat sb;
	int e;

	*dir = false;
	if (stat(path, &sb) != 0) {
		e = errno;
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_ERR_CANNOT_OPEN, path, strerror(e));
		return e == ENOENT ? PS_ENOENT : PS_EIO;
	}
	if (S_ISDIR(sb.st_mode)) {
		*dir = ops->directory != NULL;
		if (*dir)
			return PS_OK;
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_ERR_CANNOT_OPEN, path,
			  strerror(EISDIR));
		return PS_EIO;
	}
	*size = (int64_t)sb.st_size;
	rd->gz = gzopen(path, "rb");
	if (rd->gz == NULL) {
		e = errno ? errno : ENOMEM;
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_ERR_CANNOT_OPEN, path, strerror(e));
		return e == ENOENT ? PS_ENOENT : PS_EIO;
	}
	gzbuffer(rd->gz, READ_CHUNK);
	return reader_init(rd);
}

static int import_run(struct ps_store *st, const struct ps_intel_import_opts *o,
		      const char *path, struct import_ctx *c, struct ps_intel_parse *p,
		      struct ps_diag *d)
{
	const struct ps_intel_format_ops *ops;
	struct reader rd = {0};
	struct progress pg = {path, 0, 0, false, ps_time_now_us(), &rd};
	enum ps_intel_format f;
	bool dir;
	int rc;

	if ((ops = format_ops(o, path, d)) == NULL)
		return PS_EUNSUP;
	f = ops->format;
	rc = import_open(path, ops, &rd, &pg.total, &dir, d);
	c->st = st;
	c->self = o->source;
	c->format = ps_intel_format_name(f);
	if (rc == PS_OK && (rc = import_source(st, o, path, f, c)) != PS_OK)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_STORE_FAIL, path, 0L,
			  ps_store_errmsg(st));
	if (rc == PS_OK && (rc = ps_intel_writer_open(st, o->tx_rows, &c->w)) != PS_OK)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_STORE_FAIL, path, 0L,
			  ps_store_errmsg(st));
	if (rc == PS_OK) {
		parse_defaults(p, &c->src);
		rc = run(ops, p, dir ? NULL : &rd, &pg, path);
		if (rc == PS_OK)
			rc = ps_intel_writer_commit(c->w);
		if (rc == PS_EDB || (rc == PS_ENOMEM && p->sink_rc == rc))
			ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_STORE_FAIL, path,
				  (long)p->line, ps_store_errmsg(st));
		else
			parse_message(p, rc, path, d);
		ps_intel_writer_counts(c->w, &p->r->imported, &p->r->updated);
	}
	reader_release(&rd);
	return rc;
}

int ps_intel_import_file(struct ps_store *st, const struct ps_intel_import_opts *o,
			 const char *path, struct ps_intel_report *r, struct ps_diag *d)
{
	struct import_ctx *c = NULL;
	struct ps_intel_parse *p = NULL;
	struct ps_diag dummy;
	int64_t start = ps_time_now_us();
	bool wrote;
	int rc;

	d = d != NULL ? d : &dummy;
	d->msg[0] = '\0';
	memset(r, 0, sizeof(*r));
	if (!opts_valid(o) || o->source == NULL || o->source[0] == '\0') {
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_NO_SOURCE, path);
		return PS_EINVAL;
	}
	c = ps_calloc(PS_MEM_INTEL, 1, sizeof(*c));
	p = ps_calloc(PS_MEM_INTEL, 1, sizeof(*p));
	if (c == NULL || p == NULL) {
		rc = PS_ENOMEM;
		goto out;
	}
	*p = (struct ps_intel_parse){.o = o, .name = path, .r = r, .sink = import_sink,
				     .sink_arg = c};
	rc = import_run(st, o, path, c, p, d);
	/* What was committed is recorded, also after a failure part way: the
	 * batch in progress is rolled back first (freeing the writer), so the
	 * record is not rolled back with it. */
	wrote = c->w != NULL;
	ps_intel_writer_free(c->w);
	c->w = NULL;
	if (wrote && ps_intel_source_record(st, c->source_id, ps_time_now_us(),
					    r->read, r->imported, r->updated,
					    r->bad) != PS_OK && rc == PS_OK) {
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_STORE_FAIL, path,
			  (long)p->line, ps_store_errmsg(st));
		rc = PS_EDB;
	}
out:
	r->elapsed_us = ps_time_now_us() - start;
	ps_free(p);
	ps_free(c);
	return rc;
}
