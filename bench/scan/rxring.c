// SPDX-License-Identifier: MIT
/*
 * rxring.c - the receive path of the raw SYN engine, measured two ways on the same
 * traffic (bench/scan/rxring.sh runs a portlens -sS sweep while this counts its
 * answers):
 *
 *   raw   a raw IPPROTO_TCP socket with the engine's classic BPF filter (SYN-ACK or
 *         RST to the scan's port), read 64 packets per recvmmsg: what rawsock.c does;
 *   rawb  the same, sleeping 1 ms after each drain, so answers queue up between reads
 *         as they do in the engine, which reads between send batches;
 *   ring  an AF_PACKET socket on the interface with a TPACKET_V3 receive ring (blocks
 *         of 1 MiB, retired after 10 ms) and the same filter on the Ethernet frame,
 *         read by walking the ring's blocks after poll(): what a ring engine would do.
 *
 * It stops 1 s after the last packet (or after the given seconds) and prints the
 * packets seen, the process's user and system CPU time (getrusage), the system calls it
 * made and the kernel's drop count. The kernel's own delivery work (the filter, the
 * copy into the socket queue or the ring) runs in softirq context and is charged to
 * whichever task is running, not to this process; the difference between the two
 * modes here is what the receiving process itself pays. Usage: rxring raw|rawb|ring
 * PORT IFNAME SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BLOCK_SIZE (1u << 20)
#define BLOCKS     16

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SYN-ACK or RST to port; off is where the IPv4 header starts (0 raw, 14 Ethernet). */
static int
attach(int fd, unsigned port, unsigned off)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, off + 9), /* IPv4 protocol: TCP */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 8),
	    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, off),
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, off + 2),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 5),
	    BPF_STMT(BPF_LD | BPF_B | BPF_IND, off + 13),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x04, 2, 0),
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

struct count {
	unsigned long packets, syscalls, drops;
	double first, last;
};

static void
seen(struct count *c, unsigned long n)
{
	if (!n)
		return;
	if (!c->packets)
		c->first = now_s();
	c->packets += n;
	c->last = now_s();
}

static int
done(const struct count *c, double start, double secs)
{
	double t = now_s();

	return t - start > secs || (c->packets && t - c->last > 1.0);
}

static int
run_raw(unsigned port, double secs, int batch, struct count *c)
{
	static struct mmsghdr msg[64];
	static struct iovec iov[64];
	static unsigned char buf[64][2048];
	int size = 8 << 20, fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_TCP);
	double start = now_s();

	if (fd < 0 || attach(fd, port, 0) != 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	while (!done(c, start, secs)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n;

		c->syscalls++;
		if (poll(&p, 1, 100) <= 0)
			continue;
		do {
			for (int i = 0; i < 64; i++) {
				iov[i] =
				    (struct iovec){.iov_base = buf[i], .iov_len = sizeof(buf[i])};
				memset(&msg[i].msg_hdr, 0, sizeof(msg[i].msg_hdr));
				msg[i].msg_hdr.msg_iov = &iov[i];
				msg[i].msg_hdr.msg_iovlen = 1;
			}
			c->syscalls++;
			n = recvmmsg(fd, msg, 64, MSG_DONTWAIT, NULL);
			seen(c, n > 0 ? (unsigned long)n : 0);
		} while (n == 64);
		if (batch) {
			struct timespec ts = {0, 1000000};

			nanosleep(&ts, NULL);
		}
	}
	close(fd);
	return 0;
}

static int
run_ring(unsigned port, const char *ifname, double secs, struct count *c)
{
	int v = TPACKET_V3, fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	struct tpacket_req3 req = {.tp_block_size = BLOCK_SIZE,
	                           .tp_block_nr = BLOCKS,
	                           .tp_frame_size = 2048,
	                           .tp_frame_nr = BLOCK_SIZE / 2048 * BLOCKS,
	                           .tp_retire_blk_tov = 10};
	struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP)};
	struct tpacket_stats_v3 st;
	socklen_t sl = sizeof(st);
	unsigned char *ring;
	double start = now_s();
	unsigned b = 0;

	if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0 ||
	    attach(fd, port, 14) != 0)
		return -1;
	ring = mmap(NULL, (size_t)BLOCK_SIZE * BLOCKS, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (ring == MAP_FAILED || !ll.sll_ifindex ||
	    bind(fd, (struct sockaddr *)&ll, sizeof(ll)) != 0)
		return -1;
	while (!done(c, start, secs)) {
		struct tpacket_block_desc *bd = (void *)(ring + (size_t)b * BLOCK_SIZE);

		if (!(bd->hdr.bh1.block_status & TP_STATUS_USER)) {
			struct pollfd p = {.fd = fd, .events = POLLIN | POLLERR};

			c->syscalls++;
			poll(&p, 1, 100);
			continue;
		}
		seen(c, bd->hdr.bh1.num_pkts);
		bd->hdr.bh1.block_status = TP_STATUS_KERNEL;
		b = (b + 1) % BLOCKS;
	}
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) == 0)
		c->drops = st.tp_drops;
	munmap(ring, (size_t)BLOCK_SIZE * BLOCKS);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct count c = {0};
	struct rusage ru;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: rxring raw|rawb|ring PORT IFNAME SECONDS\n");
		return 2;
	}
	if (strcmp(argv[1], "raw") == 0 || strcmp(argv[1], "rawb") == 0)
		rc = run_raw((unsigned)atoi(argv[2]), atof(argv[4]), argv[1][3] == 'b', &c);
	else
		rc = run_ring((unsigned)atoi(argv[2]), argv[3], atof(argv[4]), &c);
	if (rc != 0) {
		fprintf(stderr, "rxring %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%s packets %lu user_ms %.1f sys_ms %.1f syscalls %lu drops %lu span_ms %.1f\n",
	       argv[1], c.packets, ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
	       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3, c.syscalls, c.drops,
	       (c.last - c.first) * 1e3);
	return 0;
}
