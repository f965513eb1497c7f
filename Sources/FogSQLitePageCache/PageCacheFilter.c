#include "FogSQLitePageCache.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>

/// How many pages moved above `maxKey` a cache keeps track of one by one; beyond that it raises
/// `maxKey` instead, which is always safe (a truncation is then passed on).
enum { TRACKED_HIGH_KEYS = 8 };

/// One page cache: SQLite's own, and an upper bound of the keys its pages hold.
typedef struct {
    sqlite3_pcache *inner;
    /// No page was created or moved at a key above this, except the keys in `high`.
    unsigned maxKey;
    /// Keys above `maxKey` that a page was moved to (`xRekey`) and may still hold.
    unsigned high[TRACKED_HIGH_KEYS];
    int highCount;
    /// Truncations passed on to SQLite's cache, and answered here.
    unsigned long long passed;
    unsigned long long skipped;
} FilterCache;

static sqlite3_pcache_methods2 inner;
static sqlite3_pcache_methods2 filter;
static atomic_int installed;

/// Where `key` is in `cache->high`, or -1.
static int highIndex(const FilterCache *cache, unsigned key) {
    for (int i = 0; i < cache->highCount; i++) {
        if (cache->high[i] == key) return i;
    }
    return -1;
}

/// Removes the entry at `index` of `cache->high` (its last entry takes its place).
static void removeHigh(FilterCache *cache, int index) {
    cache->high[index] = cache->high[--cache->highCount];
}

static sqlite3_pcache *filterCreate(int szPage, int szExtra, int bPurgeable) {
    FilterCache *cache = malloc(sizeof *cache);
    if (cache == NULL) return NULL;
    cache->inner = inner.xCreate(szPage, szExtra, bPurgeable);
    if (cache->inner == NULL) {
        free(cache);
        return NULL;
    }
    cache->maxKey = 0;
    cache->highCount = 0;
    cache->passed = 0;
    cache->skipped = 0;
    return (sqlite3_pcache *)cache;
}

static void filterCachesize(sqlite3_pcache *p, int nCachesize) {
    inner.xCachesize(((FilterCache *)p)->inner, nCachesize);
}

static int filterPagecount(sqlite3_pcache *p) {
    return inner.xPagecount(((FilterCache *)p)->inner);
}

static sqlite3_pcache_page *filterFetch(sqlite3_pcache *p, unsigned key, int createFlag) {
    FilterCache *cache = (FilterCache *)p;
    sqlite3_pcache_page *page = inner.xFetch(cache->inner, key, createFlag);
    if (page != NULL && key > cache->maxKey && highIndex(cache, key) < 0) cache->maxKey = key;
    return page;
}

static void filterUnpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard) {
    inner.xUnpin(((FilterCache *)p)->inner, page, discard);
}

static void filterRekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned oldKey, unsigned newKey) {
    FilterCache *cache = (FilterCache *)p;
    inner.xRekey(cache->inner, page, oldKey, newKey);
    int moved = highIndex(cache, oldKey);
    if (moved >= 0) removeHigh(cache, moved);
    if (newKey <= cache->maxKey) return;
    if (cache->highCount < TRACKED_HIGH_KEYS) {
        cache->high[cache->highCount++] = newKey;
    } else {
        cache->maxKey = newKey;
    }
}

static void filterTruncate(sqlite3_pcache *p, unsigned limit) {
    FilterCache *cache = (FilterCache *)p;
    int reached = cache->maxKey >= limit;
    for (int i = 0; i < cache->highCount && !reached; i++) reached = cache->high[i] >= limit;
    if (!reached) {
        cache->skipped++;
        return;
    }
    cache->passed++;
    inner.xTruncate(cache->inner, limit);
    if (cache->maxKey >= limit) cache->maxKey = limit > 0 ? limit - 1 : 0;
    for (int i = 0; i < cache->highCount;) {
        if (cache->high[i] >= limit) {
            removeHigh(cache, i);
        } else {
            i++;
        }
    }
}

static void filterDestroy(sqlite3_pcache *p) {
    FilterCache *cache = (FilterCache *)p;
    inner.xDestroy(cache->inner);
    free(cache);
}

static void filterShrink(sqlite3_pcache *p) {
    inner.xShrink(((FilterCache *)p)->inner);
}

int fog_page_cache_filter_install(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner);
    if (rc != SQLITE_OK) return rc;
    filter = (sqlite3_pcache_methods2){
        .iVersion = inner.iVersion,
        .pArg = inner.pArg,
        .xInit = inner.xInit,
        .xShutdown = inner.xShutdown,
        .xCreate = filterCreate,
        .xCachesize = filterCachesize,
        .xPagecount = filterPagecount,
        .xFetch = filterFetch,
        .xUnpin = filterUnpin,
        .xRekey = filterRekey,
        .xTruncate = filterTruncate,
        .xDestroy = filterDestroy,
        .xShrink = filterShrink,
    };
    rc = sqlite3_config(SQLITE_CONFIG_PCACHE2, &filter);
    if (rc == SQLITE_OK) atomic_store(&installed, 1);
    return rc;
}

const void *fog_page_cache_filter_methods(void) {
    return atomic_load(&installed) ? &filter : NULL;
}

unsigned long long fog_page_cache_filter_passed(const void *cache) {
    return ((const FilterCache *)cache)->passed;
}

unsigned long long fog_page_cache_filter_skipped(const void *cache) {
    return ((const FilterCache *)cache)->skipped;
}
