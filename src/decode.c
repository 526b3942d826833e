/* decode.c - one captured frame to a struct pkt: link layer, IPv4/IPv6, TCP header and options. */
#include "decode.h"

#include <stddef.h>
#include <string.h>

#include "bytes.h"

enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_VLAN = 0x8100,      /* 802.1Q C-tag */
	ETHERTYPE_QINQ = 0x88a8,      /* 802.1ad S-tag */
	ETHERTYPE_QINQ_OLD = 0x9100,  /* pre-standard S-tag, still in the field */
	ETHERTYPE_PPPOE_SESSION = 0x8864,
	ETHERTYPE_MPLS = 0x8847,
	ETHERTYPE_MPLS_MC = 0x8848,
	ETHERTYPE_PBB = 0x88e7,       /* 802.1ah I-TAG */
	ETHERTYPE_FABRICPATH = 0x8903, /* Cisco FabricPath (DCE) tag */
	ETHERTYPE_TEB = 0x6558,       /* transparent Ethernet bridging */
	ETHERTYPE_ERSPAN2 = 0x88be,   /* ERSPAN type I (no header) and II */
	ETHERTYPE_ERSPAN3 = 0x22eb,
	PPP_PROTO_IPV4 = 0x0021,
	PPP_PROTO_IPV6 = 0x0057,
	PPP_PROTO_MPLS = 0x0281,
	PPP_PROTO_MPLS_MC = 0x0283,
	MAX_VLAN_TAGS = 8,
	MAX_MPLS_LABELS = 16,
	UDP_PORT_VXLAN = 4789,
	UDP_PORT_GENEVE = 6081,
	UDP_PORT_TEREDO = 3544,
	NFULA_PAYLOAD = 9,
};

/* BSD address families: AF_INET is 2 everywhere, AF_INET6 is 24 (NetBSD,
 * OpenBSD), 28 (FreeBSD, DragonFly) or 30 (macOS). */
enum { BSD_AF_INET = 2, BSD_AF_INET6_BSD = 24, BSD_AF_INET6_FREEBSD = 28, BSD_AF_INET6_DARWIN = 30 };

enum {
	IP_PROTO_HOPOPTS = 0,
	IP_PROTO_IPIP = 4,
	IP_PROTO_TCP = 6,
	IP_PROTO_UDP = 17,
	IP_PROTO_IPV6 = 41,
	IP_PROTO_GRE = 47,
	IP_PROTO_ROUTING = 43,
	IP_PROTO_FRAGMENT = 44,
	IP_PROTO_AH = 51,
	IP_PROTO_DSTOPTS = 60,
	IP_PROTO_MOBILITY = 135,
	IP_PROTO_HIP = 139,
	IP_PROTO_SHIM6 = 140,
	MAX_IPV6_EXT = 16,
};

enum {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WSCALE = 3,
	TCPOPT_SACK_PERM = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TIMESTAMPS = 8,
	TCPOPT_TFO = 34,
	TCPOPT_EXPERIMENT = 254,
	TCPOPT_TFO_MAGIC = 0xF989, /* RFC 7413 section 4.1.1, experimental encoding */
	TFO_MAX_COOKIE = 16,
};

static const char *const decode_status_names[] = {
	[DECODE_OK] = "ok",
	[DECODE_NOT_IP] = "not_ip",
	[DECODE_NOT_TCP] = "not_tcp",
	[DECODE_IP_FRAGMENT] = "ip_fragment",
	[DECODE_UNKNOWN_LINKTYPE] = "unknown_linktype",
	[DECODE_TRUNC_LINK] = "trunc_link",
	[DECODE_TOO_MANY_VLANS] = "too_many_vlans",
	[DECODE_TRUNC_IP] = "trunc_ip",
	[DECODE_BAD_IP_VERSION] = "bad_ip_version",
	[DECODE_BAD_IP_HEADER_LEN] = "bad_ip_header_len",
	[DECODE_BAD_IP_TOTAL_LEN] = "bad_ip_total_len",
	[DECODE_BAD_IP_OPTION] = "bad_ip_option",
	[DECODE_TRUNC_IPV6_EXT] = "trunc_ipv6_ext",
	[DECODE_BAD_IPV6_EXT] = "bad_ipv6_ext",
	[DECODE_TRUNC_TCP] = "trunc_tcp",
	[DECODE_BAD_TCP_HEADER_LEN] = "bad_tcp_header_len",
	[DECODE_BAD_TCP_OPTION] = "bad_tcp_option",
	[DECODE_TRUNC_TCP_OPTIONS] = "trunc_tcp_options",
	[DECODE_UNKNOWN_ENCAPSULATION] = "unknown_encapsulation",
	[DECODE_TRUNC_ENCAP] = "trunc_encap",
	[DECODE_BAD_ENCAP] = "bad_encap",
	[DECODE_ENCAP_TOO_DEEP] = "encap_too_deep",
};
_Static_assert(sizeof decode_status_names / sizeof decode_status_names[0] == DECODE__COUNT,
	       "one name per decode_status");

const char *decode_status_name(enum decode_status s)
{
	if ((unsigned)s >= DECODE__COUNT)
		return "invalid";
	return decode_status_names[s];
}

bool decode_status_is_error(enum decode_status s)
{
	return s > DECODE_IP_FRAGMENT;
}

/*
 * Link layer. Each decoder consumes its header from r and fills a link_info:
 * which IP version follows (4, 6, or 0 for "read it from the first nibble"),
 * and how many L3 bytes the link itself says it carries, if it says.
 */
struct link_info {
	unsigned ipver;
	uint32_t l3_limit; /* UINT32_MAX unless a length field (PPPoE) bounds L3 */
	/* Wire bytes of the reader's container from its start: the frame's wire
	 * length, or a tunnel's declared payload length once a decoder narrowed
	 * the reader to it (NFLOG's payload TLV, a GRE or UDP payload). */
	uint32_t wire_end;
	unsigned depth;    /* encapsulations entered so far */
};

typedef enum decode_status (*link_decode_fn)(struct byte_reader *r, struct link_info *li,
					     struct pkt *p);

/* PPPoE session stage (RFC 2516): ver/type, code, session id, length, then PPP protocol. */
static enum decode_status link_pppoe(struct byte_reader *r, struct link_info *li)
{
	uint16_t len, proto;

	if (!br_skip(r, 4) || !br_u16be(r, &len) || !br_u16be(r, &proto))
		return DECODE_TRUNC_LINK;
	if (proto == PPP_PROTO_IPV4)
		li->ipver = 4;
	else if (proto == PPP_PROTO_IPV6)
		li->ipver = 6;
	else
		return DECODE_NOT_IP; /* LCP, IPCP, ... */
	/* the length covers the PPP protocol field and the IP packet */
	li->l3_limit = len >= 2 ? len - 2u : 0;
	return DECODE_OK;
}

/* Follow an ethertype through stacked VLAN tags and PPPoE to IP. */
static enum decode_status link_ethernet(struct byte_reader *r, struct link_info *li, struct pkt *p);
static enum decode_status link_mpls(struct byte_reader *r, struct link_info *li, struct pkt *p);

/* Enter one more encapsulation, or say the bound is reached. */
static bool encap_enter(struct link_info *li)
{
	if (li->depth >= DECODE_MAX_ENCAP_DEPTH)
		return false;
	li->depth++;
	return true;
}

/* A header inside a container could not be read: the capture cut it
 * (truncated) or the container's declared length ends before it (malformed). */
static enum decode_status encap_short(const struct byte_reader *r, uint32_t wire_end)
{
	return r->len < wire_end ? DECODE_TRUNC_ENCAP : DECODE_BAD_ENCAP;
}

static enum decode_status link_ethertype(struct byte_reader *r, uint16_t type, struct link_info *li,
					 struct pkt *p)
{
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		if (p->vlan_depth == MAX_VLAN_TAGS)
			return DECODE_TOO_MANY_VLANS;
		/* 2-byte TCI, then the type of what the tag wraps */
		if (!br_skip(r, 2) || !br_u16be(r, &type))
			return DECODE_TRUNC_LINK;
		p->vlan_depth++;
	}
	switch (type) {
	case ETHERTYPE_IPV4:
		li->ipver = 4;
		return DECODE_OK;
	case ETHERTYPE_IPV6:
		li->ipver = 6;
		return DECODE_OK;
	case ETHERTYPE_PPPOE_SESSION:
		return link_pppoe(r, li);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return link_mpls(r, li, p);
	case ETHERTYPE_PBB:
		/* 802.1ah: 4-byte I-TAG (priority, flags, 24-bit I-SID), then the
		 * customer's whole Ethernet frame (C-DA, C-SA, type) */
		if (!encap_enter(li))
			return DECODE_ENCAP_TOO_DEEP;
		if (!br_skip(r, 4))
			return DECODE_TRUNC_ENCAP;
		return link_ethernet(r, li, p);
	case ETHERTYPE_FABRICPATH:
		/* Cisco FabricPath: outer DA/SA, then this type with a 2-byte
		 * FTag/TTL, then the classical Ethernet frame */
		if (!encap_enter(li))
			return DECODE_ENCAP_TOO_DEEP;
		if (!br_skip(r, 2))
			return DECODE_TRUNC_ENCAP;
		return link_ethernet(r, li, p);
	default:
		return DECODE_NOT_IP;
	}
}

/* An ethertype an Ethernet pseudowire's frame would plausibly carry. */
static bool pw_ethertype_at(const struct byte_reader *r, size_t off)
{
	struct byte_reader h = *r;
	uint16_t type;

	if (!br_skip(&h, off) || !br_u16be(&h, &type))
		return false;
	switch (type) {
	case ETHERTYPE_IPV4:
	case ETHERTYPE_IPV6:
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
	case ETHERTYPE_QINQ_OLD:
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
	case ETHERTYPE_PPPOE_SESSION:
		return true;
	default:
		return false;
	}
}

/*
 * MPLS label stack (RFC 3032): 4-byte entries up to the bottom-of-stack bit.
 * What follows has no type field; as Wireshark does (and RFC 4928 asks
 * Ethernet pseudowires not to start with 4 or 6) we go by the first nibble:
 * 4 IPv4, 6 IPv6. A 0 is an Ethernet pseudowire (RFC 4448), with a control
 * word (RFC 4385: its first nibble is 0) or without one (a destination MAC
 * starting with 0). Wireshark tells them apart by looking the MACs after a
 * would-be control word up in its vendor (OUI) database; we have none, and
 * look at where the frame's ethertype would be instead: with the control
 * word (bytes 16-17) first, then without (bytes 12-13), taking the first
 * that is IPv4, IPv6, a VLAN tag, MPLS or PPPoE. Anything else (nibble 1,
 * an associated channel; no plausible ethertype) is an unknown encapsulation.
 */
static enum decode_status link_mpls(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint32_t entry = 0;

	if (!encap_enter(li))
		return DECODE_ENCAP_TOO_DEEP;
	for (unsigned n = 0; !(entry & 0x100u); n++) {
		if (n == MAX_MPLS_LABELS)
			return DECODE_BAD_ENCAP;
		if (!br_u32be(r, &entry))
			return DECODE_TRUNC_ENCAP;
	}
	struct byte_reader peek = *r;
	uint8_t first;
	if (!br_u8(&peek, &first))
		return DECODE_TRUNC_ENCAP;
	switch (first >> 4) {
	case 4:
		li->ipver = 4;
		return DECODE_OK;
	case 6:
		li->ipver = 6;
		return DECODE_OK;
	case 0:
		if (pw_ethertype_at(r, 4 + 12)) {
			br_skip(r, 4); /* control word: 0000, flags, length, sequence */
			return link_ethernet(r, li, p);
		}
		if (pw_ethertype_at(r, 12))
			return link_ethernet(r, li, p);
		/* neither: cut before the ethertype, or not an Ethernet pseudowire */
		return br_has(r, 4 + 14) ? DECODE_UNKNOWN_ENCAPSULATION : DECODE_TRUNC_ENCAP;
	default:
		return DECODE_UNKNOWN_ENCAPSULATION;
	}
}

/* Ethernet II: two MACs then the ethertype. */
static enum decode_status link_ethernet(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint16_t type;

	if (!br_skip(r, 12) || !br_u16be(r, &type))
		return DECODE_TRUNC_LINK;
	return link_ethertype(r, type, li, p);
}

/* Linux cooked v1: 14 bytes of packet type, ARPHRD, address, then the protocol. */
static enum decode_status link_sll(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint16_t type;

	if (!br_skip(r, 14) || !br_u16be(r, &type))
		return DECODE_TRUNC_LINK;
	return link_ethertype(r, type, li, p);
}

/* Linux cooked v2: protocol first, then 18 bytes of reserved, ifindex, ARPHRD, address. */
static enum decode_status link_sll2(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint16_t type;

	if (!br_u16be(r, &type) || !br_skip(r, 18))
		return DECODE_TRUNC_LINK;
	return link_ethertype(r, type, li, p);
}

static bool bsd_family(uint32_t af, unsigned *ipver)
{
	switch (af) {
	case BSD_AF_INET:
		*ipver = 4;
		return true;
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		*ipver = 6;
		return true;
	default:
		return false;
	}
}

/* BSD NULL: the family is in the byte order of the host that wrote the file,
 * which the file does not say, so try both (the values never collide). */
static enum decode_status link_null(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	struct byte_reader le = *r;
	uint32_t af_be, af_le;

	(void)p;
	if (!br_u32be(r, &af_be))
		return DECODE_TRUNC_LINK;
	br_u32le(&le, &af_le); /* same 4 bytes, known present */
	if (bsd_family(af_be, &li->ipver) || bsd_family(af_le, &li->ipver))
		return DECODE_OK;
	return DECODE_NOT_IP;
}

/* OpenBSD LOOP: the same family field, always in network order. */
static enum decode_status link_loop(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint32_t af;

	(void)p;
	if (!br_u32be(r, &af))
		return DECODE_TRUNC_LINK;
	return bsd_family(af, &li->ipver) ? DECODE_OK : DECODE_NOT_IP;
}

static enum decode_status link_raw(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	(void)r;
	(void)p;
	li->ipver = 0;
	return DECODE_OK;
}

static enum decode_status link_ipv4(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	(void)r;
	(void)p;
	li->ipver = 4;
	return DECODE_OK;
}

static enum decode_status link_ipv6(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	(void)r;
	(void)p;
	li->ipver = 6;
	return DECODE_OK;
}

/* A PPP protocol number to what follows (RFC 1661; MPLS: RFC 3032 section 4). */
static enum decode_status ppp_protocol(struct byte_reader *r, uint16_t proto, struct link_info *li,
				       struct pkt *p)
{
	switch (proto) {
	case PPP_PROTO_IPV4:
		li->ipver = 4;
		return DECODE_OK;
	case PPP_PROTO_IPV6:
		li->ipver = 6;
		return DECODE_OK;
	case PPP_PROTO_MPLS:
	case PPP_PROTO_MPLS_MC:
		return link_mpls(r, li, p);
	default:
		return DECODE_NOT_IP; /* LCP, IPCP, CHAP, ... */
	}
}

/* PPP (LINKTYPE_PPP): an optional FF 03 address/control, then the protocol,
 * one byte when compressed (RFC 1661 6.5: an odd first byte). */
static enum decode_status link_ppp(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	struct byte_reader peek = *r;
	uint8_t a, c, hi, lo;

	if (br_u8(&peek, &a) && a == 0xff) { /* never a protocol: the HDLC address */
		if (!br_u8(&peek, &c))
			return DECODE_TRUNC_LINK;
		if (c == 0x03)
			br_skip(r, 2);
	}
	if (!br_u8(r, &hi))
		return DECODE_TRUNC_LINK;
	if (hi & 1u)
		return ppp_protocol(r, hi, li, p);
	if (!br_u8(r, &lo))
		return DECODE_TRUNC_LINK;
	return ppp_protocol(r, (uint16_t)(hi << 8 | lo), li, p);
}

/* Cisco HDLC (LINKTYPE_C_HDLC): address 0x0F or 0x8F, control 0, ethertype. */
static enum decode_status link_chdlc(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint16_t type;

	if (!br_skip(r, 2) || !br_u16be(r, &type))
		return DECODE_TRUNC_LINK;
	return link_ethertype(r, type, li, p); /* SLARP (0x8035) and CDP are not IP */
}

/* LINKTYPE_PPP_HDLC: 0xFF first is PPP in HDLC-like framing (RFC 1662),
 * 0x0F or 0x8F is Cisco PPP with HDLC framing, an ethertype after 2 bytes. */
static enum decode_status link_ppp_hdlc(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	struct byte_reader peek = *r;
	uint8_t a;

	if (!br_u8(&peek, &a))
		return DECODE_TRUNC_LINK;
	if (a == 0x0f || a == 0x8f)
		return link_chdlc(r, li, p);
	return link_ppp(r, li, p);
}

/* A 16-bit field in the byte order of the host that read the capture:
 * libpcap hands NFLOG's TLV headers over in that order (pcap-common.c swaps
 * them when reading a file written on the other byte order). */
static bool br_u16host(struct byte_reader *r, uint16_t *out)
{
	return br_copy(r, out, 2);
}

/*
 * Linux NFLOG (LINKTYPE_NFLOG): family, version, resource id, then TLVs,
 * each a 16-bit length (with the 4-byte TLV header) and type, padded to 4.
 * The packet is the NFULA_PAYLOAD TLV's value, starting at its IP header.
 */
static enum decode_status link_nflog(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint8_t family;
	uint16_t tlv_len, tlv_type;

	(void)p;
	if (!br_u8(r, &family) || !br_skip(r, 3))
		return DECODE_TRUNC_LINK;
	for (;;) {
		if (br_remaining(r) == 0)
			return r->len < li->wire_end ? DECODE_TRUNC_LINK : DECODE_NOT_IP; /* no payload logged */
		if (!br_u16host(r, &tlv_len) || !br_u16host(r, &tlv_type))
			return DECODE_TRUNC_LINK;
		if (tlv_len < 4)
			return DECODE_BAD_ENCAP;
		uint32_t body = tlv_len - 4u;
		if ((tlv_type & 0x7fffu) == NFULA_PAYLOAD) { /* high bit: netlink's NLA_F_NESTED */
			struct byte_reader payload;
			size_t have = br_remaining(r);
			uint32_t ends = (uint32_t)r->off + body; /* where the TLV ends on the wire */
			if (ends > li->wire_end)
				return DECODE_BAD_ENCAP;
			br_sub(r, have < body ? have : body, &payload);
			*r = payload;
			li->wire_end = body;
			li->ipver = family == 2 ? 4 : family == 10 ? 6 : 0; /* AF_INET, Linux AF_INET6 */
			return DECODE_OK;
		}
		uint32_t padded = (body + 3u) & ~3u;
		if (!br_skip(r, padded) && !br_skip(r, body)) /* the last TLV may lack its padding */
			return DECODE_TRUNC_LINK;
	}
}

/*
 * IEEE 802.11 data frame (LINKTYPE_IEEE802_11): frame control, duration,
 * three addresses, sequence control, a fourth address between two APs, QoS
 * control in QoS subtypes (and HT control with the +HTC/Order bit), then an
 * LLC/SNAP header whose ethertype says what follows. Management and control
 * frames, null data and protected (encrypted) bodies are not IP to us; an
 * A-MSDU or a fragment is an encapsulation we do not take apart.
 */
static enum decode_status link_80211(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint8_t fc0, fc1;

	if (!br_u8(r, &fc0) || !br_u8(r, &fc1))
		return DECODE_TRUNC_LINK;
	unsigned version = fc0 & 3u, type = (fc0 >> 2) & 3u, subtype = fc0 >> 4;
	if (version != 0 || type != 2 || (subtype & 4u)) /* not data, or no body */
		return DECODE_NOT_IP;
	if (fc1 & 0x40u) /* protected frame */
		return DECODE_NOT_IP;
	uint8_t seq0;
	/* duration, three addresses, then sequence control (little-endian:
	 * the fragment number is the low nibble of its first byte) */
	if (!br_skip(r, 2 + 18) || !br_u8(r, &seq0) || !br_skip(r, 1))
		return DECODE_TRUNC_LINK;
	if ((fc1 & 0x04u) || (seq0 & 0x0fu))
		return DECODE_UNKNOWN_ENCAPSULATION; /* 802.11 fragment, not reassembled */
	if ((fc1 & 3u) == 3u && !br_skip(r, 6)) /* ToDS and FromDS: address 4 */
		return DECODE_TRUNC_LINK;
	if (subtype & 8u) { /* QoS data */
		uint8_t qos0;
		if (!br_u8(r, &qos0) || !br_skip(r, 1))
			return DECODE_TRUNC_LINK;
		if (qos0 & 0x80u)
			return DECODE_UNKNOWN_ENCAPSULATION; /* A-MSDU present */
		if ((fc1 & 0x80u) && !br_skip(r, 4)) /* HT control */
			return DECODE_TRUNC_LINK;
	}
	uint8_t llc[6];
	uint16_t ethertype;
	if (!br_copy(r, llc, 6) || !br_u16be(r, &ethertype))
		return DECODE_TRUNC_LINK;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03)
		return DECODE_NOT_IP; /* plain LLC (STP, ...) */
	return link_ethertype(r, ethertype, li, p);
}

/* Radiotap (LINKTYPE_IEEE802_11_RADIOTAP): version 0, pad, a little-endian
 * length covering the whole radio header, then the 802.11 frame. An FCS at
 * the end (radiotap flag 0x10) is trailing bytes after IP, as Ethernet
 * padding is: the IP lengths already leave it out. */
static enum decode_status link_radiotap(struct byte_reader *r, struct link_info *li, struct pkt *p)
{
	uint8_t version, pad, len_lo, len_hi;

	if (!br_u8(r, &version) || !br_u8(r, &pad) || !br_u8(r, &len_lo) || !br_u8(r, &len_hi))
		return DECODE_TRUNC_LINK;
	uint16_t len = (uint16_t)(len_hi << 8 | len_lo);
	if (version != 0 || len < 8)
		return DECODE_BAD_ENCAP;
	if (!br_skip(r, len - 4u))
		return DECODE_TRUNC_LINK;
	return link_80211(r, li, p);
}

/* Most common first: the lookup is a short linear scan. */
static const struct link_decoder {
	int linktype;
	link_decode_fn decode;
} link_decoders[] = {
	{ LINK_ETHERNET, link_ethernet },
	{ LINK_LINUX_SLL, link_sll },
	{ LINK_LINUX_SLL2, link_sll2 },
	{ LINK_RAW, link_raw },
	{ LINK_NULL, link_null },
	{ LINK_LOOP, link_loop },
	{ LINK_RAW_ALT, link_raw },
	{ LINK_IPV4, link_ipv4 },
	{ LINK_IPV6, link_ipv6 },
	{ LINK_NFLOG, link_nflog },
	{ LINK_PPP, link_ppp },
	{ LINK_PPP_HDLC, link_ppp_hdlc },
	{ LINK_C_HDLC, link_chdlc },
	{ LINK_IEEE802_11_RADIOTAP, link_radiotap },
	{ LINK_IEEE802_11, link_80211 },
};

static link_decode_fn link_lookup(int linktype)
{
	for (size_t i = 0; i < sizeof link_decoders / sizeof link_decoders[0]; i++)
		if (link_decoders[i].linktype == linktype)
			return link_decoders[i].decode;
	return NULL;
}

bool decode_linktype_supported(int linktype)
{
	return link_lookup(linktype) != NULL;
}

/*
 * IPv4 options (RFC 791 3.1): nothing in them is used, but a length that
 * contradicts the header makes the whole header suspect, as in Wireshark.
 */
static bool ipv4_options_valid(struct byte_reader *r)
{
	uint8_t kind, len;

	while (br_u8(r, &kind)) {
		if (kind == 0) /* end of option list: the rest is padding */
			return true;
		if (kind == 1) /* no-operation */
			continue;
		if (!br_u8(r, &len) || len < 2 || !br_skip(r, len - 2u))
			return false;
	}
	return true;
}

static enum decode_status ip_payload(uint8_t proto, struct byte_reader *r, uint32_t plen,
				     uint32_t *seg_len, struct pkt *p, unsigned depth);

/*
 * IPv4 (RFC 791). `l3_wire` is how many bytes of L3 the wire carried and
 * `l3_limit` how many the link's own length field allows; on OK r sits at the
 * TCP header and *seg_len is the TCP segment length.
 */
static enum decode_status decode_ipv4(struct byte_reader *r, uint32_t l3_wire, uint32_t l3_limit,
				      uint32_t *seg_len, struct pkt *p, unsigned depth)
{
	uint8_t vihl = 0, ttl = 0, proto = 0;
	uint16_t total = 0, frag = 0;

	if (!br_has(r, 20))
		return DECODE_TRUNC_IP;
	br_u8(r, &vihl);
	br_skip(r, 1); /* DSCP/ECN */
	br_u16be(r, &total);
	br_skip(r, 2); /* identification */
	br_u16be(r, &frag);
	br_u8(r, &ttl);
	br_u8(r, &proto);
	br_skip(r, 2); /* checksum: offload makes it meaningless on the sender */
	br_copy(r, p->src + 12, 4);
	br_copy(r, p->dst + 12, 4);

	uint32_t hlen = (vihl & 0x0fu) * 4;
	if (hlen < 20)
		return DECODE_BAD_IP_HEADER_LEN;
	/* 0 is what TSO/GSO super-segments carry when captured on the sender,
	 * before the NIC splits them: the wire length is the truth then. */
	uint32_t tlen = total ? total : l3_wire;
	if (tlen < hlen || tlen > l3_wire)
		return DECODE_BAD_IP_TOTAL_LEN;
	/* Where PPPoE's length says the packet ends sooner, it wins, as in
	 * Wireshark: the extra bytes are padding (a pure ACK stays pure). */
	if (tlen > l3_limit)
		tlen = l3_limit;
	if (tlen < hlen)
		return DECODE_BAD_IP_TOTAL_LEN;
	struct byte_reader opts;
	if (!br_sub(r, hlen - 20, &opts))
		return DECODE_TRUNC_IP;
	if (!ipv4_options_valid(&opts))
		return DECODE_BAD_IP_OPTION;
	if (frag & 0x3fff) /* MF or a fragment offset; DF (0x4000) is fine */
		return DECODE_IP_FRAGMENT;
	if (proto != IP_PROTO_TCP)
		return ip_payload(proto, r, tlen - hlen, seg_len, p, depth);

	p->ip_version = 4;
	p->ttl = ttl;
	memset(p->src, 0, 10); /* an outer IPv6 header of a tunnel wrote these */
	memset(p->dst, 0, 10);
	p->src[10] = p->src[11] = 0xff; /* ::ffff:a.b.c.d */
	p->dst[10] = p->dst[11] = 0xff;
	*seg_len = tlen - hlen;
	return DECODE_OK;
}

enum ipv6_ext_shape { EXT_NONE, EXT_UNITS8, EXT_AH, EXT_FRAGMENT };

static enum ipv6_ext_shape ipv6_ext_shape(uint8_t nh)
{
	switch (nh) {
	case IP_PROTO_HOPOPTS:
	case IP_PROTO_ROUTING:
	case IP_PROTO_DSTOPTS:
	case IP_PROTO_MOBILITY:
	case IP_PROTO_HIP:
	case IP_PROTO_SHIM6:
		return EXT_UNITS8;
	case IP_PROTO_AH:
		return EXT_AH;
	case IP_PROTO_FRAGMENT:
		return EXT_FRAGMENT;
	default:
		return EXT_NONE; /* TCP, or something we do not follow (ESP, 59, UDP, ...) */
	}
}

/*
 * Walk the IPv6 extension chain up to TCP or another upper layer. *left is what payload_length says
 * remains; an extension past it is malformed, one past caplen is truncated.
 */
static enum decode_status ipv6_ext_chain(struct byte_reader *r, uint8_t *nh, uint32_t *left)
{
	for (unsigned count = 0; *nh != IP_PROTO_TCP; count++) {
		enum ipv6_ext_shape shape = ipv6_ext_shape(*nh);
		if (shape == EXT_NONE)
			return DECODE_OK; /* UDP, a tunnel, ... : the caller decides */
		if (count == MAX_IPV6_EXT || *left < 2)
			return DECODE_BAD_IPV6_EXT;

		struct byte_reader h = *r; /* peek next-header and length */
		uint8_t next, units;
		if (!br_u8(&h, &next) || !br_u8(&h, &units))
			return DECODE_TRUNC_IPV6_EXT;
		uint32_t len = shape == EXT_UNITS8 ? (units + 1u) * 8  /* RFC 8200 4.3: 8-octet units after the first */
			     : shape == EXT_AH ? (units + 2u) * 4      /* RFC 4302 2.2: 4-octet units, minus 2 */
			     : 8;
		if (len > *left)
			return DECODE_BAD_IPV6_EXT;
		if (!br_has(r, len))
			return DECODE_TRUNC_IPV6_EXT;
		if (shape == EXT_FRAGMENT) {
			uint16_t off_m = 0;
			br_u16be(&h, &off_m);
			/* RFC 6946: offset 0 and M=0 is an atomic fragment, a whole packet */
			if (off_m & 0xfff9)
				return DECODE_IP_FRAGMENT;
		}
		br_skip(r, len);
		*left -= len;
		*nh = next;
	}
	return DECODE_OK;
}

/* IPv6 (RFC 8200), same contract as decode_ipv4. */
static enum decode_status decode_ipv6(struct byte_reader *r, uint32_t l3_wire, uint32_t l3_limit,
				      uint32_t *seg_len, struct pkt *p, unsigned depth)
{
	uint16_t plen = 0;
	uint8_t nh = 0, hlim = 0;

	if (!br_has(r, 40))
		return DECODE_TRUNC_IP;
	br_skip(r, 4); /* version, traffic class, flow label */
	br_u16be(r, &plen);
	br_u8(r, &nh);
	br_u8(r, &hlim);
	br_copy(r, p->src, 16);
	br_copy(r, p->dst, 16);

	uint32_t wire_payload = l3_wire - 40; /* the 40 bytes were captured, so were on the wire */
	/* 0: a TSO/GSO super-segment (or a jumbogram): the wire length is the truth */
	uint32_t left = plen ? plen : wire_payload;
	if (left > wire_payload)
		return DECODE_BAD_IP_TOTAL_LEN;
	if (40 + left > l3_limit) { /* PPPoE ends it sooner: as in decode_ipv4 */
		if (l3_limit < 40)
			return DECODE_BAD_IP_TOTAL_LEN;
		left = l3_limit - 40;
	}
	enum decode_status st = ipv6_ext_chain(r, &nh, &left);
	if (st != DECODE_OK)
		return st;
	if (nh != IP_PROTO_TCP)
		return ip_payload(nh, r, left, seg_len, p, depth);

	p->ip_version = 6;
	p->ttl = hlim;
	*seg_len = left;
	return DECODE_OK;
}

/* IP of the version the link announced (0: whichever the first nibble says). */
static enum decode_status decode_ip(struct byte_reader *r, const struct link_info *li,
				    uint32_t l3_wire, uint32_t *seg_len, struct pkt *p)
{
	struct byte_reader peek = *r;
	uint8_t first;

	if (!br_u8(&peek, &first))
		return DECODE_TRUNC_IP;
	unsigned version = first >> 4;
	if (li->ipver != 0 && version != li->ipver)
		return DECODE_BAD_IP_VERSION;
	if (version == 4)
		return decode_ipv4(r, l3_wire, li->l3_limit, seg_len, p, li->depth);
	if (version == 6)
		return decode_ipv6(r, l3_wire, li->l3_limit, seg_len, p, li->depth);
	return DECODE_BAD_IP_VERSION;
}

/*
 * Encapsulations above IP. Each takes a reader narrowed to its container
 * (li->wire_end is the container's length on the wire) and, on DECODE_OK,
 * leaves *r at the innermost TCP header with *seg_len its segment length.
 * Every one counts one level in li->depth; past DECODE_MAX_ENCAP_DEPTH the
 * frame is DECODE_ENCAP_TOO_DEEP.
 */

/* Narrow r to the next `len` wire bytes (a length field inside the container). */
static void encap_narrow(struct byte_reader *r, struct link_info *li, uint32_t len)
{
	struct byte_reader sub;
	size_t have = br_remaining(r);

	br_sub(r, have < len ? have : len, &sub);
	*r = sub;
	li->wire_end = len;
}

/* IP of a known version (0: by its first nibble) at r, to the TCP header. */
static enum decode_status inner_ip(struct byte_reader *r, struct link_info *li, unsigned ipver,
				   uint32_t *seg_len, struct pkt *p)
{
	li->ipver = ipver;
	return decode_ip(r, li, li->wire_end - (uint32_t)r->off, seg_len, p);
}

/* A frame of a link type (Ethernet, mostly) at r, through its IP to TCP. */
static enum decode_status inner_frame(link_decode_fn link, struct byte_reader *r, struct link_info *li,
				      uint32_t *seg_len, struct pkt *p)
{
	li->ipver = 0;
	enum decode_status st = link(r, li, p);
	if (st != DECODE_OK)
		return st;
	return decode_ip(r, li, li->wire_end - (uint32_t)r->off, seg_len, p);
}

/*
 * ERSPAN (draft-foschiano-erspan): type II is an 8-byte header of version
 * 1; type III a 12-byte one of version 2, with an 8-byte platform-specific
 * subheader when its O bit is set, and a frame type (0 Ethernet, 2 IP).
 */
static enum decode_status erspan(struct byte_reader *r, struct link_info *li, uint32_t *seg_len,
				 struct pkt *p)
{
	struct byte_reader h = *r;
	uint8_t v;
	uint16_t last;

	if (!br_u8(&h, &v))
		return encap_short(r, li->wire_end);
	if (v >> 4 == 1) {
		if (!br_skip(r, 8))
			return encap_short(r, li->wire_end);
		return inner_frame(link_ethernet, r, li, seg_len, p);
	}
	if (v >> 4 != 2)
		return DECODE_BAD_ENCAP;
	if (!br_skip(&h, 9) || !br_u16be(&h, &last))
		return encap_short(r, li->wire_end);
	unsigned frame_type = (last >> 10) & 0x1fu;
	if (!br_skip(r, 12) || ((last & 1u) && !br_skip(r, 8)))
		return encap_short(r, li->wire_end);
	if (frame_type != 0)
		return DECODE_UNKNOWN_ENCAPSULATION;
	return inner_frame(link_ethernet, r, li, seg_len, p);
}

/*
 * GRE (RFC 2784, RFC 2890): flags and version, protocol type, then a
 * checksum word (C), key (K) and sequence number (S), each 4 bytes when
 * present. Version 1 (PPTP's enhanced GRE) and RFC 1701 source routing are
 * not followed. Protocol 0x88BE without a sequence number is ERSPAN type I
 * (no header), as Wireshark reads it.
 */
static enum decode_status decode_gre(struct byte_reader *r, struct link_info *li, uint32_t *seg_len,
				     struct pkt *p)
{
	uint16_t flags, proto;

	if (!encap_enter(li))
		return DECODE_ENCAP_TOO_DEEP;
	if (!br_has(r, 4))
		return encap_short(r, li->wire_end);
	br_u16be(r, &flags);
	br_u16be(r, &proto);
	if ((flags & 7u) != 0 || (flags & 0x4000u))
		return DECODE_UNKNOWN_ENCAPSULATION;
	size_t opt = ((flags & 0x8000u) ? 4u : 0u) + ((flags & 0x2000u) ? 4u : 0u) +
		     ((flags & 0x1000u) ? 4u : 0u);
	if (!br_skip(r, opt))
		return encap_short(r, li->wire_end);
	switch (proto) {
	case ETHERTYPE_IPV4:
		return inner_ip(r, li, 4, seg_len, p);
	case ETHERTYPE_IPV6:
		return inner_ip(r, li, 6, seg_len, p);
	case ETHERTYPE_TEB:
		return inner_frame(link_ethernet, r, li, seg_len, p);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return inner_frame(link_mpls, r, li, seg_len, p);
	case ETHERTYPE_ERSPAN2:
		if (!(flags & 0x1000u)) /* type I */
			return inner_frame(link_ethernet, r, li, seg_len, p);
		return erspan(r, li, seg_len, p);
	case ETHERTYPE_ERSPAN3:
		return erspan(r, li, seg_len, p);
	default:
		return DECODE_UNKNOWN_ENCAPSULATION;
	}
}

/* Teredo (RFC 4380): optional authentication and origin indications, then
 * IPv6. Port 3544 carries other things too, so only a payload that starts
 * with version 6 after the indications is taken; anything else stays UDP. */
static enum decode_status decode_teredo(struct byte_reader *r, struct link_info *li, uint32_t *seg_len,
					struct pkt *p)
{
	for (int i = 0; i < 2; i++) {
		struct byte_reader h = *r;
		uint16_t ind;
		uint8_t id_len, au_len;
		if (!br_u16be(&h, &ind))
			break; /* the version nibble below decides */
		if (ind == 0x0001 && i == 0) { /* authentication: lengths, id, value, nonce, confirmation */
			if (!br_u8(&h, &id_len) || !br_u8(&h, &au_len) || !br_skip(&h, id_len + au_len + 9u))
				return DECODE_NOT_TCP;
		} else if (ind == 0x0000) { /* origin indication: port and address */
			if (!br_skip(&h, 6))
				return DECODE_NOT_TCP;
		} else {
			break;
		}
		*r = h;
	}
	struct byte_reader peek = *r;
	uint8_t first;
	if (!br_u8(&peek, &first) || first >> 4 != 6)
		return DECODE_NOT_TCP;
	if (!encap_enter(li))
		return DECODE_ENCAP_TOO_DEEP;
	return inner_ip(r, li, 6, seg_len, p);
}

/* UDP: VXLAN (RFC 7348) and Geneve (RFC 8926) by destination port, Teredo by
 * either port; any other UDP is NOT_TCP, as it always was. */
static enum decode_status decode_udp(struct byte_reader *r, struct link_info *li, uint32_t *seg_len,
				     struct pkt *p)
{
	uint16_t sport, dport, ulen;

	if (!br_has(r, 8))
		return DECODE_NOT_TCP; /* cannot tell what it carries */
	br_u16be(r, &sport);
	br_u16be(r, &dport);
	br_u16be(r, &ulen);
	br_skip(r, 2); /* checksum */
	bool teredo = sport == UDP_PORT_TEREDO || dport == UDP_PORT_TEREDO;
	if (dport != UDP_PORT_VXLAN && dport != UDP_PORT_GENEVE && !teredo)
		return DECODE_NOT_TCP;
	/* 0: a jumbogram or GSO super-datagram, the IP length is the truth */
	if (ulen != 0) {
		if (ulen < 8 || ulen > li->wire_end)
			return DECODE_BAD_ENCAP;
		encap_narrow(r, li, ulen - 8u);
	} else {
		encap_narrow(r, li, li->wire_end - 8u);
	}
	if (dport == UDP_PORT_VXLAN) {
		/* flags (I: a valid VNI), 24 reserved bits, VNI, 8 reserved bits */
		if (!encap_enter(li))
			return DECODE_ENCAP_TOO_DEEP;
		if (!br_skip(r, 8))
			return encap_short(r, li->wire_end);
		return inner_frame(link_ethernet, r, li, seg_len, p);
	}
	if (dport == UDP_PORT_GENEVE) {
		uint8_t vo;
		uint16_t proto;
		if (!encap_enter(li))
			return DECODE_ENCAP_TOO_DEEP;
		if (!br_has(r, 8))
			return encap_short(r, li->wire_end);
		br_u8(r, &vo);
		br_skip(r, 1); /* O, C, reserved */
		br_u16be(r, &proto);
		br_skip(r, 4); /* VNI, reserved */
		if (vo >> 6 != 0)
			return DECODE_BAD_ENCAP; /* only version 0 exists */
		if (!br_skip(r, (vo & 0x3fu) * 4u)) /* options, in 4-byte units */
			return encap_short(r, li->wire_end);
		switch (proto) {
		case ETHERTYPE_TEB:
			return inner_frame(link_ethernet, r, li, seg_len, p);
		case ETHERTYPE_IPV4:
			return inner_ip(r, li, 4, seg_len, p);
		case ETHERTYPE_IPV6:
			return inner_ip(r, li, 6, seg_len, p);
		default:
			return DECODE_UNKNOWN_ENCAPSULATION;
		}
	}
	return decode_teredo(r, li, seg_len, p);
}

/* An IPv4 protocol / IPv6 next header other than TCP, with plen bytes of
 * payload on the wire from r: a tunnel to follow, or not TCP. */
static enum decode_status ip_payload(uint8_t proto, struct byte_reader *r, uint32_t plen,
				     uint32_t *seg_len, struct pkt *p, unsigned depth)
{
	if (proto != IP_PROTO_IPIP && proto != IP_PROTO_IPV6 && proto != IP_PROTO_GRE &&
	    proto != IP_PROTO_UDP)
		return DECODE_NOT_TCP;
	struct byte_reader in = *r;
	struct link_info li = { .ipver = 0, .l3_limit = UINT32_MAX, .wire_end = 0, .depth = depth };
	encap_narrow(&in, &li, plen);
	enum decode_status st;
	switch (proto) {
	case IP_PROTO_GRE:
		st = decode_gre(&in, &li, seg_len, p);
		break;
	case IP_PROTO_UDP:
		st = decode_udp(&in, &li, seg_len, p);
		break;
	default: /* IPv4 (4) or IPv6 (41) in IP, in either outer version */
		if (!encap_enter(&li))
			return DECODE_ENCAP_TOO_DEEP;
		st = inner_ip(&in, &li, proto == IP_PROTO_IPIP ? 4 : 6, seg_len, p);
		break;
	}
	if (st == DECODE_OK)
		*r = in;
	return st;
}

/* One option's body (after kind and length); false if the length is wrong for the kind. */
static bool tcp_option(uint8_t kind, struct byte_reader *b, struct tcp_options *o)
{
	size_t n = br_remaining(b);
	uint16_t magic;

	switch (kind) {
	case TCPOPT_MSS:
		if (n != 2)
			return false;
		br_u16be(b, &o->mss);
		o->present |= TCP_OPT_HAS_MSS;
		return true;
	case TCPOPT_WSCALE:
		if (n != 1)
			return false;
		br_u8(b, &o->wscale);
		o->present |= TCP_OPT_HAS_WSCALE;
		return true;
	case TCPOPT_SACK_PERM:
		if (n != 0)
			return false;
		o->present |= TCP_OPT_HAS_SACK_PERM;
		return true;
	case TCPOPT_SACK:
		/* RFC 2018 section 3: 1..4 blocks of two 32-bit edges */
		if (n == 0 || n % 8 != 0 || n / 8 > TCP_MAX_SACK_BLOCKS)
			return false;
		o->sack_count = (uint8_t)(n / 8);
		for (unsigned i = 0; i < o->sack_count; i++) {
			br_u32be(b, &o->sack[i].left);
			br_u32be(b, &o->sack[i].right);
		}
		o->present |= TCP_OPT_HAS_SACK;
		return true;
	case TCPOPT_TIMESTAMPS:
		if (n != 8)
			return false;
		br_u32be(b, &o->ts_val);
		br_u32be(b, &o->ts_ecr);
		o->present |= TCP_OPT_HAS_TIMESTAMPS;
		return true;
	case TCPOPT_TFO:
		/* RFC 7413 4.1.1: empty is a cookie request */
		if (n > TFO_MAX_COOKIE)
			return false;
		o->tfo_cookie_len = (uint8_t)n;
		o->present |= TCP_OPT_HAS_TFO;
		return true;
	case TCPOPT_EXPERIMENT:
		/* RFC 6994 shared experimental kind: TFO before it got kind 34 */
		if (br_u16be(b, &magic) && magic == TCPOPT_TFO_MAGIC) {
			if (n - 2 > TFO_MAX_COOKIE)
				return false;
			o->tfo_cookie_len = (uint8_t)(n - 2);
			o->present |= TCP_OPT_HAS_TFO;
			return true;
		}
		o->present |= TCP_OPT_HAS_UNKNOWN;
		return true;
	default:
		o->present |= TCP_OPT_HAS_UNKNOWN;
		return true;
	}
}

/*
 * Walk the options area. A malformed option stops the walk but keeps what came
 * before it: the segment is still worth tracking, as Wireshark does.
 */
static enum decode_status tcp_options(struct byte_reader *r, struct tcp_options *o)
{
	uint8_t kind, len;
	struct byte_reader body;

	while (br_u8(r, &kind)) {
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP)
			continue;
		if (!br_u8(r, &len) || len < 2 || !br_sub(r, len - 2u, &body))
			return DECODE_BAD_TCP_OPTION;
		if (!tcp_option(kind, &body, o))
			return DECODE_BAD_TCP_OPTION;
	}
	return DECODE_OK;
}

/* TCP header (RFC 9293 3.1); seg_len is the segment length from the IP header. */
static enum decode_status decode_tcp(struct byte_reader *r, uint32_t seg_len, struct pkt *p)
{
	struct byte_reader t, opts;
	uint8_t off, flags;

	if (seg_len < 20)
		return DECODE_BAD_TCP_HEADER_LEN;
	/* Only the segment's own captured bytes: link padding after it is not payload. */
	size_t have = br_remaining(r);
	br_sub(r, have < seg_len ? have : seg_len, &t);
	if (!br_has(&t, 20))
		return DECODE_TRUNC_TCP;
	br_u16be(&t, &p->sport);
	br_u16be(&t, &p->dport);
	br_u32be(&t, &p->seq);
	br_u32be(&t, &p->ack);
	br_u8(&t, &off);
	br_u8(&t, &flags);
	br_u16be(&t, &p->window);
	br_skip(&t, 4); /* checksum, urgent pointer */

	uint32_t hlen = (off >> 4) * 4u;
	if (hlen < 20 || hlen > seg_len)
		return DECODE_BAD_TCP_HEADER_LEN;
	if (br_sub(&t, hlen - 20, &opts)) {
		p->opt_status = tcp_options(&opts, &p->opt);
	} else {
		/* The snaplen cut the options: ports, sequence numbers and flags are
		 * all here, so the segment is tracked with what options there are. */
		br_sub(&t, br_remaining(&t), &opts);
		tcp_options(&opts, &p->opt);
		p->opt_status = DECODE_TRUNC_TCP_OPTIONS;
	}
	p->flags = (uint16_t)(flags | (off & 1u) << 8); /* NS (RFC 3540) is the low bit of byte 12 */
	p->payload_len = seg_len - hlen;
	p->payload = br_ptr(&t);
	p->payload_caplen = (uint32_t)br_remaining(&t);
	return DECODE_OK;
}

enum decode_status decode_packet(int linktype, const uint8_t *data, uint32_t caplen,
				 uint32_t wire_len, uint64_t ts_ns, struct pkt *out)
{
	link_decode_fn link = link_lookup(linktype);
	if (link == NULL)
		return DECODE_UNKNOWN_LINKTYPE;

	memset(out, 0, sizeof *out);
	out->ts_ns = ts_ns;
	out->wire_len = wire_len;
	out->cap_len = caplen;

	struct byte_reader r;
	br_init(&r, data, caplen);
	/* A damaged record may claim fewer wire bytes than it captured; the
	 * captured ones were certainly on the wire. */
	uint32_t wire = wire_len > caplen ? wire_len : caplen;
	struct link_info li = { .ipver = 0, .l3_limit = UINT32_MAX, .wire_end = wire, .depth = 0 };
	enum decode_status st = link(&r, &li, out);
	if (st != DECODE_OK)
		return st;

	uint32_t seg_len;
	st = decode_ip(&r, &li, li.wire_end - (uint32_t)r.off, &seg_len, out);
	if (st != DECODE_OK)
		return st;
	return decode_tcp(&r, seg_len, out);
}
