/* The daemon's listening socket: parsing --listen, binding, adopting. Runs in P1. */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "protocol.h"

/* Older headers lack them (Linux 5.3 and 5.6). */
#if defined(__linux__) && !defined(SYS_pidfd_open)
#define SYS_pidfd_open 434
#endif
#if defined(__linux__) && !defined(SYS_pidfd_getfd)
#define SYS_pidfd_getfd 438
#endif

/* Strict decimal 0..65535: digits only, no sign, not empty. */
static int parse_port(const char *s, unsigned *out)
{
    unsigned long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 65535)
            return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int listen_parse(const char *spec, struct listen_addr *out)
{
    char host[64];
    const char *colon, *port;
    size_t len;

    memset(out, 0, sizeof *out);
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        len = (size_t)(close - spec - 1);
        if (len == 0 || len >= sizeof host)
            return -1;
        memcpy(host, spec + 1, len);
        host[len] = '\0';
        /* inet_pton takes no zone (fe80::1%eth0) and no IPv4 here. */
        if (inet_pton(AF_INET6, host, out->addr) != 1)
            return -1;
        out->family = AF_INET6;
        port = close + 2;
    } else if ((colon = strchr(spec, ':')) != NULL) {
        len = (size_t)(colon - spec);
        if (len == 0 || len >= sizeof host || strchr(colon + 1, ':') != NULL)
            return -1; /* an IPv6 address without brackets, or no address */
        memcpy(host, spec, len);
        host[len] = '\0';
        /* Dotted quad only: inet_pton refuses 127.1, 0x7f.1 and spaces. */
        if (inet_pton(AF_INET, host, out->addr) != 1)
            return -1;
        out->family = AF_INET;
        port = colon + 1;
    } else {
        out->family = AF_UNSPEC;
        port = spec;
    }
    return parse_port(port, &out->port);
}

/* A descriptor at 3 or above, close-on-exec: never one of the standard
 * three, which descriptors_open() fills and descriptors_redirect() replaces. */
static int above_stdio(int fd)
{
    int moved;

    if (fd >= 3)
        return fd;
    moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    (void)close(fd);
    return moved;
}

static void bind_failed(const char *spec, int err)
{
    const char *fix;

    switch (err) {
    case EADDRINUSE:
        fix = "the port is in use (EADDRINUSE); stop what listens there or "
              "choose another --listen";
        break;
    case EACCES:
        fix = "permission denied (EACCES); ports below 1024 need root or "
              "CAP_NET_BIND_SERVICE: start as root (with --user) or choose a "
              "port of 1024 or above";
        break;
    case EADDRNOTAVAIL:
        fix = "no interface of this host has that address (EADDRNOTAVAIL); "
              "give one of its addresses, or the port alone for all";
        break;
    default:
        fix = strerror(err);
        break;
    }
    fprintf(stderr, PROTOCOL_PREFIX "cannot listen on --listen=%s: %s\n", spec,
            fix);
}

int listen_open(const struct listen_addr *a, const char *spec)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    int fd = -1, family, one = 1, zero = 0, err;

    memset(&ss, 0, sizeof ss);
    family = a->family == AF_INET ? AF_INET : AF_INET6;
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 && a->family == AF_UNSPEC && errno == EAFNOSUPPORT) {
        family = AF_INET; /* no IPv6 on this host: every IPv4 address */
        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    if (fd < 0 || (fd = above_stdio(fd)) < 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot create a socket for --listen=%s: %s\n",
                spec, strerror(errno));
        return -1;
    }
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((unsigned short)a->port);
        if (a->family == AF_INET)
            memcpy(&in->sin_addr, a->addr, 4);
        else
            in->sin_addr.s_addr = htonl(INADDR_ANY);
        sslen = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((unsigned short)a->port);
        memcpy(&in6->sin6_addr, a->addr, 16); /* all zero: in6addr_any */
        sslen = sizeof *in6;
    }
    /* SO_REUSEADDR: a restart binds while the old daemon's connections are
     * in TIME_WAIT. IPV6_V6ONLY off: IPv4 clients reach [::] too, whatever
     * net.ipv6.bindv6only says, as on the JDK's own IPv6 sockets. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || (family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0)) {
        err = errno;
        (void)close(fd);
        fprintf(stderr, PROTOCOL_PREFIX "cannot set up a socket for --listen=%s: %s\n",
                spec, strerror(err));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0
        || listen(fd, SOMAXCONN) != 0) {
        err = errno;
        (void)close(fd);
        bind_failed(spec, err);
        return -1;
    }
    return fd;
}

int listen_adopt(int fd, const char *what)
{
    struct stat st;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int type = 0, accepting = 0, copy;
    socklen_t ilen = sizeof type, alen = sizeof accepting;
    const char *problem = NULL;

    if (fstat(fd, &st) != 0)
        problem = "is not open";
    else if (!S_ISSOCK(st.st_mode))
        problem = "is not a socket";
    else if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ilen) != 0
             || type != SOCK_STREAM
             || getsockname(fd, (struct sockaddr *)&ss, &len) != 0
             || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6
                 && ss.ss_family != AF_UNIX))
        problem = "is not a TCP or Unix stream socket";
    else if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &alen) != 0
             || !accepting)
        problem = "is a socket that does not listen";
    if (problem != NULL) {
        fprintf(stderr, PROTOCOL_PREFIX "%s (descriptor %d) %s\n", what, fd,
                problem);
        return -1;
    }
    copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot keep %s: %s\n", what,
                strerror(errno));
        return -1;
    }
    return copy;
}

int listen_from_launcher(long launcher_pid, int fd)
{
#ifdef __linux__
    const char *why;
    int pidfd, copy, adopted, err;

    if (launcher_pid <= 0 || (long)getppid() != launcher_pid) {
        fprintf(stderr, PROTOCOL_PREFIX "--listen-launcher-fd needs --launcher-pid, "
                "the helper's parent\n");
        return -1;
    }
    pidfd = (int)syscall(SYS_pidfd_open, (pid_t)launcher_pid, 0);
    /* Pinned: if the parent is still launcher_pid now, the pidfd is it. */
    if (pidfd >= 0 && (long)getppid() != launcher_pid) {
        (void)close(pidfd);
        fprintf(stderr, PROTOCOL_PREFIX "the launcher, pid %ld, is gone\n", launcher_pid);
        return -1;
    }
    copy = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
    err = errno;
    if (pidfd >= 0)
        (void)close(pidfd);
    if (copy < 0) {
        if (err == ENOSYS)
            why = "this kernel has no pidfd_getfd (Linux 5.6+)";
        else if (err == EPERM || err == EACCES)
            why = "not permitted to take it (kernel.yama.ptrace_scope is 1 or more, "
                  "or the launcher is not dumpable)";
        else if (err == EBADF)
            why = "it is not open in the launcher";
        else
            why = strerror(err);
        fprintf(stderr, PROTOCOL_PREFIX "cannot take the launcher's listening socket "
                "(descriptor %d): %s; give the socket as standard input "
                "(systemd: StandardInput=socket) or start as root\n", fd, why);
        return -1;
    }
    /* pidfd_getfd sets close-on-exec; adopt checks it and moves it to 3+. */
    adopted = listen_adopt(copy, "the launcher's listening socket");
    (void)close(copy);
    return adopted;
#else
    (void)launcher_pid;
    fprintf(stderr, PROTOCOL_PREFIX "cannot take the launcher's descriptor %d on this "
            "system; give the socket as standard input\n", fd);
    return -1;
#endif
}
