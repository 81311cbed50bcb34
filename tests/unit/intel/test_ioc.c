/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for indicator normalisation: IP addresses and networks (RFC
 * 5952 output, IPv4-mapped, host bits), domains (IDNA with the Punycode
 * samples of RFC 3492 section 7.1), URL canonical form, hashes, JA4, type
 * guessing, names and the rejection messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "core/core.h"
#include "intel/ioc.h"

/* Normalise `in` with `hint` and expect type, value (and prefix). */
static void ok_norm(enum ps_ioc_type hint, const char *in, enum ps_ioc_type type,
		    const char *value, int prefix)
{
	struct ps_ioc_norm n;
	struct ps_diag d = {{0}};
	int rc = ps_ioc_normalize(hint, in, strlen(in), &n, &d);

	if (rc != PS_OK)
		fail_msg("'%s': %s", in, d.msg);
	if (n.type != type || strcmp(n.value, value) != 0 || n.prefix != prefix)
		fail_msg("'%s' -> %s '%s'/%u, want %s '%s'/%d", in,
			 ps_ioc_type_name(n.type), n.value, n.prefix,
			 ps_ioc_type_name(type), value, prefix);
	assert_int_equal(n.len, strlen(value));
}

/* Expect a refusal whose message contains `part`. */
static void bad_norm(enum ps_ioc_type hint, const char *in, size_t len, const char *part)
{
	struct ps_ioc_norm n;
	struct ps_diag d = {{0}};

	if (ps_ioc_normalize(hint, in, len, &n, &d) != PS_EINVAL)
		fail_msg("'%s' accepted as '%s'", in, n.value);
	if (strstr(d.msg, part) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", in, d.msg, part);
	assert_int_equal(n.len, 0);
	assert_string_equal(n.value, "");
}

#define BAD(hint, in, part) bad_norm((hint), (in), strlen(in), (part))

static void test_names(void **state)
{
	enum ps_ioc_type t;
	enum ps_ioc_category c;
	enum ps_tlp l;

	(void)state;
	for (int i = 1; i < PS_IOC__COUNT; i++) {
		assert_int_equal(ps_ioc_type_parse(ps_ioc_type_name((enum ps_ioc_type)i), &t),
				 PS_OK);
		assert_int_equal(t, i);
	}
	assert_string_equal(ps_ioc_type_name(PS_IOC_SHA256), "sha256");
	assert_string_equal(ps_ioc_type_name((enum ps_ioc_type)99), "none");
	assert_int_equal(ps_ioc_type_parse("IP:PORT", &t), PS_OK);
	assert_int_equal(t, PS_IOC_IPV4);
	assert_int_equal(ps_ioc_type_parse("ja3_md5", &t), PS_OK);
	assert_int_equal(t, PS_IOC_JA3);
	assert_int_equal(ps_ioc_type_parse("none", &t), PS_EINVAL);
	assert_int_equal(ps_ioc_type_parse("ipv5", &t), PS_EINVAL);
	assert_true(ps_ioc_type_is_ip(PS_IOC_CIDR6));
	assert_false(ps_ioc_type_is_ip(PS_IOC_DOMAIN));

	assert_string_equal(ps_ioc_category_name(PS_IOC_CAT_MALICIOUS_URL), "malicious_url");
	assert_int_equal(ps_ioc_category_parse("恶意程序", &c), PS_OK);
	assert_int_equal(c, PS_IOC_CAT_MALICIOUS_PROGRAM);
	assert_int_equal(ps_ioc_category_parse("Security_Hazard", &c), PS_OK);
	assert_int_equal(c, PS_IOC_CAT_SECURITY_HAZARD);
	assert_int_equal(ps_ioc_category_parse("weak_password", &c), PS_OK);
	assert_int_equal(c, PS_IOC_CAT_SECURITY_HAZARD);
	assert_int_equal(ps_ioc_category_parse("nonsense", &c), PS_EINVAL);
	assert_int_equal(ps_ioc_category_default(PS_IOC_CIDR4), PS_IOC_CAT_MALICIOUS_IP);
	assert_int_equal(ps_ioc_category_default(PS_IOC_JA4), PS_IOC_CAT_MALICIOUS_PROGRAM);
	ps_i18n_set_lang(PS_LANG_ZH_CN);
	assert_string_equal(ps_ioc_category_title(PS_IOC_CAT_MALICIOUS_DOMAIN), "恶意域名");
	ps_i18n_set_lang(PS_LANG_EN);
	assert_string_equal(ps_ioc_category_title(PS_IOC_CAT_MALICIOUS_DOMAIN),
			    "malicious domain");

	assert_int_equal(ps_tlp_parse("TLP:AMBER+STRICT", &l), PS_OK);
	assert_int_equal(l, PS_TLP_AMBER_STRICT);
	assert_int_equal(ps_tlp_parse("white", &l), PS_OK);
	assert_int_equal(l, PS_TLP_CLEAR);
	assert_int_equal(ps_tlp_parse("Red", &l), PS_OK);
	assert_int_equal(l, PS_TLP_RED);
	assert_int_equal(ps_tlp_parse("purple", &l), PS_EINVAL);
	assert_string_equal(ps_tlp_name(PS_TLP_AMBER_STRICT), "amber+strict");
	assert_true(PS_TLP_CLEAR < PS_TLP_GREEN && PS_TLP_AMBER < PS_TLP_RED);
}

static void test_ipv4(void **state)
{
	struct ps_ioc_norm n;

	(void)state;
	ok_norm(PS_IOC_IPV4, "192.0.2.1", PS_IOC_IPV4, "192.0.2.1", 0);
	ok_norm(PS_IOC_IPV4, "0.0.0.0", PS_IOC_IPV4, "0.0.0.0", 0);
	ok_norm(PS_IOC_IPV4, "255.255.255.255", PS_IOC_IPV4, "255.255.255.255", 0);
	BAD(PS_IOC_IPV4, "192.0.2.256", "is not a valid IPv4 address: malformed");
	BAD(PS_IOC_IPV4, "192.0.2", "malformed");
	BAD(PS_IOC_IPV4, "01.2.3.4", "malformed"); /* octal-looking */
	BAD(PS_IOC_IPV4, "1.2.3.4.5", "malformed");
	BAD(PS_IOC_IPV4, "example.com", "malformed");
	/* ip:port as in Maltrail */
	assert_int_equal(ps_ioc_normalize(PS_IOC_IPV4, "196.251.118.144:3778", 20, &n,
					  NULL), PS_OK);
	assert_string_equal(n.value, "196.251.118.144");
	assert_int_equal(n.port, 3778);
	BAD(PS_IOC_IPV4, "1.2.3.4:0", "port must be 1..65535");
	BAD(PS_IOC_IPV4, "1.2.3.4:65536", "port must be 1..65535");
	BAD(PS_IOC_IPV4, "1.2.3.4:", "port");
	BAD(PS_IOC_IPV4, " 1.2.3.4", "white space");
	BAD(PS_IOC_IPV4, "1.2.3.4\n", "white space");
}

static void test_ipv6(void **state)
{
	struct ps_ioc_norm n;

	(void)state;
	/* RFC 5952 section 4: lower case, no leading zeros, longest run */
	ok_norm(PS_IOC_IPV6, "2001:DB8:0:0:0:0:0:1", PS_IOC_IPV6, "2001:db8::1", 0);
	ok_norm(PS_IOC_IPV6, "2001:0db8::0001", PS_IOC_IPV6, "2001:db8::1", 0);
	ok_norm(PS_IOC_IPV6, "2001:db8:0:0:1:0:0:1", PS_IOC_IPV6, "2001:db8::1:0:0:1", 0);
	ok_norm(PS_IOC_IPV6, "2001:db8:0:1:1:1:1:1", PS_IOC_IPV6, "2001:db8:0:1:1:1:1:1", 0);
	ok_norm(PS_IOC_IPV6, "2001:0:0:1:0:0:0:1", PS_IOC_IPV6, "2001:0:0:1::1", 0);
	ok_norm(PS_IOC_IPV6, "0:0:0:0:0:0:0:0", PS_IOC_IPV6, "::", 0);
	ok_norm(PS_IOC_IPV6, "::1", PS_IOC_IPV6, "::1", 0);
	ok_norm(PS_IOC_IPV6, "1::", PS_IOC_IPV6, "1::", 0);
	ok_norm(PS_IOC_IPV6, "::1.2.3.4", PS_IOC_IPV6, "::102:304", 0);
	/* IPv4-mapped becomes IPv4, whatever the hint */
	ok_norm(PS_IOC_IPV6, "::ffff:192.0.2.1", PS_IOC_IPV4, "192.0.2.1", 0);
	ok_norm(PS_IOC_IPV4, "::FFFF:c000:0201", PS_IOC_IPV4, "192.0.2.1", 0);
	BAD(PS_IOC_IPV6, "fe80::1%eth0", "zone");
	BAD(PS_IOC_IPV6, "2001:db8:::1", "malformed");
	BAD(PS_IOC_IPV6, "2001:db8::g", "malformed");
	assert_int_equal(ps_ioc_normalize(PS_IOC_IPV6, "[2001:db8::1]:443", 17, &n, NULL),
			 PS_OK);
	assert_string_equal(n.value, "2001:db8::1");
	assert_int_equal(n.port, 443);
	ok_norm(PS_IOC_IPV6, "[2001:db8::1]", PS_IOC_IPV6, "2001:db8::1", 0);
	BAD(PS_IOC_IPV6, "[2001:db8::1", "malformed");
	BAD(PS_IOC_IPV6, "[192.0.2.1]", "malformed");
}

static void test_cidr(void **state)
{
	(void)state;
	ok_norm(PS_IOC_CIDR4, "192.0.2.77/24", PS_IOC_CIDR4, "192.0.2.0", 24);
	ok_norm(PS_IOC_CIDR4, "10.255.1.1/9", PS_IOC_CIDR4, "10.128.0.0", 9);
	ok_norm(PS_IOC_CIDR4, "8.8.8.8/0", PS_IOC_CIDR4, "0.0.0.0", 0);
	ok_norm(PS_IOC_CIDR4, "10.0.0.1/32", PS_IOC_IPV4, "10.0.0.1", 0);
	ok_norm(PS_IOC_CIDR6, "2001:db8:ffff::1/32", PS_IOC_CIDR6, "2001:db8::", 32);
	ok_norm(PS_IOC_CIDR6, "2001:db8::1/127", PS_IOC_CIDR6, "2001:db8::", 127);
	ok_norm(PS_IOC_CIDR6, "2001:db8::1/128", PS_IOC_IPV6, "2001:db8::1", 0);
	ok_norm(PS_IOC_CIDR6, "::ffff:10.1.2.3/104", PS_IOC_CIDR4, "10.0.0.0", 8);
	ok_norm(PS_IOC_CIDR6, "::ffff:0:0/96", PS_IOC_CIDR4, "0.0.0.0", 0);
	/* any IP hint takes any IP form */
	ok_norm(PS_IOC_IPV4, "5.63.151.0/24", PS_IOC_CIDR4, "5.63.151.0", 24);
	ok_norm(PS_IOC_CIDR4, "2001:db8::5", PS_IOC_IPV6, "2001:db8::5", 0);
	BAD(PS_IOC_CIDR4, "1.2.3.4/33", "prefix length must be 0..32");
	BAD(PS_IOC_CIDR6, "::/129", "prefix length must be 0..128");
	BAD(PS_IOC_CIDR4, "1.2.3.4/", "prefix length");
	BAD(PS_IOC_CIDR4, "1.2.3.4/+8", "prefix length");
	BAD(PS_IOC_CIDR4, "1.2.3.4/0008", "prefix length");
	BAD(PS_IOC_CIDR4, "/8", "malformed");
}

static void test_domain(void **state)
{
	char longlabel[80], longname[300];
	struct ps_ioc_norm n;

	(void)state;
	ok_norm(PS_IOC_DOMAIN, "WWW.Example.COM.", PS_IOC_DOMAIN, "www.example.com", 0);
	ok_norm(PS_IOC_DOMAIN, "tba_sync.gte666.com", PS_IOC_DOMAIN, "tba_sync.gte666.com", 0);
	ok_norm(PS_IOC_DOMAIN, "localhost", PS_IOC_DOMAIN, "localhost", 0);
	ok_norm(PS_IOC_DOMAIN, "xn--bcher-kva.de", PS_IOC_DOMAIN, "xn--bcher-kva.de", 0);
	/* IDNA: non-ASCII labels become A-labels; capitals lower-cased first */
	ok_norm(PS_IOC_DOMAIN, "bücher.de", PS_IOC_DOMAIN, "xn--bcher-kva.de", 0);
	ok_norm(PS_IOC_DOMAIN, "BÜCHER.DE", PS_IOC_DOMAIN, "xn--bcher-kva.de", 0);
	ok_norm(PS_IOC_DOMAIN, "例子.测试", PS_IOC_DOMAIN, "xn--fsqu00a.xn--0zwm56d", 0);
	ok_norm(PS_IOC_DOMAIN, "例子。测试。", PS_IOC_DOMAIN, "xn--fsqu00a.xn--0zwm56d", 0);
	ok_norm(PS_IOC_DOMAIN, "ПРИМЕР.рф", PS_IOC_DOMAIN, "xn--e1afmkfd.xn--p1ai", 0);
	ok_norm(PS_IOC_DOMAIN, "münchen．de", PS_IOC_DOMAIN, "xn--mnchen-3ya.de", 0);
	/* "*.name" and ".name": the name and its subdomains */
	assert_int_equal(ps_ioc_normalize(PS_IOC_DOMAIN, "*.Evil.example", 14, &n, NULL),
			 PS_OK);
	assert_string_equal(n.value, "evil.example");
	assert_true(n.subdomains);
	assert_int_equal(ps_ioc_normalize(PS_IOC_DOMAIN, ".evil.example", 13, &n, NULL),
			 PS_OK);
	assert_true(n.subdomains);
	assert_int_equal(ps_ioc_normalize(PS_IOC_DOMAIN, "evil.example", 12, &n, NULL),
			 PS_OK);
	assert_false(n.subdomains);
	/* an address in a domain list is an address */
	ok_norm(PS_IOC_DOMAIN, "1.10.184.203", PS_IOC_IPV4, "1.10.184.203", 0);
	BAD(PS_IOC_DOMAIN, "a..example", "empty label");
	BAD(PS_IOC_DOMAIN, ".", "empty label");
	BAD(PS_IOC_DOMAIN, "*.", "empty label");
	BAD(PS_IOC_DOMAIN, "example..", "empty label");
	BAD(PS_IOC_DOMAIN, "-abc.example", "starts or ends with '-'");
	BAD(PS_IOC_DOMAIN, "abc-.example", "starts or ends with '-'");
	BAD(PS_IOC_DOMAIN, "exa mple.com", "character ' ' is not allowed");
	BAD(PS_IOC_DOMAIN, "(gomon|perevod)[0-9]{2,3}\\.ru", "character '(' is not allowed");
	BAD(PS_IOC_DOMAIN, "support\xc2\xac" "forum.org", "character U+00AC is not allowed");
	BAD(PS_IOC_DOMAIN, "\xf0\x9f\x98\x80.example", "character U+1F600 is not allowed");
	ok_norm(PS_IOC_DOMAIN, "ＥＸＡＭＰＬＥ.com", PS_IOC_DOMAIN, "example.com", 0);
	ok_norm(PS_IOC_DOMAIN, "ｅｘａｍｐｌｅ。中国", PS_IOC_DOMAIN, "example.xn--fiqs8s", 0);
	BAD(PS_IOC_DOMAIN, "ｅｘ！.com", "character '!' is not allowed");
	BAD(PS_IOC_DOMAIN, "example.123", "top-level label is all digits");
	BAD(PS_IOC_DOMAIN, "\xff.example", "invalid UTF-8");
	BAD(PS_IOC_DOMAIN, "\xc0\xae.example", "invalid UTF-8"); /* overlong '.' */
	BAD(PS_IOC_DOMAIN, "a\x01" "b.example", "character '\\x01' is not allowed");
	memset(longlabel, 'a', 63);
	memcpy(longlabel + 63, ".cn", 4);
	ok_norm(PS_IOC_DOMAIN, longlabel, PS_IOC_DOMAIN, longlabel, 0);
	memset(longlabel, 'a', 64);
	memcpy(longlabel + 64, ".cn", 4);
	BAD(PS_IOC_DOMAIN, longlabel, "longer than 63 bytes");
	/* 4 labels of 63 = 255 bytes with dots; 253 is the limit */
	for (int i = 0; i < 4; i++) {
		memset(longname + 64 * i, 'b', 63);
		longname[64 * i + 63] = '.';
	}
	longname[64 * 4 - 1] = '\0';
	BAD(PS_IOC_DOMAIN, longname, "longer than 253 bytes");
	longname[64 * 3 + 61] = '\0'; /* 253 bytes */
	ok_norm(PS_IOC_DOMAIN, longname, PS_IOC_DOMAIN, longname, 0);
}

static void test_url(void **state)
{
	char big[3000];

	(void)state;
	ok_norm(PS_IOC_URL, "HTTP://Example.COM", PS_IOC_URL, "http://example.com/", 0);
	ok_norm(PS_IOC_URL, "http://example.com:80/a", PS_IOC_URL, "http://example.com/a", 0);
	ok_norm(PS_IOC_URL, "https://example.com:443", PS_IOC_URL, "https://example.com/", 0);
	ok_norm(PS_IOC_URL, "https://example.com:80/", PS_IOC_URL, "https://example.com:80/", 0);
	ok_norm(PS_IOC_URL, "http://example.com:08080/x", PS_IOC_URL,
		"http://example.com:8080/x", 0);
	ok_norm(PS_IOC_URL, "http://example.com:/x", PS_IOC_URL, "http://example.com/x", 0);
	ok_norm(PS_IOC_URL, "ftp://FTP.example.com:21/f", PS_IOC_URL,
		"ftp://ftp.example.com/f", 0);
	ok_norm(PS_IOC_URL, "http://user:pw@example.com/x", PS_IOC_URL,
		"http://example.com/x", 0);
	/* no scheme: http assumed */
	ok_norm(PS_IOC_URL, "Example.com/Path", PS_IOC_URL, "http://example.com/Path", 0);
	ok_norm(PS_IOC_URL, "//example.com/x", PS_IOC_URL, "http://example.com/x", 0);
	ok_norm(PS_IOC_URL, "example.com:8080/p", PS_IOC_URL, "http://example.com:8080/p", 0);
	/* percent-encoding (RFC 3986 6.2.2.1, 6.2.2.2) */
	ok_norm(PS_IOC_URL, "http://example.com/%7euser/%41%2f%2F%3a", PS_IOC_URL,
		"http://example.com/~user/A%2F%2F%3A", 0);
	ok_norm(PS_IOC_URL, "http://example.com/%zz%4", PS_IOC_URL,
		"http://example.com/%25zz%254", 0);
	ok_norm(PS_IOC_URL, "http://example.com/a b\"<>", PS_IOC_URL,
		"http://example.com/a%20b%22%3C%3E", 0);
	ok_norm(PS_IOC_URL, "http://example.com/é", PS_IOC_URL, "http://example.com/%C3%A9", 0);
	/* dot segments (RFC 3986 5.2.4) */
	ok_norm(PS_IOC_URL, "http://example.com/a/./b/../c", PS_IOC_URL,
		"http://example.com/a/c", 0);
	ok_norm(PS_IOC_URL, "http://example.com/a/b/..", PS_IOC_URL, "http://example.com/a/", 0);
	ok_norm(PS_IOC_URL, "http://example.com/../../x", PS_IOC_URL, "http://example.com/x", 0);
	ok_norm(PS_IOC_URL, "http://example.com/a/%2e%2E/b", PS_IOC_URL,
		"http://example.com/b", 0);
	ok_norm(PS_IOC_URL, "http://example.com/.", PS_IOC_URL, "http://example.com/", 0);
	/* query kept (normalised), fragment dropped */
	ok_norm(PS_IOC_URL, "http://example.com/x?q=1&r=/a?b%7e#frag", PS_IOC_URL,
		"http://example.com/x?q=1&r=/a?b~", 0);
	ok_norm(PS_IOC_URL, "http://example.com?x", PS_IOC_URL, "http://example.com/?x", 0);
	ok_norm(PS_IOC_URL, "http://example.com/x?", PS_IOC_URL, "http://example.com/x?", 0);
	ok_norm(PS_IOC_URL, "http://example.com#top", PS_IOC_URL, "http://example.com/", 0);
	/* hosts */
	ok_norm(PS_IOC_URL, "http://例子.测试/", PS_IOC_URL, "http://xn--fsqu00a.xn--0zwm56d/", 0);
	ok_norm(PS_IOC_URL, "http://EXA_mple.com./", PS_IOC_URL, "http://exa_mple.com/", 0);
	ok_norm(PS_IOC_URL, "http://[2001:DB8::1]:8080/", PS_IOC_URL,
		"http://[2001:db8::1]:8080/", 0);
	ok_norm(PS_IOC_URL, "http://[::ffff:1.2.3.4]/", PS_IOC_URL, "http://1.2.3.4/", 0);
	ok_norm(PS_IOC_URL, "http://147.78.103.91", PS_IOC_URL, "http://147.78.103.91/", 0);
	BAD(PS_IOC_URL, "http:///x", "no host");
	BAD(PS_IOC_URL, "/xen-check-portable-license.php", "no host");
	BAD(PS_IOC_URL, "http://example.com:99999/", "port must be 1..65535");
	BAD(PS_IOC_URL, "http://example.com:0/", "port must be 1..65535");
	BAD(PS_IOC_URL, "http://example.com:8a/", "port must be 1..65535");
	BAD(PS_IOC_URL, "http://ex ample.com/", "bad host: character ' ' is not allowed");
	BAD(PS_IOC_URL, "http://[::1/", "bad host");
	BAD(PS_IOC_URL, "http://a..b/", "bad host: empty label");
	BAD(PS_IOC_URL, "http://example.com/\x01", "control character");
	BAD(PS_IOC_URL, "http://example.com/a\tb", "control character");
	memcpy(big, "http://example.com/", 19);
	memset(big + 19, '"', 1000); /* each becomes %22: 3000 bytes */
	big[1019] = '\0';
	BAD(PS_IOC_URL, big, "canonical form longer than 2048 bytes");
}

static void test_hashes(void **state)
{
	(void)state;
	ok_norm(PS_IOC_MD5, "F211694AAF443B12B2ECA9F5E7F25407", PS_IOC_MD5,
		"f211694aaf443b12b2eca9f5e7f25407", 0);
	ok_norm(PS_IOC_SHA1, "ff7b2c3938306261881c42e78d0df51d9bcdd574", PS_IOC_SHA1,
		"ff7b2c3938306261881c42e78d0df51d9bcdd574", 0);
	ok_norm(PS_IOC_SHA256,
		"FD818A23C808FC4467BDBEE6060CBB00326FEB4243C10084F7470B30AA91E25D",
		PS_IOC_SHA256,
		"fd818a23c808fc4467bdbee6060cbb00326feb4243c10084f7470b30aa91e25d", 0);
	ok_norm(PS_IOC_JA3, "b386946a5a44d1ddcc843bc75336dfce", PS_IOC_JA3,
		"b386946a5a44d1ddcc843bc75336dfce", 0);
	BAD(PS_IOC_MD5, "f211694aaf443b12b2eca9f5e7f2540", "must be 32 hexadecimal digits");
	BAD(PS_IOC_MD5, "g211694aaf443b12b2eca9f5e7f25407", "must be 32 hexadecimal digits");
	BAD(PS_IOC_SHA1, "f211694aaf443b12b2eca9f5e7f25407", "must be 40 hexadecimal digits");
	BAD(PS_IOC_SHA256, "abc", "is not a valid SHA-256 hash: must be 64");
	/* JA4: letters lower-cased except the two ALPN characters */
	ok_norm(PS_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab1", PS_IOC_JA4,
		"t13d1516h2_8daaf6152771_e5627efa2ab1", 0);
	ok_norm(PS_IOC_JA4, "Q13I0310H3_55B375C5D22E_CD85D2D88918", PS_IOC_JA4,
		"q13i0310H3_55b375c5d22e_cd85d2d88918", 0);
	ok_norm(PS_IOC_JA4, "ts3i000000_000000000000_000000000000", PS_IOC_JA4,
		"ts3i000000_000000000000_000000000000", 0);
	BAD(PS_IOC_JA4, "x13d1516h2_8daaf6152771_e5627efa2ab1", "not of the form");
	BAD(PS_IOC_JA4, "t14d1516h2_8daaf6152771_e5627efa2ab1", "not of the form");
	BAD(PS_IOC_JA4, "t13x1516h2_8daaf6152771_e5627efa2ab1", "not of the form");
	BAD(PS_IOC_JA4, "t13d15a6h2_8daaf6152771_e5627efa2ab1", "not of the form");
	BAD(PS_IOC_JA4, "t13d1516h2_8daaf615277g_e5627efa2ab1", "not of the form");
	BAD(PS_IOC_JA4, "t13d1516h2-8daaf6152771_e5627efa2ab1", "not of the form");
	BAD(PS_IOC_JA4, "t13d1516h2_8daaf6152771_e5627efa2ab", "not of the form");
}

static void test_guess(void **state)
{
	static const struct {
		const char *in;
		enum ps_ioc_type t;
	} cases[] = {
		{"192.0.2.1", PS_IOC_IPV4},
		{"192.0.2.1:8080", PS_IOC_IPV4},
		{"192.0.2.0/24", PS_IOC_CIDR4},
		{"192.0.2.1/32", PS_IOC_IPV4},
		{"2001:db8::1", PS_IOC_IPV6},
		{"[2001:db8::1]:53", PS_IOC_IPV6},
		{"2001:db8::/32", PS_IOC_CIDR6},
		{"::ffff:1.2.3.4", PS_IOC_IPV4},
		{"f211694aaf443b12b2eca9f5e7f25407", PS_IOC_MD5},
		{"ff7b2c3938306261881c42e78d0df51d9bcdd574", PS_IOC_SHA1},
		{"fd818a23c808fc4467bdbee6060cbb00326feb4243c10084f7470b30aa91e25d",
		 PS_IOC_SHA256},
		{"t13d1516h2_8daaf6152771_e5627efa2ab1", PS_IOC_JA4},
		{"http://example.com", PS_IOC_URL},
		{"example.com/x.php", PS_IOC_URL},
		{"example.com", PS_IOC_DOMAIN},
		{"0-autht-lo-xfin-ity-w0965.vercel.app", PS_IOC_DOMAIN},
		{"deadbeef.com", PS_IOC_DOMAIN},
		{"abc", PS_IOC_DOMAIN},
		{"", PS_IOC_DOMAIN},
	};

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++)
		if (ps_ioc_guess(cases[i].in, strlen(cases[i].in)) != cases[i].t)
			fail_msg("guess '%s' = %s, want %s", cases[i].in,
				 ps_ioc_type_name(ps_ioc_guess(cases[i].in,
							       strlen(cases[i].in))),
				 ps_ioc_type_name(cases[i].t));
	/* normalise without a hint guesses */
	ok_norm(PS_IOC_NONE, "HTTP://x.example/a", PS_IOC_URL, "http://x.example/a", 0);
	ok_norm(PS_IOC_NONE, "10.1.2.3/8", PS_IOC_CIDR4, "10.0.0.0", 8);
	ok_norm(PS_IOC_NONE, "Evil.Example.", PS_IOC_DOMAIN, "evil.example", 0);
}

/*
 * RFC 3492 section 7.1: the sample strings as code points and their
 * Punycode. Upper-case letters in the expected output are either basic
 * code points copied as given or mixed-case annotations, which this
 * encoder does not produce; hence the case-insensitive comparison.
 */
static void test_punycode_rfc3492(void **state)
{
	static const struct {
		const char *name;
		uint32_t cp[64];
		size_t n;
		const char *out;
	} s[] = {
		{"(A) Arabic (Egyptian)", {0x0644, 0x064A, 0x0647, 0x0645, 0x0627, 0x0628,
		 0x062A, 0x0643, 0x0644, 0x0645, 0x0648, 0x0634, 0x0639, 0x0631, 0x0628,
		 0x064A, 0x061F}, 17, "egbpdaj6bu4bxfgehfvwxn"},
		{"(B) Chinese (simplified)", {0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D,
		 0x8BF4, 0x4E2D, 0x6587}, 9, "ihqwcrb4cv8a8dqg056pqjye"},
		{"(C) Chinese (traditional)", {0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D,
		 0x8AAA, 0x4E2D, 0x6587}, 9, "ihqwctvzc91f659drss3x8bo0yb"},
		{"(D) Czech", {0x0050, 0x0072, 0x006F, 0x010D, 0x0070, 0x0072, 0x006F, 0x0073,
		 0x0074, 0x011B, 0x006E, 0x0065, 0x006D, 0x006C, 0x0075, 0x0076, 0x00ED,
		 0x010D, 0x0065, 0x0073, 0x006B, 0x0079}, 22, "Proprostnemluvesky-uyb24dma41a"},
		{"(E) Hebrew", {0x05DC, 0x05DE, 0x05D4, 0x05D4, 0x05DD, 0x05E4, 0x05E9, 0x05D5,
		 0x05D8, 0x05DC, 0x05D0, 0x05DE, 0x05D3, 0x05D1, 0x05E8, 0x05D9, 0x05DD,
		 0x05E2, 0x05D1, 0x05E8, 0x05D9, 0x05EA}, 22, "4dbcagdahymbxekheh6e0a7fei0b"},
		{"(F) Hindi (Devanagari)", {0x092F, 0x0939, 0x0932, 0x094B, 0x0917, 0x0939,
		 0x093F, 0x0928, 0x094D, 0x0926, 0x0940, 0x0915, 0x094D, 0x092F, 0x094B,
		 0x0902, 0x0928, 0x0939, 0x0940, 0x0902, 0x092C, 0x094B, 0x0932, 0x0938,
		 0x0915, 0x0924, 0x0947, 0x0939, 0x0948, 0x0902}, 30,
		 "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"},
		{"(G) Japanese (kanji and hiragana)", {0x306A, 0x305C, 0x307F, 0x3093, 0x306A,
		 0x65E5, 0x672C, 0x8A9E, 0x3092, 0x8A71, 0x3057, 0x3066, 0x304F, 0x308C,
		 0x306A, 0x3044, 0x306E, 0x304B}, 18, "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"},
		{"(H) Korean (Hangul syllables)", {0xC138, 0xACC4, 0xC758, 0xBAA8, 0xB4E0,
		 0xC0AC, 0xB78C, 0xB4E4, 0xC774, 0xD55C, 0xAD6D, 0xC5B4, 0xB97C, 0xC774,
		 0xD574, 0xD55C, 0xB2E4, 0xBA74, 0xC5BC, 0xB9C8, 0xB098, 0xC88B, 0xC744,
		 0xAE4C}, 24,
		 "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"},
		{"(I) Russian (Cyrillic)", {0x043F, 0x043E, 0x0447, 0x0435, 0x043C, 0x0443,
		 0x0436, 0x0435, 0x043E, 0x043D, 0x0438, 0x043D, 0x0435, 0x0433, 0x043E,
		 0x0432, 0x043E, 0x0440, 0x044F, 0x0442, 0x043F, 0x043E, 0x0440, 0x0443,
		 0x0441, 0x0441, 0x043A, 0x0438}, 28, "b1abfaaepdrnnbgefbaDotcwatmq2g4l"},
		{"(J) Spanish", {0x0050, 0x006F, 0x0072, 0x0071, 0x0075, 0x00E9, 0x006E, 0x006F,
		 0x0070, 0x0075, 0x0065, 0x0064, 0x0065, 0x006E, 0x0073, 0x0069, 0x006D,
		 0x0070, 0x006C, 0x0065, 0x006D, 0x0065, 0x006E, 0x0074, 0x0065, 0x0068,
		 0x0061, 0x0062, 0x006C, 0x0061, 0x0072, 0x0065, 0x006E, 0x0045, 0x0073,
		 0x0070, 0x0061, 0x00F1, 0x006F, 0x006C}, 40,
		 "PorqunopuedensimplementehablarenEspaol-fmd56a"},
		{"(K) Vietnamese", {0x0054, 0x1EA1, 0x0069, 0x0073, 0x0061, 0x006F, 0x0068,
		 0x1ECD, 0x006B, 0x0068, 0x00F4, 0x006E, 0x0067, 0x0074, 0x0068, 0x1EC3,
		 0x0063, 0x0068, 0x1EC9, 0x006E, 0x00F3, 0x0069, 0x0074, 0x0069, 0x1EBF,
		 0x006E, 0x0067, 0x0056, 0x0069, 0x1EC7, 0x0074}, 31,
		 "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"},
		{"(L) 3<nen>B<gumi><kinpachi><sensei>", {0x0033, 0x5E74, 0x0042, 0x7D44,
		 0x91D1, 0x516B, 0x5148, 0x751F}, 8, "3B-ww4c5e180e575a65lsy2b"},
		{"(M) <amuro><namie>-with-SUPER-MONKEYS", {0x5B89, 0x5BA4, 0x5948, 0x7F8E,
		 0x6075, 0x002D, 0x0077, 0x0069, 0x0074, 0x0068, 0x002D, 0x0053, 0x0055,
		 0x0050, 0x0045, 0x0052, 0x002D, 0x004D, 0x004F, 0x004E, 0x004B, 0x0045,
		 0x0059, 0x0053}, 24, "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"},
		{"(N) Hello-Another-Way-<sorezore><no><basho>", {0x0048, 0x0065, 0x006C,
		 0x006C, 0x006F, 0x002D, 0x0041, 0x006E, 0x006F, 0x0074, 0x0068, 0x0065,
		 0x0072, 0x002D, 0x0057, 0x0061, 0x0079, 0x002D, 0x305D, 0x308C, 0x305E,
		 0x308C, 0x306E, 0x5834, 0x6240}, 25, "Hello-Another-Way--fc4qua05auwb3674vfr0b"},
		{"(O) <hitotsu><yane><no><shita>2", {0x3072, 0x3068, 0x3064, 0x5C4B, 0x6839,
		 0x306E, 0x4E0B, 0x0032}, 8, "2-u9tlzr9756bt3uc0v"},
		{"(P) Maji<de>Koi<suru>5<byou><mae>", {0x004D, 0x0061, 0x006A, 0x0069, 0x3067,
		 0x004B, 0x006F, 0x0069, 0x3059, 0x308B, 0x0035, 0x79D2, 0x524D}, 13,
		 "MajiKoi5-783gue6qz075azm5e"},
		{"(Q) <pafii>de<runba>", {0x30D1, 0x30D5, 0x30A3, 0x30FC, 0x0064, 0x0065,
		 0x30EB, 0x30F3, 0x30D0}, 9, "de-jg4avhby1noc0d"},
		{"(R) <sono><supiido><de>", {0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9,
		 0x3067}, 7, "d9juau41awczczp"},
		{"(S) -> $1.00 <-", {0x002D, 0x003E, 0x0020, 0x0024, 0x0031, 0x002E, 0x0030,
		 0x0030, 0x0020, 0x003C, 0x002D}, 11, "-> $1.00 <--"},
	};
	char out[128];
	size_t n;

	(void)state;
	for (size_t i = 0; i < PS_ARRAY_LEN(s); i++) {
		assert_int_equal(ps_ioc_punycode_encode(s[i].cp, s[i].n, out, sizeof(out), &n),
				 PS_OK);
		if (strcasecmp(out, s[i].out) != 0)
			fail_msg("%s: '%s', want '%s'", s[i].name, out, s[i].out);
		assert_int_equal(n, strlen(s[i].out));
	}
	/* the output must fit, with its NUL */
	assert_int_equal(ps_ioc_punycode_encode(s[1].cp, s[1].n, out, 24, &n), PS_ELIMIT);
	assert_int_equal(ps_ioc_punycode_encode(s[1].cp, s[1].n, out, 25, &n), PS_OK);
	{
		static const uint32_t bad1[] = {0x61, 0xd800}, bad2[] = {0x110000};
		static const uint32_t big[] = {0x10ffff, 0x10ffff, 0x80};

		assert_int_equal(ps_ioc_punycode_encode(bad1, 2, out, sizeof(out), &n),
				 PS_EINVAL);
		assert_int_equal(ps_ioc_punycode_encode(bad2, 1, out, sizeof(out), &n),
				 PS_EINVAL);
		assert_int_equal(ps_ioc_punycode_encode(big, 3, out, sizeof(out), &n), PS_OK);
		assert_int_equal(ps_ioc_punycode_encode(big, 0, out, sizeof(out), &n), PS_OK);
		assert_string_equal(out, "");
	}
}

static void test_messages(void **state)
{
	struct ps_ioc_norm n;
	struct ps_diag d = {{0}};
	char big[PS_IOC_INPUT_MAX + 2];

	(void)state;
	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(ps_ioc_normalize(PS_IOC_IPV4, "1.2.3.256", 9, &n, &d), PS_EINVAL);
	assert_string_equal(d.msg, "'1.2.3.256' is not a valid IPv4 address: malformed");
	ps_i18n_set_lang(PS_LANG_ZH_CN);
	assert_int_equal(ps_ioc_normalize(PS_IOC_DOMAIN, "a..b", 4, &n, &d), PS_EINVAL);
	assert_string_equal(d.msg, "“a..b”不是有效的域名：存在空标签");
	ps_i18n_set_lang(PS_LANG_EN);
	assert_int_equal(ps_ioc_normalize(PS_IOC_DOMAIN, "", 0, &n, &d), PS_EINVAL);
	assert_string_equal(d.msg, "'' is not a valid domain name: empty value");
	/* long values are cut in the message, control bytes replaced */
	memset(big, 'x', sizeof(big));
	big[1] = '\n';
	assert_int_equal(ps_ioc_normalize(PS_IOC_DOMAIN, big, PS_IOC_INPUT_MAX + 1, &n, &d),
			 PS_EINVAL);
	assert_non_null(strstr(d.msg, "'x?xxxxxx"));
	assert_non_null(strstr(d.msg, "...' is not a valid domain name: value longer than 8192"));
	/* a NULL diag is fine */
	assert_int_equal(ps_ioc_normalize(PS_IOC_MD5, "zz", 2, &n, NULL), PS_EINVAL);
	/* the input needs no NUL: only len bytes are read */
	assert_int_equal(ps_ioc_normalize(PS_IOC_IPV4, "10.0.0.1xyz", 8, &n, NULL), PS_OK);
	assert_string_equal(n.value, "10.0.0.1");
}

static void test_ip_fmt(void **state)
{
	static const uint8_t v4[4] = {198, 51, 100, 7};
	static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
					   192, 0, 2, 1};
	char out[PS_IOC_IP_TEXT_SIZE];

	(void)state;
	assert_int_equal(ps_ioc_ip_fmt(4, v4, out), 12);
	assert_string_equal(out, "198.51.100.7");
	assert_int_equal(ps_ioc_ip_fmt(6, mapped, out), strlen("::ffff:c000:201"));
	assert_string_equal(out, "::ffff:c000:201");
	assert_int_equal(ps_ioc_ip_fmt(5, v4, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_guess),
		cmocka_unit_test(test_punycode_rfc3492),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_ip_fmt),
	};

	ps_i18n_set_lang(PS_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
