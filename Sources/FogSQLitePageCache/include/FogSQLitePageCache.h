#ifndef FOG_SQLITE_PAGE_CACHE_H
#define FOG_SQLITE_PAGE_CACHE_H

/// SQLite's default page cache behind a filter that drops truncations with nothing to remove.
///
/// When a B-tree balance renumbers sibling pages, SQLite parks one page at the number of the
/// "pending byte" page (2^30 / page size + 1) for a moment. The default cache remembers that number
/// as its largest key, and at the end of every write transaction it is asked to drop the pages
/// beyond the database's size: with a key that far beyond, it walks its whole hash table, every
/// bucket and page of a large cache, although no page is left there. The filter keeps its own
/// account of the keys it handed out and passes a truncation on only when a page may lie at or
/// above its limit.

/// Installs the filter as SQLite's page cache; returns SQLITE_OK, or the error of
/// `sqlite3_config` (SQLITE_MISUSE once SQLite has been initialized in this process). Call it
/// before anything else in the process uses SQLite, and once.
int fog_page_cache_filter_install(void);

/// The filter's methods (a `const sqlite3_pcache_methods2 *`) once it is installed, else NULL: for
/// tests that drive one of its caches directly.
const void *fog_page_cache_filter_methods(void);

/// How many truncations `cache` (made by the filter's `xCreate`) passed on to SQLite's cache.
unsigned long long fog_page_cache_filter_passed(const void *cache);

/// How many truncations `cache` answered itself: no page could lie at or above the limit.
unsigned long long fog_page_cache_filter_skipped(const void *cache);

#endif
