/* SPDX-License-Identifier: GPL-2.0 */
/* The definition of a counted macro is not a use. */
#define lru_to_page(head) (list_entry((head)->prev, struct page, lru))	/* page_lru 7 */
#define folio_page(folio, n)	(&(folio)->page + (n))			/* folio_page 3 */
