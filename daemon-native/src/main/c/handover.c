/* Handover: a copy of the proven daemon's listening socket (see handover.h). */

/* syscall(2) is a GNU extension; CMake defines this already on Linux. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "handover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "control.h"
#include "protocol.h"

/* pidfd_getfd is 438 on every architecture (the unified syscall table);
 * older headers lack the name. */
#if defined(__linux__) && !defined(SYS_pidfd_getfd)
#define SYS_pidfd_getfd 438
#endif

/* Whether fd is a TCP socket in the listening state. */
static int is_tcp_listener(int fd)
{
    int type = 0, accepting = 0;
    socklen_t len = sizeof type;
    struct sockaddr_storage ss;
    socklen_t alen = sizeof ss;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
        return 0;
    len = sizeof accepting;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0 || !accepting)
        return 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &alen) != 0)
        return 0;
    return ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
}

int handover_take(const char *pidfile, long pid, long long start, int *fd_out)
{
#ifdef __linux__
    int pidfd, fd, rc;

    *fd_out = -1;
    rc = control_prove(pidfile, pid, start, "taking the listening socket of", &pidfd);
    if (rc != PROTOCOL_CONTROL_OK)
        return rc;
    if (pidfd < 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot take the listening socket of pid %ld: "
                "this kernel has no pidfd_open (Linux 5.3+)\n", pid);
        return PROTOCOL_CONTROL_UNSUPPORTED;
    }
    /* The copy comes close-on-exec; fd 0 of the new daemon is a dup2 of it. */
    fd = (int)syscall(SYS_pidfd_getfd, pidfd, 0, 0);
    rc = errno;
    close(pidfd);
    if (fd < 0) {
        if (rc == ESRCH)
            return PROTOCOL_CONTROL_GONE;
        if (rc == ENOSYS) {
            fprintf(stderr, PROTOCOL_PREFIX "cannot take the listening socket of pid %ld: "
                    "this kernel has no pidfd_getfd (Linux 5.6+)\n", pid);
            return PROTOCOL_CONTROL_UNSUPPORTED;
        }
        if (rc == EPERM) {
            fprintf(stderr, PROTOCOL_PREFIX "no permission to take the listening socket "
                    "of pid %ld: pidfd_getfd needs ptrace access to it (root, or its "
                    "own user if it holds no capabilities and kernel.yama.ptrace_scope "
                    "is 0)\n", pid);
            return PROTOCOL_CONTROL_DENIED;
        }
        fprintf(stderr, PROTOCOL_PREFIX "cannot take the listening socket of pid %ld: "
                "%s\n", pid, strerror(rc));
        return PROTOCOL_CONTROL_REFUSED;
    }
    if (fd < 3) {
        /* 0..2 were closed in the launcher: keep the copy clear of them. */
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        rc = errno;
        close(fd);
        if (high < 0) {
            fprintf(stderr, PROTOCOL_PREFIX "cannot take the listening socket of pid %ld: "
                    "%s\n", pid, strerror(rc));
            return PROTOCOL_CONTROL_REFUSED;
        }
        fd = high;
    }
    if (!is_tcp_listener(fd)) {
        close(fd);
        fprintf(stderr, PROTOCOL_PREFIX "pid %ld has no listening TCP socket at fd 0 "
                "(started without --listen)\n", pid);
        return PROTOCOL_CONTROL_NOT_LISTENING;
    }
    *fd_out = fd;
    return PROTOCOL_CONTROL_OK;
#else
    (void)pidfile;
    (void)start;
    *fd_out = -1;
    fprintf(stderr, PROTOCOL_PREFIX "cannot take the listening socket of pid %ld: "
            "only Linux has pidfd_getfd\n", pid);
    return PROTOCOL_CONTROL_UNSUPPORTED;
#endif
}

int handover_probe(const char *pidfile, long pid, long long start)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char addr[INET6_ADDRSTRLEN];
    unsigned port;
    int fd, rc;

    rc = handover_take(pidfile, pid, start, &fd);
    if (rc != PROTOCOL_CONTROL_OK)
        return rc;
    memset(&ss, 0, sizeof ss);
    rc = getsockname(fd, (struct sockaddr *)&ss, &len);
    close(fd);
    if (rc != 0)
        return PROTOCOL_CONTROL_REFUSED;
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
        port = ntohs(a->sin6_port);
        printf(PROTOCOL_LISTENING " inet6 %s %u\n", addr, port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
        port = ntohs(a->sin_port);
        printf(PROTOCOL_LISTENING " inet %s %u\n", addr, port);
    }
    return PROTOCOL_CONTROL_OK;
}
