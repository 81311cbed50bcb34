#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the captures of the protocol hand-over integration cases.

Each case is one TCP connection built byte by byte (Ethernet, IPv4, TCP with
real checksums, a three-way handshake, consistent seq/ack and a FIN close)
in which a cleartext protocol hands over to TLS: SMTP STARTTLS, POP3 STLS,
IMAP STARTTLS, FTP AUTH TLS, an HTTP CONNECT tunnel, a MySQL SSLRequest
(a protocol no parser knows), and a TLS 1.3 HelloRetryRequest. Nothing is
taken from third-party captures: every byte comes from this script, which
is deterministic (no clock, no randomness: "random" fields are SHA-256 of a
label), so running it again reproduces the committed files exactly.

    gen_upgrade_cases.py [--out CASES_DIR] [--fingerprints]

--fingerprints prints, for every hello and certificate written, the JA3 /
JA3S strings and hashes, the JA4 (FoxIO spec, computed here from the bytes
written) and the certificate SHA-1: the values expected.jsonl asserts,
obtained independently of the engine (tshark 4.0 agrees on JA3/JA3S).
Only the Python 3 standard library is used.
"""
import argparse
import hashlib
import os
import struct

# ---- deterministic bytes ---------------------------------------------------


def det_bytes(label, n):
    """n pseudo-random bytes: SHA-256(label || counter) concatenated."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


# ---- classic pcap (libpcap format, microseconds, Ethernet) -----------------


class Pcap:
    """Frames in memory, written as one classic pcap file."""

    def __init__(self):
        self.frames = []

    def add(self, usec, frame):
        self.frames.append((usec, frame))

    def data(self):
        # magic, v2.4, thiszone 0, sigfigs 0, snaplen 65535, LINKTYPE_ETHERNET
        out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
        for usec, frame in self.frames:
            out += struct.pack("<IIII", usec // 1000000, usec % 1000000,
                               len(frame), len(frame))
            out += frame
        return out


def inet_sum(data):
    """RFC 1071 one's-complement checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


# TCP flags
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
MSS = 1460


class Conn:
    """One TCP connection between a client and a server, written in order.

    Timestamps advance 200 us per packet and 15 ms whenever the sender
    changes (a LAN round trip), so the capture reads like a real one.
    """

    def __init__(self, pcap, label, cli, cport, srv, sport, start):
        self.pcap = pcap
        self.ends = [  # [ip, port, mac, next seq, ip id] for client, server
            [ip4(cli), cport, bytes.fromhex("020000000001"),
             int.from_bytes(det_bytes(label + "/isn-c", 4), "big"),
             int.from_bytes(det_bytes(label + "/ipid-c", 2), "big")],
            [ip4(srv), sport, bytes.fromhex("020000000002"),
             int.from_bytes(det_bytes(label + "/isn-s", 4), "big"),
             int.from_bytes(det_bytes(label + "/ipid-s", 2), "big")],
        ]
        self.usec = start * 1000000
        self.last = None

    def _packet(self, side, flags, payload=b"", options=b""):
        me, peer = self.ends[side], self.ends[1 - side]
        self.usec += 200 if self.last in (None, side) else 15000
        self.last = side
        ack = peer[3] if flags & ACK else 0
        hlen = 20 + len(options)
        tcp = struct.pack("!HHIIBBHHH", me[1], peer[1], me[3] & 0xFFFFFFFF,
                          ack & 0xFFFFFFFF, (hlen // 4) << 4, flags, 64240,
                          0, 0) + options + payload
        pseudo = me[0] + peer[0] + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", inet_sum(pseudo + tcp)) + tcp[18:]
        # IPv4: version 4, IHL 5, DF, TTL 64, protocol TCP
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp),
                         me[4] & 0xFFFF, 0x4000, 64, 6, 0, me[0], peer[0])
        ip = ip[:10] + struct.pack("!H", inet_sum(ip)) + ip[12:]
        me[4] += 1
        eth = peer[2] + me[2] + b"\x08\x00"
        self.pcap.add(self.usec, eth + ip + tcp)
        # SYN and FIN take one sequence number each
        me[3] += len(payload) + (1 if flags & (SYN | FIN) else 0)

    def open(self):
        """SYN, SYN-ACK (both offering MSS 1460), ACK."""
        mss = struct.pack("!BBH", 2, 4, MSS)
        self._packet(0, SYN, options=mss)
        self._packet(1, SYN | ACK, options=mss)
        self._packet(0, ACK)

    def send(self, side, data):
        """data from side (0 client, 1 server), in MSS-sized segments."""
        for off in range(0, len(data), MSS):
            self._packet(side, PSH | ACK, data[off:off + MSS])

    def client(self, data):
        self.send(0, data)

    def server(self, data):
        self.send(1, data)

    def close(self):
        """The client closes first: FIN, FIN, ACK."""
        self._packet(0, FIN | ACK)
        self._packet(1, FIN | ACK)
        self._packet(0, ACK)


# ---- TLS (RFC 5246, RFC 8446) -----------------------------------------------

def u8(n):
    return struct.pack("!B", n)


def u16(n):
    return struct.pack("!H", n)


def u24(n):
    return struct.pack("!I", n)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def vec24(b):
    return u24(len(b)) + b


def u16s(values):
    return b"".join(u16(v) for v in values)


def record(ctype, body, version=0x0303):
    """A TLSPlaintext record: type, legacy version, length, fragment."""
    return u8(ctype) + u16(version) + vec16(body)


def handshake(htype, body):
    return u8(htype) + vec24(body)


def ext(etype, body):
    return u16(etype) + vec16(body)


CT_CCS, CT_HANDSHAKE, CT_APPDATA = 20, 22, 23
HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_CERTIFICATE = 1, 2, 11
HS_SERVER_KEY_EXCHANGE, HS_SERVER_HELLO_DONE = 12, 14
HS_CLIENT_KEY_EXCHANGE = 16

# RFC 8446 section 4.1.3: the ServerHello.random of a HelloRetryRequest.
HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

# OpenSSL 3's default offer (TLS 1.3 suites first) and a TLS 1.2-only one.
CIPHERS_13 = [0x1302, 0x1303, 0x1301, 0xC02C, 0xC030, 0x009F, 0xCCA9,
              0xCCA8, 0xCCAA, 0xC02B, 0xC02F, 0x009E, 0xC024, 0xC028,
              0x006B, 0xC023, 0xC027, 0x0067, 0xC00A, 0xC014, 0x0039,
              0xC009, 0xC013, 0x0033, 0x009D, 0x009C, 0x003D, 0x003C,
              0x0035, 0x002F, 0x00FF]
CIPHERS_12 = [c for c in CIPHERS_13 if c >> 8 != 0x13]
SIGALGS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080A,
           0x080B, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
           0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602]
GROUPS = [0x001D, 0x0017, 0x001E, 0x0019, 0x0018]
GREASE = [0x0A0A, 0x1A1A, 0x2A2A, 0x3A3A, 0x4A4A]


def client_hello(label, sni, tls13=True, alpn=(), grease=False,
                 key_share=(0x001D,), cookie=None, record_version=0x0301):
    """A ClientHello record in OpenSSL's extension order.

    tls13 adds supported_versions, psk_key_exchange_modes and key_share
    (one entry per group in key_share) and a 32-byte legacy session id
    (middlebox compatibility, RFC 8446 appendix D.4); grease adds
    RFC 8701 values as Chrome does, which JA3 and JA4 must skip; cookie
    echoes a HelloRetryRequest's cookie. Returns the record bytes.
    """
    g = GREASE if grease else []
    ciphers = ([g[0]] if g else []) + (CIPHERS_13 if tls13 else CIPHERS_12)
    groups = ([g[1]] if g else []) + GROUPS
    exts = []
    if g:
        exts.append(ext(g[2], b""))
    exts.append(ext(0x0000, vec16(u8(0) + vec16(sni.encode()))))
    exts.append(ext(0x000B, vec8(bytes([0, 1, 2]))))  # ec_point_formats
    exts.append(ext(0x000A, vec16(u16s(groups))))      # supported_groups
    exts.append(ext(0x0023, b""))                      # session_ticket
    if alpn:
        exts.append(ext(0x0010, vec16(b"".join(
            vec8(a.encode()) for a in alpn))))
    exts.append(ext(0x0016, b""))                      # encrypt_then_mac
    exts.append(ext(0x0017, b""))                      # extended_master_secret
    exts.append(ext(0x000D, vec16(u16s(SIGALGS))))     # signature_algorithms
    if tls13:
        versions = ([g[3]] if g else []) + [0x0304, 0x0303]
        exts.append(ext(0x002B, vec8(u16s(versions))))
        if cookie is not None:
            exts.append(ext(0x002C, vec16(cookie)))
        exts.append(ext(0x002D, vec8(b"\x01")))        # psk_dhe_ke
        shares = u16(g[4]) + vec16(b"\0") if g else b""
        for grp in key_share:     # x25519: 32 bytes, P-256: 65 (04 x y)
            size = 32 if grp == 0x001D else 65
            shares += u16(grp) + vec16(det_bytes(f"{label}/ks{grp}", size))
        exts.append(ext(0x0033, vec16(shares)))
    if g:
        exts.append(ext(g[0] + 0x1010, b"\0"))          # trailing GREASE
    body = (u16(0x0303) + det_bytes(label + "/crandom", 32) +
            vec8(det_bytes(label + "/sid", 32) if tls13 else b"") +
            vec16(u16s(ciphers)) + vec8(b"\0") + vec16(b"".join(exts)))
    return record(CT_HANDSHAKE, handshake(HS_CLIENT_HELLO, body),
                  record_version)


def server_hello_12(label, cipher=0xC02B):
    """A TLS 1.2 ServerHello: fresh session id, renegotiation_info,
    ec_point_formats, extended_master_secret (handshake message only)."""
    exts = (ext(0xFF01, b"\0") + ext(0x000B, vec8(b"\0")) +
            ext(0x0017, b""))
    body = (u16(0x0303) + det_bytes(label + "/srandom", 32) +
            vec8(det_bytes(label + "/ssid", 32)) + u16(cipher) + b"\0" +
            vec16(exts))
    return handshake(HS_SERVER_HELLO, body)


def server_hello_13(label, random=None, group=0x001D, cookie=None):
    """A TLS 1.3 ServerHello (or, with random=HRR_RANDOM and a group and
    cookie, a HelloRetryRequest) echoing the client's session id."""
    if random == HRR_RANDOM:
        share = u16(group)     # RFC 8446 4.2.8: only the selected group
    else:
        share = u16(group) + vec16(det_bytes(label + "/sks", 32))
    exts = ext(0x002B, u16(0x0304)) + ext(0x0033, share)
    if cookie is not None:
        exts += ext(0x002C, vec16(cookie))
    body = (u16(0x0303) + (random or det_bytes(label + "/srandom", 32)) +
            vec8(det_bytes(label + "/sid", 32)) + u16(0x1301) + b"\0" +
            vec16(exts))
    return record(CT_HANDSHAKE, handshake(HS_SERVER_HELLO, body))


# ---- a certificate (X.509 DER, RFC 5280) -----------------------------------

def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = u8(n)
    elif n < 0x100:
        length = b"\x81" + u8(n)
    else:
        length = b"\x82" + u16(n)
    return u8(tag) + length + content


def seq(*items):
    return der(0x30, b"".join(items))


def name(*rdns):
    """Name from (oid bytes, text) pairs, one attribute per RDN."""
    return seq(*(der(0x31, seq(der(0x06, oid), der(0x0C if oid ==
                                                  b"\x55\x04\x03" else 0x13,
                                                  text.encode())))
                 for oid, text in rdns))


OID_C, OID_O, OID_CN = b"\x55\x04\x06", b"\x55\x04\x0a", b"\x55\x04\x03"
ECDSA_SHA256 = seq(der(0x06, bytes.fromhex("2a8648ce3d040302")))


def der_int(b):
    """A positive INTEGER from big-endian bytes (leading 00 if needed)."""
    b = b.lstrip(b"\0") or b"\0"
    return der(0x02, (b"\0" if b[0] & 0x80 else b"") + b)


def certificate(label, cn):
    """An ECDSA P-256 leaf certificate for cn issued by "Example Test CA".

    Well-formed DER that tshark and OpenSSL decode; the key and signature
    are deterministic filler, so it verifies against nothing (it needs not:
    only its fields are logged).
    """
    ecdsa_sig = seq(der_int(b"\x01" + det_bytes(label + "/r", 31)),
                    der_int(b"\x02" + det_bytes(label + "/s", 31)))
    san = seq(seq(der(0x06, b"\x55\x1d\x11"),
                  der(0x04, seq(der(0x82, cn.encode())))))
    tbs = seq(
        der(0xA0, der_int(b"\x02")),                       # v3
        der_int(bytes.fromhex("5a17c0de2024")),            # serial
        ECDSA_SHA256,
        name((OID_C, "US"), (OID_O, "Example"), (OID_CN, "Example Test CA")),
        seq(der(0x17, b"240101000000Z"), der(0x17, b"261231235959Z")),
        name((OID_CN, cn)),
        seq(seq(der(0x06, bytes.fromhex("2a8648ce3d0201")),      # ecPublicKey
                der(0x06, bytes.fromhex("2a8648ce3d030107"))),   # P-256
            der(0x03, b"\0\x04" + det_bytes(label + "/pub", 64))),
        der(0xA3, san))
    return seq(tbs, ECDSA_SHA256, der(0x03, b"\0" + ecdsa_sig))


def tls12_session(conn, label, sni, cn, appdata=((64, 96),)):
    """A full TLS 1.2 ECDHE-ECDSA handshake on conn, then application data.

    Client: ClientHello. Server: ServerHello, Certificate,
    ServerKeyExchange (x25519), ServerHelloDone in one record. Client:
    ClientKeyExchange, ChangeCipherSpec, Finished (encrypted). Server:
    ChangeCipherSpec, Finished. Then (client, server) sizes of opaque
    application data records.
    """
    cert = certificate(label, cn)
    ske = (b"\x03" + u16(0x001D) + vec8(det_bytes(label + "/ske", 32)) +
           u16(0x0403) + vec16(seq(der_int(det_bytes(label + "/sr", 32)),
                                   der_int(det_bytes(label + "/ss", 32)))))
    conn.client(client_hello(label, sni, tls13=False))
    conn.server(record(CT_HANDSHAKE,
                       server_hello_12(label) +
                       handshake(HS_CERTIFICATE, vec24(vec24(cert))) +
                       handshake(HS_SERVER_KEY_EXCHANGE, ske) +
                       handshake(HS_SERVER_HELLO_DONE, b"")))
    conn.client(record(CT_HANDSHAKE, handshake(
        HS_CLIENT_KEY_EXCHANGE, vec8(det_bytes(label + "/cke", 32)))) +
        record(CT_CCS, b"\x01") +
        record(CT_HANDSHAKE, det_bytes(label + "/cfin", 40)))
    conn.server(record(CT_CCS, b"\x01") +
                record(CT_HANDSHAKE, det_bytes(label + "/sfin", 40)))
    for i, (c, s) in enumerate(appdata):
        conn.client(record(CT_APPDATA, det_bytes(f"{label}/ca{i}", c)))
        conn.server(record(CT_APPDATA, det_bytes(f"{label}/sa{i}", s)))
    return cert


def tls13_session(conn, label, sni, alpn=(), grease=False):
    """A TLS 1.3 handshake in middlebox compatibility mode: ClientHello;
    ServerHello, CCS and the encrypted flight; client CCS and Finished;
    then one request and one response."""
    conn.client(client_hello(label, sni, alpn=alpn, grease=grease))
    conn.server(server_hello_13(label) + record(CT_CCS, b"\x01") +
                record(CT_APPDATA, det_bytes(label + "/sflight", 900)))
    conn.client(record(CT_CCS, b"\x01") +
                record(CT_APPDATA, det_bytes(label + "/cfin", 53)))
    conn.client(record(CT_APPDATA, det_bytes(label + "/req", 120)))
    conn.server(record(CT_APPDATA, det_bytes(label + "/resp", 300)))


# ---- the cases ---------------------------------------------------------------

CLIENT, SERVER = "192.0.2.10", "198.51.100.25"


def case_smtp_starttls(p):
    """RFC 3207: EHLO, STARTTLS, 220, then TLS 1.2 with a certificate."""
    c = Conn(p, "smtp", CLIENT, 49152, SERVER, 25, 1704103200)
    c.open()
    c.server(b"220 mail.example.com ESMTP ready\r\n")
    c.client(b"EHLO client.example.com\r\n")
    c.server(b"250-mail.example.com Hello client.example.com\r\n"
             b"250-SIZE 35882577\r\n250-8BITMIME\r\n250-STARTTLS\r\n"
             b"250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n")
    c.client(b"STARTTLS\r\n")
    c.server(b"220 2.0.0 Ready to start TLS\r\n")
    cert = tls12_session(c, "smtp", "mail.example.com", "mail.example.com",
                         ((48, 180), (60, 40)))
    c.close()
    return [cert]


def case_pop3_stls(p):
    """RFC 2595: CAPA, STLS, +OK, then TLS 1.2."""
    c = Conn(p, "pop3", CLIENT, 49153, SERVER, 110, 1704103260)
    c.open()
    c.server(b"+OK POP3 server ready\r\n")
    c.client(b"CAPA\r\n")
    c.server(b"+OK Capability list follows\r\nUSER\r\nSTLS\r\n"
             b"SASL PLAIN\r\n.\r\n")
    c.client(b"STLS\r\n")
    c.server(b"+OK Begin TLS negotiation\r\n")
    cert = tls12_session(c, "pop3", "pop.example.com", "pop.example.com")
    c.close()
    return [cert]


def case_imap_starttls(p):
    """RFC 3501 6.2.1: a STARTTLS tagged OK, then TLS 1.2."""
    c = Conn(p, "imap", CLIENT, 49154, SERVER, 143, 1704103320)
    c.open()
    c.server(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] "
             b"imap.example.com ready\r\n")
    c.client(b"a001 CAPABILITY\r\n")
    c.server(b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n"
             b"a001 OK CAPABILITY completed\r\n")
    c.client(b"a002 STARTTLS\r\n")
    c.server(b"a002 OK Begin TLS negotiation now\r\n")
    cert = tls12_session(c, "imap", "imap.example.com", "imap.example.com")
    c.close()
    return [cert]


def case_ftp_auth_tls(p):
    """RFC 4217 4: AUTH TLS answered 234, then TLS 1.2."""
    c = Conn(p, "ftp", CLIENT, 49155, SERVER, 21, 1704103380)
    c.open()
    c.server(b"220 ftp.example.com FTP server ready\r\n")
    c.client(b"AUTH TLS\r\n")
    c.server(b"234 AUTH TLS successful\r\n")
    cert = tls12_session(c, "ftp", "ftp.example.com", "ftp.example.com")
    c.close()
    return [cert]


def case_http_connect_tls(p):
    """RFC 9110 9.3.6: CONNECT through a proxy on 3128, 200, then a
    Chrome-like TLS 1.3 ClientHello (GREASE, ALPN h2) inside the tunnel."""
    c = Conn(p, "connect", CLIENT, 49156, "203.0.113.8", 3128, 1704103440)
    c.open()
    c.client(b"CONNECT www.example.org:443 HTTP/1.1\r\n"
             b"Host: www.example.org:443\r\n"
             b"User-Agent: curl/8.5.0\r\n"
             b"Proxy-Connection: Keep-Alive\r\n\r\n")
    c.server(b"HTTP/1.1 200 Connection established\r\n\r\n")
    tls13_session(c, "connect", "www.example.org", alpn=("h2", "http/1.1"),
                  grease=True)
    c.close()
    return []


def case_late_tls(p):
    """MySQL on 3306 (no parser): the server greeting (protocol 10), a
    36-byte SSLRequest, then TLS 1.3 from the next client chunk."""
    c = Conn(p, "mysql", CLIENT, 49157, SERVER, 3306, 1704103500)
    c.open()
    caps = 0xDFFFFFFF            # CLIENT_SSL (0x800) among them
    scramble = det_bytes("mysql/scramble", 20)
    greeting = (b"\x0a" + b"8.0.36\0" + struct.pack("<I", 42) +
                scramble[:8] + b"\0" + struct.pack("<H", caps & 0xFFFF) +
                b"\xff" + struct.pack("<H", 0x0002) +
                struct.pack("<H", caps >> 16) + b"\x15" + b"\0" * 10 +
                scramble[8:] + b"\0" + b"caching_sha2_password\0")
    c.server(struct.pack("<I", len(greeting))[:3] + b"\0" + greeting)
    # SSLRequest (packet 1): capabilities, max packet, charset, 23 zeros
    ssl_req = struct.pack("<IIB", 0x01AFAA85 | 0x800, 1 << 24, 0xFF) + \
        b"\0" * 23
    c.client(struct.pack("<I", len(ssl_req))[:3] + b"\x01" + ssl_req)
    tls13_session(c, "mysql", "db.example.net")
    c.close()
    return []


def case_tls_hello_retry(p):
    """RFC 8446 4.1.4: ClientHello 1 offers an x25519 share; the server
    asks for secp256r1 with a cookie (HelloRetryRequest, then its one
    compatibility CCS, appendix D.4); the client sends CCS and ClientHello
    2 (same random, P-256 share, cookie echoed); then the real ServerHello
    and the encrypted flight."""
    c = Conn(p, "hrr", CLIENT, 49158, "203.0.113.44", 443, 1704103560)
    c.open()
    cookie = det_bytes("hrr/cookie", 48)
    c.client(client_hello("hrr", "hrr.example.com", alpn=("h2", "http/1.1")))
    c.server(server_hello_13("hrr", HRR_RANDOM, 0x0017, cookie) +
             record(CT_CCS, b"\x01"))
    c.client(record(CT_CCS, b"\x01") +
             client_hello("hrr", "hrr.example.com", alpn=("h2", "http/1.1"),
                          key_share=(0x0017,), cookie=cookie,
                          record_version=0x0303))
    shello = server_hello_13("hrr", group=0x0017)
    c.server(shello + record(CT_APPDATA, det_bytes("hrr/sflight", 900)))
    c.client(record(CT_APPDATA, det_bytes("hrr/cfin", 53)))
    c.client(record(CT_APPDATA, det_bytes("hrr/req", 120)))
    c.server(record(CT_APPDATA, det_bytes("hrr/resp", 300)))
    c.close()
    return []


CASES = {
    "smtp-starttls": case_smtp_starttls,
    "pop3-stls": case_pop3_stls,
    "imap-starttls": case_imap_starttls,
    "ftp-auth-tls": case_ftp_auth_tls,
    "http-connect-tls": case_http_connect_tls,
    "late-tls": case_late_tls,
    "tls-hello-retry": case_tls_hello_retry,
}


# ---- reference fingerprints (--fingerprints) -------------------------------

def is_grease(v):
    return v & 0x0F0F == 0x0A0A and v >> 8 == v & 0xFF


def hello_fields(body, server):
    """(version, ciphers, extension list [(type, data)]) of a hello body."""
    ver = struct.unpack("!H", body[:2])[0]
    off = 34
    off += 1 + body[off]                         # session id
    if server:
        ciphers = [struct.unpack("!H", body[off:off + 2])[0]]
        off += 3                                 # cipher, compression
    else:
        n = struct.unpack("!H", body[off:off + 2])[0]
        ciphers = list(struct.unpack(f"!{n // 2}H", body[off + 2:off + 2 + n]))
        off += 2 + n
        off += 1 + body[off]                     # compression methods
    end = off + 2 + struct.unpack("!H", body[off:off + 2])[0]
    off += 2
    exts = []
    while off < end:
        t, n = struct.unpack("!HH", body[off:off + 4])
        exts.append((t, body[off + 4:off + 4 + n]))
        off += 4 + n
    return ver, ciphers, exts


def ja3(body, server):
    """JA3 (client) or JA3S (server) string, GREASE left out."""
    def dash(vals):
        return "-".join(str(v) for v in vals if not is_grease(v))

    ver, ciphers, exts = hello_fields(body, server)
    parts = [str(ver), dash(ciphers), dash(t for t, _ in exts)]
    if not server:
        d = dict(exts)
        g = d.get(0x000A, b"\0\0")[2:]
        parts.append(dash(struct.unpack(f"!{len(g) // 2}H", g)))
        parts.append(dash(d.get(0x000B, b"\0")[1:]))
    return ",".join(parts)


def ja4(body):
    """JA4 of a ClientHello over TCP (FoxIO JA4 specification)."""
    ver, ciphers, exts = hello_fields(body, False)
    d = dict(exts)
    if 0x002B in d:
        vs = d[0x002B][1:]
        ver = max(v for v in struct.unpack(f"!{len(vs) // 2}H", vs)
                  if not is_grease(v))
    vname = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10"}[ver]
    ciphers = [v for v in ciphers if not is_grease(v)]
    types = [t for t, _ in exts if not is_grease(t)]
    alpn = "00"
    if 0x0010 in d:
        first = d[0x0010][3:3 + d[0x0010][2]].decode()
        alpn = first[0] + first[-1]
    a = (f"t{vname}{'d' if 0x0000 in d else 'i'}{min(len(ciphers), 99):02d}"
         f"{min(len(types), 99):02d}{alpn}")
    def h12(text):
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    b = h12(",".join(f"{v:04x}" for v in sorted(ciphers)))
    c = ",".join(f"{t:04x}" for t in sorted(types) if t not in (0, 0x10))
    if 0x000D in d:
        sa = d[0x000D][2:]
        c += "_" + ",".join(f"{v:04x}" for v in
                            struct.unpack(f"!{len(sa) // 2}H", sa))
    return f"{a}_{b}_{h12(c)}"


def hellos(pcap_bytes):
    """Yield (source port, handshake type, body) of the hellos in the TCP
    payloads of one of our pcaps, client side first, each side in order."""
    off = 24
    streams = {}
    while off < len(pcap_bytes):
        incl = struct.unpack("<I", pcap_bytes[off + 8:off + 12])[0]
        frame = pcap_bytes[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = frame[14:]
        tcp = ip[(ip[0] & 15) * 4:]
        payload = tcp[(tcp[12] >> 4) * 4:]
        streams.setdefault(struct.unpack("!H", tcp[:2])[0], []).append(
            payload)
    for port, chunks in streams.items():
        data = b"".join(chunks)
        # hellos are found by scanning for a handshake record header
        i = 0
        while i + 9 < len(data):
            if (data[i] == CT_HANDSHAKE and data[i + 1] == 3 and
                    data[i + 5] in (HS_CLIENT_HELLO, HS_SERVER_HELLO)):
                n = int.from_bytes(data[i + 6:i + 9], "big")
                yield port, data[i + 5], data[i + 9:i + 9 + n]
                i += 9 + n
            else:
                i += 1


def print_fingerprints(name, pcap_bytes, certs):
    def md5(text):
        return hashlib.md5(text.encode()).hexdigest()

    for _, htype, body in hellos(pcap_bytes):
        if htype == HS_CLIENT_HELLO:
            s = ja3(body, False)
            print(f"{name}: ClientHello ja3 {md5(s)} {s}\n"
                  f"{name}: ClientHello ja4 {ja4(body)}")
        else:
            s = ja3(body, True)
            hrr = " (HelloRetryRequest)" if body[2:34] == HRR_RANDOM else ""
            print(f"{name}: ServerHello{hrr} ja3s {md5(s)} {s}")
    for cert in certs:
        print(f"{name}: certificate sha1 "
              f"{hashlib.sha1(cert).hexdigest().upper()}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "cases"),
                    help="cases directory (default: next to this script)")
    ap.add_argument("--fingerprints", action="store_true",
                    help="print JA3/JA3S/JA4 and certificate SHA-1")
    args = ap.parse_args()
    for name, build in CASES.items():
        pcap = Pcap()
        certs = build(pcap)
        data = pcap.data()
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
        with open(os.path.join(args.out, name, "input.pcap"), "wb") as f:
            f.write(data)
        if args.fingerprints:
            print_fingerprints(name, data, certs)


if __name__ == "__main__":
    main()
