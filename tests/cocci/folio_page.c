// SPDX-License-Identifier: GPL-2.0
/*
 * Input for scripts/test-cocci: what scripts/coccinelle/api/folio_page.cocci
 * must report (the lines marked "found") and must not (the others).
 */
struct page { int _refcount; unsigned long flags; };
struct folio { struct page page; int _mapcount; };
struct other { struct page page; };

void use_page(struct page *p);
void use_folio(struct folio *f);

#define first_page(f)	(&(f)->page)	/* a macro body: not found */

void call_with_page(struct folio *folio)
{
	use_page(&folio->page);			/* found */
}

unsigned long read_page_field(struct folio *f)
{
	return f->page.flags;			/* found */
}

void assign_page(struct folio *folio)
{
	struct page *p = &folio->page;		/* found */

	use_page(p);
}

void other_struct(struct other *o, struct page *page)
{
	use_page(&o->page);			/* not a folio: not found */
	use_page(page);				/* not found */
}

void already_a_folio(struct folio *folio)
{
	use_folio(folio);			/* not found */
}
