/* Async-signal-safe message writing: only write(2), no stdio, no malloc. */
#include "report.h"

#include <errno.h>
#include <unistd.h>

/* Room for a PATH_MAX-sized path plus the text around it; longer is cut. */
#define LINE_MAX_BYTES 4608

struct line {
    char buf[LINE_MAX_BYTES];
    size_t len;
};

/* Room kept free while appending a path, for "...: errno N (NAME)\n". */
#define SUFFIX_RESERVE 64

/* Append s, leaving at least reserve + 1 bytes free; "..." marks a cut. */
static void append_bounded(struct line *l, const char *s, size_t reserve)
{
    size_t limit = sizeof l->buf - 1 - reserve;

    while (s != NULL && *s != '\0' && l->len < limit)
        l->buf[l->len++] = *s++;
    if (s != NULL && *s != '\0' && l->len >= 3)
        l->buf[l->len - 1] = l->buf[l->len - 2] = l->buf[l->len - 3] = '.';
}

static void append_str(struct line *l, const char *s)
{
    append_bounded(l, s, 0);
}

static void append_long(struct line *l, long v)
{
    char digits[24];
    size_t n = 0;
    /* Work with the negative value so LONG_MIN does not overflow. */
    long x = v < 0 ? v : -v;

    do {
        digits[n++] = (char)('0' - (x % 10));
        x /= 10;
    } while (x != 0);
    if (v < 0)
        digits[n++] = '-';
    while (n > 0 && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = digits[--n];
}

/* Names for the errors exec, fork and setsid typically fail with. */
static const char *errno_name(int err)
{
    switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ENOMEM: return "ENOMEM";
    case E2BIG: return PROTOCOL_E2BIG;
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ETXTBSY: return "ETXTBSY";
    case EAGAIN: return PROTOCOL_EAGAIN;
    case EPERM: return "EPERM";
    default: return NULL;
    }
}

int report_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

void report_errno(int fd, const char *what, const char *arg, int err)
{
    int saved = errno;
    struct line l;
    const char *name = errno_name(err);

    if (fd < 0)
        return;
    l.len = 0;
    append_str(&l, PROTOCOL_PREFIX);
    append_bounded(&l, what, SUFFIX_RESERVE);
    append_bounded(&l, arg, SUFFIX_RESERVE);
    append_str(&l, PROTOCOL_ERRNO);
    append_long(&l, err);
    if (name != NULL) {
        append_str(&l, " (");
        append_str(&l, name);
        append_str(&l, ")");
    }
    l.buf[l.len++] = '\n'; /* append_* always leave one byte free */
    (void)report_write_all(fd, l.buf, l.len);
    errno = saved;
}

int report_pid(int fd, long pid)
{
    struct line l;

    l.len = 0;
    append_str(&l, PROTOCOL_PID_LINE);
    append_long(&l, pid);
    l.buf[l.len++] = '\n';
    return report_write_all(fd, l.buf, l.len);
}
