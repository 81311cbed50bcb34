/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the intel matching tables: exact and CIDR addresses with
 * every covering prefix in order, domain exact and suffix matching, URLs,
 * digests, duplicate ids, the building/frozen life cycle and failures.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"
#include "intel/table.h"

#define MAXID 16

/* Ids matched, as "1,2,3", for readable asserts. */
struct got {
	char s[256];
	size_t n;
};

static void fmt_ids(struct got *g, const uint32_t *ids, size_t n)
{
	size_t off = 0;

	g->s[0] = '\0';
	g->n = n;
	for (size_t i = 0; i < n && i < MAXID; i++)
		off += (size_t)snprintf(g->s + off, sizeof(g->s) - off, "%s%u", i ? "," : "", ids[i]);
}

static const char *ip(const struct ps_intel_table *t, const char *text)
{
	static struct got g;
	struct ps_addr a = {0};
	uint32_t ids[MAXID];
	enum ps_af af = PS_AF_INET;

	if (inet_pton(AF_INET, text, a.b) != 1) {
		assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
		af = PS_AF_INET6;
	}
	fmt_ids(&g, ids, ps_intel_table_match_ip(t, &a, af, ids, MAXID));
	return g.s;
}

static const char *dom(const struct ps_intel_table *t, const char *name)
{
	static struct got g;
	uint32_t ids[MAXID];

	fmt_ids(&g, ids, ps_intel_table_match_domain(t, name, strlen(name), ids, MAXID));
	return g.s;
}

static const char *match(const struct ps_intel_table *t, enum ps_ioc_type type, const char *v)
{
	static struct got g;
	uint32_t ids[MAXID];

	fmt_ids(&g, ids, ps_intel_table_match(t, type, v, strlen(v), ids, MAXID));
	return g.s;
}

static struct ps_intel_table *new_table(void)
{
	struct ps_intel_table *t = NULL;

	assert_int_equal(ps_intel_table_new(&t, 0), PS_OK);
	assert_non_null(t);
	return t;
}

static void add(struct ps_intel_table *t, enum ps_ioc_type type, const char *v, uint8_t prefix,
		bool sub, uint32_t id)
{
	assert_int_equal(ps_intel_table_add(t, type, v, prefix, sub, id), PS_OK);
}

static void test_empty(void **state)
{
	struct ps_intel_table *t = new_table();
	struct ps_intel_table_stats st;
	uint8_t md5[16] = {0};

	(void)state;
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(ip(t, "0.0.0.0"), "");
	assert_string_equal(ip(t, "::"), "");
	assert_string_equal(dom(t, "example.com"), "");
	assert_string_equal(match(t, PS_IOC_URL, "http://example.com/"), "");
	assert_string_equal(match(t, PS_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab1"), "");
	assert_int_equal(ps_intel_table_match_digest(t, PS_IOC_MD5, md5, 16, NULL, 0), 0);
	ps_intel_table_stats_get(t, &st);
	for (int i = 0; i < PS_IOC__COUNT; i++)
		assert_int_equal(st.keys[i] + st.entries[i] + st.bytes[i], 0);
	assert_true(st.bytes_total > 0 && st.bytes_total < 4096);
	assert_int_equal(ps_intel_table_bytes(t), st.bytes_total);
	ps_intel_table_free(t);
	ps_intel_table_free(NULL);
}

/* Nothing matches while building; nothing can be added once frozen. */
static void test_life_cycle(void **state)
{
	struct ps_intel_table *t = new_table();

	(void)state;
	add(t, PS_IOC_IPV4, "192.0.2.1", 0, false, 1);
	add(t, PS_IOC_DOMAIN, "example.com", 0, true, 2);
	assert_string_equal(ip(t, "192.0.2.1"), "");
	assert_string_equal(dom(t, "example.com"), "");
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_int_equal(ps_intel_table_freeze(t), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_IPV4, "192.0.2.2", 0, false, 3), PS_EINVAL);
	assert_string_equal(ip(t, "192.0.2.1"), "1");
	assert_string_equal(ip(t, "192.0.2.2"), "");
	assert_string_equal(dom(t, "example.com"), "2");
	ps_intel_table_free(t);
}

static void test_exact_ip(void **state)
{
	struct ps_intel_table *t = new_table();
	struct ps_addr a = {0};

	(void)state;
	add(t, PS_IOC_IPV4, "192.0.2.1", 0, false, 1);
	add(t, PS_IOC_IPV4, "0.0.0.0", 0, false, 2);
	add(t, PS_IOC_IPV4, "255.255.255.255", 0, false, 3);
	add(t, PS_IOC_IPV6, "2001:db8::1", 0, false, 4);
	add(t, PS_IOC_IPV6, "2001:DB8:0:0::1", 0, false, 5); /* same address, another id */
	add(t, PS_IOC_IPV6, "::", 0, false, 6);
	a.b[0] = 198;
	a.b[1] = 51;
	a.b[2] = 100;
	a.b[3] = 7;
	assert_int_equal(ps_intel_table_add_ip(t, PS_AF_INET, &a, 32, 7), PS_OK);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(ip(t, "192.0.2.1"), "1");
	assert_string_equal(ip(t, "192.0.2.0"), "");
	assert_string_equal(ip(t, "192.0.2.2"), "");
	assert_string_equal(ip(t, "0.0.0.0"), "2");
	assert_string_equal(ip(t, "255.255.255.255"), "3");
	assert_string_equal(ip(t, "2001:db8::1"), "4,5");
	assert_string_equal(ip(t, "2001:db8::2"), "");
	assert_string_equal(ip(t, "::"), "6");
	assert_string_equal(ip(t, "198.51.100.7"), "7");
	/* the families are apart: 192.0.2.1 as 16 bytes is c000:201:: */
	assert_string_equal(ip(t, "c000:201::"), "");
	/* an IPv4-mapped IPv6 address matches as the IPv4 address it carries,
	 * as bytes and as text; other embeddings do not */
	assert_string_equal(ip(t, "::ffff:192.0.2.1"), "1");
	assert_string_equal(ip(t, "::ffff:198.51.100.7"), "7");
	assert_string_equal(ip(t, "::ffff:192.0.2.2"), "");
	assert_string_equal(ip(t, "::192.0.2.1"), "");
	assert_string_equal(ip(t, "64:ff9b::192.0.2.1"), "");
	assert_string_equal(match(t, PS_IOC_IPV6, "::ffff:192.0.2.1"), "1");
	assert_string_equal(match(t, PS_IOC_IPV4, "192.0.2.1"), "1");
	assert_string_equal(match(t, PS_IOC_IPV4, "192.0.2.1x"), "");
	ps_intel_table_free(t);
}

/* Every covering CIDR is reported, exact first, then longest prefix first. */
static void test_nested_cidr(void **state)
{
	struct ps_intel_table *t = new_table();
	struct ps_intel_table_stats st;

	(void)state;
	add(t, PS_IOC_CIDR4, "10.0.0.0/8", 0, false, 10);
	add(t, PS_IOC_CIDR4, "10.1.0.0", 16, false, 11);
	add(t, PS_IOC_CIDR4, "10.1.2.77/24", 24, false, 12); /* host bits cleared */
	add(t, PS_IOC_CIDR4, "10.1.2.3/32", 0, false, 13);
	add(t, PS_IOC_IPV4, "10.1.2.3", 0, false, 14);
	add(t, PS_IOC_CIDR4, "0.0.0.0/0", 0, false, 15);
	add(t, PS_IOC_CIDR4, "10.1.2.128/25", 0, false, 16);
	add(t, PS_IOC_CIDR4, "10.1.0.0/16", 0, false, 17); /* second id of a network */
	add(t, PS_IOC_CIDR4, "10.1.0.0/16", 0, false, 11); /* same id again: once */
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(ip(t, "10.1.2.3"), "14,13,12,11,17,10,15");
	assert_string_equal(ip(t, "10.1.2.4"), "12,11,17,10,15");
	assert_string_equal(ip(t, "::ffff:10.1.2.4"), "12,11,17,10,15"); /* mapped: the same */
	assert_string_equal(ip(t, "10.1.2.200"), "16,12,11,17,10,15");
	assert_string_equal(ip(t, "10.1.2.255"), "16,12,11,17,10,15");
	assert_string_equal(ip(t, "10.1.3.0"), "11,17,10,15");
	assert_string_equal(ip(t, "10.1.1.255"), "11,17,10,15");
	assert_string_equal(ip(t, "10.2.0.0"), "10,15");
	assert_string_equal(ip(t, "10.255.255.255"), "10,15");
	assert_string_equal(ip(t, "11.0.0.0"), "15");
	assert_string_equal(ip(t, "9.255.255.255"), "15");
	assert_string_equal(ip(t, "0.0.0.0"), "15");
	assert_string_equal(ip(t, "255.255.255.255"), "15");
	assert_string_equal(ip(t, "::"), ""); /* /0 of IPv4 is not IPv6 */
	ps_intel_table_stats_get(t, &st);
	assert_int_equal(st.entries[PS_IOC_CIDR4], 8);
	assert_int_equal(st.keys[PS_IOC_CIDR4], 6);
	assert_int_equal(st.keys[PS_IOC_IPV4], 1);
	ps_intel_table_free(t);
}

static void test_cidr_edges(void **state)
{
	struct ps_intel_table *t = new_table();

	(void)state;
	add(t, PS_IOC_CIDR4, "255.255.255.255/32", 0, false, 1);
	add(t, PS_IOC_CIDR4, "0.0.0.0/32", 0, false, 2);
	add(t, PS_IOC_CIDR4, "128.0.0.0/1", 0, false, 3);
	add(t, PS_IOC_CIDR6, "::/0", 0, false, 4);
	add(t, PS_IOC_CIDR6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0, false, 5);
	add(t, PS_IOC_CIDR6, "::", 128, false, 6);
	add(t, PS_IOC_CIDR6, "2001:db8::/32", 0, false, 7);
	add(t, PS_IOC_CIDR6, "2001:db8:ffff::/48", 0, false, 8);
	add(t, PS_IOC_CIDR6, "8000::/1", 0, false, 9);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(ip(t, "255.255.255.255"), "1,3");
	assert_string_equal(ip(t, "255.255.255.254"), "3");
	assert_string_equal(ip(t, "128.0.0.0"), "3");
	assert_string_equal(ip(t, "127.255.255.255"), "");
	assert_string_equal(ip(t, "0.0.0.0"), "2");
	assert_string_equal(ip(t, "0.0.0.1"), "");
	assert_string_equal(ip(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "5,9,4");
	assert_string_equal(ip(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), "9,4");
	assert_string_equal(ip(t, "::"), "6,4");
	assert_string_equal(ip(t, "::1"), "4");
	assert_string_equal(ip(t, "2001:db8:ffff:ffff::1"), "8,7,4");
	assert_string_equal(ip(t, "2001:db9::"), "4");
	assert_string_equal(ip(t, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"), "4");
	assert_string_equal(ip(t, "0.0.0.0"), "2");
	ps_intel_table_free(t);
}

static void test_domains(void **state)
{
	struct ps_intel_table *t = new_table();
	char longname[400];

	(void)state;
	add(t, PS_IOC_DOMAIN, "example.com", 0, true, 1);
	add(t, PS_IOC_DOMAIN, "b.example.com", 0, false, 2);
	add(t, PS_IOC_DOMAIN, "Evil.CN.", 0, false, 3); /* normalised on add */
	add(t, PS_IOC_DOMAIN, "a.b.example.com", 0, true, 4);
	add(t, PS_IOC_DOMAIN, "example.com", 0, false, 5);
	add(t, PS_IOC_DOMAIN, "tk", 0, true, 6);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	/* the name itself: entries without the flag, then with it */
	assert_string_equal(dom(t, "example.com"), "5,1");
	assert_string_equal(dom(t, "EXAMPLE.com."), "5,1");
	assert_string_equal(dom(t, "b.example.com"), "2,1");
	assert_string_equal(dom(t, "x.b.example.com"), "1"); /* 2 has no flag */
	assert_string_equal(dom(t, "A.B.Example.Com"), "4,1");
	assert_string_equal(dom(t, "z.y.a.b.example.com."), "4,1");
	assert_string_equal(dom(t, "example.com.."), ""); /* one dot only */
	assert_string_equal(dom(t, "notexample.com"), "");
	assert_string_equal(dom(t, "com"), "");
	assert_string_equal(dom(t, ".example.com"), "1");
	assert_string_equal(dom(t, "evil.cn"), "3");
	assert_string_equal(dom(t, "www.evil.cn"), "");
	assert_string_equal(dom(t, "abc.tk"), "6");
	assert_string_equal(dom(t, "tk."), "6");
	assert_string_equal(dom(t, ""), "");
	assert_string_equal(dom(t, "."), "");
	/* a name longer than any key still matches through its parents */
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 50; i < 380; i += 50)
		longname[i] = '.';
	memcpy(longname + 380, ".a.b.example.com", 17);
	assert_string_equal(dom(t, longname), "4,1");
	longname[380] = 'x'; /* "...aaxa.b.example.com": a.b no longer a label */
	assert_string_equal(dom(t, longname), "1");
	ps_intel_table_free(t);
}

static void test_urls_and_hashes(void **state)
{
	struct ps_intel_table *t = new_table();
	const char *md5 = "d41d8cd98f00b204e9800998ecf8427e";
	const char *sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
	const char *sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	const char *ja4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";
	uint8_t bin[32];
	uint32_t ids[4];

	(void)state;
	add(t, PS_IOC_URL, "http://example.com/a?b=1", 0, false, 1);
	add(t, PS_IOC_URL, "http://example.com/", 0, false, 2);
	add(t, PS_IOC_MD5, md5, 0, false, 3);
	add(t, PS_IOC_JA3, md5, 0, false, 4); /* same bytes, another type */
	add(t, PS_IOC_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", 0, false, 5);
	add(t, PS_IOC_SHA256, sha256, 0, false, 6);
	add(t, PS_IOC_JA4, ja4, 0, false, 7);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(match(t, PS_IOC_URL, "http://example.com/a?b=1"), "1");
	assert_string_equal(match(t, PS_IOC_URL, "http://example.com/a?b=2"), "");
	assert_string_equal(match(t, PS_IOC_URL, "http://example.com/A?b=1"), "");
	assert_string_equal(match(t, PS_IOC_URL, "http://example.com/"), "2");
	assert_string_equal(match(t, PS_IOC_URL, "http://example.com"), "");
	assert_string_equal(match(t, PS_IOC_MD5, md5), "3");
	assert_string_equal(match(t, PS_IOC_MD5, "D41D8CD98F00B204E9800998ECF8427E"), "3");
	assert_string_equal(match(t, PS_IOC_JA3, md5), "4");
	assert_string_equal(match(t, PS_IOC_SHA1, sha1), "5");
	assert_string_equal(match(t, PS_IOC_SHA256, sha256), "6");
	assert_string_equal(match(t, PS_IOC_JA4, ja4), "7");
	assert_string_equal(match(t, PS_IOC_JA4, "T13d1516h2_8daaf6152771_e5627efa2ab1"), "");
	/* wrong length or digit, wrong type */
	assert_string_equal(match(t, PS_IOC_MD5, "d41d8cd98f00b204e9800998ecf8427"), "");
	assert_string_equal(match(t, PS_IOC_MD5, "g41d8cd98f00b204e9800998ecf8427e"), "");
	assert_string_equal(match(t, PS_IOC_SHA1, md5), "");
	assert_string_equal(match(t, PS_IOC_CIDR4, "10.0.0.0/8"), "");
	assert_int_equal(ps_intel_table_match_hash(t, PS_IOC_IPV4, md5, 32, ids, 4), 0);
	/* binary digests */
	for (size_t i = 0; i < 32; i++)
		bin[i] = (uint8_t)strtoul((char[]){sha256[2 * i], sha256[2 * i + 1], 0}, NULL, 16);
	assert_int_equal(ps_intel_table_match_digest(t, PS_IOC_SHA256, bin, 32, ids, 4), 1);
	assert_int_equal(ids[0], 6);
	assert_int_equal(ps_intel_table_match_digest(t, PS_IOC_SHA256, bin, 31, ids, 4), 0);
	assert_int_equal(ps_intel_table_match_digest(t, PS_IOC_MD5, bin, 32, ids, 4), 0);
	ps_intel_table_free(t);
}

/* One value from many sources: every id, ascending, each once. */
static void test_duplicates(void **state)
{
	struct ps_intel_table *t = new_table();
	struct ps_intel_table_stats st;
	uint32_t ids[3];
	struct ps_addr a = {0};

	(void)state;
	for (uint32_t id = 9; id >= 1; id--) {
		add(t, PS_IOC_DOMAIN, "dup.example", 0, id % 3 == 0, id);
		add(t, PS_IOC_IPV4, "198.51.100.1", 0, false, id);
		add(t, PS_IOC_URL, "http://dup.example/", 0, false, id);
		add(t, PS_IOC_SHA256,
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0, false, id);
		add(t, PS_IOC_CIDR6, "2001:db8::/32", 0, false, id);
	}
	add(t, PS_IOC_DOMAIN, "dup.example", 0, false, 3); /* flagged 3 wins */
	add(t, PS_IOC_DOMAIN, "dup.example", 0, false, 4); /* already there */
	add(t, PS_IOC_IPV4, "198.51.100.1", 0, false, 4);
	add(t, PS_IOC_DOMAIN, "x.dup.example", 0, false, PS_INTEL_TABLE_ID_MAX);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(dom(t, "dup.example"), "1,2,4,5,7,8,3,6,9");
	assert_string_equal(dom(t, "x.dup.example"), "2147483647,3,6,9");
	assert_string_equal(ip(t, "198.51.100.1"), "1,2,3,4,5,6,7,8,9");
	assert_string_equal(match(t, PS_IOC_URL, "http://dup.example/"), "1,2,3,4,5,6,7,8,9");
	assert_string_equal(match(t, PS_IOC_SHA256,
				  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
			    "1,2,3,4,5,6,7,8,9");
	assert_string_equal(ip(t, "2001:db8::77"), "1,2,3,4,5,6,7,8,9");
	/* max bounds what is written, not what is counted */
	a.b[0] = 198;
	a.b[1] = 51;
	a.b[2] = 100;
	a.b[3] = 1;
	assert_int_equal(ps_intel_table_match_ip(t, &a, PS_AF_INET, ids, 3), 9);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[2], 3);
	assert_int_equal(ps_intel_table_match_ip(t, &a, PS_AF_INET, NULL, 0), 9);
	ps_intel_table_stats_get(t, &st);
	assert_int_equal(st.entries[PS_IOC_DOMAIN], 12);
	assert_int_equal(st.keys[PS_IOC_DOMAIN], 2);
	assert_int_equal(st.keys[PS_IOC_IPV4], 1);
	ps_intel_table_free(t);
}

static void test_bad_adds(void **state)
{
	struct ps_intel_table *t = new_table();
	char big[300];
	struct ps_addr a = {0};

	(void)state;
	memset(big, 'a', sizeof(big));
	big[254] = '\0'; /* 254 characters: one too many */
	assert_int_equal(ps_intel_table_add(t, PS_IOC_NONE, "1.2.3.4", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC__COUNT, "1.2.3.4", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_IPV4, "1.2.3", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_IPV4, "2001:db8::1", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_IPV4, "1.2.3.4", 0, false,
					    PS_INTEL_TABLE_ID_MAX + 1u), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_CIDR4, "1.2.3.0/33", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_CIDR4, "1.2.3.0", 33, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_CIDR4, "1.2.3.0/24", 16, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_CIDR4, "1.2.3.0/", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_CIDR4, "1.2.3.0/2x", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_CIDR6, "2001:db8::/129", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_DOMAIN, "", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_DOMAIN, ".", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_DOMAIN, big, 0, false, 1), PS_EINVAL);
	big[253] = '\0';
	assert_int_equal(ps_intel_table_add(t, PS_IOC_DOMAIN, big, 0, false, 1), PS_OK);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_URL, "", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_MD5, "abc", 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_SHA1, "d41d8cd98f00b204e9800998ecf8427e", 0,
					    false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add(t, PS_IOC_IPV4, NULL, 0, false, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add_ip(t, PS_AF_INET, &a, 33, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add_ip(t, PS_AF_NONE, &a, 0, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add_ip(t, PS_AF_INET6, &a, 129, 1), PS_EINVAL);
	assert_int_equal(ps_intel_table_add_ip(t, PS_AF_INET6, &a, 0, 2), PS_OK);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	assert_string_equal(dom(t, big), "1");
	assert_string_equal(ip(t, "::1"), "2");
	assert_string_equal(ip(t, "1.2.3.4"), "");
	ps_intel_table_free(t);
}

/* ---- many CIDRs against a brute-force scan ---- */

struct net {
	uint8_t a[16];
	unsigned len;
	uint32_t id;
};

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static bool covers(const struct net *n, const uint8_t *a)
{
	for (unsigned i = 0; i < n->len; i++)
		if (((n->a[i / 8] ^ a[i / 8]) >> (7 - i % 8) & 1) != 0)
			return false;
	return true;
}

static void random_addr(uint64_t *s, uint8_t *a, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		a[i] = (uint8_t)lcg(s);
	a[0] = (uint8_t)(a[0] & 0x1f) | 0x20; /* keep them close: more nesting */
}

static void check_many(size_t bytes, size_t nets)
{
	struct ps_intel_table *t = new_table();
	struct net *n = ps_calloc(PS_MEM_TEST, nets, sizeof(*n));
	uint64_t s = 42;

	assert_non_null(n);
	for (size_t i = 0; i < nets; i++) {
		struct ps_addr a = {0};

		random_addr(&s, n[i].a, bytes);
		n[i].len = 8 + (unsigned)(lcg(&s) % (bytes * 8 - 8));
		if (bytes == 4)
			n[i].len = 8 + (unsigned)(lcg(&s) % 17); /* /8../24: much nesting */
		n[i].id = (uint32_t)i;
		memcpy(a.b, n[i].a, bytes);
		assert_int_equal(ps_intel_table_add_ip(t, bytes == 4 ? PS_AF_INET : PS_AF_INET6, &a,
						       (uint8_t)n[i].len, n[i].id), PS_OK);
		for (unsigned b = n[i].len; b < bytes * 8; b++)
			n[i].a[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	}
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	for (size_t q = 0; q < 4000; q++) {
		struct ps_addr a = {0};
		uint32_t ids[64];
		size_t got, want = 0;
		unsigned last = 200;

		if (q % 2 == 0)
			memcpy(a.b, n[lcg(&s) % nets].a, bytes);
		else
			random_addr(&s, a.b, bytes);
		if (q % 4 == 1)
			a.b[bytes - 1] ^= (uint8_t)lcg(&s);
		got = ps_intel_table_match_ip(t, &a, bytes == 4 ? PS_AF_INET : PS_AF_INET6, ids, 64);
		for (size_t i = 0; i < nets; i++)
			want += covers(&n[i], a.b);
		assert_int_equal(got, want);
		/* each reported network covers a and prefixes never grow */
		for (size_t i = 0; i < got && i < 64; i++) {
			assert_true(covers(&n[ids[i]], a.b));
			assert_true(n[ids[i]].len <= last);
			last = n[ids[i]].len;
		}
	}
	ps_free(n);
	ps_intel_table_free(t);
}

static void test_many_cidrs(void **state)
{
	(void)state;
	check_many(4, 3000);
	check_many(16, 3000);
}

/* ---- readers in parallel ---- */

struct reader {
	const struct ps_intel_table *t;
	unsigned seed;
	size_t bad;
};

/* Each id i was added as 10.(i>>8).(i&255).1 and as d<i>.example.com. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint64_t s = r->seed;

	for (int k = 0; k < 20000; k++) {
		uint32_t i = (uint32_t)(lcg(&s) % 5000), ids[4];
		struct ps_addr a = {{{10, (uint8_t)(i >> 8), (uint8_t)i, 1}}};
		char name[64];
		int len = snprintf(name, sizeof(name), "WWW.D%u.example.com", i);

		if (ps_intel_table_match_ip(r->t, &a, PS_AF_INET, ids, 4) != 2 || ids[0] != i ||
		    ids[1] != 5000)
			r->bad++;
		if (ps_intel_table_match_domain(r->t, name, (size_t)len, ids, 4) != 1 || ids[0] != i)
			r->bad++;
	}
	return NULL;
}

static void test_parallel_readers(void **state)
{
	struct ps_intel_table *t = new_table();
	struct reader r[4];
	pthread_t th[4];

	(void)state;
	for (uint32_t i = 0; i < 5000; i++) {
		char v[64];

		snprintf(v, sizeof(v), "10.%u.%u.1", i >> 8, i & 255);
		add(t, PS_IOC_IPV4, v, 0, false, i);
		snprintf(v, sizeof(v), "d%u.example.com", i);
		add(t, PS_IOC_DOMAIN, v, 0, true, i);
	}
	add(t, PS_IOC_CIDR4, "10.0.0.0/8", 0, false, 5000);
	assert_int_equal(ps_intel_table_freeze(t), PS_OK);
	for (unsigned i = 0; i < 4; i++) {
		r[i] = (struct reader){t, i + 1, 0};
		assert_int_equal(pthread_create(&th[i], NULL, reader_main, &r[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(r[i].bad, 0);
	}
	ps_intel_table_free(t);
}

/* ---- allocation failures ---- */

static int build_all(void *arg)
{
	struct ps_intel_table *t = NULL;
	int rc;

	(void)arg;
	rc = ps_intel_table_new(&t, 10);
	if (rc != PS_OK)
		return rc;
	for (uint32_t i = 0; rc == PS_OK && i < 200; i++) {
		char v[80];

		snprintf(v, sizeof(v), "10.%u.%u.0/24", i % 7, i % 5);
		rc = ps_intel_table_add(t, PS_IOC_CIDR4, v, 0, false, i);
		snprintf(v, sizeof(v), "h%u.example.com", i % 50);
		if (rc == PS_OK)
			rc = ps_intel_table_add(t, PS_IOC_DOMAIN, v, 0, i % 2, i);
		snprintf(v, sizeof(v), "192.0.2.%u", i % 60);
		if (rc == PS_OK)
			rc = ps_intel_table_add(t, PS_IOC_IPV4, v, 0, false, i);
		snprintf(v, sizeof(v), "2001:db8:%x::/48", i % 90);
		if (rc == PS_OK)
			rc = ps_intel_table_add(t, PS_IOC_CIDR6, v, 0, false, i);
	}
	if (rc == PS_OK)
		rc = ps_intel_table_freeze(t);
	if (rc == PS_OK && dom(t, "x.h3.example.com")[0] == '\0')
		rc = PS_EINVAL;
	ps_intel_table_free(t);
	return rc;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	assert_true(ps_mem_torture(build_all, NULL, false) > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_life_cycle),
		cmocka_unit_test(test_exact_ip),
		cmocka_unit_test(test_nested_cidr),
		cmocka_unit_test(test_cidr_edges),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_urls_and_hashes),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_adds),
		cmocka_unit_test(test_many_cidrs),
		cmocka_unit_test(test_parallel_readers),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
