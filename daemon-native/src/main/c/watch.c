/* Waking the launcher while the daemon starts (see watch.h). */
#include "watch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#include <sys/syscall.h>
#endif

#include "protocol.h"
#include "report.h"

#if defined(__linux__) && !defined(SYS_pidfd_open)
#define SYS_pidfd_open 434 /* the same number on every architecture */
#endif

/* Writes a line for the launcher; -1 once it stopped reading. */
static int tell(const char *line)
{
    return report_write_all(STDOUT_FILENO, line, strlen(line));
}

int watch_daemon(const char *dir, long pid)
{
#ifdef __linux__
    struct sigaction sa;
    struct pollfd fds[3];
    char events[4096]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    int inotify_fd, pidfd, nfds, n;

    inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (inotify_fd < 0)
        return 0; /* the launcher polls */
    /* Renamed into place: the daemon's outcome and its "extend"; and the
     * directory's own end (removed or moved: the launcher looks). Not
     * following a link, a directory only. */
    if (inotify_add_watch(inotify_fd, dir,
                          IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF
                              | IN_ONLYDIR | IN_DONT_FOLLOW) < 0) {
        (void)close(inotify_fd);
        return 0;
    }
    /* A launcher that closed the pipe gives EPIPE, not death by SIGPIPE. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGPIPE, &sa, NULL);

    pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, (pid_t)pid, 0) : -1;
    if (tell(PROTOCOL_WATCHING "\n") != 0)
        return 0;
    if (pidfd < 0 && errno == ESRCH) {
        (void)tell(PROTOCOL_WATCH_EXITED "\n"); /* gone already (exec failed, say) */
        return 0;
    }
    nfds = 0;
    fds[nfds].fd = inotify_fd;
    fds[nfds++].events = POLLIN;
    /* A pipe's write end reports POLLERR once its reader closed it. */
    fds[nfds].fd = STDOUT_FILENO;
    fds[nfds++].events = 0;
    if (pidfd >= 0) {
        fds[nfds].fd = pidfd;
        fds[nfds++].events = POLLIN; /* readable once the process exited */
    }
    for (;;) {
        n = poll(fds, (nfds_t)nfds, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        if (fds[1].revents != 0)
            return 0; /* the launcher stopped reading */
        if (nfds > 2 && fds[2].revents != 0) {
            (void)tell(PROTOCOL_WATCH_EXITED "\n");
            return 0;
        }
        if (fds[0].revents != 0) {
            /* Drain; what the events were does not matter, the launcher
             * reads the directory. */
            while (read(inotify_fd, events, sizeof events) > 0)
                ;
            if (tell(PROTOCOL_WATCH_CHANGED "\n") != 0)
                return 0;
        }
    }
#else
    (void)dir;
    (void)pid;
    return 0;
#endif
}
