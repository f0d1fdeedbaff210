/*
 * floor: the kernel's own cost of the work behind `netns add`, `netns delete`
 * and `netns exec`, with no command-line tool around it. The benchmark
 * harness (bench/harness.sh) compiles it at run time and sets netns and
 * iproute2 against it.
 *
 *   floor [-t THREADS] [-s FIRST] add PREFIX N
 *       make N named namespaces PREFIX<FIRST> ... in /run/netns, all inside
 *       this one process: per name, an empty file, unshare(CLONE_NEWNET) and
 *       a bind mount of the new namespace onto the file. THREADS threads
 *       share the names (default 1).
 *   floor [-t THREADS] [-s FIRST] chain PREFIX N
 *       as add, then a veth pair between each name and the next (N - 1
 *       pairs: "e1" in name i, "e0" in name i+1, each end born in its
 *       namespace by one RTM_NEWLINK), the threads sharing the pairs: the
 *       kernel's cost of the objects a chain of N routers is made of,
 *       without addresses, routes or links set up. Remove with del.
 *   floor [-t THREADS] [-s FIRST] lab PREFIX N
 *       as chain, then what bench/labs/gen.py's chain of N routers asks
 *       for, in each namespace from a thread switched into it, over one
 *       netlink socket made there, all requests sent before the answers
 *       are read: forwarding on (net.ipv4.ip_forward,
 *       net.ipv6.conf.all.forwarding), lo, e0 and e1 up, e0 and e1 their
 *       /30 address (link j is 10.0.0.4j/30), a default route back and
 *       10.128.0.0/9 onward.
 *       The kernel's cost of the whole lab, with no tool around it.
 *       Remove with del.
 *   floor [-t THREADS] [-s FIRST] del PREFIX N
 *       remove them again: umount2(MNT_DETACH) and unlink per name.
 *   floor purge PREFIX
 *       remove every name in /run/netns that starts with PREFIX (clean-up;
 *       not timed).
 *   floor enter NAME PROGRAM [ARG...]
 *       join the named namespace (setns) and execv PROGRAM: the least a
 *       command that runs a program in a namespace can do.
 *   floor exec NAME PROGRAM [ARG...]
 *       as enter, and also what `ip netns exec` promises: a private mount
 *       namespace (unshare(CLONE_NEWNS), mounts made slaves) with a /sys of
 *       the joined network namespace.
 *
 * add and del print one line: "per_ns_us=U total_ms=T n=N threads=K" (wall
 * clock from the first name to the last). Any failed system call ends the
 * program with a message and status 1.
 *
 * Build: cc -O2 -pthread -o floor floor.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RUN_DIR "/run/netns"

static const char *prefix;
static long first, count;
static int nthreads = 1;

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
	exit(1);
}

static void name_path(char *buf, size_t len, long i)
{
	if ((size_t)snprintf(buf, len, RUN_DIR "/%s%ld", prefix, i) >= len) {
		errno = ENAMETOOLONG;
		die("name", prefix);
	}
}

static void add_one(long i)
{
	char path[4096];
	int fd;

	name_path(path, sizeof(path), i);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		die("create", path);
	close(fd);
	if (unshare(CLONE_NEWNET) < 0)
		die("unshare", path);
	/* thread-self: each thread has just moved into its own new namespace */
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		die("bind mount", path);
}

static void del_one(long i)
{
	char path[4096];

	name_path(path, sizeof(path), i);
	if (umount2(path, MNT_DETACH) < 0)
		die("umount", path);
	if (unlink(path) < 0)
		die("unlink", path);
}

/* One netlink socket per thread, in whatever namespace the thread is: a
 * veth whose ends name their namespaces is made there directly. */
static __thread int nl_fd = -1;

static struct rtattr *put(struct nlmsghdr *n, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void close_nest(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (char *)n + NLMSG_ALIGN(n->nlmsg_len) - (char *)nest;
}

static int open_name(long i)
{
	char path[4096];
	int fd;

	name_path(path, sizeof(path), i);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open", path);
	return fd;
}

/* The veth from name i ("e1") to name i+1 ("e0"); none after the last. */
static void veth_one(long i)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg ifi;
		char attrs[512];
	} req = { 0 };
	char ack[1024];
	struct ifinfomsg peer = { 0 };
	struct rtattr *info, *data, *peer_nest;
	struct nlmsgerr *err;
	int a, b;
	ssize_t got;

	if (i + 1 >= first + count)
		return;
	if (nl_fd < 0) {
		nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (nl_fd < 0)
			die("socket", "netlink");
	}
	a = open_name(i);
	b = open_name(i + 1);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.n.nlmsg_type = RTM_NEWLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	put(&req.n, IFLA_IFNAME, "e1", 3);
	put(&req.n, IFLA_NET_NS_FD, &a, sizeof(a));
	info = put(&req.n, IFLA_LINKINFO, NULL, 0);
	put(&req.n, IFLA_INFO_KIND, "veth", 4);
	data = put(&req.n, IFLA_INFO_DATA, NULL, 0);
	peer_nest = put(&req.n, VETH_INFO_PEER, &peer, sizeof(peer));
	put(&req.n, IFLA_IFNAME, "e0", 3);
	put(&req.n, IFLA_NET_NS_FD, &b, sizeof(b));
	close_nest(&req.n, peer_nest);
	close_nest(&req.n, data);
	close_nest(&req.n, info);
	if (send(nl_fd, &req, req.n.nlmsg_len, 0) < 0)
		die("send", "RTM_NEWLINK");
	got = recv(nl_fd, ack, sizeof(ack), 0);
	if (got < (ssize_t)NLMSG_LENGTH(sizeof(*err)))
		die("recv", "RTM_NEWLINK");
	err = NLMSG_DATA((struct nlmsghdr *)ack);
	if (err->error) {
		errno = -err->error;
		die("veth", "e1");
	}
	close(a);
	close(b);
}

/* Append one request to buf at *off: a message of `type` with `hdr` (its
 * fixed header, hlen bytes); attributes go on with put() through the
 * returned header. */
static struct nlmsghdr *start(char *buf, size_t *off, unsigned short type, unsigned short flags, const void *hdr,
			      size_t hlen)
{
	struct nlmsghdr *n = (struct nlmsghdr *)(buf + *off);

	memset(n, 0, NLMSG_LENGTH(hlen));
	n->nlmsg_len = NLMSG_LENGTH(hlen);
	n->nlmsg_type = type;
	n->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	memcpy(NLMSG_DATA(n), hdr, hlen);
	return n;
}

static void finish(size_t *off, struct nlmsghdr *n)
{
	*off += NLMSG_ALIGN(n->nlmsg_len);
}

static void link_up(char *buf, size_t *off, int index)
{
	struct ifinfomsg ifi = { .ifi_index = index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };

	finish(off, start(buf, off, RTM_NEWLINK, 0, &ifi, sizeof(ifi)));
}

static in_addr_t link_addr(long link, int end)
{
	return htonl(0x0a000000u + (uint32_t)(link * 4 + 1 + end));
}

static void addr_add(char *buf, size_t *off, int index, in_addr_t a)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 30, .ifa_index = index };
	struct nlmsghdr *n = start(buf, off, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));

	put(n, IFA_LOCAL, &a, 4);
	put(n, IFA_ADDRESS, &a, 4);
	finish(off, n);
}

static void route_add(char *buf, size_t *off, in_addr_t dst, int len, in_addr_t via)
{
	struct rtmsg rt = { .rtm_family = AF_INET, .rtm_dst_len = len, .rtm_table = RT_TABLE_MAIN,
			    .rtm_protocol = RTPROT_BOOT, .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	struct nlmsghdr *n = start(buf, off, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof(rt));

	if (len)
		put(n, RTA_DST, &dst, 4);
	put(n, RTA_GATEWAY, &via, 4);
	finish(off, n);
}

/* A procfs instance of this thread's own, replaced every 32 namespaces:
 * the kernel keeps the sysctl entries of every namespace looked up through
 * one procfs on one hash chain, so going through /proc would make N
 * namespaces cost N² (netns does the same). Falls back to /proc. */
static int proc_sys(void)
{
	static __thread int fd = -1, uses;
	int fs, mnt;

	if (fd >= 0 && uses++ < 64)
		return fd;
	if (fd >= 0 && fd != AT_FDCWD)
		close(fd);
	uses = 1;
	fd = AT_FDCWD;
	fs = syscall(SYS_fsopen, "proc", 1 /* FSOPEN_CLOEXEC */);
	if (fs < 0)
		return fd;
	if (syscall(SYS_fsconfig, fs, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0) == 0) {
		mnt = syscall(SYS_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, 0);
		if (mnt >= 0)
			fd = mnt;
	}
	close(fs);
	return fd;
}

static void sysctl_on(int proc, const char *key)
{
	char path[256];
	int f;

	snprintf(path, sizeof(path), "%ssys/%s", proc == AT_FDCWD ? "/proc/" : "", key);
	f = openat(proc, path, O_WRONLY | O_CLOEXEC);
	if (f < 0 || write(f, "1\n", 2) != 2)
		die("sysctl", key);
	close(f);
}

/* Name i as router i+1 of the chain: routes need the links up and their
 * addresses first, which the kernel does in the order sent. */
static void lab_one(long i)
{
	static __thread char buf[4096];
	char ack[8192];
	size_t off = 0;
	int fd, nl, e0 = 0, e1 = 0, acks = 0, want;
	long link_in = i - first - 1, link_out = i - first;
	int has_in = i > first, has_out = i + 1 < first + count;

	fd = open_name(i);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns", "lab");
	close(fd);
	/* Forwarding first: turned on with links up, it changes every
	 * device (IPv6 joins the all-routers groups on each). */
	sysctl_on(proc_sys(), "net/ipv4/ip_forward");
	sysctl_on(proc_sys(), "net/ipv6/conf/all/forwarding");
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0)
		die("socket", "netlink");
	if (has_in && !(e0 = if_nametoindex("e0")))
		die("if_nametoindex", "e0");
	if (has_out && !(e1 = if_nametoindex("e1")))
		die("if_nametoindex", "e1");
	link_up(buf, &off, 1);
	if (has_in)
		link_up(buf, &off, e0);
	if (has_out)
		link_up(buf, &off, e1);
	if (has_in)
		addr_add(buf, &off, e0, link_addr(link_in, 1));
	if (has_out)
		addr_add(buf, &off, e1, link_addr(link_out, 0));
	if (has_in)
		route_add(buf, &off, 0, 0, link_addr(link_in, 0));
	if (has_out)
		route_add(buf, &off, htonl(0x0a800000u), 9, link_addr(link_out, 1));
	want = 1 + 3 * has_in + 3 * has_out;
	if (send(nl, buf, off, 0) < 0)
		die("send", "lab");
	while (acks < want) {
		ssize_t got = recv(nl, ack, sizeof(ack), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)ack;

		if (got < 0)
			die("recv", "lab");
		for (; NLMSG_OK(h, got); h = NLMSG_NEXT(h, got)) {
			struct nlmsgerr *err = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (err->error) {
				errno = -err->error;
				die("netlink", "lab");
			}
			acks++;
		}
	}
	close(nl);
}

struct job {
	void (*op)(long);
	int index;
};

static void *worker(void *arg)
{
	struct job *job = arg;

	for (long i = first + job->index; i < first + count; i += nthreads)
		job->op(i);
	return NULL;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void run_all(void (*op)(long))
{
	pthread_t tid[64];
	struct job jobs[64];

	if (nthreads == 1) {
		for (long i = first; i < first + count; i++)
			op(i);
		return;
	}
	for (int t = 0; t < nthreads; t++) {
		jobs[t] = (struct job){ op, t };
		errno = pthread_create(&tid[t], NULL, worker, &jobs[t]);
		if (errno)
			die("pthread_create", NULL);
	}
	for (int t = 0; t < nthreads; t++)
		pthread_join(tid[t], NULL);
}

/* Time the phases, each over every index before the next (a veth needs
 * both its names, a route the addresses of both ends of its link). */
static int timed_phases(void (*const *phases)(long), int n)
{
	double t0, t1;

	t0 = now_us();
	for (int p = 0; p < n; p++)
		run_all(phases[p]);
	t1 = now_us();
	printf("per_ns_us=%.1f total_ms=%.2f n=%ld threads=%d\n",
	       count ? (t1 - t0) / count : 0.0, (t1 - t0) / 1000, count, nthreads);
	return 0;
}

static int timed(void (*op)(long))
{
	return timed_phases(&op, 1);
}

static int purge(void)
{
	DIR *dir = opendir(RUN_DIR);
	struct dirent *e;
	size_t len = strlen(prefix);
	char path[4096];

	if (!dir) {
		if (errno == ENOENT)
			return 0;
		die("open", RUN_DIR);
	}
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, prefix, len) != 0)
			continue;
		snprintf(path, sizeof(path), RUN_DIR "/%s", e->d_name);
		umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		unlink(path);
	}
	closedir(dir);
	return 0;
}

static int run_in(const char *name, int with_mounts, char **argv)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), RUN_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open", path);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns", path);
	close(fd);
	if (with_mounts) {
		if (unshare(CLONE_NEWNS) < 0)
			die("unshare", "CLONE_NEWNS");
		/* nothing done below may reach the caller's mount namespace */
		if (mount("", "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			die("make slave", "/");
		if (umount2("/sys", MNT_DETACH) < 0)
			die("umount", "/sys");
		if (mount(name, "/sys", "sysfs", 0, NULL) < 0)
			die("mount sysfs", "/sys");
	}
	execv(argv[0], argv);
	die("execv", argv[0]);
	return 1;
}

static void usage(void)
{
	fputs("usage: floor [-t THREADS] [-s FIRST] add|chain|lab|del PREFIX N\n"
	      "       floor purge PREFIX\n"
	      "       floor enter|exec NAME PROGRAM [ARG...]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "+t:s:")) != -1) {
		switch (opt) {
		case 't':
			nthreads = atoi(optarg);
			if (nthreads < 1 || nthreads > 64)
				usage();
			break;
		case 's':
			first = atol(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	prefix = argv[1];
	if (!strcmp(argv[0], "purge") && argc == 2)
		return purge();
	if (!strcmp(argv[0], "enter") && argc >= 3)
		return run_in(argv[1], 0, argv + 2);
	if (!strcmp(argv[0], "exec") && argc >= 3)
		return run_in(argv[1], 1, argv + 2);
	if (argc != 3)
		usage();
	count = atol(argv[2]);
	if (count < 0 || strchr(prefix, '/'))
		usage();
	if (!strcmp(argv[0], "add"))
		return timed(add_one);
	if (!strcmp(argv[0], "del"))
		return timed(del_one);
	if (!strcmp(argv[0], "chain") || !strcmp(argv[0], "lab")) {
		static void (*const phases[])(long) = { add_one, veth_one, lab_one };

		return timed_phases(phases, strcmp(argv[0], "lab") ? 2 : 3);
	}
	usage();
	return 2;
}
