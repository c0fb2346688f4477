/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the programs that run as /init in the QEMU guests:
 * memtest.c (the boot smoke test) and bench.c (make bench).
 */
#ifndef MEMDESC_GUEST_H
#define MEMDESC_GUEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

/* printf() to the console, flushed at once so lines interleave in order. */
static inline void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/*
 * The number after @key in a file of "name number ..." lines, such as
 * /proc/vmstat or /proc/meminfo (whose names end in ':', values in kB
 * unless the name says otherwise); -1 if the file or the key is missing.
 */
static inline long proc_value(const char *path, const char *key)
{
	char name[64];
	long v, val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld%*[^\n]", name, &v) == 2)
		if (!strcmp(name, key))
			val = v;
	fclose(f);
	return val;
}

static inline long meminfo_kb(const char *key)
{
	return proc_value("/proc/meminfo", key);
}

static inline long vmstat_value(const char *key)
{
	return proc_value("/proc/vmstat", key);
}

/*
 * End the run: print "<tag>_PASS", or "<tag>_FAIL: @what" with errno, and
 * reboot (QEMU runs with -no-reboot, so it exits).  PID 1 must not exit,
 * so this does not return even if reboot() fails.
 */
static inline void __attribute__((noreturn))
guest_finish(const char *tag, int ok, const char *what)
{
	if (ok)
		say("%s_PASS\n", tag);
	else
		say("%s_FAIL: %s (errno %d: %s)\n", tag, what, errno,
		    strerror(errno));
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

/*
 * Make directory @dir unless it exists and mount a filesystem of @type
 * there, with mount options @opts (or NULL).  Returns 0, or -1 with errno
 * set.
 */
static inline int mount_fs(const char *type, const char *dir,
			   const char *opts)
{
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	return mount(type, dir, type, 0, opts);
}

#endif /* MEMDESC_GUEST_H */
