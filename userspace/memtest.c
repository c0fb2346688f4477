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
 * checks on both sides; a file in tmpfs written, read back and checked
 * (page cache); a 2 MiB-aligned anonymous mapping with MADV_HUGEPAGE
 * (a THP where the kernel has THP); unmapping of everything. Then it
 * prints the memdesc census, where the kernel has one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB		(1024UL * 1024UL)
#define ANON_SIZE	(32 * MIB)
#define FILE_SIZE	(8 * MIB)
#define THP_SIZE	(2 * MIB)

static long page_size;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void finish(int ok, const char *what)
{
	if (ok)
		say("MEMTEST_PASS\n");
	else
		say("MEMTEST_FAIL: %s (errno %d: %s)\n", what, errno, strerror(errno));
	sync();
	reboot(RB_AUTOBOOT);
	/* reboot() only returns on error; PID 1 must not exit. */
	for (;;)
		pause();
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

/* Return the value in kB of /proc/meminfo line @key, or -1. */
static long meminfo_kb(const char *key)
{
	char line[128];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			val = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return val;
}

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
 * Print /sys/kernel/debug/memdesc/census between markers, if the kernel
 * has it (CONFIG_MEMDESC_CENSUS), so the boot log records how the guest's
 * memory is used after the tests.
 */
static void print_census(void)
{
	char line[512];
	FILE *f;

	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		return;
	f = fopen("/sys/kernel/debug/memdesc/census", "r");
	if (f) {
		say("MEMDESC_CENSUS_BEGIN\n");
		while (fgets(line, sizeof(line), f))
			say("%s", line);
		say("MEMDESC_CENSUS_END\n");
		fclose(f);
	}
	umount("/sys/kernel/debug");
}

int main(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (mkdir("/proc", 0755) && errno != EEXIST)
		finish(0, "mkdir /proc");
	if (mount("proc", "/proc", "proc", 0, NULL))
		finish(0, "mount /proc");
	if (mkdir("/sys", 0755) && errno != EEXIST)
		finish(0, "mkdir /sys");
	if (mount("sysfs", "/sys", "sysfs", 0, NULL))
		finish(0, "mount /sys");
	say("memtest: start, page size %ld\n", page_size);
	test_anon();
	test_fork();
	test_pagecache();
	test_thp();
	print_census();
	finish(1, NULL);
	return 0;
}
