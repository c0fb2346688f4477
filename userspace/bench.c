// SPDX-License-Identifier: GPL-2.0
/*
 * bench: the /init of the memdesc bench guest (scripts/bench).
 *
 * Runs as PID 1 under QEMU with -icount, where CLOCK_MONOTONIC counts
 * instructions, prints one line per measurement and reboots (QEMU runs with
 * -no-reboot, so it exits):
 *
 *	BENCH <name> <value> <count>	a time, ns per operation over count
 *	BENCH_MEM <name> <value>	a memory figure, in bytes
 *
 * It loads memdesc_bench.ko (the kernel hot paths), then times anonymous
 * faults, fork of a process with anonymous memory and read() of a cached
 * tmpfs file, and reads the memory figures after boot and after filling
 * tmpfs with many small files and a few large ones.  "bench.reps=N" on the
 * kernel command line multiplies the loop counts (short mode: 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MIB		(1024UL * 1024UL)
#define ANON_SIZE	(64 * MIB)
#define FORK_SIZE	(32 * MIB)
#define FILE_PATH	"/tmp/bench.dat"
#define FILE_SIZE	(16 * MIB)
#define CHUNK		(64 * 1024)
#define SMALL_FILES	4096
#define SMALL_SIZE	4096
#define LARGE_FILES	4
#define LARGE_SIZE	(32 * MIB)
#define MODULE_PATH	"/memdesc_bench.ko"

static long page_size;
static unsigned int reps = 1;

static void __attribute__((noreturn)) finish(int ok, const char *what)
{
	guest_finish("BENCH", ok, what);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void report(const char *name, uint64_t start, unsigned long ops)
{
	uint64_t ns = now_ns() - start;

	say("BENCH %s %llu.%03llu %lu\n", name,
	    (unsigned long long)(ns / ops),
	    (unsigned long long)(ns % ops * 1000 / ops), ops);
}

static void read_reps(void)
{
	char line[1024], *p;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		p = strstr(line, "bench.reps=");
		if (p)
			reps = strtoul(p + strlen("bench.reps="), NULL, 10);
	}
	fclose(f);
	if (!reps)
		reps = 1;
}

/* Whether the slab cache @name holds separately allocated descriptors. */
static int is_descriptor_cache(const char *name)
{
	return !strncmp(name, "memdesc_", 8) || !strcmp(name, "ptdesc") ||
	       !strcmp(name, "folio_memdesc");
}

/*
 * The bytes of separately allocated descriptors: the slab caches named
 * memdesc_* (struct slab), ptdesc (struct ptdesc) and folio_memdesc
 * (struct folio, CONFIG_FOLIO_MEMDESC) in /proc/slabinfo
 * (CONFIG_SLUB_DEBUG), or -1 without it.
 */
static long descriptor_bytes(void)
{
	long active, num, objsize, total = 0;
	char line[512], name[64];
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num,
			   &objsize) == 4 && is_descriptor_cache(name))
			total += num * objsize;
	fclose(f);
	return total;
}

/*
 * The census's struct page plus descriptor bytes per page of online
 * memory, today and in the 32- and 16-byte layouts (patched kernel only).
 */
static void census_figures(const char *when)
{
	long pages, descs, today, b32, b16;
	char line[512], name[64];
	FILE *f = fopen("/sys/kernel/debug/memdesc/census", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld %ld %ld", name, &pages,
			   &descs, &today, &b32, &b16) != 6 ||
		    strcmp(name, "total") || pages <= 0)
			continue;
		say("BENCH_MEM %s.census_per_page_today %.3f\n", when,
		    (double)today / pages);
		say("BENCH_MEM %s.census_per_page_32 %.3f\n", when,
		    (double)b32 / pages);
		say("BENCH_MEM %s.census_per_page_16 %.3f\n", when,
		    (double)b16 / pages);
	}
	fclose(f);
}

/* The pages of memory the kernel manages: "present" of every zone. */
static long present_pages(void)
{
	long n, total = 0;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		finish(0, "open /proc/zoneinfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " present %ld", &n) == 1)
			total += n;
	fclose(f);
	return total;
}

/*
 * Bytes of struct page and of separately allocated descriptors per present
 * page, and how far that is above the 16 bytes of the Page2026 layout.
 */
static void per_page_figures(const char *when, long memmap, long descs)
{
	long pages = present_pages();
	double per_page;

	if (pages <= 0)
		finish(0, "no present pages in /proc/zoneinfo");
	per_page = (double)(memmap + (descs > 0 ? descs : 0)) / pages;
	say("BENCH_MEM %s.present_pages %ld\n", when, pages);
	say("BENCH_MEM %s.memmap_and_descriptors_per_page %.3f\n", when,
	    per_page);
	say("BENCH_MEM %s.per_page_above_16 %.3f\n", when, per_page - 16);
}

static void memory_figures(const char *when)
{
	static const char *const keys[] = {
		"MemTotal", "MemFree", "MemAvailable", "Shmem", "Slab",
		"SUnreclaim", NULL,
	};
	const char *const *k;
	long memmap, descs;
	char key[64];

	for (k = keys; *k; k++) {
		snprintf(key, sizeof(key), "%s:", *k);
		say("BENCH_MEM %s.%s %ld\n", when, *k, meminfo_kb(key) * 1024);
	}
	memmap = (vmstat_value("nr_memmap_boot_pages") +
		  vmstat_value("nr_memmap_pages")) * page_size;
	descs = descriptor_bytes();
	say("BENCH_MEM %s.memmap %ld\n", when, memmap);
	say("BENCH_MEM %s.descriptors %ld\n", when, descs);
	per_page_figures(when, memmap, descs);
	census_figures(when);
}

static void load_module(void)
{
	char params[128];
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		finish(0, "open " MODULE_PATH);
	snprintf(params, sizeof(params), "path=%s reps=%u", FILE_PATH, reps);
	/* The module runs its benchmarks in its init and refuses to stay. */
	if (syscall(SYS_finit_module, fd, params, 0) == 0 || errno != EAGAIN)
		finish(0, "finit_module");
	close(fd);
}

static void write_file(const char *path, unsigned long size, int seed)
{
	static uint8_t buf[CHUNK];
	unsigned long done;
	int fd;

	memset(buf, seed, sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		finish(0, path);
	for (done = 0; done < size; done += CHUNK) {
		size_t n = size - done < CHUNK ? size - done : CHUNK;

		if (write(fd, buf, n) != (ssize_t)n)
			finish(0, path);
	}
	if (close(fd))
		finish(0, path);
}

static void bench_anon(void)
{
	unsigned long i, r, pages = ANON_SIZE / page_size;
	uint64_t start = now_ns();
	uint8_t *buf;

	for (r = 0; r < reps; r++) {
		buf = mmap(NULL, ANON_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			finish(0, "anon mmap");
		for (i = 0; i < pages; i++)
			buf[i * page_size] = 1;
		if (munmap(buf, ANON_SIZE))
			finish(0, "anon munmap");
	}
	report("anon_fault_touch_unmap_per_page", start, reps * pages);
}

static void bench_fork(void)
{
	unsigned long i, r;
	uint64_t start;
	uint8_t *buf;
	int status;
	pid_t pid;

	buf = mmap(NULL, FORK_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		finish(0, "fork mmap");
	for (i = 0; i < FORK_SIZE; i += page_size)
		buf[i] = 1;
	start = now_ns();
	for (r = 0; r < 4 * reps; r++) {
		pid = fork();
		if (pid < 0)
			finish(0, "fork");
		if (!pid)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid)
			finish(0, "waitpid");
	}
	report("fork_exit_wait_32mib", start, 4 * reps);
	munmap(buf, FORK_SIZE);
}

static void bench_read(void)
{
	static uint8_t buf[CHUNK];
	unsigned long off, r, ops = 0;
	uint64_t start;
	int fd = open(FILE_PATH, O_RDONLY);

	if (fd < 0)
		finish(0, "open " FILE_PATH);
	start = now_ns();
	for (r = 0; r < 4 * reps; r++)
		for (off = 0; off < FILE_SIZE; off += CHUNK, ops++)
			if (pread(fd, buf, CHUNK, off) != CHUNK)
				finish(0, "pread");
	report("read_cached_tmpfs_per_64kib", start, ops);
	close(fd);
}

static void fill_page_cache(void)
{
	char path[64];
	int i;

	if (mkdir("/tmp/fill", 0755))
		finish(0, "mkdir /tmp/fill");
	for (i = 0; i < SMALL_FILES; i++) {
		snprintf(path, sizeof(path), "/tmp/fill/s%d", i);
		write_file(path, SMALL_SIZE, i);
	}
	for (i = 0; i < LARGE_FILES; i++) {
		snprintf(path, sizeof(path), "/tmp/fill/l%d", i);
		write_file(path, LARGE_SIZE, i);
	}
}

int main(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (mount_fs("proc", "/proc", NULL))
		finish(0, "mount /proc");
	if (mount_fs("sysfs", "/sys", NULL))
		finish(0, "mount /sys");
	if (mount_fs("tmpfs", "/tmp", "size=90%"))
		finish(0, "mount tmpfs");
	/* For the census, where the kernel has one. */
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		say("bench: no debugfs (errno %d)\n", errno);
	read_reps();
	say("BENCH_START reps %u page_size %ld\n", reps, page_size);
	memory_figures("boot");
	write_file(FILE_PATH, FILE_SIZE, 7);
	load_module();
	bench_anon();
	bench_fork();
	bench_read();
	fill_page_cache();
	memory_figures("filled");
	finish(1, NULL);
	return 0;
}
