/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap worker`: it claims jobs from the store's
 * queue and runs them ("evaluate": cwt_audit() on the site's home page, the
 * report stored as an evaluation), retrying failures with backoff; and it is
 * the scheduler that queues a re-evaluation of every active, verified site
 * each interval (default 24 h), and that probes the customer-service
 * channels each evaluation found, each one every probe interval (default
 * 1 h; program/probes.h). Any number of workers may share a database.
 * SIGTERM or SIGINT lets the current job finish, then the worker exits.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "fetch/fetch.h"
#include "store/store_policy.h"
#include "store/store_events.h"
#include "program/markflow.h"
#include "program/probes.h"
#include "store/store_records.h"

struct worker {
    struct cwt__store *store;
    struct cwt_ctx *ctx;
    struct cwt__policy_cache policy; /* the operator's program policy in force (store_policy.h), re-read on change */
    char id[96];
    int lease_s;
    struct cwt_audit_opts audit;
    struct cwt__probe_policy probes;
    bool quiet;
    bool no_probes; /* the demo: the channels are third-party hosts (wa.me, line.me), not on this machine */
};

#define OPS_WINDOW_S (90 * 86400)
#define OPS_MAX_EVENTS 100000 /* per site and audit; the newest are kept */

/* The fetch options of audits, for the probes (TLS verified: a channel with a bad certificate is not available). */
static struct cwt__fetch_opts probe_fetch_opts(const struct worker *w)
{
    return (struct cwt__fetch_opts){.ca_file = w->audit.ca_file, .resolve = w->audit.resolve,
                                    .nresolve = w->audit.nresolve, .allow_private = w->audit.allow_private,
                                    .user_agent = w->audit.user_agent, .verify_tls = true};
}

/* Runs rounds of the probe scheduler: one, or with @p all until nothing is due. A failure is logged, never fatal. */
static void probe_due(struct worker *w, bool all)
{
    if (w->no_probes)
        return;
    struct cwt__fetch_opts fo = probe_fetch_opts(w);
    struct cwt_err err;
    size_t n = 0;
    do {
        if (cwt__probes_run_due(w->ctx, w->store, &fo, &w->probes, cwt_ctx_now(w->ctx), &n, &err) != CWT_OK) {
            cli_error("probes: %s", err.msg);
            return;
        }
        if (n && !w->quiet)
            fprintf(stderr, "cwtap worker: probed %zu customer-service channel(s)\n", n);
    } while (all && n > 0);
}

/*
 * The program's side of an evaluation: is the SDK tag with this site's id on
 * the home page the audit fetched (cwt_audit_opts.sdk_site_id; no second fetch),
 * then the mark's state machine with the threshold in force (program/markflow.h).
 */
static enum cwt_status judge(struct worker *w, const struct cwt__site *site, const struct cwt_report *rep,
                             const struct cwt__evaluation *ev, struct cwt_err *err)
{
    const char *why = NULL;
    enum cwt__integration integ = cwt__report_integration(rep, &why);
    if (!w->quiet)
        fprintf(stderr, "cwtap worker: %s: %s\n", site->id, why);
    struct cwt__program_policy p;
    struct cwt__eval_threshold th;
    enum cwt_status rc = cwt__policy_cache_at(w->store, &w->policy, ev->at, &p, err); /* in force when evaluated */
    if (rc != CWT_OK)
        return rc;
    return cwt__markflow_evaluated(w->store, &p, ev, integ, &th, err);
}

/* Runs one "evaluate" job: audit the site and store the evaluation. */
static enum cwt_status run_evaluate(struct worker *w, const struct cwt__job *j, struct cwt_err *err)
{
    struct cwt__site site;
    struct cwt_report *rep = NULL;
    struct cwt_ops_data *ops = NULL;
    char *json = NULL;
    enum cwt_status rc = cwt__store_site_get(w->store, NULL, j->site_id, &site, err);
    if (rc == CWT_ENOTFOUND || (rc == CWT_OK && (!site.active || !site.verified_at)))
        return CWT_OK; /* the site went away or is not eligible: nothing to do */
    if (rc != CWT_OK)
        return rc;
    struct cwt_audit_opts o = w->audit;
    o.at = cwt_ctx_now(w->ctx);
    /* The site's platform events and probes: the 90-day window, plus 30 days for orders still due in it. */
    if ((rc = cwt__store_ops_load(w->store, site.domain, o.at - OPS_WINDOW_S - 30 * 86400, o.at, OPS_MAX_EVENTS, &ops,
                                  err)))
        goto out;
    o.ops = ops;
    o.sdk_site_id = site.id;
    if ((rc = cwt_audit(w->ctx, site.url, &o, &rep, err)))
        goto out;
    if ((rc = cwt_report_render(rep, CWT_FORMAT_JSON, 0, &json, err)))
        goto out;
    struct cwt__evaluation ev = {0};
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", site.id);
    ev.at = o.at;
    ev.total = cwt_report_total(rep);
    snprintf(ev.grade, sizeof ev.grade, "%s", cwt_report_grade(rep));
    json_t *root = json_loads(json, 0, NULL);
    const char *mv = json_string_value(json_object_get(root, "model_version"));
    if (!mv)
        mv = json_string_value(json_object_get(json_object_get(root, "model"), "version"));
    snprintf(ev.model_version, sizeof ev.model_version, "%s", mv ? mv : "unknown");
    json_decref(root);
    ev.report = json;
    if ((rc = cwt__store_eval_insert(w->store, &ev, err)))
        goto out;
    /* the channels this evaluation found are the ones to probe from now on (a failure is not the job's) */
    struct cwt_err perr;
    if (cwt__probes_update_channels(w->store, site.domain, json, o.at, &perr) != CWT_OK)
        fprintf(stderr, "cwtap worker: cannot store the channels of '%s': %s\n", site.domain, perr.msg);
    rc = judge(w, &site, rep, &ev, err);
out:
    cwt__ops_data_free(ops);
    cwt_free(json);
    if (rep)
        cwt_report_free(rep);
    return rc;
}

/* Claims and runs one job; CWT_ENOTFOUND when none is due. */
static enum cwt_status run_one(struct worker *w)
{
    struct cwt__job j;
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = cwt__store_job_claim(w->store, w->id, cwt_ctx_now(w->ctx), w->lease_s, &j, &err);
    if (rc != CWT_OK) {
        if (rc != CWT_ENOTFOUND)
            cli_error("cannot claim a job: %s", err.msg);
        return rc;
    }
    if (strcmp(j.kind, "evaluate") == 0)
        rc = run_evaluate(w, &j, &err);
    else if (strcmp(j.kind, "noop") == 0)
        rc = CWT_OK; /* queue health checks and tests */
    else
        rc = cwt_err_setf(&err, CWT_EUNSUPPORTED, "kind", "unknown job kind '%s'", j.kind);
    struct cwt_err e2;
    enum cwt_status rc2 = CWT_ESTORE;
    if (rc == CWT_OK && !w->quiet)
        fprintf(stderr, "cwtap worker: %s %s %s: done\n", j.id, j.kind, j.site_id);
    if (rc != CWT_OK)
        fprintf(stderr, "cwtap worker: %s %s %s: attempt %d/%d failed: %s\n", j.id, j.kind, j.site_id, j.attempts,
                j.max_attempts, err.msg);
    /* Recording the outcome is retried while the store is unavailable (busy, reconnecting). */
    for (int tries = 0; tries < 5 && rc2 == CWT_ESTORE; tries++) {
        if (tries)
            nanosleep(&(struct timespec){0, 200 * 1000 * 1000 * tries}, NULL);
        rc2 = rc == CWT_OK ? cwt__store_job_complete(w->store, j.id, w->id, cwt_ctx_now(w->ctx), &e2)
                           : cwt__store_job_fail(w->store, j.id, w->id, err.msg, cwt_ctx_now(w->ctx), &e2);
    }
    if (rc2 != CWT_OK)
        cli_error("job %s: %s", j.id, e2.msg);
    cwt__job_release(&j);
    return CWT_OK;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: cwtap worker [options]\n\n"
        "Runs queued jobs (evaluations) and schedules the re-evaluation of every active site.\n\n"
        "options:\n"
        "  --db URL            sqlite:PATH (default sqlite:var/cwtap.db) or postgresql://...\n"
        "  --once              run the jobs due now, then exit\n"
        "  --interval SECONDS  re-evaluate each active site this often (default 86400)\n"
        "  --no-schedule       only run jobs; another worker schedules (and probes)\n"
        "  --probe-interval S  probe each customer-service channel this often (default 3600)\n"
        "  --probe-timeout MS  a channel slower than this failed its probe (default 10000)\n"
        "  --poll SECONDS      wait between polls of an empty queue (default 2)\n"
        "  --lease SECONDS     a claimed job returns to the queue if not finished by then (default 900)\n"
        "  --id NAME           worker name recorded on claimed jobs (default host-pid)\n"
        "  --allow-private     audits may reach loopback/private addresses (tests, demo)\n"
        "  --ca-file PEM       trust this CA bundle for audits\n"
        "  --resolve H:P:A     resolve H:P to A for audits (repeatable, as curl's --resolve)\n"
        "  --dns-server A[:P]  DNS server for the audits' MX and TXT look-ups (tests, demo)\n"
        "  --rdap-base URL     RDAP base URL for registration data (tests, demo)\n"
        "  --http-port N       port of plain http probed for the redirect to https (default 80)\n"
        "  --model PATH        the model JSON to score with\n"
        "  --no-probes         do not probe the customer-service channels a report finds (they are\n"
        "                      third-party hosts: keeps a demo or test on this machine)\n"
        "  --quiet             log failures only\n"
        "  --clock-file PATH   TESTS ONLY: read the time (Unix seconds) from PATH on every use\n"
        "  --help              this help\n\n"
        "Without --interval, the interval is the operator's program policy in the store (reeval_interval_s,\n"
        "GET /v1/operator/policy), re-read when it changes; so are the mark deadlines' terms.\n"
        "Stops after the current job on SIGTERM or SIGINT. Exit codes: 0 stopped, 2 usage, 4 bad database.\n");
}

int cmd_worker(int argc, char **argv)
{
    enum { O_DB = 256, O_ONCE, O_INTERVAL, O_NOSCHED, O_POLL, O_LEASE, O_ID, O_PRIVATE, O_CA, O_RESOLVE, O_MODEL,
           O_QUIET, O_CLOCK, O_DNS, O_RDAP, O_HTTPPORT, O_NOPROBES, O_PROBE_INTERVAL, O_PROBE_TIMEOUT, O_HELP };
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB}, {"once", no_argument, NULL, O_ONCE},
        {"interval", required_argument, NULL, O_INTERVAL}, {"no-schedule", no_argument, NULL, O_NOSCHED},
        {"poll", required_argument, NULL, O_POLL}, {"lease", required_argument, NULL, O_LEASE},
        {"id", required_argument, NULL, O_ID}, {"allow-private", no_argument, NULL, O_PRIVATE},
        {"ca-file", required_argument, NULL, O_CA}, {"resolve", required_argument, NULL, O_RESOLVE},
        {"model", required_argument, NULL, O_MODEL}, {"quiet", no_argument, NULL, O_QUIET},
        {"clock-file", required_argument, NULL, O_CLOCK},
        {"dns-server", required_argument, NULL, O_DNS}, {"rdap-base", required_argument, NULL, O_RDAP},
        {"http-port", required_argument, NULL, O_HTTPPORT}, {"no-probes", no_argument, NULL, O_NOPROBES},
        {"probe-interval", required_argument, NULL, O_PROBE_INTERVAL},
        {"probe-timeout", required_argument, NULL, O_PROBE_TIMEOUT},
        {"help", no_argument, NULL, O_HELP}, {NULL, 0, NULL, 0},
    };
    struct worker w = {.lease_s = 900};
    cwt__probe_policy_default(&w.probes);
    const char *db = "sqlite:var/cwtap.db", *clock_file = NULL;
    const char *resolve[32];
    size_t nresolve = 0;
    bool once = false, schedule = true;
    long interval = 0, poll_s = 2; /* interval 0: the policy's reeval_interval_s */
    int c, code = EXIT_INTERNAL;
    char host[64] = "worker";
    gethostname(host, sizeof host - 1);
    snprintf(w.id, sizeof w.id, "%s-%ld", host, (long)getpid());
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_DB: db = optarg; break;
        case O_ONCE: once = true; break;
        case O_INTERVAL:
            interval = atol(optarg);
            if (interval < 60)
                return cli_usage_error("worker", "--interval wants at least 60 seconds");
            break;
        case O_NOSCHED: schedule = false; break;
        case O_POLL:
            poll_s = atol(optarg);
            if (poll_s < 1 || poll_s > 3600)
                return cli_usage_error("worker", "--poll wants 1 to 3600 seconds");
            break;
        case O_LEASE:
            w.lease_s = atoi(optarg);
            if (w.lease_s < 10)
                return cli_usage_error("worker", "--lease wants at least 10 seconds");
            break;
        case O_ID: snprintf(w.id, sizeof w.id, "%s", optarg); break;
        case O_PRIVATE: w.audit.allow_private = true; break;
        case O_CA: w.audit.ca_file = optarg; break;
        case O_RESOLVE:
            if (!cli_resolve_ok(optarg))
                return cli_usage_error("worker", "--resolve wants HOST:PORT:ADDR, not '%s'", optarg);
            if (nresolve >= CWT_ARRAY_LEN(resolve))
                return cli_usage_error("worker", "at most %zu --resolve entries", CWT_ARRAY_LEN(resolve));
            resolve[nresolve++] = optarg;
            break;
        case O_MODEL: w.audit.model_path = optarg; break;
        case O_DNS: w.audit.dns_server = optarg; break;
        case O_RDAP: w.audit.rdap_base = optarg; break;
        case O_HTTPPORT:
            w.audit.http_port = atoi(optarg);
            if (w.audit.http_port < 1 || w.audit.http_port > 65535)
                return cli_usage_error("worker", "--http-port wants 1 to 65535, not '%s'", optarg);
            break;
        case O_QUIET: w.quiet = true; break;
        case O_NOPROBES: w.no_probes = true; break;
        case O_CLOCK: clock_file = optarg; break;
        case O_PROBE_INTERVAL:
            w.probes.interval_s = atol(optarg);
            if (w.probes.interval_s < 60)
                return cli_usage_error("worker", "--probe-interval wants at least 60 seconds");
            break;
        case O_PROBE_TIMEOUT:
            w.probes.timeout_ms = atol(optarg);
            if (w.probes.timeout_ms < 100 || w.probes.timeout_ms > 60000)
                return cli_usage_error("worker", "--probe-timeout wants 100 to 60000 ms");
            break;
        case O_HELP: usage(stdout); return EXIT_OK_;
        default: return cli_usage_error("worker", "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error("worker", "unexpected argument '%s'", argv[optind]);
    w.audit.resolve = resolve;
    w.audit.nresolve = nresolve;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt_ctx_new(&w.ctx) != CWT_OK)
        goto out;
    cli_clock_file(w.ctx, clock_file);
    if (cwt__store_open(db, &(struct cwt__store_opts){.max_conns = 2}, &w.store, &err) != CWT_OK) {
        cli_error("cannot open the database: %s", err.msg);
        code = EXIT_INPUT;
        goto out;
    }
    if (!w.quiet)
        fprintf(stderr, "cwtap worker: %s started%s\n", w.id, schedule ? " (scheduling)" : "");
    /* The interval (unless --interval) and the deadlines follow the operator's policy in the store. */
    for (;;) {
        struct cwt__program_policy pol = w.policy.row.p;
        int64_t now = cwt_ctx_now(w.ctx);
        bool sched_now = schedule;
        if (schedule && cwt__policy_cache_at(w.store, &w.policy, now, &pol, &err) != CWT_OK) {
            cli_error("program policy: %s", err.msg);
            sched_now = w.policy.loaded; /* the last policy read is kept; without one, this pass only runs jobs */
        }
        if (sched_now) {
            int64_t n = 0;
            if (cwt__store_schedule_due(w.store, now, interval ? interval : pol.reeval_interval_s, &n, &err) !=
                CWT_OK)
                cli_error("scheduler: %s", err.msg);
            else if (n && !w.quiet)
                fprintf(stderr, "cwtap worker: scheduled %lld evaluation(s)\n", (long long)n);
            /* The 72-hour deadlines: marks whose upload window has closed are downgraded now. */
            size_t nd = 0;
            if (cwt__markflow_tick_due(w.store, &pol, now, &nd, &err) != CWT_OK)
                cli_error("deadlines: %s", err.msg);
            else if (nd && !w.quiet)
                fprintf(stderr, "cwtap worker: applied %zu mark deadline(s)\n", nd);
            probe_due(&w, once);
        }
        enum cwt_status rc = run_one(&w);
        if (rc == CWT_ENOTFOUND && once)
            break;
        struct timespec wait = {rc == CWT_OK ? 0 : poll_s, 0};
        int sig = sigtimedwait(&set, NULL, &wait);
        if (sig == SIGTERM || sig == SIGINT)
            break;
    }
    code = EXIT_OK_;
out:
    cwt__store_free(w.store);
    cwt_ctx_free(w.ctx);
    return code;
}
