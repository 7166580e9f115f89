/* SPDX-License-Identifier: Apache-2.0 */
/** @file Status codes and the caller-owned error record of libcwtap. */
#ifndef CWTAP_STATUS_H
#define CWTAP_STATUS_H

#include <stddef.h>

#if defined(CWTAP_BUILDING) && defined(__GNUC__)
#define CWT_EXTERN __attribute__((visibility("default")))
#else
#define CWT_EXTERN
#endif

#if defined(__GNUC__)
#define CWT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CWT_PRINTF(f, a)
#endif

/**
 * Every fallible libcwtap function returns one of these. Values are only ever
 * appended, never renumbered, so they may be stored and compared across versions.
 */
enum cwt_status {
    CWT_OK = 0,
    CWT_ENOMEM = 1,       /**< an allocation failed */
    CWT_EINVAL = 2,       /**< an argument or input is malformed */
    CWT_ETOOBIG = 3,      /**< input exceeded a configured limit */
    CWT_EPARSE = 4,       /**< outside input could not be parsed */
    CWT_EIO = 5,          /**< a file or stream operation failed */
    CWT_ERESOLVE = 6,     /**< a host name could not be resolved */
    CWT_ECONNECT = 7,     /**< a connection could not be made */
    CWT_ETIMEOUT = 8,     /**< an operation ran out of time */
    CWT_ETLS = 9,         /**< the TLS handshake or certificate failed */
    CWT_EHTTP = 10,       /**< an HTTP error status or protocol error */
    CWT_EREFUSED = 11,    /**< refused by policy (private address, robots.txt) */
    CWT_ENOTFOUND = 12,   /**< the object does not exist */
    CWT_EUNSUPPORTED = 13,/**< valid but not supported (content type, scheme) */
    CWT_ESTORE = 14,      /**< the store failed */
    CWT_ECONFLICT = 15,   /**< the object exists or changed concurrently */
    CWT_EPERM = 16,       /**< the caller may not do this */
    CWT_EINTERNAL = 17,   /**< a bug: an invariant did not hold */
    CWT_ELIMIT = 18,      /**< a rate or quota limit was reached */
    CWT_ELOCKED = 19,     /**< refused until a date (the program's 6-month lock) */
    CWT_STATUS_COUNT_     /* keep last */
};

/** A short, static, lowercase description of @p st; never NULL. */
CWT_EXTERN const char *cwt_strerror(enum cwt_status st);

/** The stable machine name of @p st, e.g. "timeout"; never NULL. */
CWT_EXTERN const char *cwt_status_name(enum cwt_status st);

/**
 * Details of a failure, owned by the caller (like curl's ERRORBUFFER). The
 * library fills it when a call fails and never prints. @c field names the
 * input field, row or byte the message is about, when there is one.
 */
struct cwt_err {
    enum cwt_status status;
    char field[96];
    char msg[512];
};

/** Clears @p err (NULL allowed). */
CWT_EXTERN void cwt_err_clear(struct cwt_err *err);

/**
 * Records @p st and a printf-style message in @p err (NULL allowed) and
 * returns @p st, so callers write `return cwt_err_set(err, CWT_EINVAL, ...)`.
 */
CWT_EXTERN enum cwt_status cwt_err_set(struct cwt_err *err, enum cwt_status st, const char *fmt, ...)
    CWT_PRINTF(3, 4);

/** Like cwt_err_set() and also records the field, row or byte @p field. */
CWT_EXTERN enum cwt_status cwt_err_setf(struct cwt_err *err, enum cwt_status st, const char *field,
                                        const char *fmt, ...) CWT_PRINTF(4, 5);

#endif
