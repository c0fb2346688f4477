// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic input for scripts/count-users: fs_page_calls. Counted (3): the
 * lock_page() call in the body of synthetic_lock_page() and the two page
 * calls in synthetic_fs_read(). Not counted: this comment's unlock_page(),
 * the name of the lock_page #define, the string, and the folio calls.
 */
#define synthetic_lock_page(p)	lock_page(p)
#define lock_page(p)		synthetic_lock_page(p)

static int synthetic_fs_read(struct page *page, struct folio *folio)
{
	const char *s = "unlock_page(page)";

	SetPageUptodate(page);
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	unlock_page (page);
	return s != 0;
}
