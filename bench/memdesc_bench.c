// SPDX-License-Identifier: GPL-2.0
/*
 * memdesc_bench: microbenchmarks of the struct page and folio hot paths,
 * built out of tree against the base kernel and the patched kernel alike
 * (scripts/bench), loaded once by the bench guest's /init.
 *
 * Each benchmark runs a loop and prints one line:
 *
 *	BENCH <name> <ns per operation> <operations>
 *
 * Under QEMU's -icount, time in the guest is the instruction count, so the
 * numbers measure the code run, not the host's noise.  The module's init
 * returns -EAGAIN after the run, so that nothing stays loaded.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>

static char *path = "/tmp/bench.dat";
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "a file in tmpfs, in the page cache, for filemap_get_folio()");

static unsigned int reps = 1;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "multiply every loop count by this (short mode: 1)");

#define BENCH_FOLIOS	16	/* order-9 folios walked by pfn */

static void bench_report(const char *name, u64 start, unsigned long ops)
{
	u64 ns = ktime_get_ns() - start;

	pr_info("BENCH %s %llu.%03llu %lu\n", name, div64_u64(ns, ops),
		div64_u64((ns % ops) * 1000, ops), ops);
}

static void bench_alloc_pages(unsigned int order, const char *name,
			      unsigned long loops)
{
	unsigned long i;
	u64 start;

	start = ktime_get_ns();
	for (i = 0; i < loops; i++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);

		if (!page)
			break;
		__free_pages(page, order);
	}
	bench_report(name, start, i ? i : 1);
}

static void bench_folio_alloc(unsigned long loops)
{
	unsigned long i;
	u64 start;

	start = ktime_get_ns();
	for (i = 0; i < loops; i++) {
		struct folio *folio = folio_alloc(GFP_KERNEL, 0);

		if (!folio)
			break;
		folio_put(folio);
	}
	bench_report("folio_alloc_put_order0", start, i ? i : 1);
}

/*
 * page_folio() and compound_head() on every page of BENCH_FOLIOS folios.
 * The first pfn of each folio is looked up before the loop over its pages,
 * so that the loop measures pfn_to_page() and the lookup alone: with
 * CONFIG_FOLIO_MEMDESC, folio_pfn() tests a folio flag and is not inlined.
 */
static void bench_pfn_walk(struct folio **folios, unsigned long loops)
{
	unsigned long nr = folio_nr_pages(folios[0]), i, l, sum = 0;
	unsigned long pfns[BENCH_FOLIOS];
	unsigned int f;
	u64 start;

	for (f = 0; f < BENCH_FOLIOS; f++)
		pfns[f] = folio_pfn(folios[f]);

	start = ktime_get_ns();
	for (l = 0; l < loops; l++)
		for (f = 0; f < BENCH_FOLIOS; f++)
			for (i = 0; i < nr; i++)
				sum += (unsigned long)page_folio(pfn_to_page(pfns[f] + i));
	bench_report("page_folio_per_pfn", start, loops * BENCH_FOLIOS * nr);
	if (!sum)
		pr_info("BENCH unexpected zero\n");

	start = ktime_get_ns();
	for (l = 0; l < loops; l++)
		for (f = 0; f < BENCH_FOLIOS; f++)
			for (i = 0; i < nr; i++)
				sum += (unsigned long)compound_head(pfn_to_page(pfns[f] + i));
	bench_report("compound_head_per_pfn", start, loops * BENCH_FOLIOS * nr);
	if (!sum)
		pr_info("BENCH unexpected zero\n");
}

/* get_page()/put_page() on the pages of a large folio. */
static void bench_get_put(struct folio *folio, unsigned long loops)
{
	unsigned long nr = folio_nr_pages(folio), pfn = folio_pfn(folio), i, l;
	u64 start;

	start = ktime_get_ns();
	for (l = 0; l < loops; l++)
		for (i = 0; i < nr; i++) {
			struct page *page = pfn_to_page(pfn + i);

			get_page(page);
			put_page(page);
		}
	bench_report("get_put_page_folio", start, loops * nr);
}

static void bench_filemap(unsigned long loops)
{
	struct address_space *mapping;
	unsigned long i, nr, hits = 0;
	struct file *file;
	u64 start;

	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file)) {
		pr_info("BENCH skip filemap_get_folio: %s: %ld\n", path,
			PTR_ERR(file));
		return;
	}
	mapping = file->f_mapping;
	nr = i_size_read(file_inode(file)) >> PAGE_SHIFT;
	if (!nr) {
		fput(file);
		return;
	}
	start = ktime_get_ns();
	for (i = 0; i < loops; i++) {
		struct folio *folio = filemap_get_folio(mapping, i % nr);

		if (IS_ERR(folio))
			continue;
		hits++;
		folio_put(folio);
	}
	bench_report("filemap_get_folio", start, loops);
	pr_info("BENCH filemap_get_folio_hits %lu\n", hits);
	fput(file);
}

static int __init memdesc_bench_init(void)
{
	struct folio *folios[BENCH_FOLIOS];
	unsigned int f;

	bench_alloc_pages(0, "alloc_free_pages_order0", 20000UL * reps);
	bench_alloc_pages(9, "alloc_free_pages_order9", 200UL * reps);
	bench_folio_alloc(20000UL * reps);

	for (f = 0; f < BENCH_FOLIOS; f++) {
		folios[f] = folio_alloc(GFP_KERNEL, 9);
		if (!folios[f])
			break;
	}
	if (f == BENCH_FOLIOS) {
		bench_pfn_walk(folios, 4UL * reps);
		bench_get_put(folios[0], 20UL * reps);
	} else {
		pr_info("BENCH skip pfn walk: no order-9 folios\n");
	}
	while (f--)
		folio_put(folios[f]);

	bench_filemap(50000UL * reps);
	pr_info("BENCH done\n");
	return -EAGAIN;
}
module_init(memdesc_bench_init);

MODULE_DESCRIPTION("memdesc hot-path microbenchmarks");
MODULE_LICENSE("GPL");
