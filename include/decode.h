/* decode.h - pure decoding of one captured frame into a TCP packet view. */
#ifndef TCPSCOPE_DECODE_H
#define TCPSCOPE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* Link types we decode (values are libpcap's LINKTYPE_* numbers). */
enum {
	LINK_NULL = 0,        /* BSD loopback, 4-byte family in host order */
	LINK_ETHERNET = 1,
	LINK_RAW = 101,       /* raw IPv4 or IPv6 (DLT_RAW as stored in files) */
	LINK_RAW_ALT = 12,    /* DLT_RAW as some BSDs number it */
	LINK_LOOP = 108,      /* OpenBSD loopback, family in network order */
	LINK_LINUX_SLL = 113,
	LINK_IPV4 = 228,
	LINK_IPV6 = 229,
	LINK_LINUX_SLL2 = 276,
	LINK_PPP = 9,         /* PPP, optionally with FF 03 HDLC address/control */
	LINK_PPP_HDLC = 50,   /* PPP in HDLC-like framing (or Cisco HDLC: 0x0F/0x8F first) */
	LINK_C_HDLC = 104,    /* Cisco HDLC: address, control, ethertype */
	LINK_IEEE802_11 = 105,  /* 802.11 frames without radio header */
	LINK_IEEE802_11_RADIOTAP = 127,
	LINK_NFLOG = 239,     /* Linux netfilter log: TLVs, the packet in NFULA_PAYLOAD */
};

/* Encapsulations (tunnels, MPLS, PBB, ...) followed inside one frame at most. */
#define DECODE_MAX_ENCAP_DEPTH 4

/*
 * Outcome of decoding one frame. DECODE_OK means a TCP segment was decoded;
 * the "not TCP" outcomes are ordinary traffic, counted but not tracked; the
 * rest are errors, each with one reason. TRUNC_* means the capture cut the
 * bytes short (snaplen or damaged record); BAD_* means the headers contradict
 * themselves. Names for every value come from decode_status_name().
 */
enum decode_status {
	DECODE_OK = 0,
	/* not TCP: counted, not tracked */
	DECODE_NOT_IP,          /* ARP, LLDP, ... */
	DECODE_NOT_TCP,         /* UDP, ICMP, ... over IP */
	DECODE_IP_FRAGMENT,     /* IPv4/IPv6 fragment: flagged, not reassembled */
	/* errors */
	DECODE_UNKNOWN_LINKTYPE,
	DECODE_TRUNC_LINK,      /* link-layer header cut short */
	DECODE_TOO_MANY_VLANS,  /* more stacked VLAN tags than we follow */
	DECODE_TRUNC_IP,        /* IPv4/IPv6 header cut short */
	DECODE_BAD_IP_VERSION,  /* version nibble not 4/6, or not what the link said */
	DECODE_BAD_IP_HEADER_LEN,   /* IPv4 IHL < 5 */
	DECODE_BAD_IP_TOTAL_LEN,    /* IP length smaller than its own headers, or larger than the
				     * frame on the wire (or than PPPoE's length) carried */
	DECODE_BAD_IP_OPTION,       /* IPv4 option length < 2 or past the header */
	DECODE_TRUNC_IPV6_EXT,      /* IPv6 extension header cut short */
	DECODE_BAD_IPV6_EXT,        /* extension chain too long or inconsistent */
	DECODE_TRUNC_TCP,           /* TCP header (with options) cut short */
	DECODE_BAD_TCP_HEADER_LEN,  /* data offset < 5 or beyond the IP payload */
	/* The last two still let the segment be tracked (see pkt.opt_status). */
	DECODE_BAD_TCP_OPTION,      /* option length < 2, past the header, or wrong for its kind */
	DECODE_TRUNC_TCP_OPTIONS,   /* the capture cut the options area (snaplen) */
	/* Encapsulations (added after the others: the names above keep their order) */
	DECODE_UNKNOWN_ENCAPSULATION, /* a tunnel whose payload is not followed (GRE protocol, MPLS
				       * payload, ERSPAN frame type, 802.11 A-MSDU/fragment ...) */
	DECODE_TRUNC_ENCAP,         /* encapsulation header cut short by the capture */
	DECODE_BAD_ENCAP,           /* encapsulation header contradicts itself or its container */
	DECODE_ENCAP_TOO_DEEP,      /* more than DECODE_MAX_ENCAP_DEPTH nested encapsulations */
	DECODE__COUNT
};

/* Short stable name of a status, e.g. "trunc_tcp"; used in every output. */
const char *decode_status_name(enum decode_status s);
/* True for the outcomes that are errors (as opposed to OK or not-TCP). */
bool decode_status_is_error(enum decode_status s);

/* TCP header flags (byte 13, plus NS from byte 12 as bit 8). */
enum {
	TCP_FLAG_FIN = 0x01,
	TCP_FLAG_SYN = 0x02,
	TCP_FLAG_RST = 0x04,
	TCP_FLAG_PSH = 0x08,
	TCP_FLAG_ACK = 0x10,
	TCP_FLAG_URG = 0x20,
	TCP_FLAG_ECE = 0x40,
	TCP_FLAG_CWR = 0x80,
	TCP_FLAG_NS = 0x100,
};

/* Which options a segment carried (bit set in tcp_options.present). */
enum {
	TCP_OPT_HAS_MSS = 1u << 0,
	TCP_OPT_HAS_WSCALE = 1u << 1,
	TCP_OPT_HAS_SACK_PERM = 1u << 2,
	TCP_OPT_HAS_SACK = 1u << 3,
	TCP_OPT_HAS_TIMESTAMPS = 1u << 4,
	TCP_OPT_HAS_TFO = 1u << 5,   /* kind 34, or experimental 254 with magic 0xF989 */
	TCP_OPT_HAS_UNKNOWN = 1u << 6, /* some other kind, skipped by its length */
};

#define TCP_MAX_SACK_BLOCKS 4

struct sack_block {
	uint32_t left;  /* first sequence number of the block */
	uint32_t right; /* sequence number after the block's last byte */
};

struct tcp_options {
	uint16_t present;        /* TCP_OPT_HAS_* */
	uint16_t mss;
	uint8_t wscale;          /* shift count as sent (RFC 7323 caps it at 14 on use) */
	uint8_t sack_count;      /* blocks in sack[] */
	uint8_t tfo_cookie_len;  /* 0 for a cookie request */
	uint32_t ts_val;
	uint32_t ts_ecr;
	struct sack_block sack[TCP_MAX_SACK_BLOCKS];
};

/*
 * One decoded TCP segment. Addresses are 16 bytes; IPv4 is stored v4-mapped
 * (::ffff:a.b.c.d) so one key type serves both families. `payload` points into
 * the caller's frame buffer and has `payload_caplen` captured bytes, while
 * `payload_len` is the on-wire TCP payload length derived from the IP lengths
 * (correct when snaplen cut the frame).
 */
struct pkt {
	uint64_t ts_ns;
	uint32_t wire_len;      /* pcap record's original length */
	uint32_t cap_len;
	uint8_t ip_version;     /* 4 or 6 */
	uint8_t ttl;            /* IPv4 TTL or IPv6 hop limit */
	uint16_t vlan_depth;    /* VLAN tags crossed */
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint16_t flags;         /* TCP_FLAG_* */
	uint16_t window;        /* raw, unscaled */
	uint32_t payload_len;
	uint32_t payload_caplen;
	const uint8_t *payload;
	struct tcp_options opt;
	/* DECODE_OK; DECODE_BAD_TCP_OPTION when the option walk met a malformed
	 * option; DECODE_TRUNC_TCP_OPTIONS when the capture cut the options area
	 * (then payload_caplen is 0). The options before the problem are kept, the
	 * segment is still tracked (as Wireshark does), and the analyzer counts
	 * the reason. */
	enum decode_status opt_status;
};

/*
 * Decode one frame of link type `linktype` (LINKTYPE_* number). Reads only
 * data[0 .. caplen-1]; allocates nothing; touches no global state. On DECODE_OK
 * *out is fully filled in; on any other outcome *out is unspecified (it may be
 * partly written) and must not be used.
 */
enum decode_status decode_packet(int linktype, const uint8_t *data, uint32_t caplen,
				 uint32_t wire_len, uint64_t ts_ns, struct pkt *out);

/* True if decode_packet knows this link type. */
bool decode_linktype_supported(int linktype);

#endif
