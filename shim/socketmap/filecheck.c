/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filecheck.c - the files a loaded configuration needs, checked by the
 * user danehopd runs as
 *
 * SYNOPSIS
 *   #include "filecheck.h"
 *
 * DESCRIPTION
 *   The daemon binds as root and runs as its own user. A file that root can
 *   read and that user cannot (a trust anchor in a private directory, a log
 *   file in root's) would otherwise show up at the first lookup, as every
 *   answer TEMP, after the daemon said it was ready. So after dropping
 *   privileges, and again before a reload is accepted, each file is opened
 *   the way the library will open it.
 *
 *   The files are taken from danehop_ctx_describe(), the public account of
 *   the effective settings, so that this check follows the library's own
 *   view of what is in force.
 */
#include "filecheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* readable - a regular file this user can open for reading */
static int readable(const char *what, const char *path, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        snprintf(err, errlen, "%s %.300s: %s", what, path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err, errlen, "%s %.300s: not a regular file", what, path);
        return -1;
    }
    close(fd);
    return 0;
}

/* appendable - the decision log: created if need be, as log.c does */
static int appendable(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0666);

    if (fd < 0) {
        snprintf(err, errlen, "log file %.300s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/* value - the text after "key: " on a line of the description, or NULL */
static const char *value(const char *line, const char *key)
{
    size_t n = strlen(key);

    return strncmp(line, key, n) == 0 ? line + n : NULL;
}

static int check_line(const char *line, char *err, size_t errlen)
{
    const char *v;

    if ((v = value(line, "unbound_conf: ")) != NULL && v[0] == '/')
        return readable("unbound_conf", v, err, errlen);
    if ((v = value(line, "trust_anchor: ")) != NULL && v[0] == '/')
        return readable("trust_anchor", v, err, errlen);
    if ((v = value(line, "resolver: forward to the nameservers of ")) != NULL && v[0] == '/')
        return readable("resolv.conf", v, err, errlen);
    if ((v = value(line, "log: file ")) != NULL)
        return appendable(v, err, errlen);
    return 0;
}

int filecheck_ctx(const danehop_ctx *ctx, char *err, size_t errlen)
{
    char *text = danehop_ctx_describe(ctx), *line, *save = NULL;
    int r = 0;

    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (line = strtok_r(text, "\n", &save); line != NULL && r == 0; line = strtok_r(NULL, "\n", &save)) {
        /* the rules section follows; no file names there */
        if (strncmp(line, "rules:", 6) == 0)
            break;
        r = check_line(line, err, errlen);
    }
    danehop_string_free(text);
    return r;
}

int filecheck_writable(const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    int fd;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int) sizeof(tmp)) {
        snprintf(err, errlen, "%.300s: name too long", path);
        return -1;
    }
    unlink(tmp); /* as stats_write_file: a new file, never what was left there */
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
        snprintf(err, errlen, "%.300s: %s", tmp, strerror(errno));
        return -1;
    }
    close(fd);
    unlink(tmp);
    return 0;
}
