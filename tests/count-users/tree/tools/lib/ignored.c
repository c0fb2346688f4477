// SPDX-License-Identifier: GPL-2.0
/* tools/ is not scanned. */
void f(struct page *page) { list_del(&page->lru); page->mapping = 0; }
