// SPDX-License-Identifier: GPL-2.0
/* Synthetic input for scripts/count-users; see ../expected.txt. */
/* page->lru and page->mapping in a comment do not count. */
#include <linux/mm.h>

static void counted(struct list_head *list)
{
	struct page *page, *tmp;
	struct folio *folio;
	struct buffer_head *bh;
	struct page *pages[4];
	pgtable_t pgtable;

	list_add(&page->lru, list);				/* page_lru 1 */
	list_for_each_entry_safe(page, tmp, list, lru)		/* page_lru 2 */
		list_del(&tmp->lru);				/* page_lru 3 */
	page = list_first_entry(list, struct page, lru);	/* page_lru 4 */
	page = lru_to_page(list);				/* page_lru 5 */
	list_del(&pgtable->lru);				/* page_lru 6 */
	pages[1]->mapping = NULL;				/* page_mapping 1 */
	virt_to_page(folio)->mapping = NULL;			/* page_mapping 2 */
	folio->lru.next = NULL;					/* a folio: not counted */
	use(&folio->page);					/* folio_page 1 */
	folio->page.flags.f = 0;				/* folio_page 2 */
	bh->b_page = NULL;					/* bh_b_page 1 */
	page->pp_magic = 0;					/* page_pp_fields 1 */
	pp_page_to_nmdesc(page)->pp = NULL;			/* pp_page_to_nmdesc_calls 1 */
	page->memcg_data = 0;					/* page_memcg_data 1 */
	folio->memcg_data = 0;					/* folio_memcg_data 1 */
	use("page->lru in a string");
}

static void not_counted(void)
{
	struct node *page;
	cas_page_t *page2;
	struct foo *p;

	page->lru = 0;			/* "page" is shadowed by a struct node */
	page2->dma_addr = 0;		/* a typedef that is not struct page */
	p->lru.next = NULL;		/* not a page */
	x.pages.dma_addr = 0;		/* fallback names must be used as pointers */
	list_for_each_entry(p, &head, lru)	/* the cursor is not a page */
		;
}

/* Begin: memcg_data accessors for pages. */
static inline bool accessor(struct page *page)
{
	return page->memcg_data;	/* inside the accessor layer */
}
/* End: memcg_data accessors for pages. */

/* The 32-byte layout's work list. */
#define compound_head(page)	((typeof(page))_compound_head(page))
#define page_folio(p)		((struct folio *)_compound_head(p))
struct page *virt_to_head_page(const void *x);

static void layout_32(struct page *page, struct slab *slab, void *addr)
{
	struct folio *folio;

	page->compound_info = 0;		/* page_past_32 1 */
	call_rcu(&page->rcu_head, NULL);	/* page_past_32 2 */
	use(slab->rcu_head);			/* not a page */
	use(compound_head(page));		/* compound_head_calls 1 */
	use(virt_to_head_page(addr));		/* compound_head_calls 2 */
	folio = (struct folio *)page;		/* folio_casts 1 */
	folio = (struct folio *)pfn_to_page(0);	/* folio_casts 2 */
	folio = (struct folio *)addr;		/* not a page */
	folio = page_folio(page);		/* page_folio_calls 1 */
	use(page_folio(pfn_to_page(0)));	/* page_folio_calls 2 */
}
