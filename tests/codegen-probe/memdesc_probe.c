// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line copies of hot folio helpers, one per function, so that
 * scripts/compare-codegen can compare the code the compiler generates for
 * them at two revisions of the kernel. Built as an external module against
 * the build directory of the revision; never loaded.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page-flags.h>

static noinline __used void probe_folio_get(struct folio *folio)
{
	folio_get(folio);
}

static noinline __used void probe_folio_put(struct folio *folio)
{
	folio_put(folio);
}

static noinline __used int probe_folio_ref_count(const struct folio *folio)
{
	return folio_ref_count(folio);
}

static noinline __used bool probe_folio_try_get(struct folio *folio)
{
	return folio_try_get(folio);
}

static noinline __used int probe_folio_ref_freeze(struct folio *folio, int count)
{
	return folio_ref_freeze(folio, count);
}

static noinline __used bool probe_folio_test_dirty(const struct folio *folio)
{
	return folio_test_dirty(folio);
}

static noinline __used bool probe_folio_test_uptodate(const struct folio *folio)
{
	return folio_test_uptodate(folio);
}

static noinline __used bool probe_folio_test_large(const struct folio *folio)
{
	return folio_test_large(folio);
}

static noinline __used int probe_page_count(const struct page *page)
{
	return page_count(page);
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memdesc workbench: code generation probe, never loaded");
