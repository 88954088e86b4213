/* SPDX-License-Identifier: MIT */
/*
 * http.c - libcurl wrapper: concurrent HTTP(S) GETs on one multi handle,
 * http and https only (redirects included), a whole-request timeout,
 * bodies capped at GATE_HTTP_MAX_BODY, no credentials in URLs, every
 * error message naming the URL. The only module that includes libcurl.
 */
#include "gate/compat.h"
#include "gate/http.h"
#include "gate/clock.h"
#include "gate/dl.h"
#include "gate/version.h"
#include "gate/secrets.h"
#include "gate/xalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* curl.h's typecheck macros (curl_easy_setopt ...) would expand at the calls through the table */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/*
 * libcurl is loaded on first use (dl.h), and curl_global_init() run right
 * after, by gate_http_global_init(): gate_http_url_check() and
 * gate_http_new() call it; everything else takes a set or a request.
 */
#define CURL_FUNCS(X, t)        \
 X(t, curl_easy_cleanup)        \
 X(t, curl_easy_getinfo)        \
 X(t, curl_easy_init)           \
 X(t, curl_easy_setopt)         \
 X(t, curl_easy_strerror)       \
 X(t, curl_free)                \
 X(t, curl_global_cleanup)      \
 X(t, curl_global_init)         \
 X(t, curl_multi_add_handle)    \
 X(t, curl_multi_cleanup)       \
 X(t, curl_multi_info_read)     \
 X(t, curl_multi_init)          \
 X(t, curl_multi_perform)       \
 X(t, curl_multi_poll)          \
 X(t, curl_multi_remove_handle) \
 X(t, curl_multi_strerror)      \
 X(t, curl_url)                 \
 X(t, curl_url_cleanup)         \
 X(t, curl_url_get)             \
 X(t, curl_url_set)             \
 X(t, curl_url_strerror)
GATE_DL_TABLE(curl, CURL_FUNCS);
static bool curl_ready; /* curl_global_init() succeeded: cleanup is due */

static enum gate_code curl_init(struct gate_err *err)
{
    CURLcode cc = curl.curl_global_init(CURL_GLOBAL_DEFAULT);

    if (cc != CURLE_OK)
        return gate_fail(err, GATE_E_HTTP, "cannot initialise libcurl: %s",
                         curl.curl_easy_strerror(cc));
    curl_ready = true;
    return GATE_OK;
}

static struct gate_dl libcurl = {
    .name = "libcurl",
    .sonames = (const char *const[]){GATE_LIBCURL_SONAMES, NULL},
    .need = "to run the HTTP health checks",
    .package = GATE_LIBCURL_PACKAGE,
    .code = GATE_E_HTTP,
    GATE_DL_SYMS(curl),
    .init = curl_init,
};

_Static_assert(CURL_ERROR_SIZE <= sizeof(((struct gate_http_req *)0)->errbuf_),
               "errbuf_ must hold CURL_ERROR_SIZE bytes");

#define MAX_REDIRS 5L

struct gate_http {
    CURLM *multi;
    struct gate_http_req **live; /* in libcurl's hands */
    size_t nlive, caplive;
    struct gate_http_req **done; /* finished, not yet returned (FIFO) */
    size_t ndone, capdone, donehead;
};

enum gate_code gate_http_global_init(struct gate_err *err)
{
    return gate_dl_load(&libcurl, err);
}

void gate_http_global_cleanup(void)
{
    if (curl_ready)
        curl.curl_global_cleanup();
    curl_ready = false;
}

char *gate_http_url_redact(const char *url)
{
    const char *auth, *at;

    if (!url)
        return gate_xstrdup("");
    auth = strstr(url, "://");
    /* up to the URL's last '@', not its authority's: a password may hold a '/', '?' or '#' */
    at = gate_url_last_at(url);
    if (!auth || !at)
        return gate_xstrdup(url);
    auth += 3;
    return gate_xasprintf("%.*s***%s", (int)(auth - url), url, at);
}

static bool has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);

    return !strncasecmp(url, scheme, n) && !strncmp(url + n, "://", 3);
}

enum gate_code gate_http_url_check(const char *url, struct gate_err *err)
{
    CURLU *u;
    CURLUcode uc;
    char *part = NULL;
    char *shown;
    enum gate_code rc = GATE_OK;

    if (!url || !*url)
        return gate_fail(err, GATE_E_USAGE, "empty URL (an http:// or https:// URL is needed)");
    shown = gate_http_url_redact(url);
    if (!has_scheme(url, "http") && !has_scheme(url, "https")) {
        rc = gate_fail(err, GATE_E_USAGE,
                       "URL '%s' is not http:// or https:// (only those are "
                       "allowed)",
                       shown);
        goto out;
    }
    {
        const char *host = strstr(url, "://") + 3;

        if (!*host || strchr("/?#:@", *host) || strpbrk(url, " \t\r\n")) {
            rc = gate_fail(err, GATE_E_USAGE, "URL '%s' has no host (or has blanks)", shown);
            goto out;
        }
        if (gate_url_last_at(url) > host + strcspn(host, "/?#")) {
            /* a password with an unencoded '/', '?' or '#', or an '@' in the path or query */
            rc = gate_fail(err, GATE_E_USAGE,
                           "URL '%s' has an '@' after its host: credentials are refused (put no "
                           "user or password in a health check URL; write an '@' of the path or "
                           "query as %%40)",
                           shown);
            goto out;
        }
    }
    if (gate_http_global_init(err)) {
        rc = GATE_E_HTTP;
        goto out;
    }
    u = curl.curl_url();
    if (!u)
        GATE_BUG("out of memory in libcurl");
    uc = curl.curl_url_set(u, CURLUPART_URL, url, 0);
    if (uc != CURLUE_OK) {
        rc =
            gate_fail(err, GATE_E_USAGE, "invalid URL '%s': %s", shown, curl.curl_url_strerror(uc));
        goto out_u;
    }
    if (curl.curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
        curl.curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
        rc = gate_fail(err, GATE_E_USAGE,
                       "URL '%s' has credentials: refused (put no user or "
                       "password in a health check URL)",
                       shown);
        goto out_u;
    }
    if (curl.curl_url_get(u, CURLUPART_HOST, &part, 0) != CURLUE_OK || !part || !*part)
        rc = gate_fail(err, GATE_E_USAGE, "URL '%s' has no host", shown);
out_u:
    curl.curl_free(part);
    curl.curl_url_cleanup(u);
out:
    free(shown);
    return rc;
}

enum gate_code gate_http_new(struct gate_http **out, struct gate_err *err)
{
    struct gate_http *h;

    *out = NULL;
    if (gate_http_global_init(err))
        return GATE_E_HTTP;
    h = gate_xcalloc(1, sizeof(*h));
    h->multi = curl.curl_multi_init();
    if (!h->multi)
        GATE_BUG("out of memory in libcurl");
    *out = h;
    return GATE_OK;
}

static void drop_handle(struct gate_http *h, struct gate_http_req *req)
{
    CURL *c = req->handle_;

    if (!c)
        return;
    (void)curl.curl_multi_remove_handle(h->multi, c);
    curl.curl_easy_cleanup(c);
    req->handle_ = NULL;
    for (size_t i = 0; i < h->nlive; i++) {
        if (h->live[i] == req) {
            h->live[i] = h->live[--h->nlive];
            break;
        }
    }
}

void gate_http_free(struct gate_http *h)
{
    if (!h)
        return;
    while (h->nlive)
        drop_handle(h, h->live[h->nlive - 1]);
    free(h->live);
    free(h->done);
    (void)curl.curl_multi_cleanup(h->multi);
    free(h);
}

void gate_http_req_release(struct gate_http_req *req)
{
    free(req->body);
    req->body = NULL;
    req->body_len = 0;
    req->body_cap_ = 0;
}

size_t gate_http_pending(const struct gate_http *h)
{
    return h->nlive + (h->ndone - h->donehead);
}

static void push_done(struct gate_http *h, struct gate_http_req *req)
{
    if (h->donehead == h->ndone) {
        h->donehead = 0;
        h->ndone = 0;
    }
    GATE_GROW(h->done, h->capdone, h->ndone + 1);
    h->done[h->ndone++] = req;
}

static struct gate_http_req *take_done(struct gate_http *h)
{
    if (h->donehead == h->ndone)
        return NULL;
    return h->done[h->donehead++];
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct gate_http_req *req = user;
    size_t n = size * nmemb;

    if (n > GATE_HTTP_MAX_BODY - req->body_len) {
        req->too_big_ = true;
        return 0; /* anything but n stops the transfer */
    }
    if (req->body_len + n + 1 > req->body_cap_) {
        size_t cap = req->body_cap_ ? req->body_cap_ : 4096;

        while (cap < req->body_len + n + 1)
            cap *= 2;
        req->body = gate_xrealloc(req->body, cap);
        req->body_cap_ = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
    return n;
}

static void finish_failed(struct gate_http *h, struct gate_http_req *req, enum gate_code code)
{
    req->code = code;
    req->elapsed_ms = gate_clock_ms() - req->started_ms_;
    push_done(h, req);
}

static long long timeout_of(const struct gate_http_req *req)
{
    return req->timeout_ms > 0 ? req->timeout_ms : GATE_HTTP_DEFAULT_TIMEOUT_MS;
}

void gate_http_start(struct gate_http *h, struct gate_http_req *req)
{
    CURL *c;
    CURLcode cc = CURLE_OK;
    CURLMcode mc;
    long long t = timeout_of(req);
    long tmo = t > LONG_MAX ? LONG_MAX : (long)t;

    gate_http_req_release(req);
    req->code = GATE_OK;
    req->refused = false;
    req->reached = false;
    req->status = 0;
    req->elapsed_ms = 0;
    req->too_big_ = false;
    req->errbuf_[0] = '\0';
    gate_err_clear(&req->err);
    req->started_ms_ = gate_clock_ms();

    if (gate_http_url_check(req->url, &req->err)) {
        req->refused = true;
        finish_failed(h, req, req->err.code);
        return;
    }
    c = curl.curl_easy_init();
    if (!c)
        GATE_BUG("out of memory in libcurl");
    /* the first failing option wins; each is checked */
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, req->errbuf_);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_URL, req->url);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_MAXREDIRS, MAX_REDIRS);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tmo);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)GATE_HTTP_MAX_BODY);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_USERAGENT, GATE_NAME "/" GATE_VERSION);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_WRITEDATA, req);
    if (!cc)
        cc = curl.curl_easy_setopt(c, CURLOPT_PRIVATE, (void *)req);
    if (cc != CURLE_OK) {
        curl.curl_easy_cleanup(c);
        (void)gate_fail(&req->err, GATE_E_HTTP, "GET '%s': cannot set up the request: %s", req->url,
                        curl.curl_easy_strerror(cc));
        finish_failed(h, req, GATE_E_HTTP);
        return;
    }
    mc = curl.curl_multi_add_handle(h->multi, c);
    if (mc != CURLM_OK) {
        curl.curl_easy_cleanup(c);
        (void)gate_fail(&req->err, GATE_E_HTTP, "GET '%s': cannot start the request: %s", req->url,
                        curl.curl_multi_strerror(mc));
        finish_failed(h, req, GATE_E_HTTP);
        return;
    }
    req->handle_ = c;
    GATE_GROW(h->live, h->caplive, h->nlive + 1);
    h->live[h->nlive++] = req;
}

static void format_secs(char *buf, size_t n, long long ms)
{
    if (ms % 1000)
        (void)snprintf(buf, n, "%lld ms", ms);
    else
        (void)snprintf(buf, n, "%llds", ms / 1000);
}

/* A finished transfer: its status, body and verdict. */
static void finish(struct gate_http *h, struct gate_http_req *req, CURLcode cc)
{
    long code = 0;
    const char *why = req->errbuf_[0] ? req->errbuf_ : curl.curl_easy_strerror(cc);
    char secs[32];

    if (curl.curl_easy_getinfo(req->handle_, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
        code = 0;
    req->status = (int)code;
    req->reached = code > 0;
    req->elapsed_ms = gate_clock_ms() - req->started_ms_;
    req->code = GATE_OK;
    req->refused = req->too_big_ || cc == CURLE_FILESIZE_EXCEEDED ||
                   cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_TOO_MANY_REDIRECTS;
    if (req->too_big_ || cc == CURLE_FILESIZE_EXCEEDED) {
        req->code = gate_fail(&req->err, GATE_E_LIMIT,
                              "GET '%s': response body larger than %zu KiB: refused", req->url,
                              GATE_HTTP_MAX_BODY / 1024);
    } else if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
        req->code = gate_fail(&req->err, GATE_E_HTTP,
                              "GET '%s': redirect to a URL that is not http or https refused (%s)",
                              req->url, why);
    } else if (cc == CURLE_TOO_MANY_REDIRECTS) {
        req->code = gate_fail(&req->err, GATE_E_HTTP, "GET '%s': more than %ld redirects", req->url,
                              MAX_REDIRS);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        format_secs(secs, sizeof(secs), timeout_of(req));
        req->code = gate_fail(&req->err, GATE_E_HTTP, "GET '%s': timed out after %s%s", req->url,
                              secs, req->reached ? " (reading the body)" : "");
    } else if (cc != CURLE_OK) {
        req->code = gate_fail(&req->err, GATE_E_HTTP, "GET '%s': %s", req->url, why);
    }
    drop_handle(h, req);
    push_done(h, req);
}

static void drive(struct gate_http *h)
{
    int running = 0;

    (void)curl.curl_multi_perform(h->multi, &running);
    for (;;) {
        int left = 0;
        CURLMsg *m = curl.curl_multi_info_read(h->multi, &left);
        char *priv = NULL;

        if (!m)
            break;
        if (m->msg != CURLMSG_DONE)
            continue;
        if (curl.curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv) != CURLE_OK || !priv)
            GATE_BUG("http: a transfer without its request");
        finish(h, (struct gate_http_req *)(void *)priv, m->data.result);
    }
}

struct gate_http_req *gate_http_next(struct gate_http *h, long long wait_ms)
{
    struct gate_http_req *req = take_done(h);

    if (req)
        return req;
    drive(h);
    req = take_done(h);
    if (req || wait_ms <= 0)
        return req;
    (void)curl.curl_multi_poll(h->multi, NULL, 0, wait_ms > INT_MAX ? INT_MAX : (int)wait_ms, NULL);
    drive(h);
    return take_done(h);
}
