/* Control mode: who holds a pidfile, and signalling the proven holder only. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "handover.h"
#include "pid.h"
#include "protocol.h"

struct lock_state {
    const char *kind; /* PROTOCOL_LOCK_NONE, _POSIX, _OFD, _READ */
    long holder;      /* PID in this namespace; 0 unknown/none */
    long content;     /* PID the file names; 0 if none */
    long links;
    long owner;       /* the file's owner */
};

/*
 * Opens the pidfile without following a symlink and without blocking on a
 * FIFO, and reads its lock and content. 0, or -1 with errno (ENOENT: no
 * file) and, for a file that is not a regular one, errno EINVAL.
 */
static int inspect(const char *path, int *fd_out, struct lock_state *st)
{
    struct stat sb;
    struct flock fl;
    char buf[40];
    ssize_t n;
    int fd;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    /* Ask which lock would stop a write lock over the whole file. An OFD
     * lock reports l_pid -1; a holder outside this PID namespace 0. */
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_GETLK, &fl) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    if (fl.l_type == F_UNLCK) {
        st->kind = PROTOCOL_LOCK_NONE;
        st->holder = 0;
    } else if (fl.l_pid < 0) {
        st->kind = PROTOCOL_LOCK_OFD;
        st->holder = 0;
    } else if (fl.l_type == F_RDLCK) {
        st->kind = PROTOCOL_LOCK_READ;
        st->holder = fl.l_pid;
    } else {
        st->kind = PROTOCOL_LOCK_POSIX;
        st->holder = fl.l_pid;
    }
    /* A PID and at most one newline (as a daemon writes it), else 0. */
    n = pread(fd, buf, sizeof buf, 0);
    st->content = 0;
    if (n > 0 && (size_t)n < sizeof buf) {
        if (buf[n - 1] == '\n')
            n--;
        st->content = pid_parse(buf, (size_t)n);
    }
    st->links = (long)sb.st_nlink;
    st->owner = (long)sb.st_uid;
    *fd_out = fd;
    return 0;
}

/* Whether some process holds a write lock: a daemon, or an impostor. */
static int write_locked(const struct lock_state *st)
{
    return strcmp(st->kind, PROTOCOL_LOCK_POSIX) == 0
        || strcmp(st->kind, PROTOCOL_LOCK_OFD) == 0;
}

/* The one line for a pidfile inspect() could not read (errno as it left
 * it, not ENOENT); returns PROTOCOL_CONTROL_REFUSED. */
static int unreadable(const char *path)
{
    if (errno == EINVAL)
        fprintf(stderr, PROTOCOL_PREFIX "pidfile %s is not a regular file\n", path);
    else
        fprintf(stderr, PROTOCOL_PREFIX "cannot read pidfile %s: %s; check its "
                "permissions\n", path, errno == EACCES ? "permission denied"
                : strerror(errno));
    return PROTOCOL_CONTROL_REFUSED;
}

static int query(const char *path)
{
    struct lock_state st;
    int fd;

    if (inspect(path, &fd, &st) != 0) {
        if (errno != ENOENT)
            return unreadable(path);
        printf("%s 0 0 0 -1\n", PROTOCOL_LOCK_ABSENT);
        return PROTOCOL_CONTROL_OK;
    }
    close(fd);
    printf("%s %ld %ld %ld %ld\n", st.kind, st.holder, st.content, st.links,
           st.owner);
    return PROTOCOL_CONTROL_OK;
}

static int signal_number(const char *name)
{
    if (strcmp(name, PROTOCOL_SIGNAL_HUP) == 0)
        return SIGHUP;
    if (strcmp(name, PROTOCOL_SIGNAL_TERM) == 0)
        return SIGTERM;
    if (strcmp(name, PROTOCOL_SIGNAL_KILL) == 0)
        return SIGKILL;
    if (strcmp(name, PROTOCOL_SIGNAL_CONT) == 0)
        return SIGCONT;
    if (strcmp(name, PROTOCOL_SIGNAL_PROBE) == 0)
        return 0;
    return -1;
}

/* Why st does not prove that pid is the daemon behind path, or NULL. */
static const char *not_the_daemon(const struct lock_state *st, long pid)
{
    if (!write_locked(st))
        return NULL; /* handled as "gone" by the caller */
    if (strcmp(st->kind, PROTOCOL_LOCK_OFD) == 0)
        return "is locked by an open file description lock, not by a daemon's process";
    if (st->holder == 0)
        return "is locked by a process outside this PID namespace";
    if (st->holder != pid)
        return "is locked by another process than the one expected";
    if (st->content != pid)
        return "names another PID than the process holding its lock";
    if (st->links != 1)
        return "has more than one hard link";
    return NULL;
}

/*
 * Field 22 of /proc/PID/stat, the start time in clock ticks since boot, or
 * -1 if it cannot be read (no such process, no /proc).
 */
static long long start_ticks(long pid)
{
    char path[64], buf[1024];
    const char *p;
    ssize_t n;
    int fd, field;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
    if (p == NULL)
        return -1;
    for (field = 2; field < 22 && p != NULL; field++)
        p = strchr(p + 1, ' ');
    if (p == NULL)
        return -1;
    return strtoll(p + 1, NULL, 10);
}

#if defined(__linux__) && defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
#define HAVE_PIDFD 1
#endif

/*
 * Proves that pid holds path's lock as its daemon (and, if start >= 0, has
 * that start time), pinning it with a pidfd first where the kernel has one,
 * so a reused PID can never pass (see control.h).
 */
int control_prove(const char *path, long pid, long long start, const char *verb,
                  int *pidfd_out)
{
    struct lock_state st;
    const char *why;
    int fd, pidfd = -1;

    *pidfd_out = -1;
    if (inspect(path, &fd, &st) != 0) {
        if (errno != ENOENT)
            return unreadable(path);
        fprintf(stderr, PROTOCOL_PREFIX "pidfile %s is gone\n", path);
        return PROTOCOL_CONTROL_GONE;
    }
#ifdef HAVE_PIDFD
    /* Pin the process first, then check it holds the lock: if PID had been
     * reused since the check, the new process would not hold our lock. */
    pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (pidfd < 0 && errno == ESRCH) {
        close(fd);
        return PROTOCOL_CONTROL_GONE;
    }
    if (pidfd >= 0) {
        close(fd);
        if (inspect(path, &fd, &st) != 0) {
            close(pidfd);
            return PROTOCOL_CONTROL_GONE;
        }
    }
#endif
    close(fd);
    /* The process pinned (or, without pidfd, still) is the one the caller
     * proved to be the daemon: same PID, same start time. */
    if (start >= 0 && start_ticks(pid) != start) {
        if (pidfd >= 0)
            close(pidfd);
        return PROTOCOL_CONTROL_GONE;
    }
    if (!write_locked(&st)) {
        if (pidfd >= 0)
            close(pidfd);
        return PROTOCOL_CONTROL_GONE;
    }
    why = not_the_daemon(&st, pid);
    if (why != NULL) {
        if (pidfd >= 0)
            close(pidfd);
        fprintf(stderr, PROTOCOL_PREFIX "pidfile %s %s; not %s pid %ld\n",
                path, why, verb, pid);
        return PROTOCOL_CONTROL_REFUSED;
    }
    *pidfd_out = pidfd;
    return PROTOCOL_CONTROL_OK;
}

static int deliver(const char *path, long pid, int sig, long long start)
{
    int pidfd, rc;

    rc = control_prove(path, pid, start, "signalling", &pidfd);
    if (rc != PROTOCOL_CONTROL_OK)
        return rc;
#ifdef HAVE_PIDFD
    if (pidfd >= 0) {
        rc = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
        close(pidfd);
    } else
#endif
        rc = kill((pid_t)pid, sig); /* no pidfd: the check-to-kill window stays */
    if (rc == 0)
        return PROTOCOL_CONTROL_OK;
    if (errno == ESRCH)
        return PROTOCOL_CONTROL_GONE;
    if (errno == EPERM)
        return PROTOCOL_CONTROL_DENIED;
    fprintf(stderr, PROTOCOL_PREFIX "cannot signal pid %ld: %s\n", pid, strerror(errno));
    return PROTOCOL_CONTROL_REFUSED;
}

int control_main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], PROTOCOL_QUERY) == 0)
        return query(argv[2]);
    if ((argc == 5 || argc == 6) && strcmp(argv[1], PROTOCOL_SIGNAL) == 0) {
        long pid = pid_parse(argv[3], strlen(argv[3]));
        int sig = signal_number(argv[4]);
        long long start = -1;
        char *end = NULL;
        if (argc == 6) {
            errno = 0;
            start = strtoll(argv[5], &end, 10);
            if (errno != 0 || end == argv[5] || *end != '\0' || start < 0)
                sig = -1;
        }
        if (pid > 0 && sig >= 0)
            return deliver(argv[2], pid, sig, start);
    }
    if (argc == 5 && strcmp(argv[1], PROTOCOL_TAKE) == 0) {
        long pid = pid_parse(argv[3], strlen(argv[3]));
        long long start;
        char *end = NULL;
        errno = 0;
        start = strtoll(argv[4], &end, 10);
        if (pid > 0 && errno == 0 && end != argv[4] && *end == '\0' && start >= 0)
            return handover_probe(argv[2], pid, start);
    }
    fprintf(stderr, PROTOCOL_PREFIX "usage: --control query PIDFILE | "
            "--control signal PIDFILE PID HUP|TERM|KILL|CONT|0 [START] | "
            "--control take PIDFILE PID START\n");
    return PROTOCOL_EXIT_USAGE;
}
