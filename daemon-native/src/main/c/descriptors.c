/* Descriptors: opening the daemon's stdio, redirecting it, close-on-exec. */

/* syscall(2) is a GNU extension; CMake defines this already on Linux. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "descriptors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2) /* linux/close_range.h, Linux 5.11 */
#endif
#endif

#include "protocol.h"

/* Upper bound for the fcntl sweep when close_range is not available. */
#define FD_SWEEP_CAP 65536

/*
 * What was opened must be what a log may be: /dev/null, or a regular file
 * with one link owned by this user or root (else another user planted it,
 * or it is someone else's file under a second name). Checked on the
 * descriptor, so nothing can be swapped in between. Then the descriptor
 * is made blocking again, as the daemon's stdout expects.
 */
static int check_log(const char *path, const struct daemon_fds *fds)
{
    struct stat log, null;
    const char *problem = NULL;
    int flags;

    if (fstat(fds->log, &log) != 0 || fstat(fds->devnull, &null) != 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot check log file %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    if (S_ISCHR(log.st_mode) && log.st_rdev == null.st_rdev)
        problem = NULL;
    else if (!S_ISREG(log.st_mode))
        problem = "is not a regular file";
    else if (log.st_nlink != 1)
        problem = "has more than one hard link, so it is also another file";
    else if (log.st_uid != geteuid() && log.st_uid != 0)
        problem = "belongs to another user";
    if (problem != NULL) {
        fprintf(stderr, PROTOCOL_PREFIX "log file %s %s; choose another --log\n",
                path, problem);
        return -1;
    }
    flags = fcntl(fds->log, F_GETFL);
    if (flags < 0 || fcntl(fds->log, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot set up log file %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

int descriptors_open(const struct options *opt, struct daemon_fds *fds)
{
    struct rlimit rl;
    int fd;

    /* If the launcher started us with 0, 1 or 2 closed, open() below would
     * hand out those numbers and the redirection would get confused. Fill
     * 0 and 2 with /dev/null; a closed 1 is an error, since stdout is where
     * the daemon's pid must go. open() returns the lowest free number, and
     * 0..fd-1 are open by now, so it lands exactly on fd. */
    for (fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        if (fd == STDOUT_FILENO) {
            fprintf(stderr, PROTOCOL_PREFIX "standard output is closed, "
                    "cannot report the daemon pid\n");
            return -1;
        }
        if (open("/dev/null", O_RDWR) != fd) {
            fprintf(stderr, PROTOCOL_PREFIX "cannot open /dev/null: %s\n",
                    strerror(errno));
            return -1;
        }
    }

    fds->listen = -1;
    /* O_CLOEXEC on everything opened here: only the dup2 copies at 0, 1, 2
     * are meant to reach the new program. */
    fds->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fds->devnull < 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot open /dev/null: %s\n",
                strerror(errno));
        return -1;
    }

    /* O_NOFOLLOW: refuse a symlink planted at the log path (it would let
     * whoever can write the log's directory redirect our writes).
     * O_NOCTTY: never acquire a terminal should the path name one.
     * O_NONBLOCK: a FIFO planted at the path must not block us in open(). */
    fds->log = open(opt->log_path,
                    O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC
                        | O_NOCTTY | O_NONBLOCK,
                    0644);
    if (fds->log < 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot open log file %s: %s\n",
                opt->log_path, errno == ENXIO ? "it is a FIFO" : strerror(errno));
        return -1;
    }
    if (check_log(opt->log_path, fds) != 0)
        return -1;

    /* getrlimit is not on the async-signal-safe list, so compute the
     * sweep bound now. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
        && rl.rlim_cur < FD_SWEEP_CAP)
        fds->fd_bound = (int)rl.rlim_cur;
    else
        fds->fd_bound = FD_SWEEP_CAP;
    return 0;
}

int descriptors_save_error_fd(void)
{
    /* Close-on-exec: it disappears by itself when exec succeeds, so the
     * launcher reading our stderr pipe sees EOF exactly when the exec
     * happened (or, after the error line, when we _exit). A plain dup would
     * keep the pipe open inside the daemon for its whole life. */
    return fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
}

int descriptors_redirect(const struct daemon_fds *fds)
{
    int fd;

    /* dup2 clears close-on-exec on the target... */
    if (dup2(fds->listen >= 0 ? fds->listen : fds->devnull, STDIN_FILENO) < 0
        || dup2(fds->log, STDOUT_FILENO) < 0
        || dup2(fds->log, STDERR_FILENO) < 0)
        return -1;
    /* ...except when source and target are the same descriptor, where
     * dup2 does nothing. descriptors_open() rules that out; clearing the flag
     * anyway keeps this correct on its own. */
    for (fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_SETFD, 0) < 0)
            return -1;
    return 0;
}

#ifdef __linux__
/* close_range(3, ~0U, CLOSE_RANGE_CLOEXEC): one syscall instead of a sweep.
 * Called through syscall(2) since older C libraries lack the wrapper. */
static int cloexec_range_linux(void)
{
#if defined(SYS_close_range)
    return (int)syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#elif defined(__NR_close_range)
    return (int)syscall(__NR_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#else
    errno = ENOSYS;
    return -1;
#endif
}
#endif

void descriptors_cloexec_from_3(int fd_bound)
{
    int fd;

    /* Descriptors the launcher leaked to us (not opened by us) must not
     * end up in the daemon for its whole life. */
#ifdef __linux__
    /* ENOSYS: kernel < 5.9; EINVAL: kernel < 5.11 (no CLOEXEC flag).
     * Either way, fall back to the sweep. */
    if (cloexec_range_linux() == 0)
        return;
#endif
    for (fd = 3; fd < fd_bound; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC))
            (void)fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}
