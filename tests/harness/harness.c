/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the test harness: fixture paths, temporary
 * directories, subprocesses with captured output, a test CA made with the
 * openssl CLI, and nginx instances on 127.0.0.1 with their own configuration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

const char *h_src(const char *rel)
{
    static char path[4096];
    const char *root = getenv("CWTAP_SOURCE_ROOT");
    if (!root)
        root = CWTAP_SOURCE_ROOT;
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return path;
}

size_t h_each_file(const char *const *globs, void (*fn)(const char *path, const char *data, size_t len, void *ud),
                   void *ud)
{
    size_t n = 0;
    for (const char *const *g = globs; *g; g++) {
        glob_t gl;
        if (glob(h_src(*g), 0, NULL, &gl) != 0)
            continue;
        for (size_t i = 0; i < gl.gl_pathc; i++) {
            size_t len;
            char *s = h_read_file(gl.gl_pathv[i], &len);
            if (!s)
                continue;
            fn(gl.gl_pathv[i], s, len, ud);
            free(s);
            n++;
        }
        globfree(&gl);
    }
    return n;
}

size_t h_pieces(char *t, size_t cap, size_t want, const char *const *pieces, size_t n, uint32_t *seed)
{
    size_t len = 0;
    while (len < want) {
        *seed = *seed * 1103515245u + 12345u;
        const char *p = pieces[(*seed >> 8) % n];
        size_t pl = strlen(p);
        if (len + pl > cap)
            break;
        memcpy(t + len, p, pl);
        len += pl;
    }
    return len;
}

void h_pieces_rounds(const char *const *pieces, size_t n, uint32_t seed, int rounds, size_t max,
                     void (*fn)(const char *t, size_t len, const char *what))
{
    char t[1024], what[32];
    for (int round = 0; round < rounds; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = h_pieces(t, sizeof t - 1, (seed >> 8) % (max + 1 < sizeof t ? max + 1 : sizeof t), pieces, n, &seed);
        t[len] = '\0';
        snprintf(what, sizeof what, "round %d", round);
        fn(t, len, what);
    }
}

char *h_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int h_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

char *h_tempdir(const char *tag)
{
    char tmpl[256];
    const char *base = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/cwtap-%s-XXXXXX", base && base[0] ? base : "/tmp", tag);
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

void h_rmtree(const char *path)
{
    if (path && path[0] && strcmp(path, "/") != 0)
        h_sh("rm -rf '%s'", path);
}

int h_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &al)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static char *drain(int fd)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    ssize_t r;
    while ((r = read(fd, b + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (cap - n < 2)
            b = realloc(b, cap *= 2);
    }
    b[n] = '\0';
    return b;
}

int h_run(char *const argv[], const char *stdin_text, struct h_run *r)
{
    memset(r, 0, sizeof *r);
    char *dir = h_tempdir("run");
    if (!dir)
        return -1;
    char outp[512], errp[512], inp[512];
    snprintf(outp, sizeof outp, "%s/out", dir);
    snprintf(errp, sizeof errp, "%s/err", dir);
    snprintf(inp, sizeof inp, "%s/in", dir);
    h_write_file(inp, stdin_text ? stdin_text : "", stdin_text ? strlen(stdin_text) : 0);
    pid_t pid = fork();
    if (pid == 0) {
        int i = open(inp, O_RDONLY), o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(i, 0);
        dup2(o, 1);
        dup2(e, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    int fo = open(outp, O_RDONLY), fe = open(errp, O_RDONLY);
    r->out = drain(fo);
    r->err = drain(fe);
    close(fo);
    close(fe);
    h_rmtree(dir);
    free(dir);
    return 0;
}

void h_run_free(struct h_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int h_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char *h_replace(const char *s, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;
    for (const char *p = s; (p = strstr(p, from)); p += fl)
        n++;
    char *out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1), *w = out;
    const char *p = s, *q;
    while ((q = strstr(p, from))) {
        memcpy(w, p, (size_t)(q - p));
        w += q - p;
        memcpy(w, to, tl);
        w += tl;
        p = q + fl;
    }
    size_t rest = strlen(p);
    memcpy(w, p, rest + 1);
    return out;
}

int h_ca_create(struct h_ca *ca, const char *dir)
{
    memset(ca, 0, sizeof *ca);
    ca->dir = strdup(dir);
    char p[1024];
    snprintf(p, sizeof p, "%s/ca.pem", dir);
    ca->ca_pem = strdup(p);
    return h_sh("cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 "
                "-subj '/O=cwtap test CA/CN=cwtap Test Root' -addext basicConstraints=critical,CA:TRUE "
                "-addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1",
                dir);
}

static void date_arg(char *out, size_t n, int days)
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y%m%d%H%M%SZ", &tm);
}

int h_ca_issue(const struct h_ca *ca, const char *name, const char *host, bool www, int days_from, int days_to)
{
    char nb[32], na[32];
    date_arg(nb, sizeof nb, days_from);
    date_arg(na, sizeof na, days_to);
    char san[512];
    if (www)
        snprintf(san, sizeof san, "DNS:%s,DNS:www.%s", host, host);
    else
        snprintf(san, sizeof san, "DNS:%s", host);
    /* `openssl ca` sets arbitrary validity windows (past ones included); x509 -req cannot. */
    return h_sh("cd '%s' && mkdir -p db && touch db/index.txt && "
                "{ [ -f db/serial ] || echo 1000 > db/serial; } && "
                "printf '[ca]\\ndefault_ca=c\\n[c]\\ndatabase=db/index.txt\\nserial=db/serial\\nnew_certs_dir=db\\n"
                "default_md=sha256\\npolicy=p\\nunique_subject=no\\ncopy_extensions=copy\\n[p]\\ncommonName=supplied\\n"
                "organizationName=optional\\n' > ca.cnf && "
                "openssl req -new -newkey rsa:2048 -nodes -keyout '%s.key' -out '%s.csr' -subj '/CN=%s' "
                "-addext 'subjectAltName=%s' >/dev/null 2>&1 && "
                "openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in '%s.csr' -out '%s.crt' "
                "-startdate %s -enddate %s -notext >/dev/null 2>&1 && cat '%s.crt' > '%s.pem'",
                ca->dir, name, name, host, san, name, name, nb, na, name, name);
}

int h_ca_issue_ex(const struct h_ca *ca, const char *name, const char *host, int days_from, int days_to,
                  const struct h_issue_opts *o)
{
    char nb[32], na[32], san[512], ext[1024] = "";
    date_arg(nb, sizeof nb, days_from);
    date_arg(na, sizeof na, days_to);
    if (o->www)
        snprintf(san, sizeof san, "DNS:%s,DNS:www.%s", host, host);
    else
        snprintf(san, sizeof san, "DNS:%s", host);
    if (o->aia)
        snprintf(ext, sizeof ext, "-addext 'authorityInfoAccess=caIssuers;URI:http://ca.cwtap.invalid/issuer.crt'");
    return h_sh("cd '%s' && mkdir -p db && touch db/index.txt && "
                "{ [ -f db/serial ] || echo 1000 > db/serial; } && "
                "printf '[ca]\ndefault_ca=c\n[c]\ndatabase=db/index.txt\nserial=db/serial\nnew_certs_dir=db\n"
                "default_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=copy\n[p]\ncommonName=supplied\n"
                "organizationName=optional\n' > ca.cnf && "
                "openssl req -new -newkey rsa:%d -nodes -keyout '%s.key' -out '%s.csr' -subj '%s%s/CN=%s' "
                "-addext 'subjectAltName=%s' %s >/dev/null 2>&1 && "
                "openssl ca -batch -config ca.cnf -md %s -cert ca.pem -keyfile ca.key -in '%s.csr' -out '%s.crt' "
                "-startdate %s -enddate %s -notext >/dev/null 2>&1 && cat '%s.crt' > '%s.pem'",
                ca->dir, o->rsa_bits ? o->rsa_bits : 2048, name, name, o->org ? "/O=" : "", o->org ? o->org : "",
                host, san, ext, o->md ? o->md : "sha256", name, name, nb, na, name, name);
}

int h_ca_create_intermediate(struct h_ca *sub, const struct h_ca *parent, const char *dir, const char *cn)
{
    memset(sub, 0, sizeof *sub);
    sub->dir = strdup(dir);
    char p[1024];
    snprintf(p, sizeof p, "%s/ca.pem", dir);
    sub->ca_pem = strdup(p);
    char nb[32], na[32];
    date_arg(nb, sizeof nb, -365);
    date_arg(na, sizeof na, 3000);
    return h_sh("cd '%s' && mkdir -p db && touch db/index.txt && "
                "{ [ -f db/serial ] || echo 2000 > db/serial; } && "
                "printf '[ca]\ndefault_ca=c\n[c]\ndatabase=db/index.txt\nserial=db/serial\nnew_certs_dir=db\n"
                "default_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=copy\n[p]\ncommonName=supplied\n"
                "organizationName=optional\n' > ca.cnf && "
                "openssl req -new -newkey rsa:2048 -nodes -keyout '%s/ca.key' -out '%s/ca.csr' "
                "-subj '/O=cwtap test CA/CN=%s' -addext basicConstraints=critical,CA:TRUE "
                "-addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 && "
                "openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in '%s/ca.csr' -out '%s/ca.pem' "
                "-startdate %s -enddate %s -notext >/dev/null 2>&1",
                parent->dir, dir, dir, cn, dir, dir, nb, na);
}

int h_selfsigned(const char *dir, const char *name, const char *host, int days)
{
    return h_sh("cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s.key' -out '%s.pem' -days %d "
                "-subj '/CN=%s' -addext 'subjectAltName=DNS:%s' >/dev/null 2>&1",
                dir, name, name, days, host, host);
}

void h_ca_free(struct h_ca *ca)
{
    free(ca->dir);
    free(ca->ca_pem);
    memset(ca, 0, sizeof *ca);
}

static int wait_port(int port, int ms)
{
    for (int waited = 0; waited < ms; waited += 20) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok)
            return 0;
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

int h_nginx_start(struct h_nginx *ng, const char *servers_conf)
{
    memset(ng, 0, sizeof *ng);
    ng->dir = h_tempdir("nginx");
    if (!ng->dir)
        return -1;
    ng->http_port = h_free_port();
    ng->https_port = h_free_port();
    while (ng->https_port == ng->http_port)
        ng->https_port = h_free_port();
    char hp[16], sp[16];
    snprintf(hp, sizeof hp, "%d", ng->http_port);
    snprintf(sp, sizeof sp, "%d", ng->https_port);
    char *a = h_replace(servers_conf, "@HTTP_PORT@", hp);
    char *servers = h_replace(a, "@HTTPS_PORT@", sp);
    free(a);
    for (int i = 0; i < H_NGINX_PORTS; i++) {
        int p;
        bool dup;
        do { /* distinct from the others */
            p = h_free_port();
            dup = p == ng->http_port || p == ng->https_port;
            for (int k = 0; k < i; k++)
                dup |= p == ng->ports[k];
        } while (dup);
        ng->ports[i] = p;
        char tok[16], num[16];
        snprintf(tok, sizeof tok, "@PORT%d@", i);
        snprintf(num, sizeof num, "%d", p);
        a = h_replace(servers, tok, num);
        free(servers);
        servers = a;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/logs", ng->dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/nginx.conf", ng->dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(servers);
        return -1;
    }
    fprintf(f,
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n"
            "error_log %s/logs/error.log warn;\nuser root;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  access_log %s/logs/access.log;\n"
            "  client_body_temp_path %s/tmp_body; proxy_temp_path %s/tmp_proxy;\n"
            "  fastcgi_temp_path %s/tmp_fcgi; uwsgi_temp_path %s/tmp_uwsgi; scgi_temp_path %s/tmp_scgi;\n"
            "  types { text/html html htm; text/plain txt; application/json json; application/xml xml;\n"
            "          image/png png; image/jpeg jpg; application/pdf pdf; text/css css;\n"
            "          application/javascript js; video/mp4 mp4; }\n"
            "  default_type application/octet-stream;\n  gzip on; gzip_types text/plain application/json;\n"
            "%s\n}\n",
            ng->dir, ng->dir, ng->dir, ng->dir, ng->dir, ng->dir, ng->dir, ng->dir, servers);
    fclose(f);
    free(servers);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        execlp("nginx", "nginx", "-p", ng->dir, "-c", path, (char *)NULL);
        execl("/usr/sbin/nginx", "nginx", "-p", ng->dir, "-c", path, (char *)NULL);
        _exit(127);
    }
    ng->pid = pid;
    if (wait_port(ng->http_port, 5000) != 0 && wait_port(ng->https_port, 100) != 0) {
        h_nginx_stop(ng);
        return -1;
    }
    return 0;
}

void h_nginx_stop(struct h_nginx *ng)
{
    if (ng->pid > 0) {
        kill(ng->pid, SIGTERM);
        int st;
        waitpid(ng->pid, &st, 0);
        ng->pid = 0;
    }
    if (ng->dir) {
        h_rmtree(ng->dir);
        free(ng->dir);
        ng->dir = NULL;
    }
}
