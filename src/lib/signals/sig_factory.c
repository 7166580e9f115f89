/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "factory" signal: evidence of a real factory.
 * It looks for on-site videos (video elements and YouTube, Vimeo, Youku,
 * Bilibili or Tencent Video embeds and links, schema.org VideoObject with an
 * upload date) on factory-like pages, and for a live production-capacity
 * dashboard: a schema.org Dataset or DataFeed (or a linked or embedded
 * dashboard) whose timestamps are fresh at the evaluation instant. See
 * docs/internals/signals-content.md.
 */
#include <stdio.h>

#include "signals/content.h"
#include "signals/marks.h"
#include "util/timeutil.h"

#define FRESH_DAYS 7
#define STALE_DAYS 30

static const char *const video_hosts[] = {"youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com",
                                          "youku.com", "bilibili.com", "v.qq.com", "ixigua.com", NULL};
static const char *const factory_words[] = {"factory", "workshop", "production line", "manufactur", "plant tour",
                                            "工厂", "车间", "生产线", "厂房", "โรงงาน", "สายการผลิต", "nhà máy",
                                            "xưởng", "dây chuyền", "pabrik", "kilang", NULL};
static struct cwt__kwset factory_set = CWT__KWSET(factory_words);
static const char *const dash_words[] = {"production capacity", "capacity dashboard", "live production", "real-time",
                                         "realtime", "dashboard", "产能", "实时", "看板", "กำลังการผลิต",
                                         "công suất", "kapasitas produksi", "kapasiti pengeluaran", NULL};
static struct cwt__kwset dash_set = CWT__KWSET(dash_words);

static bool host_is_video(const char *url)
{
    char host[256];
    size_t hl = cwt__url_host_n(url, host, sizeof host);
    if (!hl)
        return false;
    for (const char *const *h = video_hosts; *h; h++) {
        size_t n = strlen(*h);
        if (host[hl - 1] != (*h)[n - 1]) /* (the last byte rejects most hosts: "m" of .com or "e" of .be) */
            continue;
        if (hl == n ? strcmp(host, *h) == 0 : (hl > n && host[hl - n - 1] == '.' && strcmp(host + hl - n, *h) == 0))
            return true;
    }
    return false;
}

static bool is_video_file(const char *src)
{
    static const char *const ext[] = {".mp4", ".webm", ".m3u8", ".mov", ".ogv", NULL};
    static struct cwt__kwset ext_set = CWT__KWSET(ext);
    return cwt__has_any(src, &ext_set);
}

enum cwt_status cwt__sig_factory(const struct cwt__site *site, struct cwt__signal *out)
{
    size_t pages = 0, videos = 0, factory_videos = 0, video_objects = 0, dated_videos = 0, factory_objects = 0;
    size_t feeds = 0, fresh_feeds = 0, stale_feeds = 0, dash_links = 0;
    int64_t newest_feed = 0;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        const struct cwt__doc *doc = pg->doc;
        if (!doc)
            continue;
        pages++;
        const char *url = cwt__page_url(pg);
        bool factory_page = (pg->role && (strcmp(pg->role, "factory") == 0 || strcmp(pg->role, "about") == 0)) ||
                            cwt__has_any(doc->title, &factory_set);
        for (size_t m = 0; m < doc->nmedia; m++) {
            const struct cwt__media *md = &doc->media[m];
            if (!md->kind || strcmp(md->kind, "img") == 0)
                continue;
            bool vid = strcmp(md->kind, "video") == 0 || host_is_video(md->src) || is_video_file(md->src);
            if (vid) {
                videos++;
                bool fac = factory_page || cwt__has_any(md->title, &factory_set);
                factory_videos += fac;
                char ev[240];
                snprintf(ev, sizeof ev, "%s %s%s%s", md->kind, md->src ? md->src : "", md->title ? " - " : "",
                         md->title ? md->title : "");
                cwt__signal_evidence(out, url, fac ? "factory video" : "video", ev);
            } else if (cwt__has_any(md->title, &dash_set) || cwt__has_any(md->src, &dash_set)) {
                dash_links++;
                cwt__signal_evidence(out, url, "embedded dashboard", md->src ? md->src : md->title);
            }
        }
        for (size_t l = 0; l < doc->nlinks; l++) {
            const struct cwt__link *ln = &doc->links[l];
            if (host_is_video(ln->href) && (factory_page || cwt__has_any(ln->text, &factory_set))) {
                videos++;
                factory_videos++;
                cwt__signal_evidence(out, ln->href, "factory video link", ln->text ? ln->text : ln->href);
            } else if (cwt__has_any(ln->text, &dash_set)) {
                dash_links++;
                cwt__signal_evidence(out, ln->href, "dashboard link", ln->text);
            }
        }
        const json_t *found[16];
        size_t n = CWT_MIN(cwt__site_sdata_find(site, doc, "VideoObject", found, 16), (size_t)16);
        for (size_t k = 0; k < n; k++) {
            video_objects++;
            int64_t up;
            const char *name = cwt__sdata_str(found[k], "name");
            if (cwt__sd_date(found[k], "uploadDate", &up))
                dated_videos++;
            else
                cwt__signal_finding(out, "factory.video_no_date", CWT__SEV_WARN, "a VideoObject has no uploadDate",
                                    "Give each video's uploadDate (ISO 8601) in its schema.org VideoObject.", url, name);
            if (factory_page || cwt__has_any(name, &factory_set) ||
                cwt__has_any(cwt__sdata_str(found[k], "description"), &factory_set))
                factory_objects++;
            cwt__signal_evidence(out, url, "schema.org VideoObject", name ? name : "(no name)");
        }
        static const char *const feed_types[] = {"DataFeed", "Dataset"};
        for (size_t t = 0; t < CWT_ARRAY_LEN(feed_types); t++) {
            n = CWT_MIN(cwt__site_sdata_find(site, doc, feed_types[t], found, 16), (size_t)16);
            for (size_t k = 0; k < n; k++) {
                if (t == 1 && cwt__sdata_is(found[k], "DataFeed"))
                    continue; /* counted as DataFeed */
                feeds++;
                int64_t mod = 0;
                const char *name = cwt__sdata_str(found[k], "name");
                bool dated = cwt__sd_date(found[k], "dateModified", &mod);
                /* the newest item of a DataFeed counts too */
                const json_t *el[16];
                size_t ne = CWT_MIN(cwt__sdata_values(found[k], "dataFeedElement", el, 16), (size_t)16);
                for (size_t e = 0; e < ne; e++) {
                    int64_t t2;
                    if (json_is_object(el[e]) && (cwt__sd_date(el[e], "dateModified", &t2) ||
                                                  cwt__sd_date(el[e], "dateCreated", &t2)) && t2 > mod) {
                        mod = t2;
                        dated = true;
                    }
                }
                char ev[200], date[21] = "no dateModified";
                if (dated)
                    cwt_time_format_iso(mod, date);
                snprintf(ev, sizeof ev, "%s '%s', updated %s", feed_types[t], name ? name : "?", date);
                cwt__signal_evidence(out, url, "production feed", ev);
                if (!dated) {
                    cwt__signal_finding(out, "factory.feed_undated", CWT__SEV_WARN, "a production feed has no dateModified",
                                        "Publish dateModified (ISO 8601 with time zone) on the feed and update it "
                                        "with every refresh.",
                                        url, ev);
                    continue;
                }
                newest_feed = CWT_MAX(newest_feed, mod);
                int64_t age = site->at - mod;
                if (age < -86400) {
                    cwt__signal_finding(out, "factory.feed_future", CWT__SEV_WARN,
                                        "a production feed is dated in the future", "Fix the feed's clock and time zone.",
                                        url, ev);
                } else if (age <= (int64_t)FRESH_DAYS * 86400) {
                    fresh_feeds++;
                } else {
                    stale_feeds++;
                    cwt__signal_finding(out, "factory.feed_stale", CWT__SEV_WARN,
                                        "the production-capacity feed has not been updated for more than a week",
                                        "Update the production dashboard automatically (daily at least).", url, ev);
                }
            }
        }
    }
    if (pages == 0) {
        out->measured = false;
        cwt__signal_summary(out, "no page could be read, so factory evidence could not be measured");
        cwt__signal_evidence(out, site->url, "pages read", "none parsed");
        return CWT_OK;
    }
    double video = (factory_videos || factory_objects) ? 0.4 : (videos || video_objects) ? 0.2 : 0;
    if (video_objects && dated_videos)
        video += 0.2;
    double dash = 0;
    if (fresh_feeds)
        dash = 0.4;
    else if (newest_feed && site->at - newest_feed <= (int64_t)STALE_DAYS * 86400)
        dash = 0.25;
    else if (stale_feeds || feeds || dash_links)
        dash = 0.15;
    if (!videos && !video_objects)
        cwt__signal_finding(out, "factory.no_video", CWT__SEV_WARN, "no factory video was found",
                            "Publish a short on-site video of your factory and production line (embedded on a "
                            "factory page, with a schema.org VideoObject and uploadDate).",
                            site->url, NULL);
    else if (!video_objects)
        cwt__signal_finding(out, "factory.video_no_metadata", CWT__SEV_INFO,
                            "videos are embedded without schema.org VideoObject",
                            "Describe each video with schema.org VideoObject (name, description, thumbnailUrl, "
                            "uploadDate, contentUrl or embedUrl).",
                            site->url, NULL);
    if (!feeds && !dash_links)
        cwt__signal_finding(out, "factory.no_dashboard", CWT__SEV_INFO, "no production-capacity dashboard was found",
                            "Publish a live production-capacity feed (schema.org DataFeed or Dataset with "
                            "dateModified) and link it from the factory page.",
                            site->url, NULL);
    out->measured = true;
    out->value = cwt__clamp01(video + dash);
    out->confidence = cwt__clamp01(0.5 + 0.1 * (double)CWT_MIN(pages, (size_t)3) + (video_objects || feeds ? 0.2 : 0));
    out->raw = (double)(factory_videos + factory_objects + fresh_feeds);
    out->raw_unit = "items";
    json_t *d = cwt__signal_detail(out);
    if (d) {
        json_object_set_new(d, "videos", json_integer((json_int_t)videos));
        json_object_set_new(d, "factory_videos", json_integer((json_int_t)factory_videos));
        json_object_set_new(d, "video_objects", json_integer((json_int_t)video_objects));
        json_object_set_new(d, "factory_video_objects", json_integer((json_int_t)factory_objects));
        json_object_set_new(d, "feeds", json_integer((json_int_t)feeds));
        json_object_set_new(d, "fresh_feeds", json_integer((json_int_t)fresh_feeds));
        json_object_set_new(d, "dashboard_links", json_integer((json_int_t)dash_links));
        if (newest_feed) {
            char iso[21];
            cwt_time_format_iso(newest_feed, iso);
            json_object_set_new(d, "newest_feed", json_string(iso));
        }
    }
    cwt__signal_summary(out, "%zu embedded or linked video(s), %zu of the factory; %zu VideoObject(s), %zu with "
                             "uploadDate; %zu production feed(s), %zu fresh",
                        videos, factory_videos, video_objects, dated_videos, feeds, fresh_feeds);
    if (out->value < 0.95)
        cwt__signal_fix(out, "Show the factory: an on-site video with a schema.org VideoObject (uploadDate), and a "
                             "production-capacity dashboard published as a DataFeed whose dateModified is kept fresh.");
    cwt__content_seen(out, site, pages, "no video, VideoObject, feed or dashboard link was found");
    return CWT_OK;
}
