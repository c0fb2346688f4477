// SPDX-License-Identifier: GPL-2.0
/*
 * memtest: the /init of the memdesc boot smoke test.
 *
 * Runs as PID 1 in a QEMU guest, exercises the memory paths the memdesc
 * series touches, prints MEMTEST_PASS or MEMTEST_FAIL, then reboots (QEMU
 * runs with -no-reboot, so the guest exits). Built statically by
 * scripts/build-initramfs for each architecture.
 *
 * Steps: anonymous mmap, touch, check and munmap; fork with copy-on-write
 * checks on both sides; idle page tracking of anonymous pages marked idle
 * by pfn, half of them read again; a file in tmpfs written, read back and
 * checked
 * (page cache); an ext4 image on a loop device mounted, a file made on the
 * host checked, a file written (with write(2) and a shared mapping), and
 * both checked again after a remount, a file whose blocks start with the
 * jbd2 magic number written with data=journal (jbd2 logs escaped copies)
 * and checked after a remount, and host.dat read from a cramfs
 * image, all by cksum(1) checksums; a 2 MiB-aligned
 * anonymous mapping with MADV_HUGEPAGE (a THP where the kernel has THP);
 * unmapping of everything; the identical pages of a THP merged by KSM,
 * which has to split it first, and unmerged again; a page of a THP
 * soft-offlined with madvise(MADV_SOFT_OFFLINE), its data kept; an
 * order-0 page soft-offlined and one poisoned with MADV_HWPOISON in a
 * child, which must die of SIGBUS and be logged as a dirty LRU page;
 * untouched anonymous memory (the zero page) read and written through
 * /proc/self/mem, and /proc/kpageflags and /proc/kpagecount read whole; two
 * io_uring buffers registered in one THP by an unprivileged user, which
 * must pin the THP once (VmPin), and unregistered again; a pool of
 * 2 MiB hugetlb pages reserved, mapped and released again, which with HVO
 * (hugetlb vmemmap optimisation, x86_64 here) frees vmemmap pages and
 * allocates them back, checked through the memmap counters of /proc/vmstat;
 * a 32 MiB hugetlb page (arm64) demoted into 2 MiB pages, two of them mapped
 * and checked;
 * the virtio balloon inflated by the host, memory compacted with the
 * balloon inflated (balloon pages must be migrated), and the balloon
 * deflated again; 32 MiB of data of several compressibilities written to a
 * zram device (zsmalloc pages) with O_DIRECT, memory and the zram pool
 * compacted, the data read back and checked, and the device reset, which
 * must free every zsmalloc page; TCP traffic both ways between two virtio-net NICs (whose
 * receive buffers come from page_pool) with one NIC moved into a second
 * network namespace, data checked by pattern and byte counts by
 * /proc/net/dev; a cgroup v2 child cgroup with memory.max set, in which the
 * memcg_charge KUnit suite runs (where the kernel has it) and a workload of
 * anonymous memory and a tmpfs file must show in memory.current and
 * memory.stat and go again when it exits, and a child touching more than
 * memory.max must be OOM-killed. Then it prints the memdesc census, where
 * the kernel has one.
 *
 * The balloon test talks to scripts/boot-qemu through the console: it prints
 * "MEMTEST_BALLOON_INFLATE <MiB>" and "MEMTEST_BALLOON_DEFLATE", and the
 * script answers with the QEMU monitor's balloon command.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/io_uring.h>
#include <linux/loop.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "guest.h"

#define MIB		(1024UL * 1024UL)
#define ANON_SIZE	(32 * MIB)
#define FILE_SIZE	(8 * MIB)
#define THP_SIZE	(2 * MIB)
#define HUGETLB_NR	16
#define HUGETLB_SYSFS	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
/* A gigantic hugetlb size that demotes to 2 MiB: arm64 with 4 KiB pages. */
#define DEMOTE_SYSFS	"/sys/kernel/mm/hugepages/hugepages-32768kB/"
#define KSM_SYSFS	"/sys/kernel/mm/ksm/"
/* Not in every libc's <sys/mman.h>; the value of the kernel's uapi. */
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif
#ifndef MADV_COLD
#define MADV_COLD	20
#endif
#define KSM_WAIT_S	60
#define KSM_BYTE	0x5a
/* test_io_uring() registers buffers as this user (nobody). */
#define IO_URING_ID	65534
#define BALLOON_MIB	64
#define BALLOON_SLACK_MIB 32
/* One page of the balloon fill in every BALLOON_HOLE_PERIOD is dropped. */
#define BALLOON_HOLE_PERIOD 3
#define BALLOON_WAIT_S	300
#define COMPACT_TRIES	3
#define BALLOON_DRIVER	"/sys/bus/virtio/drivers/virtio_balloon"
/* Built by scripts/build-initramfs with mke2fs; see test_ext4(). */
#define FS_IMAGE	"/fs.img"
#define FS_CRAMFS	"/fs.cramfs"
#define FS_CKSUM	"/fs.cksum"
#define FS_MNT		"/mnt"
#define FS_HOST_FILE	FS_MNT "/host.dat"
#define FS_GUEST_FILE	FS_MNT "/guest.dat"
#define FS_GUEST_SIZE	(4 * MIB)
#define FS_CHUNK	(64 * 1024)
#define FS_ESCAPE_FILE	FS_MNT "/escape.dat"
/* test_net(): two virtio-net NICs on one QEMU hub, see scripts/boot-qemu. */
#define NET_BYTES	(16 * MIB)
#define NET_PORT	5001
#define NET_ADDR_A	"10.77.0.1"
#define NET_ADDR_B	"10.77.0.2"
#define NET_CHUNK	(64 * 1024)

/* test_zram(): Documentation/admin-guide/blockdev/zram.rst */
#define ZRAM_SYS	"/sys/block/zram0"
#define ZRAM_DEV	"/dev/zram0"
#define ZRAM_MIB	32
#define ZRAM_DISK	"64M"

#define DEBUGFS		"/sys/kernel/debug"
#define CG_ROOT		"/sys/fs/cgroup"
#define CG_DIR		CG_ROOT "/memtest"
#define CG_KUNIT	DEBUGFS "/kunit/"
#define CG_ANON		(32 * MIB)
#define CG_FILE		(16 * MIB)
#define CG_MAX		(64 * MIB)
#define CG_SLACK	(4 * MIB)
#define CG_SETTLE_S	10
/* test_page_idle(): Documentation/admin-guide/mm/idle_page_tracking.rst */
#define IDLE_BITMAP	"/sys/kernel/mm/page_idle/bitmap"
#define IDLE_PAGES	64
#define IDLE_ROUNDS	3
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static long page_size;

static void __attribute__((noreturn)) finish(int ok, const char *what)
{
	guest_finish("MEMTEST", ok, what);
}

/* A pattern value for byte offset @off of a buffer seeded with @seed. */
static uint8_t pattern(unsigned long off, unsigned int seed)
{
	return (uint8_t)((off / page_size) * 31 + off + seed);
}

static int fill_and_check(uint8_t *buf, unsigned long len, unsigned int seed)
{
	unsigned long i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(i, seed);
	for (i = 0; i < len; i++)
		if (buf[i] != pattern(i, seed))
			return -1;
	return 0;
}

static int check(const uint8_t *buf, unsigned long len, unsigned int seed)
{
	unsigned long i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern(i, seed))
			return -1;
	return 0;
}

/* Map @len bytes of private anonymous memory, or fail the test as @what. */
static uint8_t *map_anon(unsigned long len, const char *what)
{
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		finish(0, what);
	return buf;
}

static void test_anon(void)
{
	uint8_t *buf = map_anon(ANON_SIZE, "anon mmap");

	if (fill_and_check(buf, ANON_SIZE, 1))
		finish(0, "anon pattern");
	if (munmap(buf, ANON_SIZE))
		finish(0, "anon munmap");
	say("memtest: anon %lu MiB ok\n", ANON_SIZE / MIB);
}

static void test_fork(void)
{
	uint8_t *buf = map_anon(ANON_SIZE, "fork mmap");
	int status;
	pid_t pid;

	if (fill_and_check(buf, ANON_SIZE, 2))
		finish(0, "fork pattern");
	pid = fork();
	if (pid < 0)
		finish(0, "fork");
	if (pid == 0) {
		/* The child sees the parent's data, then writes its own. */
		if (check(buf, ANON_SIZE, 2))
			_exit(1);
		if (fill_and_check(buf, ANON_SIZE, 3))
			_exit(2);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		finish(0, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = 0;
		finish(0, "fork child saw wrong data");
	}
	/* Copy-on-write: the child's writes must not show here. */
	if (check(buf, ANON_SIZE, 2))
		finish(0, "fork parent data changed");
	if (munmap(buf, ANON_SIZE))
		finish(0, "fork munmap");
	say("memtest: fork with %lu MiB ok\n", ANON_SIZE / MIB);
}

static void test_pagecache(void)
{
	static uint8_t buf[FILE_SIZE];
	const char *path = "/tmp/memtest.dat";
	unsigned long i;
	uint8_t *map;
	int fd;

	if (mkdir("/tmp", 0755) && errno != EEXIST)
		finish(0, "mkdir /tmp");
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=64m"))
		finish(0, "mount tmpfs");
	for (i = 0; i < FILE_SIZE; i++)
		buf[i] = pattern(i, 4);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		finish(0, "open tmpfs file");
	if (write(fd, buf, FILE_SIZE) != (ssize_t)FILE_SIZE)
		finish(0, "write tmpfs file");
	memset(buf, 0, FILE_SIZE);
	if (pread(fd, buf, FILE_SIZE, 0) != (ssize_t)FILE_SIZE)
		finish(0, "read tmpfs file");
	if (check(buf, FILE_SIZE, 4))
		finish(0, "tmpfs read-back differs");
	/* The same page cache pages through a shared mapping. */
	map = mmap(NULL, FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		finish(0, "mmap tmpfs file");
	if (check(map, FILE_SIZE, 4))
		finish(0, "tmpfs mapping differs");
	if (munmap(map, FILE_SIZE) || close(fd) || unlink(path))
		finish(0, "tmpfs cleanup");
	if (umount("/tmp"))
		finish(0, "umount tmpfs");
	say("memtest: tmpfs page cache %lu MiB ok\n", FILE_SIZE / MIB);
}

/*
 * The checksum of POSIX cksum(1): CRC-32 (polynomial 0x04c11db7, most
 * significant bit first) of the data followed by its length in as few
 * bytes as hold it, least significant first, complemented.
 */
static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i << 24;
		for (k = 0; k < 8; k++)
			c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u : c << 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = (crc << 8) ^ crc_table[((crc >> 24) ^ *p++) & 0xff];
	return crc;
}

static uint32_t cksum_final(uint32_t crc, unsigned long len)
{
	uint8_t b;

	for (; len; len >>= 8) {
		b = len & 0xff;
		crc = crc_update(crc, &b, 1);
	}
	return ~crc;
}

/* cksum(1) of file @path into *@sum and *@len, or fail the test. */
static void cksum_file(const char *path, uint32_t *sum, unsigned long *len)
{
	static uint8_t buf[FS_CHUNK];
	uint32_t crc = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		finish(0, path);
	*len = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		crc = crc_update(crc, buf, n);
		*len += n;
	}
	if (n < 0 || close(fd))
		finish(0, path);
	*sum = cksum_final(crc, *len);
}

/* Fail unless @path has checksum @sum and length @len. */
static void expect_cksum(const char *path, uint32_t sum, unsigned long len)
{
	unsigned long got_len;
	uint32_t got;

	cksum_file(path, &got, &got_len);
	say("memtest: %s cksum %u %lu (want %u %lu)\n",
	    path, got, got_len, sum, len);
	errno = 0;
	if (got != sum || got_len != len)
		finish(0, "checksum differs");
}

/* Attach @img to a free loop device; its path goes to @dev. */
static void loop_attach(const char *img, char *dev, size_t size)
{
	int ctl, nr, fd, lfd;

	ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0)
		finish(0, "open /dev/loop-control");
	nr = ioctl(ctl, LOOP_CTL_GET_FREE);
	if (nr < 0)
		finish(0, "LOOP_CTL_GET_FREE");
	snprintf(dev, size, "/dev/loop%d", nr);
	fd = open(img, O_RDWR);
	lfd = open(dev, O_RDWR);
	if (fd < 0 || lfd < 0)
		finish(0, "open loop image or device");
	if (ioctl(lfd, LOOP_SET_FD, fd))
		finish(0, "LOOP_SET_FD");
	if (close(fd) || close(lfd) || close(ctl))
		finish(0, "loop close");
}

static void loop_detach(const char *dev)
{
	int lfd = open(dev, O_RDWR);

	if (lfd < 0 || ioctl(lfd, LOOP_CLR_FD, 0) || close(lfd))
		finish(0, "LOOP_CLR_FD");
}

static void mount_ext4(const char *dev)
{
	if (mount(dev, FS_MNT, "ext4", 0, NULL))
		finish(0, "mount ext4");
}

/*
 * cramfs on a loop device: FS_CRAMFS is made by mkfs.cramfs from the same
 * directory as the ext4 image. cramfs is read-only: mount it, check
 * host.dat (cramfs reads the block device's page cache and decompresses
 * from it), unmount.
 */
static void test_cramfs(unsigned long host_len, uint32_t host_sum)
{
	char dev[32];

	loop_attach(FS_CRAMFS, dev, sizeof(dev));
	if (mount(dev, FS_MNT, "cramfs", MS_RDONLY, NULL))
		finish(0, "mount cramfs");
	expect_cksum(FS_HOST_FILE, host_sum, host_len);
	if (umount(FS_MNT))
		finish(0, "umount cramfs");
	loop_detach(dev);
	if (unlink(FS_CRAMFS))
		finish(0, "unlink " FS_CRAMFS);
	say("memtest: cramfs on loop ok\n");
}

/*
 * Write FS_GUEST_FILE with write(2), then rewrite its second half through a
 * shared mapping (page faults, page_mkwrite, writeback of mapped folios).
 * Returns the cksum(1) of what the file must hold.
 */
static uint32_t write_guest_file(void)
{
	static uint8_t buf[FS_CHUNK];
	unsigned long off, i, half = FS_GUEST_SIZE / 2;
	uint32_t crc = 0;
	uint8_t *map;
	int fd;

	fd = open(FS_GUEST_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		finish(0, "create ext4 file");
	for (off = 0; off < FS_GUEST_SIZE; off += FS_CHUNK) {
		for (i = 0; i < FS_CHUNK; i++)
			buf[i] = pattern(off + i, 5);
		if (write(fd, buf, FS_CHUNK) != FS_CHUNK)
			finish(0, "write ext4 file");
	}
	map = mmap(NULL, FS_GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED)
		finish(0, "mmap ext4 file");
	if (check(map, half, 5))
		finish(0, "ext4 mapping differs from what was written");
	for (i = half; i < FS_GUEST_SIZE; i++)
		map[i] = pattern(i, 6);
	if (msync(map, FS_GUEST_SIZE, MS_SYNC) || munmap(map, FS_GUEST_SIZE))
		finish(0, "msync ext4 file");
	if (fsync(fd) || close(fd))
		finish(0, "fsync ext4 file");
	for (i = 0; i < FS_GUEST_SIZE; i++) {
		uint8_t b = pattern(i, i < half ? 5 : 6);

		crc = crc_update(crc, &b, 1);
	}
	return cksum_final(crc, FS_GUEST_SIZE);
}

/*
 * ext4 on a loop device: scripts/build-initramfs makes FS_IMAGE with mke2fs
 * from a directory holding host.dat (random data) and records
 * "cksum(1) of host.dat" in FS_CKSUM. Mount the image, check host.dat
 * (readahead into the page cache), write guest.dat, unmount and mount
 * again so both files are read back from the block device, check both,
 * and unmount. Any checksum that differs fails the run.
 */
/*
 * Mounted with data=journal, write a file of FS_CHUNK bytes in which every
 * 1 KiB starts with the jbd2 magic number, fsync it, and read it back
 * after mounting again. jbd2 logs the file's blocks and must escape each
 * of them (so that recovery does not take it for a journal block): it
 * logs a kmalloc()ed copy, which the log write takes by address, not by
 * folio.
 */
static void test_ext4_journal_escape(const char *dev)
{
	static const uint8_t magic[4] = { 0xc0, 0x3b, 0x39, 0x98 };
	static uint8_t buf[FS_CHUNK], back[FS_CHUNK];
	unsigned long i;
	int fd;

	for (i = 0; i < FS_CHUNK; i++)
		buf[i] = pattern(i, 7);
	for (i = 0; i < FS_CHUNK; i += 1024)
		memcpy(buf + i, magic, sizeof(magic));
	if (mount(dev, FS_MNT, "ext4", 0, "data=journal"))
		finish(0, "mount ext4 data=journal");
	fd = open(FS_ESCAPE_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, FS_CHUNK) != FS_CHUNK)
		finish(0, "write ext4 data=journal file");
	if (fsync(fd) || close(fd))
		finish(0, "fsync ext4 data=journal file");
	if (umount(FS_MNT))
		finish(0, "umount ext4 data=journal");
	mount_ext4(dev);
	fd = open(FS_ESCAPE_FILE, O_RDONLY);
	if (fd < 0 || read(fd, back, FS_CHUNK) != FS_CHUNK || close(fd))
		finish(0, "read ext4 data=journal file");
	errno = 0;
	if (memcmp(buf, back, FS_CHUNK))
		finish(0, "ext4 data=journal file differs from what was written");
	if (unlink(FS_ESCAPE_FILE) || umount(FS_MNT))
		finish(0, "remove ext4 data=journal file");
	say("memtest: ext4 data=journal with escaped blocks ok\n");
}

static void test_ext4(void)
{
	unsigned long host_len;
	uint32_t host_sum, guest_sum;
	char dev[32];
	FILE *f;

	crc_init();
	f = fopen(FS_CKSUM, "r");
	if (!f)
		finish(0, "open " FS_CKSUM);
	if (fscanf(f, "%u %lu", &host_sum, &host_len) != 2)
		finish(0, "parse " FS_CKSUM);
	fclose(f);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		finish(0, "mount devtmpfs");
	if (mkdir(FS_MNT, 0755) && errno != EEXIST)
		finish(0, "mkdir " FS_MNT);
	loop_attach(FS_IMAGE, dev, sizeof(dev));
	mount_ext4(dev);
	expect_cksum(FS_HOST_FILE, host_sum, host_len);
	guest_sum = write_guest_file();
	expect_cksum(FS_GUEST_FILE, guest_sum, FS_GUEST_SIZE);
	if (umount(FS_MNT))
		finish(0, "umount ext4");
	mount_ext4(dev);
	expect_cksum(FS_HOST_FILE, host_sum, host_len);
	expect_cksum(FS_GUEST_FILE, guest_sum, FS_GUEST_SIZE);
	if (umount(FS_MNT))
		finish(0, "umount ext4 again");
	test_ext4_journal_escape(dev);
	loop_detach(dev);
	/* The image is in the initramfs, in RAM: give that back. */
	if (unlink(FS_IMAGE))
		finish(0, "unlink " FS_IMAGE);
	say("memtest: ext4 on loop ok\n");
	test_cramfs(host_len, host_sum);
}

/* Return the value in kB of /proc/meminfo line @key, or -1. */
/*
 * The kernel turns THP off by default below 512 MiB of RAM; switch it to
 * madvise mode. Returns 0 if the kernel has THP, -1 if not.
 */
static int enable_thp(void)
{
	const char *path = "/sys/kernel/mm/transparent_hugepage/enabled";
	int fd = open(path, O_WRONLY);

	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		finish(0, "open THP control");
	}
	if (write(fd, "madvise", 7) != 7)
		finish(0, "write THP control");
	close(fd);
	return 0;
}

static void test_thp(void)
{
	unsigned long len = 2 * THP_SIZE;
	int have_thp = enable_thp() == 0;
	uint8_t *raw, *buf;
	long anon_huge;

	/* Over-allocate so a THP_SIZE-aligned range fits inside. */
	raw = map_anon(len, "thp mmap");
	buf = (uint8_t *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	/* EINVAL: the kernel has no THP support; the test still runs. */
	if (madvise(buf, THP_SIZE, MADV_HUGEPAGE)) {
		if (errno != EINVAL)
			finish(0, "madvise MADV_HUGEPAGE");
		say("memtest: MADV_HUGEPAGE: EINVAL (no THP)\n");
	}
	if (fill_and_check(buf, THP_SIZE, 5))
		finish(0, "thp pattern");
	anon_huge = meminfo_kb("AnonHugePages:");
	say("memtest: AnonHugePages %ld kB\n", anon_huge);
	if (have_thp && anon_huge < (long)(THP_SIZE / 1024)) {
		errno = 0;
		finish(0, "THP enabled but no huge page was mapped");
	}
	/* Unmap half of it: splits a THP if there is one. */
	if (munmap(buf + THP_SIZE / 2, THP_SIZE / 2))
		finish(0, "thp partial munmap");
	if (check(buf, THP_SIZE / 2, 5))
		finish(0, "thp data after split");
	if (munmap(raw, len))
		finish(0, "thp munmap");
	say("memtest: 2 MiB aligned MADV_HUGEPAGE mapping ok\n");
}

/*
 * Print the /proc/vmstat counters whose names start with one of @prefixes
 * (NULL-terminated) on one line after @tag, so a log shows what compaction
 * and migration did.
 */
static void print_vmstat(const char *tag, const char *const *prefixes)
{
	const char *const *p;
	char name[64];
	FILE *f = fopen("/proc/vmstat", "r");
	long v;

	if (!f)
		return;
	say("%s:", tag);
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		for (p = prefixes; *p; p++)
			if (!strncmp(name, *p, strlen(*p)))
				say(" %s=%ld", name, v);
	say("\n");
	fclose(f);
}

/* Copy the lines of @path to the log, each after @tag. */
static void print_file(const char *tag, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		say("%s: %s", tag, line);
	fclose(f);
}

/* Pages backing struct pages: allocated at boot plus allocated later. */
static long memmap_pages(void)
{
	return vmstat_value("nr_memmap_boot_pages") +
	       vmstat_value("nr_memmap_pages");
}

/* Returns 0 if @path exists and took @val, -1 if it does not exist. */
static int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t len = strlen(val);

	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		finish(0, path);
	}
	if (write(fd, val, len) != len)
		finish(0, path);
	close(fd);
	return 0;
}

/* Write @val to failslab's debugfs attribute @name. */
static void failslab_set(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), DEBUGFS "/failslab/%s", name);
	if (write_sysfs(path, val))
		finish(0, path);
}

/* The pfn mapped at @addr, from /proc/self/pagemap (@fd), or 0. */
static uint64_t pagemap_pfn(int fd, const volatile uint8_t *addr)
{
	uint64_t e;
	off_t off = (uintptr_t)addr / page_size * sizeof(e);

	if (pread(fd, &e, sizeof(e), off) != sizeof(e) || !(e & PM_PRESENT))
		return 0;
	return e & PM_PFN_MASK;
}

/* Bit @pfn of the page idle bitmap (@fd): 1 idle, 0 not, -1 on error. */
static int idle_bit(int fd, uint64_t pfn)
{
	uint64_t w;

	if (pread(fd, &w, sizeof(w), pfn / 64 * sizeof(w)) != sizeof(w))
		return -1;
	return (w >> (pfn % 64)) & 1;
}

/* Mark page @pfn idle through the page idle bitmap (@fd); 0 or -1. */
static int idle_mark(int fd, uint64_t pfn)
{
	uint64_t w = 1ULL << (pfn % 64);

	return pwrite(fd, &w, sizeof(w), pfn / 64 * sizeof(w)) == sizeof(w) ?
	       0 : -1;
}

/*
 * One round of test_page_idle() on @buf: returns the number of pages whose
 * idle bit is wrong, or -1 if a page moved (compaction) during the round.
 */
static int page_idle_round(int pm, int bm, volatile uint8_t *buf)
{
	uint64_t pfns[IDLE_PAGES];
	int i, bit, wrong = 0;

	for (i = 0; i < IDLE_PAGES; i++) {
		pfns[i] = pagemap_pfn(pm, buf + i * page_size);
		if (!pfns[i])
			finish(0, "page idle: no pfn in /proc/self/pagemap");
		if (idle_mark(bm, pfns[i]))
			finish(0, "page idle: write " IDLE_BITMAP);
	}
	/*
	 * Marking a page idle clears the young bit of its page table entry
	 * without flushing the TLB, and a read through a cached translation
	 * would not set it again: flush by changing the protection.
	 */
	if (mprotect((void *)buf, IDLE_PAGES * page_size, PROT_NONE) ||
	    mprotect((void *)buf, IDLE_PAGES * page_size, PROT_READ))
		finish(0, "page idle mprotect");
	for (i = 0; i < IDLE_PAGES; i += 2)
		(void)buf[i * page_size];
	for (i = 0; i < IDLE_PAGES; i++) {
		bit = idle_bit(bm, pfns[i]);
		if (bit < 0)
			finish(0, "page idle: read " IDLE_BITMAP);
		if (pagemap_pfn(pm, buf + i * page_size) != pfns[i])
			return -1;
		if (bit != (i & 1)) {
			say("memtest: page idle: page %d (pfn %#llx) %s\n", i,
			    (unsigned long long)pfns[i],
			    bit ? "idle after a read" : "not idle, not read");
			wrong++;
		}
	}
	return wrong;
}

/*
 * Idle page tracking through /sys/kernel/mm/page_idle/bitmap on order-0
 * anonymous folios, which CONFIG_FOLIO_MEMDESC allocates apart from their
 * struct page: every page of a mapping is marked idle by pfn, every other
 * page is read, and the bitmap must show exactly the unread pages idle.
 * The kernel finds each folio from its pfn without holding a reference
 * (page_idle_get_folio()) and clears the idle flag of a read page when its
 * page table entry was found young.  Only folios on an LRU list are
 * tracked, and a new or migrated folio waits in a per-cpu batch before it
 * gets there, so the test runs on CPU 0 only: each round compacts memory
 * (which drains every CPU's batches first, and leaves the folios it
 * migrates in CPU 0's), then drains CPU 0's batches (MADV_COLD of another
 * mapping does that first).  A round in which a page moved is repeated.
 */
static void test_page_idle(void)
{
	unsigned long len = IDLE_PAGES * page_size;
	volatile uint8_t *buf;
	int pm, bm, round, wrong = -1;
	cpu_set_t cpus, cpu0;
	void *drain;

	bm = open(IDLE_BITMAP, O_RDWR);
	if (bm < 0) {
		say("memtest: no page idle tracking in this kernel, skipped\n");
		return;
	}
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		finish(0, "open /proc/self/pagemap");
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_getaffinity(0, sizeof(cpus), &cpus) ||
	    sched_setaffinity(0, sizeof(cpu0), &cpu0))
		finish(0, "page idle: run on CPU 0");
	buf = map_anon(len, "page idle mmap");
	drain = map_anon(page_size, "page idle mmap");
	if (fill_and_check((uint8_t *)buf, len, 11))
		finish(0, "page idle pattern");
	for (round = 0; round < IDLE_ROUNDS && wrong < 0; round++) {
		if (write_sysfs("/proc/sys/vm/compact_memory", "1"))
			finish(0, "page idle: no /proc/sys/vm/compact_memory");
		if (madvise(drain, page_size, MADV_COLD))
			finish(0, "page idle: madvise MADV_COLD");
		wrong = page_idle_round(pm, bm, buf);
	}
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		finish(0, "page idle: restore the CPU affinity");
	if (munmap(drain, page_size))
		finish(0, "page idle munmap");
	errno = 0;
	if (wrong)
		finish(0, wrong < 0 ? "page idle: pages kept moving" :
				      "page idle: wrong idle bits");
	if (check((uint8_t *)buf, len, 11))
		finish(0, "page idle: data changed");
	if (munmap((void *)buf, len))
		finish(0, "page idle munmap");
	close(pm);
	close(bm);
	say("memtest: page idle ok (%d pages marked idle, every other one read, round %d)\n",
	    IDLE_PAGES, round);
}

/* 1 if HVO is built in and on, 0 if not. */
static int hvo_enabled(void)
{
	int fd = open("/proc/sys/vm/hugetlb_optimize_vmemmap", O_RDONLY);
	char c = '0';

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		finish(0, "read hugetlb_optimize_vmemmap");
	close(fd);
	return c == '1';
}

/* The number in the one-value file @path, or -1 if it cannot be read. */
static long long file_value(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Map a 2 MiB-aligned MADV_HUGEPAGE range of identical pages and let ksmd
 * merge them. Two pages of one THP cannot be merged while it is whole:
 * cmp_and_merge_page() sees both in the same folio, splits it and merges
 * the pages on a later scan, so with THP this must split a huge page
 * (thp_split_page) and share pages (pages_sharing); without THP only the
 * sharing is checked. The data must survive, and unmerging must leave
 * nothing shared.
 */
static void test_ksm(void)
{
	unsigned long len = 2 * THP_SIZE, i;
	long split_before, anon_huge, sharing = 0;
	int have_thp = enable_thp() == 0;
	uint8_t *raw, *buf;
	int s;

	if (write_sysfs(KSM_SYSFS "pages_to_scan", "1000")) {
		say("memtest: no KSM in this kernel, skipped\n");
		return;
	}
	write_sysfs(KSM_SYSFS "sleep_millisecs", "10");
	raw = map_anon(len, "ksm mmap");
	buf = (uint8_t *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (have_thp && madvise(buf, THP_SIZE, MADV_HUGEPAGE))
		finish(0, "ksm: madvise MADV_HUGEPAGE");
	memset(buf, KSM_BYTE, THP_SIZE);
	anon_huge = meminfo_kb("AnonHugePages:");
	split_before = vmstat_value("thp_split_page");
	if (madvise(buf, THP_SIZE, MADV_MERGEABLE))
		finish(0, "ksm: madvise MADV_MERGEABLE");
	write_sysfs(KSM_SYSFS "run", "1");
	for (s = 0; s < KSM_WAIT_S; s++) {
		sharing = file_value(KSM_SYSFS "pages_sharing");
		if (sharing > 0)
			break;
		sleep(1);
	}
	say("memtest: ksm: AnonHugePages %ld kB, pages_sharing %ld after %d s, thp_split_page %ld -> %ld\n",
	    anon_huge, sharing, s, split_before, vmstat_value("thp_split_page"));
	errno = 0;
	if (sharing <= 0)
		finish(0, "ksm: no page merged");
	if (have_thp && anon_huge >= (long)(THP_SIZE / 1024) &&
	    vmstat_value("thp_split_page") <= split_before)
		finish(0, "ksm: pages of a THP merged without a split");
	for (i = 0; i < THP_SIZE; i++)
		if (buf[i] != KSM_BYTE)
			finish(0, "ksm: merged data changed");
	/* run=2 unmerges every page. */
	write_sysfs(KSM_SYSFS "run", "2");
	sharing = file_value(KSM_SYSFS "pages_sharing");
	errno = 0;
	if (sharing != 0)
		finish(0, "ksm: pages still shared after unmerging");
	if (munmap(raw, len))
		finish(0, "ksm munmap");
	write_sysfs(KSM_SYSFS "run", "0");
	say("memtest: ksm ok\n");
}

/*
 * Soft-offline a THP with madvise(MADV_SOFT_OFFLINE): the kernel pins the
 * page at the address, soft-offlines it (splitting the THP and migrating
 * the poisoned page's data away) and steps on by the size of the folio it
 * was in. The data must read back unchanged and HardwareCorrupted must
 * grow by the page that was taken offline.
 */
static void test_soft_offline(void)
{
	unsigned long len = 2 * THP_SIZE;
	int have_thp = enable_thp() == 0;
	long corrupted, anon_huge;
	uint8_t *raw, *buf;

	corrupted = meminfo_kb("HardwareCorrupted:");
	if (corrupted < 0) {
		say("memtest: no memory failure handling in this kernel, skipped\n");
		return;
	}
	raw = map_anon(len, "soft offline mmap");
	buf = (uint8_t *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (have_thp && madvise(buf, THP_SIZE, MADV_HUGEPAGE))
		finish(0, "soft offline: madvise MADV_HUGEPAGE");
	if (fill_and_check(buf, THP_SIZE, 7))
		finish(0, "soft offline pattern");
	anon_huge = meminfo_kb("AnonHugePages:");
	if (madvise(buf, page_size, MADV_SOFT_OFFLINE))
		finish(0, "madvise MADV_SOFT_OFFLINE");
	say("memtest: soft offline: AnonHugePages %ld kB before, HardwareCorrupted %ld -> %ld kB\n",
	    anon_huge, corrupted, meminfo_kb("HardwareCorrupted:"));
	errno = 0;
	if (meminfo_kb("HardwareCorrupted:") < corrupted + page_size / 1024)
		finish(0, "soft offline: no page taken offline");
	if (check(buf, THP_SIZE, 7))
		finish(0, "soft offline: data changed");
	if (munmap(raw, len))
		finish(0, "soft offline munmap");
	say("memtest: soft offline ok\n");
}

/*
 * The child of test_memory_failure_small(): poison one order-0 anonymous
 * page with madvise(MADV_HWPOISON). The kernel unmaps it and sends
 * SIGBUS, at the latest when the page is touched again. Exits 2 if
 * madvise() fails, 1 if it survives touching the page.
 */
static void hwpoison_child(void)
{
	uint8_t *buf = map_anon(page_size, "hwpoison mmap");

	if (madvise(buf, page_size, MADV_NOHUGEPAGE) ||
	    fill_and_check(buf, page_size, 9))
		_exit(2);
	if (madvise(buf, page_size, MADV_HWPOISON)) {
		say("memtest: madvise MADV_HWPOISON: errno %d\n", errno);
		_exit(2);
	}
	*(volatile uint8_t *)buf = 1;
	_exit(1);
}

/*
 * The number of records in the kernel log buffer that contain @needle, or
 * -1 if /dev/kmsg cannot be opened. Records overwritten while reading
 * (EPIPE) are skipped; EAGAIN ends the buffer.
 */
static int kmsg_count(const char *needle)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK), n = 0;
	char rec[8192];
	ssize_t len;

	if (fd < 0)
		return -1;
	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = 0;
		if (strstr(rec, needle))
			n++;
	}
	close(fd);
	return n;
}

/* What memory_failure() logs for a dirty page on an LRU list. */
#define DIRTY_LRU_MSG	"recovery action for dirty LRU page"

/*
 * Memory failure on order-0 anonymous pages, which are the folios that
 * CONFIG_FOLIO_MEMDESC allocates apart from their struct page: one page
 * soft-offlined (its data migrated, the old page kept off the free lists)
 * and one poisoned in a child, which must die of SIGBUS. The poisoned page
 * was written, so the kernel must log it as a dirty LRU page, and
 * HardwareCorrupted must grow by the two pages.
 */
static void test_memory_failure_small(void)
{
	long corrupted = meminfo_kb("HardwareCorrupted:");
	int status, dirty;
	uint8_t *buf;
	pid_t pid;

	if (corrupted < 0) {
		say("memtest: no memory failure handling in this kernel, skipped\n");
		return;
	}
	dirty = kmsg_count(DIRTY_LRU_MSG);
	if (dirty < 0)
		finish(0, "open /dev/kmsg");
	buf = map_anon(2 * page_size, "small soft offline mmap");
	if (madvise(buf, 2 * page_size, MADV_NOHUGEPAGE))
		finish(0, "small soft offline: madvise MADV_NOHUGEPAGE");
	if (fill_and_check(buf, 2 * page_size, 8))
		finish(0, "small soft offline pattern");
	if (madvise(buf, page_size, MADV_SOFT_OFFLINE))
		finish(0, "small soft offline: madvise MADV_SOFT_OFFLINE");
	if (check(buf, 2 * page_size, 8))
		finish(0, "small soft offline: data changed");
	if (munmap(buf, 2 * page_size))
		finish(0, "small soft offline munmap");

	pid = fork();
	if (pid < 0)
		finish(0, "hwpoison fork");
	if (pid == 0)
		hwpoison_child();
	if (waitpid(pid, &status, 0) != pid)
		finish(0, "hwpoison waitpid");
	say("memtest: memory failure on small pages: child %s %d, HardwareCorrupted %ld -> %ld kB\n",
	    WIFSIGNALED(status) ? "signal" : "exit",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
	    corrupted, meminfo_kb("HardwareCorrupted:"));
	errno = 0;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS)
		finish(0, "hwpoison: the child was not killed by SIGBUS");
	if (kmsg_count(DIRTY_LRU_MSG) != dirty + 1) {
		errno = 0;
		finish(0, "hwpoison: the page was not handled as a dirty LRU page");
	}
	if (meminfo_kb("HardwareCorrupted:") < corrupted + 2 * page_size / 1024)
		finish(0, "memory failure on small pages: not two pages taken offline");
	say("memtest: memory failure on small pages ok\n");
}

/*
 * The kB value of line @key of /proc/self/status, or -1. proc_value()
 * cannot read that file: it stops at the first line whose value is not a
 * number ("Name:").
 */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t len = strlen(key);
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && sscanf(line + len, "%ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * The child of test_io_uring(): as an unprivileged user (without
 * CAP_IPC_LOCK, so io_uring accounts what it pins), register two one-page
 * buffers in the same 2 MiB-aligned MADV_HUGEPAGE range. io_uring charges
 * a large folio once per ring, however many buffers use it: with a THP
 * VmPin must be the THP's size, without one the two pages. Unregistering
 * must bring VmPin back to 0. Exits 0 on success, else 1 after saying why.
 */
static void io_uring_child(void)
{
	unsigned long len = 2 * THP_SIZE;
	struct io_uring_params params;
	long anon_huge, pinned, want;
	struct iovec iov[2];
	uint8_t *raw, *buf;
	int fd;

	if (setgid(IO_URING_ID) || setuid(IO_URING_ID)) {
		say("memtest: io_uring: setuid: errno %d\n", errno);
		_exit(1);
	}
	raw = map_anon(len, "io_uring mmap");
	buf = (uint8_t *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (madvise(buf, THP_SIZE, MADV_HUGEPAGE) && errno != EINVAL) {
		say("memtest: io_uring: madvise: errno %d\n", errno);
		_exit(1);
	}
	memset(buf, 0x33, THP_SIZE);
	anon_huge = meminfo_kb("AnonHugePages:");
	memset(&params, 0, sizeof(params));
	fd = syscall(__NR_io_uring_setup, 4, &params);
	if (fd < 0) {
		say("memtest: io_uring: setup: errno %d\n", errno);
		_exit(1);
	}
	iov[0].iov_base = buf;
	iov[0].iov_len = page_size;
	iov[1].iov_base = buf + page_size;
	iov[1].iov_len = page_size;
	if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, iov, 2)) {
		say("memtest: io_uring: register: errno %d\n", errno);
		_exit(1);
	}
	pinned = status_kb("VmPin:");
	want = anon_huge >= (long)(THP_SIZE / 1024) ? (long)(THP_SIZE / 1024) :
						       2 * page_size / 1024;
	say("memtest: io_uring: AnonHugePages %ld kB, VmPin %ld kB (want %ld)\n",
	    anon_huge, pinned, want);
	if (pinned != want)
		_exit(1);
	if (syscall(__NR_io_uring_register, fd, IORING_UNREGISTER_BUFFERS, NULL, 0)) {
		say("memtest: io_uring: unregister: errno %d\n", errno);
		_exit(1);
	}
	pinned = status_kb("VmPin:");
	say("memtest: io_uring: VmPin %ld kB after unregistering\n", pinned);
	_exit(pinned == 0 ? 0 : 1);
}

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_BUDDY	10
#define KPF_ZERO_PAGE	24
#define ZERO_PAGES	64

/*
 * The zero page and other pages that are not part of a folio (with
 * CONFIG_FOLIO_MEMDESC_ONLY page_folio() is NULL for them) through GUP and
 * the pfn walkers: untouched anonymous memory read through /proc/self/mem
 * (GUP takes and drops a reference on the zero page, which read faults
 * mapped), a byte written through it (copy-on-write of the zero page by
 * GUP with FOLL_FORCE), the zero page's pfn flagged KPF_ZERO_PAGE in
 * /proc/kpageflags, and all of /proc/kpageflags and /proc/kpagecount read,
 * which classifies every page of the machine.
 */
static void test_zero_page(void)
{
	unsigned long len = ZERO_PAGES * page_size, i, nr = 0, zero = 0,
		      buddy = 0;
	int kf = open("/proc/kpageflags", O_RDONLY);
	int kc = open("/proc/kpagecount", O_RDONLY);
	uint64_t pfn, flags, chunk[512];
	volatile uint8_t *buf;
	uint8_t *copy;
	int mem, pm;
	ssize_t n;

	if (kf < 0 || kc < 0) {
		say("memtest: no /proc/kpageflags in this kernel, skipped\n");
		return;
	}
	buf = map_anon(len, "zero page mmap");
	copy = map_anon(len, "zero page copy mmap");
	if (madvise((void *)buf, len, MADV_NOHUGEPAGE))
		finish(0, "zero page: madvise MADV_NOHUGEPAGE");
	for (i = 0; i < len; i += page_size)
		if (buf[i])
			finish(0, "zero page: untouched memory not zero");
	mem = open("/proc/self/mem", O_RDWR);
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (mem < 0 || pm < 0)
		finish(0, "zero page: open /proc/self/mem or pagemap");
	memset(copy, 0xff, len);
	if (pread(mem, copy, len, (off_t)(uintptr_t)buf) != (ssize_t)len)
		finish(0, "zero page: read /proc/self/mem");
	for (i = 0; i < len; i++)
		if (copy[i])
			finish(0, "zero page: /proc/self/mem read not zero");
	pfn = pagemap_pfn(pm, buf);
	if (!pfn)
		finish(0, "zero page: no pfn in /proc/self/pagemap");
	if (pread(kf, &flags, sizeof(flags), pfn * 8) != sizeof(flags))
		finish(0, "zero page: read /proc/kpageflags");
	if (!(flags & (1ULL << KPF_ZERO_PAGE)))
		finish(0, "zero page: pfn not flagged KPF_ZERO_PAGE");
	if (pwrite(mem, "z", 1, (off_t)(uintptr_t)(buf + 3 * page_size)) != 1)
		finish(0, "zero page: write /proc/self/mem");
	if (buf[3 * page_size] != 'z' || buf[2 * page_size] ||
	    pagemap_pfn(pm, buf + 3 * page_size) == pfn)
		finish(0, "zero page: write through /proc/self/mem not copied");
	while ((n = read(kf, chunk, sizeof(chunk))) > 0) {
		for (i = 0; i < (unsigned long)n / 8; i++) {
			zero += !!(chunk[i] & (1ULL << KPF_ZERO_PAGE));
			buddy += !!(chunk[i] & (1ULL << KPF_BUDDY));
		}
		nr += n / 8;
	}
	if (n < 0 || !zero || !buddy)
		finish(0, "zero page: read all of /proc/kpageflags");
	while ((n = read(kc, chunk, sizeof(chunk))) > 0)
		;
	if (n < 0)
		finish(0, "zero page: read all of /proc/kpagecount");
	say("memtest: zero page: %lu pages read through /proc/self/mem, "
	    "one copied on write; kpageflags of %lu pfns: %lu zero, %lu buddy\n",
	    (unsigned long)ZERO_PAGES, nr, zero, buddy);
	close(kc);
	close(kf);
	close(pm);
	close(mem);
	munmap(copy, len);
	munmap((void *)buf, len);
	say("memtest: zero page ok\n");
}

/* Registered buffers of io_uring charged by folio: see io_uring_child(). */
static void test_io_uring(void)
{
	struct io_uring_params params;
	int fd, status;
	pid_t pid;

	enable_thp();
	memset(&params, 0, sizeof(params));
	fd = syscall(__NR_io_uring_setup, 4, &params);
	if (fd < 0 && errno == ENOSYS) {
		say("memtest: no io_uring in this kernel, skipped\n");
		return;
	}
	if (fd < 0)
		finish(0, "io_uring_setup");
	close(fd);
	pid = fork();
	if (pid < 0)
		finish(0, "io_uring fork");
	if (pid == 0)
		io_uring_child();
	if (waitpid(pid, &status, 0) != pid)
		finish(0, "io_uring waitpid");
	errno = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		finish(0, "io_uring: registered buffer accounting");
	say("memtest: io_uring registered buffers ok\n");
}

/*
 * Set the 2 MiB hugetlb pool to HUGETLB_NR pages and return how many it
 * got. The pages come from the buddy allocator at run time, and the steps
 * before this one leave memory fragmented (poisoned pages, unmovable
 * allocations; with CONFIG_FOLIO_MEMDESC every folio's descriptor is an
 * unmovable slab object), so compact memory first. If the pool is still
 * short, log the free lists, compact and ask once more.
 */
static long hugetlb_reserve(const char *nr)
{
	long total;
	int attempt;

	for (attempt = 1; attempt <= 2; attempt++) {
		if (write_sysfs("/proc/sys/vm/compact_memory", "1"))
			finish(0, "hugetlb: no /proc/sys/vm/compact_memory");
		if (write_sysfs(HUGETLB_SYSFS, nr))
			return -1;
		total = meminfo_kb("HugePages_Total:");
		if (total == HUGETLB_NR)
			break;
		say("memtest: hugetlb pool %ld of %d after compaction %d\n",
		    total, HUGETLB_NR, attempt);
		print_file("memtest: buddyinfo", "/proc/buddyinfo");
	}
	return total;
}

/*
 * Reserve HUGETLB_NR 2 MiB hugetlb pages, map and check two of them, then
 * release the pool. With HVO each reserved page gives vmemmap pages back
 * (memmap_pages() drops) and releasing it allocates them again (it comes
 * back to where it was); without HVO the count must not move.
 */
static void test_hugetlb(void)
{
	long memmap_before, memmap_reserved, memmap_after, total;
	int hvo = hvo_enabled();
	unsigned long len = 2 * THP_SIZE;
	char nr[16];
	uint8_t *buf;

	snprintf(nr, sizeof(nr), "%d", HUGETLB_NR);
	memmap_before = memmap_pages();
	total = hugetlb_reserve(nr);
	if (total < 0) {
		say("memtest: no 2 MiB hugetlb pages in this kernel, skipped\n");
		return;
	}
	memmap_reserved = memmap_pages();
	say("memtest: hugetlb pool %ld, HVO %s, memmap pages %ld -> %ld\n",
	    total, hvo ? "on" : "off", memmap_before, memmap_reserved);
	errno = 0;
	if (total != HUGETLB_NR)
		finish(0, "hugetlb pool not reserved");
	if (hvo && memmap_reserved >= memmap_before)
		finish(0, "HVO freed no vmemmap pages");
	if (!hvo && memmap_reserved != memmap_before)
		finish(0, "memmap pages changed without HVO");
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (buf == MAP_FAILED)
		finish(0, "hugetlb mmap");
	if (fill_and_check(buf, len, 6))
		finish(0, "hugetlb pattern");
	if (munmap(buf, len))
		finish(0, "hugetlb munmap");
	write_sysfs(HUGETLB_SYSFS, "0");
	total = meminfo_kb("HugePages_Total:");
	memmap_after = memmap_pages();
	say("memtest: hugetlb pool released: %ld, memmap pages %ld\n",
	    total, memmap_after);
	errno = 0;
	if (total != 0)
		finish(0, "hugetlb pool not released");
	if (memmap_after != memmap_before)
		finish(0, "vmemmap pages not restored");
	say("memtest: hugetlb pool ok\n");
}

/*
 * Allocate one 32 MiB hugetlb page (arm64 with 4 KiB pages has that size;
 * it is gigantic, so it comes from alloc_contig_pages()), demote it into
 * sixteen 2 MiB pages (demote_free_hugetlb_folios()), map and check two of
 * those, and release them. Skipped where there is no 32 MiB size that
 * demotes.
 */
static void test_hugetlb_demote(void)
{
	long nr_2m, nr_big, nr_after;
	uint8_t *buf;

	if (access(DEMOTE_SYSFS "demote", W_OK)) {
		say("memtest: no demotable 32 MiB hugetlb pages in this kernel, skipped\n");
		return;
	}
	nr_2m = file_value(HUGETLB_SYSFS);
	write_sysfs(DEMOTE_SYSFS "nr_hugepages", "1");
	nr_big = file_value(DEMOTE_SYSFS "nr_hugepages");
	errno = 0;
	if (nr_big != 1)
		finish(0, "hugetlb demote: no 32 MiB page allocated");
	write_sysfs(DEMOTE_SYSFS "demote", "1");
	nr_big = file_value(DEMOTE_SYSFS "nr_hugepages");
	nr_after = file_value(HUGETLB_SYSFS);
	say("memtest: hugetlb demote: 32 MiB pages %ld, 2 MiB pages %ld -> %ld\n",
	    nr_big, nr_2m, nr_after);
	errno = 0;
	if (nr_big != 0 || nr_after != nr_2m + 16)
		finish(0, "hugetlb demote: not 16 pages of 2 MiB");
	buf = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (buf == MAP_FAILED)
		finish(0, "hugetlb demote mmap");
	if (fill_and_check(buf, 2 * THP_SIZE, 8))
		finish(0, "hugetlb demote pattern");
	if (munmap(buf, 2 * THP_SIZE))
		finish(0, "hugetlb demote munmap");
	write_sysfs(HUGETLB_SYSFS, "0");
	errno = 0;
	if (file_value(HUGETLB_SYSFS) != 0)
		finish(0, "hugetlb demote: pool not released");
	say("memtest: hugetlb demote ok\n");
}

/*
 * Wait until /proc/vmstat's nr_balloon_pages is @want; returns the last
 * value read, which is @want unless BALLOON_WAIT_S seconds passed.
 */
static long wait_balloon_pages(long want)
{
	long have = -1;
	int i;

	for (i = 0; i < BALLOON_WAIT_S; i++) {
		have = vmstat_value("nr_balloon_pages");
		if (have == want)
			break;
		sleep(1);
	}
	return have;
}

/*
 * Have the host inflate the virtio balloon by BALLOON_MIB, compact memory
 * while it is inflated, then have it deflated. Balloon pages are
 * movable_ops pages: compaction must isolate and migrate at least 1/8 of
 * them (balloon_migrate in /proc/vmstat) and keep the balloon's size.
 * To spread the balloon over all of memory, anonymous memory first fills
 * all but BALLOON_SLACK_MIB of available memory (MemAvailable, which leaves
 * out the zones' watermarks: filling MemFree took the last free pages
 * below the min watermark, with memory still on per-cpu lists, and init
 * was OOM-killed in 2 of 16 arm64 boots) and one page in every
 * BALLOON_HOLE_PERIOD of it is dropped: the allocator hands out those single
 * free pages before it splits larger blocks. The rest is unmapped before
 * compacting, so compaction finds balloon pages wherever its migration
 * scanner goes, with free pages among them for its free scanner.
 *
 * The period is odd on purpose. The free scanner (isolate_freepages() in
 * mm/compaction.c) doubles its stride, up to COMPACT_CLUSTER_MAX, after
 * each pageblock where it isolated nothing. With every other page dropped,
 * the balloon took every other pfn: an even stride that started on a
 * balloon page then saw only balloon pages, isolated nothing in any
 * balloon pageblock and went on down to the migration scanner, which had
 * not reached the balloon yet. Whether the dropped pages had odd or even
 * pfns decided the step (x86_64 folioonly: 0 balloon pages migrated in
 * about half of the boots). Any power-of-two stride visits every residue
 * modulo an odd period.
 */
static void test_balloon(void)
{
	static const char *const compact_counters[] = {
		"compact_", "pgmigrate_", "balloon_", "nr_free_pages", NULL
	};
	long want = BALLOON_MIB * MIB / page_size;
	long total = meminfo_kb("MemTotal:") * 1024 / page_size;
	long inflated, compacted, deflated, migrated, start, scanned;
	unsigned long fill_len, off;
	int attempt, reached = 0;
	uint8_t *fill;
	struct stat st;

	errno = 0;
	if (stat(BALLOON_DRIVER, &st))
		finish(0, "no virtio_balloon driver");
	fill_len = meminfo_kb("MemAvailable:") * 1024UL;
	/* Enough holes in the fill for the whole balloon. */
	if (fill_len < (BALLOON_HOLE_PERIOD * BALLOON_MIB + BALLOON_SLACK_MIB) * MIB)
		finish(0, "too little free memory for the balloon test");
	fill_len -= BALLOON_SLACK_MIB * MIB;
	fill = map_anon(fill_len, "balloon fill");
	memset(fill, 0x5a, fill_len);
	for (off = 0; off < fill_len; off += BALLOON_HOLE_PERIOD * page_size)
		if (madvise(fill + off, page_size, MADV_DONTNEED))
			finish(0, "balloon fill madvise");
	start = vmstat_value("balloon_migrate");
	if (start < 0)
		finish(0, "no balloon_migrate in /proc/vmstat");
	say("MEMTEST_BALLOON_INFLATE %d\n", BALLOON_MIB);
	inflated = wait_balloon_pages(want);
	say("memtest: balloon inflated to %ld pages among %lu MiB of anon memory\n",
	    inflated, (fill_len - fill_len / BALLOON_HOLE_PERIOD) / MIB);
	errno = 0;
	if (inflated != want)
		finish(0, "balloon not inflated");
	if (munmap(fill, fill_len))
		finish(0, "balloon fill munmap");
	/*
	 * Compact up to COMPACT_TRIES times, counting all migrations, and
	 * print how far the migration scanner got each time.
	 */
	for (attempt = 1; attempt <= COMPACT_TRIES; attempt++) {
		scanned = vmstat_value("compact_migrate_scanned");
		if (write_sysfs("/proc/sys/vm/compact_memory", "1"))
			finish(0, "no /proc/sys/vm/compact_memory");
		scanned = vmstat_value("compact_migrate_scanned") - scanned;
		migrated = vmstat_value("balloon_migrate") - start;
		print_vmstat("memtest: vmstat", compact_counters);
		say("memtest: compaction %d: migration scanner %ld of %ld pages, %ld balloon pages migrated so far\n",
		    attempt, scanned, total, migrated);
		if (scanned >= total / 2)
			reached = 1;
		if (migrated >= want / 8)
			break;
	}
	compacted = vmstat_value("nr_balloon_pages");
	say("memtest: compaction migrated %ld balloon pages, balloon %ld pages, migration scanner %s half of memory\n",
	    migrated, compacted, reached ? "got through" : "never got through");
	errno = 0;
	/*
	 * 8000-10800 of 16384 migrated in 20 boots (scripts/boot-repeat);
	 * a regression gave 50.
	 */
	if (migrated < want / 8)
		finish(0, "compaction migrated under 1/8 of the balloon pages");
	if (compacted != want)
		finish(0, "balloon changed size during compaction");
	say("MEMTEST_BALLOON_DEFLATE\n");
	deflated = wait_balloon_pages(0);
	say("memtest: balloon deflated to %ld pages\n", deflated);
	errno = 0;
	if (deflated != 0)
		finish(0, "balloon not deflated");
	say("memtest: balloon ok\n");
}

/*
 * Byte @off of page @page written to zram: every fourth page is the
 * pattern(), which compresses well; the others mix the pattern with
 * pseudo-random bytes (a third, two thirds or all of the page), so that zsmalloc
 * stores objects of several size classes, a whole page among them.
 */
static uint8_t zram_byte(unsigned long page, unsigned long off)
{
	unsigned long random_len = (page % 4) * page_size / 3;
	uint32_t x = (uint32_t)(page * 2654435761u + off * 40503u);

	if (off >= random_len)
		return pattern(page * page_size + off, 7);
	x ^= x >> 13;
	x *= 0x5bd1e995u;
	return (uint8_t)(x ^ (x >> 15));
}

/* Field @i (from 0) of /sys/block/zram0/mm_stat, or -1. */
static long long zram_mm_stat(int i)
{
	long long v[9];
	FILE *f = fopen(ZRAM_SYS "/mm_stat", "r");
	int n = 0;

	if (!f)
		return -1;
	while (n < 9 && fscanf(f, "%lld", &v[n]) == 1)
		n++;
	fclose(f);
	return i < n ? v[i] : -1;
}

/*
 * zram keeps what is written to it in zsmalloc pages. Write ZRAM_MIB of
 * data with O_DIRECT, so that reads come from zram and not the page cache,
 * compact memory (zsmalloc pages are movable) and the zram pool, read
 * everything back and compare, and reset the device: the zsmalloc pages
 * (nr_zspages in /proc/vmstat) are all freed. Skipped without zram.
 */
static void test_zram(void)
{
	static const char *const counters[] = {
		"nr_zspages", "pgmigrate_success", "compact_", NULL
	};
	unsigned long len = ZRAM_MIB * MIB, pages = len / page_size;
	unsigned long p, off, bad = 0;
	long zspages;
	uint8_t *buf;
	int fd;

	if (access(ZRAM_SYS, F_OK)) {
		say("memtest: no zram, zram step skipped\n");
		return;
	}
	if (write_sysfs(ZRAM_SYS "/disksize", ZRAM_DISK))
		finish(0, "zram disksize");
	fd = open(ZRAM_DEV, O_RDWR | O_DIRECT);
	if (fd < 0)
		finish(0, "open " ZRAM_DEV);
	buf = map_anon(len, "zram buffer");
	for (p = 0; p < pages; p++)
		for (off = 0; off < (unsigned long)page_size; off++)
			buf[p * page_size + off] = zram_byte(p, off);
	if (pwrite(fd, buf, len, 0) != (ssize_t)len)
		finish(0, "zram write");
	zspages = vmstat_value("nr_zspages");
	print_vmstat("memtest: zram written: vmstat", counters);
	print_file("memtest: zram mm_stat", ZRAM_SYS "/mm_stat");
	errno = 0;
	if (zspages <= 0)
		finish(0, "zram data in no zsmalloc page");
	if (zram_mm_stat(7) <= 0)
		finish(0, "zram stored no page whole (huge class)");
	if (write_sysfs("/proc/sys/vm/compact_memory", "1"))
		finish(0, "no /proc/sys/vm/compact_memory");
	if (write_sysfs(ZRAM_SYS "/compact", "1"))
		finish(0, "zram compact");
	print_vmstat("memtest: zram compacted: vmstat", counters);
	memset(buf, 0, len);
	if (pread(fd, buf, len, 0) != (ssize_t)len)
		finish(0, "zram read");
	for (p = 0; p < pages; p++)
		for (off = 0; off < (unsigned long)page_size; off++)
			bad += buf[p * page_size + off] != zram_byte(p, off);
	errno = 0;
	if (bad)
		finish(0, "zram data changed");
	close(fd);
	munmap(buf, len);
	if (write_sysfs(ZRAM_SYS "/reset", "1"))
		finish(0, "zram reset");
	zspages = vmstat_value("nr_zspages");
	say("memtest: zram reset: nr_zspages %ld\n", zspages);
	errno = 0;
	if (zspages != 0)
		finish(0, "zsmalloc pages left after the zram reset");
	say("memtest: zram ok\n");
}

/*
 * Network traffic through page_pool. virtio-net takes its receive buffers
 * from a page_pool, so every received frame is in a page_pool page that the
 * stack recycles or hands back. scripts/boot-qemu gives the guest two
 * virtio-net NICs on one QEMU hub: whatever one sends, the other receives.
 * A child process moves to a new network namespace and gets the second NIC,
 * so the traffic between 10.77.0.1 and 10.77.0.2 crosses the hub instead of
 * the loopback device. NET_BYTES go each way over TCP, checked by pattern,
 * and each side's rx_bytes in /proc/net/dev must grow by at least that.
 * The parent sends with MSG_ZEROCOPY, so the frames it sends point at the
 * folios of its buffer.
 */

/* Is @name an Ethernet device (ARPHRD_ETHER), not lo, sit0 and the like? */
static int is_ether(const char *name)
{
	char path[64];
	int type = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/type", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &type) != 1)
		type = -1;
	fclose(f);
	return type == 1;
}

/* Fill @names (@max entries of IFNAMSIZ) with the Ethernet NICs. */
static int list_nics(char names[][IFNAMSIZ], int max)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int n = 0;

	if (!ifs)
		return 0;
	for (i = ifs; i->if_index && n < max; i++) {
		say("memtest: net: interface %s%s\n", i->if_name,
		    is_ether(i->if_name) ? " (Ethernet)" : "");
		if (is_ether(i->if_name))
			snprintf(names[n++], IFNAMSIZ, "%s", i->if_name);
	}
	if_freenameindex(ifs);
	/* if_nameindex() lists by index: the probe order, eth0 first. */
	return n;
}

/* Move NIC @name into the network namespace of process @pid (rtnetlink). */
static int move_nic(const char *name, pid_t pid)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req;
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	struct rtattr *rta;
	uint32_t nspid = pid;
	int fd, ret = -1;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_SETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = if_nametoindex(name);
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = IFLA_NET_NS_PID;
	rta->rta_len = RTA_LENGTH(sizeof(nspid));
	memcpy(RTA_DATA(rta), &nspid, sizeof(nspid));
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + rta->rta_len;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (send(fd, &req, req.nh.nlmsg_len, 0) == (ssize_t)req.nh.nlmsg_len &&
	    recv(fd, &ack, sizeof(ack), 0) >= (ssize_t)sizeof(ack) &&
	    ack.nh.nlmsg_type == NLMSG_ERROR) {
		errno = -ack.err.error;
		ret = ack.err.error ? -1 : 0;
	}
	close(fd);
	return ret;
}

/* Give NIC @name the address @addr/24 and bring it up. */
static int config_nic(const char *name, const char *addr)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;
	int fd, ret = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr))
		goto out;
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	if (ioctl(fd, SIOCSIFNETMASK, &ifr))
		goto out;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		goto out;
	ifr.ifr_flags |= IFF_UP;
	ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
out:
	close(fd);
	return ret;
}

/* rx_bytes of NIC @name in this process's network namespace, or -1. */
static long long nic_rx_bytes(const char *name)
{
	char line[512], *colon, *dev;
	long long rx = -1;
	FILE *f = fopen("/proc/net/dev", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		for (dev = line; *dev == ' '; dev++)
			;
		if (!strcmp(dev, name)) {
			rx = strtoll(colon + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return rx;
}

/* Send NET_BYTES of pattern @seed on @fd; 0 on success. */
static int net_send(int fd, unsigned int seed)
{
	static uint8_t buf[NET_CHUNK];
	unsigned long off, i;
	ssize_t n;

	for (off = 0; off < NET_BYTES; off += NET_CHUNK) {
		for (i = 0; i < NET_CHUNK; i++)
			buf[i] = pattern(off + i, seed);
		for (i = 0; i < NET_CHUNK; i += n) {
			n = send(fd, buf + i, NET_CHUNK - i, 0);
			if (n <= 0)
				return -1;
		}
	}
	return 0;
}

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY	60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY	0x4000000
#endif

/*
 * Like net_send(), with MSG_ZEROCOPY from one anonymous MADV_HUGEPAGE
 * buffer filled before the first send and never written again, so no
 * completion has to be waited for: the NIC's frames take their frags from
 * the buffer's folios (THPs where the kernel has THP), which
 * zerocopy_fill_skb_from_iter() gets with GUP.  0 on success.
 */
static int net_send_zerocopy(int fd, unsigned int seed)
{
	uint8_t *buf = map_anon(NET_BYTES, "net: zerocopy mmap");
	unsigned long off;
	int one = 1, ret = 0;
	ssize_t n;

	madvise(buf, NET_BYTES, MADV_HUGEPAGE);
	for (off = 0; off < NET_BYTES; off++)
		buf[off] = pattern(off, seed);
	if (setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one))) {
		say("memtest: net: SO_ZEROCOPY: errno %d\n", errno);
		ret = -1;
	}
	for (off = 0; !ret && off < NET_BYTES; off += n) {
		n = send(fd, buf + off, NET_BYTES - off, MSG_ZEROCOPY);
		if (n <= 0)
			ret = -1;
	}
	munmap(buf, NET_BYTES);
	return ret;
}

/* Receive until EOF on @fd, checking pattern @seed; the byte count or -1. */
static long long net_recv(int fd, unsigned int seed)
{
	static uint8_t buf[NET_CHUNK];
	unsigned long long off = 0;
	ssize_t n, i;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (i = 0; i < n; i++)
			if (buf[i] != pattern(off + i, seed))
				return -1;
		off += n;
	}
	return n ? -1 : (long long)off;
}

/* A TCP socket address for @addr, port NET_PORT. */
static struct sockaddr_in net_sockaddr(const char *addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(NET_PORT) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

/*
 * The child: in its own network namespace, once the parent has moved @nic
 * there (a byte on @go), configure it, listen, say so (a byte on @ready),
 * receive NET_BYTES and send NET_BYTES back. Exits 0 on success.
 */
static void net_child(const char *nic, int ready, int go)
{
	struct sockaddr_in sin = net_sockaddr(NET_ADDR_B);
	long long rx0, rx1, got;
	int lfd, fd, one = 1;
	char c = 0;

	if (unshare(CLONE_NEWNET) || write(ready, &c, 1) != 1 ||
	    read(go, &c, 1) != 1 || config_nic(nic, NET_ADDR_B))
		_exit(2);
	rx0 = nic_rx_bytes(nic);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 1) ||
	    write(ready, &c, 1) != 1)
		_exit(3);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(4);
	got = net_recv(fd, 7);
	if (got != (long long)NET_BYTES)
		_exit(5);
	if (net_send(fd, 8) || shutdown(fd, SHUT_WR))
		_exit(6);
	/* Wait for the parent to close: all our data has been received. */
	if (recv(fd, &c, 1, 0) != 0)
		_exit(7);
	rx1 = nic_rx_bytes(nic);
	say("memtest: net: %s (namespace 2) received %lld bytes, rx_bytes +%lld\n",
	    nic, got, rx1 - rx0);
	_exit(rx0 >= 0 && rx1 - rx0 >= (long long)NET_BYTES ? 0 : 8);
}

/* Connect to the child's listening socket; retry while the link settles. */
static int net_connect(void)
{
	struct sockaddr_in sin = net_sockaddr(NET_ADDR_B);
	int fd, tries;

	for (tries = 0; tries < 50; tries++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
			return fd;
		close(fd);
		usleep(100000);
	}
	return -1;
}

/* The memdesc census's page count for @class, or -1 without a census. */
static long census_pages(const char *class)
{
	char line[512], name[64];
	long pages = -1, n;
	FILE *f;

	f = fopen(DEBUGFS "/memdesc/census", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &n) == 2 && !strcmp(name, class))
			pages = n;
	if (f)
		fclose(f);
	return pages;
}

static void test_net(void)
{
	char nics[3][IFNAMSIZ];
	int ready[2], go[2], status, fd;
	long long rx0, rx1, got;
	long pool_pages;
	char c = 0;
	pid_t pid;

	/* A layout may turn page_pool, and so virtio-net, off. */
	if (access("/sys/bus/virtio/drivers/virtio_net", F_OK)) {
		say("memtest: net: no virtio-net in this kernel, skipped\n");
		return;
	}
	if (list_nics(nics, 3) != 2)
		finish(0, "net: exactly two Ethernet NICs expected");
	if (pipe(ready) || pipe(go))
		finish(0, "net: pipe");
	pid = fork();
	if (pid < 0)
		finish(0, "net: fork");
	if (!pid)
		net_child(nics[1], ready[1], go[0]);
	if (read(ready[0], &c, 1) != 1)
		finish(0, "net: child did not make its namespace");
	if (move_nic(nics[1], pid))
		finish(0, "net: moving the second NIC");
	if (write(go[1], &c, 1) != 1 || config_nic(nics[0], NET_ADDR_A))
		finish(0, "net: configuring the first NIC");
	rx0 = nic_rx_bytes(nics[0]);
	if (read(ready[0], &c, 1) != 1)
		finish(0, "net: child not listening");
	fd = net_connect();
	if (fd < 0)
		finish(0, "net: connect");
	if (net_send_zerocopy(fd, 7) || shutdown(fd, SHUT_WR))
		finish(0, "net: send");
	got = net_recv(fd, 8);
	close(fd);
	if (got != (long long)NET_BYTES)
		finish(0, "net: data received back");
	rx1 = nic_rx_bytes(nics[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		errno = 0;
		say("memtest: net: child status %#x\n", status);
		finish(0, "net: child");
	}
	say("memtest: net: %s received %lld bytes, rx_bytes +%lld\n", nics[0],
	    got, rx1 - rx0);
	errno = 0;
	if (rx0 < 0 || rx1 - rx0 < (long long)NET_BYTES)
		finish(0, "net: rx_bytes did not grow by the bytes received");
	/* Without a census (the base kernel), there is nothing to check. */
	pool_pages = census_pages("page_pool");
	say("memtest: net: census page_pool pages %ld\n", pool_pages);
	if (pool_pages == 0)
		finish(0, "net: no page_pool pages while two NICs are up");
	say("memtest: net ok\n");
}

/* The number in the test cgroup's file @name, or -1. */
static long long cg_value(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), CG_DIR "/%s", name);
	return file_value(path);
}

/* The value of @key in the test cgroup's flat keyed file @name, or -1. */
static long long cg_key(const char *name, const char *key)
{
	char path[128];

	snprintf(path, sizeof(path), CG_DIR "/%s", name);
	return proc_value(path, key);
}

struct cg_child {
	pid_t pid;
	int ready;	/* read end: the child says how far it got */
	int go;		/* write end: the parent lets the child go on */
};

/*
 * Fork a child that runs @fn(ready, go) and exits with its result, once
 * the parent has moved it into the test cgroup, so that everything it
 * allocates is charged there.
 */
static void cg_spawn(struct cg_child *c, int (*fn)(int ready, int go))
{
	int ready[2], go[2];
	char pid[32], x = 0;

	if (pipe(ready) || pipe(go))
		finish(0, "memcg: pipe");
	c->pid = fork();
	if (c->pid < 0)
		finish(0, "memcg: fork");
	if (!c->pid) {
		close(ready[0]);
		close(go[1]);
		if (read(go[0], &x, 1) != 1)
			_exit(100);
		_exit(fn(ready[1], go[0]));
	}
	close(ready[1]);
	close(go[0]);
	c->ready = ready[0];
	c->go = go[1];
	snprintf(pid, sizeof(pid), "%d", c->pid);
	if (write_sysfs(CG_DIR "/cgroup.procs", pid) ||
	    write(c->go, &x, 1) != 1)
		finish(0, "memcg: moving a child into the cgroup");
}

/* Wait for a child of cg_spawn(); returns its wait status. */
static int cg_wait(struct cg_child *c)
{
	int status;

	close(c->ready);
	close(c->go);
	if (waitpid(c->pid, &status, 0) != c->pid)
		finish(0, "memcg: waitpid");
	return status;
}

/* The KUnit suite that cg_run_kunit() starts. */
static const char *cg_kunit_suite;

static int cg_run_kunit(int ready, int go)
{
	char path[128];
	int fd;

	(void)ready;
	(void)go;
	snprintf(path, sizeof(path), CG_KUNIT "%s/run", cg_kunit_suite);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		return 1;
	return close(fd) ? 1 : 0;
}

/*
 * Run the KUnit suite @suite, whose test names start with "@suite_", from
 * a task in the test cgroup, which its tests charge (started from
 * anywhere else, they skip or check that nothing is charged). Every test
 * must pass; the kernel log has the details.
 */
static void cg_kunit_one(const char *suite)
{
	int passed = 0, bad = 0, status;
	char path[128], line[256], prefix[64];
	struct cg_child c;
	FILE *f;

	snprintf(path, sizeof(path), CG_KUNIT "%s/run", suite);
	if (access(path, W_OK)) {
		say("memtest: memcg: no %s KUnit suite\n", suite);
		return;
	}
	cg_kunit_suite = suite;
	cg_spawn(&c, cg_run_kunit);
	status = cg_wait(&c);
	errno = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		finish(0, "memcg: starting a KUnit suite");
	snprintf(path, sizeof(path), CG_KUNIT "%s/results", suite);
	f = fopen(path, "r");
	if (!f)
		finish(0, "memcg: KUnit results");
	snprintf(prefix, sizeof(prefix), "%s_", suite);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");

		if (!strncmp(p, "not ok", 6) || strstr(p, "# SKIP"))
			bad++;
		else if (!strncmp(p, "ok ", 3) && strstr(p, prefix))
			passed++;
	}
	fclose(f);
	say("memtest: memcg: KUnit %s in the cgroup: %d passed, %d failed or skipped\n",
	    suite, passed, bad);
	errno = 0;
	if (bad || !passed)
		finish(0, "memcg: a KUnit suite in the cgroup");
}

static void cg_kunit(void)
{
	cg_kunit_one("memcg_charge");
	cg_kunit_one("iommu_pages");
}

/*
 * CG_ANON bytes of anonymous memory and a CG_FILE tmpfs file, held until
 * the parent has read the counters, then checked and freed.
 */
static int cg_workload(int ready, int go)
{
	const char *path = "/tmp/memcg.dat";
	uint8_t *buf;
	char x = 0;
	int fd;

	buf = mmap(NULL, CG_ANON, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || fill_and_check(buf, CG_ANON, 9))
		return 1;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, CG_FILE) != (ssize_t)CG_FILE)
		return 2;
	if (write(ready, &x, 1) != 1 || read(go, &x, 1) != 1)
		return 3;
	if (check(buf, CG_ANON, 9))
		return 4;
	memset(buf, 0, CG_FILE);
	if (pread(fd, buf, CG_FILE, 0) != (ssize_t)CG_FILE ||
	    check(buf, CG_FILE, 9))
		return 5;
	if (close(fd) || unlink(path) || munmap(buf, CG_ANON))
		return 6;
	return 0;
}

/* Touch twice memory.max of anonymous memory: the OOM killer must step in. */
static int cg_exceed(int ready, int go)
{
	uint8_t *buf = mmap(NULL, 2 * CG_MAX, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)ready;
	(void)go;
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 1, 2 * CG_MAX);
	return 0;
}

static void cg_print(const char *when)
{
	say("memtest: memcg: %s: memory.current %lld, anon %lld, shmem %lld, kernel %lld, pagetables %lld\n",
	    when, cg_value("memory.current"), cg_key("memory.stat", "anon"),
	    cg_key("memory.stat", "shmem"), cg_key("memory.stat", "kernel"),
	    cg_key("memory.stat", "pagetables"));
}

/*
 * Wait until the cgroup's memory is back to @current0 (CG_SLACK for the
 * per-cpu charge caches and statistics not yet flushed), as the freed
 * memory must be uncharged.
 */
static void cg_settle(long long current0, const char *what)
{
	const long long slack = CG_SLACK;
	int i;

	for (i = 0; i < CG_SETTLE_S * 10; i++) {
		if (cg_value("memory.current") <= current0 + slack &&
		    cg_key("memory.stat", "anon") <= slack &&
		    cg_key("memory.stat", "shmem") <= slack)
			return;
		usleep(100000);
	}
	cg_print(what);
	errno = 0;
	finish(0, what);
}

/*
 * A cgroup v2 child cgroup with memory.max CG_MAX: the memcg_charge and
 * iommu_pages KUnit suites run in it; a workload in it (anonymous memory and a tmpfs file)
 * that memory.current and memory.stat's anon and shmem must show while it
 * runs, with its page tables in memory.stat's pagetables, and no longer
 * show once it has exited; a child that touches twice
 * memory.max must be OOM-killed, memory.events and memory.peak must say
 * so, and the memory must be uncharged again.
 */
static void test_memcg(void)
{
	long long current0, current, anon, shmem, kills, peak;
	struct cg_child c;
	char max[32], x;
	int status;

	if (mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
		finish(0, "memcg: mount cgroup2");
	if (write_sysfs(CG_ROOT "/cgroup.subtree_control", "+memory"))
		finish(0, "memcg: no cgroup.subtree_control");
	if (mkdir(CG_DIR, 0755))
		finish(0, "memcg: mkdir");
	snprintf(max, sizeof(max), "%lu", CG_MAX);
	if (write_sysfs(CG_DIR "/memory.max", max))
		finish(0, "memcg: no memory.max");
	cg_kunit();

	if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=64m"))
		finish(0, "memcg: mount tmpfs");
	cg_print("before the workload");
	current0 = cg_value("memory.current");
	cg_spawn(&c, cg_workload);
	if (read(c.ready, &x, 1) != 1)
		finish(0, "memcg: the workload did not get going");
	cg_print("with the workload");
	current = cg_value("memory.current");
	anon = cg_key("memory.stat", "anon");
	shmem = cg_key("memory.stat", "shmem");
	errno = 0;
	if (anon < (long long)(CG_ANON - CG_SLACK) ||
	    shmem < (long long)(CG_FILE - CG_SLACK))
		finish(0, "memcg: memory.stat does not show the workload");
	/* Mapping CG_ANON took page tables, charged to the cgroup. */
	if (cg_key("memory.stat", "pagetables") <= 0)
		finish(0, "memcg: memory.stat has none of the workload's page tables");
	if (current < current0 + (long long)(CG_ANON + CG_FILE - CG_SLACK) ||
	    current > (long long)CG_MAX)
		finish(0, "memcg: memory.current does not show the workload");
	if (write(c.go, &x, 1) != 1)
		finish(0, "memcg: letting the workload finish");
	status = cg_wait(&c);
	errno = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say("memtest: memcg: workload status %#x\n", status);
		finish(0, "memcg: workload");
	}
	cg_settle(current0, "memcg: memory not uncharged after the workload");
	cg_print("after the workload");

	kills = cg_key("memory.events", "oom_kill");
	cg_spawn(&c, cg_exceed);
	status = cg_wait(&c);
	peak = cg_value("memory.peak");
	say("memtest: memcg: over memory.max: status %#x, oom_kill %lld -> %lld, memory.peak %lld\n",
	    status, kills, cg_key("memory.events", "oom_kill"), peak);
	errno = 0;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL ||
	    cg_key("memory.events", "oom_kill") != kills + 1)
		finish(0, "memcg: a child over memory.max was not OOM-killed");
	if (peak < (long long)(CG_MAX - CG_SLACK) || peak > (long long)CG_MAX)
		finish(0, "memcg: memory.peak is not at memory.max");
	cg_settle(current0, "memcg: memory not uncharged after the OOM kill");
	cg_print("after the OOM kill");

	if (umount("/tmp") || rmdir(CG_DIR) || umount(CG_ROOT))
		finish(0, "memcg: cleanup");
	say("memtest: memcg ok\n");
}

/* 2 MiB ranges of the descriptor failure step, and pages failed in each. */
#define DESC_FAIL_RANGES	4
#define DESC_FAIL_NR		(DESC_FAIL_RANGES * (THP_SIZE / page_size - 1))
/* Failures failslab may inject beyond those the step expects. */
#define DESC_FAIL_SPARE		16
#define FAILSLAB		DEBUGFS "/failslab/"

/* What desc_failure_child() reports to its parent. */
struct desc_failure {
	long enomem;		/* populates that failed with ENOMEM */
	long other;		/* populates that did anything else */
	long free_before;	/* MemFree, kB, before the failing populates */
	long free_after;	/* and after them */
};

/*
 * The child of test_folio_desc_failure(). In DESC_FAIL_RANGES 2 MiB
 * ranges of an anonymous mapping whose first pages are faulted in (so
 * that the anon_vma and the page tables exist), populate every other page
 * alone with MADV_POPULATE_WRITE while failslab fails this task's slab
 * allocations: the folio's descriptor is the only one a fault of an
 * order-0 anonymous page then makes. Then populate and check the whole
 * mapping with failures off.
 */
static int desc_failure_child(int out)
{
	unsigned long len = DESC_FAIL_RANGES * THP_SIZE, off;
	struct desc_failure res = { 0 };
	uint8_t *raw, *buf;
	int fd;

	raw = mmap(NULL, len + THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return 1;
	buf = (uint8_t *)(((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (madvise(buf, len, MADV_NOHUGEPAGE))
		return 2;
	for (off = 0; off < len; off += THP_SIZE)
		buf[off] = 1;
	/* Opened now: opening it with failures on would fail. */
	fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (fd < 0)
		return 3;
	res.free_before = meminfo_kb("MemFree:");
	if (pwrite(fd, "1", 1, 0) != 1)
		return 4;
	for (off = 0; off < len; off += page_size) {
		if (!(off % THP_SIZE))
			continue;
		if (!madvise(buf + off, page_size, MADV_POPULATE_WRITE) ||
		    errno != ENOMEM)
			res.other++;
		else
			res.enomem++;
	}
	if (pwrite(fd, "0", 1, 0) != 1)
		return 5;
	close(fd);
	res.free_after = meminfo_kb("MemFree:");
	if (write(out, &res, sizeof(res)) != sizeof(res))
		return 6;
	if (fill_and_check(buf, len, 7))
		return 7;
	return munmap(raw, len + THP_SIZE) ? 8 : 0;
}

/*
 * CONFIG_FOLIO_MEMDESC allocates a folio's pages, then its descriptor;
 * if the descriptor cannot be allocated, the folio allocation must fail
 * and give the pages back. Inject that failure with failslab (limited to
 * one child task, and to DESC_FAIL_NR + DESC_FAIL_SPARE failures) into
 * DESC_FAIL_NR anonymous faults: every one must fail with ENOMEM, failslab
 * must have injected exactly DESC_FAIL_NR failures, MemFree must not
 * have dropped by a quarter of the pages tried (a leak would lose them
 * all), and the mapping must then populate normally. Skipped without
 * CONFIG_FOLIO_MEMDESC or failslab's debugfs files.
 */
static void test_folio_desc_failure(void)
{
	char times[32];
	struct desc_failure res;
	long left, nr = DESC_FAIL_NR;
	int pipefd[2], status;
	pid_t pid;

	if (vmstat_value("nr_folio_memdesc") < 0 ||
	    access(FAILSLAB "times", W_OK)) {
		say("memtest: folio descriptor failure: no CONFIG_FOLIO_MEMDESC or failslab, skipped\n");
		return;
	}
	snprintf(times, sizeof(times), "%ld", nr + DESC_FAIL_SPARE);
	failslab_set("task-filter", "Y");
	failslab_set("ignore-gfp-wait", "N");
	failslab_set("verbose", "0");
	failslab_set("interval", "1");
	failslab_set("probability", "100");
	failslab_set("times", times);
	if (pipe(pipefd))
		finish(0, "descriptor failure: pipe");
	pid = fork();
	if (pid < 0)
		finish(0, "descriptor failure: fork");
	if (!pid) {
		close(pipefd[0]);
		_exit(desc_failure_child(pipefd[1]));
	}
	close(pipefd[1]);
	if (read(pipefd[0], &res, sizeof(res)) != sizeof(res))
		memset(&res, 0, sizeof(res));
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid)
		finish(0, "descriptor failure: waitpid");
	failslab_set("probability", "0");
	left = file_value(FAILSLAB "times");
	say("memtest: folio descriptor failure: %ld of %ld faults failed with ENOMEM, %ld otherwise, failslab injected %ld, MemFree %ld -> %ld kB, child status %#x\n",
	    res.enomem, nr, res.other, nr + DESC_FAIL_SPARE - left,
	    res.free_before, res.free_after, status);
	errno = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		finish(0, "descriptor failure: the child failed");
	if (res.enomem != nr || res.other)
		finish(0, "descriptor failure: a fault did not fail with ENOMEM");
	if (left != DESC_FAIL_SPARE)
		finish(0, "descriptor failure: failslab did not inject one failure per fault");
	if ((res.free_before - res.free_after) * 1024 >= nr * page_size / 4)
		finish(0, "descriptor failure: MemFree dropped: pages leaked");
	say("memtest: folio descriptor failure ok\n");
}

/*
 * Print /sys/kernel/debug/memdesc/census between markers, if the kernel
 * has it (CONFIG_MEMDESC_CENSUS), so the boot log records how the guest's
 * memory is used after the tests.
 */
static void print_census(void)
{
	long folio_memdescs = vmstat_value("nr_folio_memdesc");
	char line[512];
	FILE *f = fopen(DEBUGFS "/memdesc/census", "r");

	/* CONFIG_FOLIO_MEMDESC: folios whose struct folio is allocated apart. */
	if (folio_memdescs >= 0)
		say("memtest: nr_folio_memdesc %ld\n", folio_memdescs);
	if (f) {
		say("MEMDESC_CENSUS_BEGIN\n");
		while (fgets(line, sizeof(line), f))
			say("%s", line);
		say("MEMDESC_CENSUS_END\n");
		fclose(f);
	}
}

int main(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (mount_fs("proc", "/proc", NULL))
		finish(0, "mount /proc");
	if (mount_fs("sysfs", "/sys", NULL))
		finish(0, "mount /sys");
	/* The census and KUnit's files; a kernel without debugfs has neither. */
	if (mount("debugfs", DEBUGFS, "debugfs", 0, NULL))
		say("memtest: no debugfs (errno %d)\n", errno);
	say("memtest: start, page size %ld\n", page_size);
	test_anon();
	test_fork();
	test_page_idle();
	test_pagecache();
	test_ext4();
	test_thp();
	test_ksm();
	test_soft_offline();
	test_memory_failure_small();
	test_zero_page();
	test_io_uring();
	test_hugetlb();
	test_hugetlb_demote();
	test_balloon();
	test_zram();
	test_net();
	test_folio_desc_failure();
	test_memcg();
	print_census();
	finish(1, NULL);
	return 0;
}
