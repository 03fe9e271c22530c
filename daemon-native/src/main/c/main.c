/*
 * jdaemon-helper: turns a program (the JVM) into a Unix daemon.
 *
 * A JVM must not fork itself, so the Java launcher runs this helper, which
 * does the classic double fork and execs the program:
 *
 *   P1 (started by the launcher): parse arguments, arrange to die with the
 *      launcher (Linux) and check it is still there, bind the listening
 *      socket if asked (with the launcher's rights), become the daemon's
 *      user if asked (so every file below is opened as that user), open
 *      files, fork P2, wait for it and for P3's exec; exit 0 if it
 *      succeeded, else 1; with --watch, first wake the launcher on each
 *      step of the daemon's start until it is over (watch.h).
 *   P2: setsid(), fork P3, write "pid N" to stdout, exit.
 *   P3: prepare the process (umask, signals, stdio, descriptors) and exec
 *      the program, which keeps P3's pid. If exec fails, an error line goes
 *      to the launcher's stderr and P3 exits 127.
 *
 * Everything that can fail in a user-visible way (bad arguments, log file,
 * working directory) is checked in P1, before anything is forked, so a
 * failure leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "args.h"
#include "control.h"
#include "credentials.h"
#include "detach.h"
#include "protocol.h"
#include "report.h"
#include "listen.h"
#include "signals.h"
#include "watch.h"
#include "descriptors.h"
#include "handover.h"

/* A pipe whose write end only P3 keeps (close-on-exec): P3 writes its pid
 * into it, and it reads EOF once P3 has executed the program or died. */
static int exec_sync[2] = {-1, -1};

/* Run by P1 only (P2 and P3 leave with _exit), also as an atexit handler:
 * P1 stays until P3 has executed the program or failed to. The launcher
 * reads our stdout pipe until its end (or, with --watch, until our
 * "watching" line); but its JDK drains and closes that pipe as soon as its
 * own child, P1, has exited, which would lose an error line P3 writes later
 * ("cannot execute ..."). Returns P3's pid, or 0 if it did not say. */
static long await_daemon_exec(void)
{
    union {
        long pid;
        char bytes[sizeof(long)];
    } got;
    size_t have = 0;
    char c;
    ssize_t n;

    if (exec_sync[0] < 0)
        return 0;
    (void)close(exec_sync[1]);
    got.pid = 0;
    for (;;) {
        n = read(exec_sync[0], have < sizeof got.bytes ? &got.bytes[have] : &c, 1);
        if (n > 0) {
            if (have < sizeof got.bytes)
                have++;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    (void)close(exec_sync[0]);
    exec_sync[0] = -1;
    return have == sizeof got.bytes ? got.pid : 0;
}

static void await_daemon_exec_at_exit(void)
{
    (void)await_daemon_exec();
}

/*
 * Until the daemon is detached, P1 lives only for its launcher: if the
 * launcher is killed (even with SIGKILL) while P1 is stuck, say in open()
 * of a FIFO, the kernel kills P1 too. Then check the parent: the launcher
 * may have died before prctl, and we would have been reparented already.
 * The children P2 and P3 do not inherit this. (The "parent" is the
 * launcher's thread that started us; it waits for our output, so it
 * outlives P1 unless the launcher dies.)
 */
static int die_with_launcher(const struct options *opt)
{
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        fprintf(stderr, PROTOCOL_PREFIX "prctl(PR_SET_PDEATHSIG): %s\n",
                strerror(errno));
        return -1;
    }
#endif
    if (opt->launcher_pid != 0 && (long)getppid() != opt->launcher_pid) {
        fprintf(stderr, PROTOCOL_PREFIX "the launcher, pid %ld, is gone\n",
                opt->launcher_pid);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options opt;
    struct daemon_fds fds;
    int rc, errfd, status, listen_fd = -1;
    long self;

    /* Control mode (see control.h): no fork, no exec. */
    if (argc > 1 && strcmp(argv[1], PROTOCOL_CONTROL) == 0)
        return control_main(argc - 1, argv + 1);

    /* ---- P1: single-threaded, before any fork; stdio is fine here. */
    rc = args_parse(argc, argv, &opt);
    if (rc != 0)
        return rc;
    if (die_with_launcher(&opt) != 0)
        return PROTOCOL_EXIT_FAILED;
    /* Before the user switch: a root launcher binds port 80 for a daemon
     * that keeps no capability; root takes the socket of a daemon that runs
     * as another user. Close-on-exec until P3 puts it at fd 0. */
    if (opt.listen_spec != NULL)
        listen_fd = listen_open(&opt.listen_at, opt.listen_spec);
    else if (opt.listen_fd >= 0)
        listen_fd = listen_adopt(opt.listen_fd, "the inherited listening socket");
    else if (opt.listen_launcher_fd >= 0)
        listen_fd = listen_from_launcher(opt.launcher_pid, opt.listen_launcher_fd);
    else if (opt.listen_from_pid != 0
             && handover_take(opt.listen_from_pidfile, opt.listen_from_pid,
                              opt.listen_from_start, &listen_fd) != 0)
        return 1;
    if ((opt.listen_spec != NULL || opt.listen_fd >= 0
         || opt.listen_launcher_fd >= 0) && listen_fd < 0)
        return PROTOCOL_EXIT_FAILED;
    /* Before the log is opened and the working directory entered: the
     * daemon's user must own the log it creates and be able to enter the
     * directory, and nothing is opened with root's rights. */
    rc = credentials_drop(&opt);
    if (rc != 0)
        return rc;
    /* The kernel clears the parent-death signal when the credentials
     * change: arm it again as the daemon's user. */
    if (opt.switch_user && die_with_launcher(&opt) != 0)
        return PROTOCOL_EXIT_FAILED;
    /* Before the log is opened: a log the daemon creates gets --umask's mode
     * at once (0600 under 077), not the launcher's. Inherited by P2 and P3. */
    umask(opt.umask_value);
    if (descriptors_open(&opt, &fds) != 0)
        return PROTOCOL_EXIT_FAILED;
    fds.listen = listen_fd;
    /* The working directory is inherited across fork and exec, so enter it
     * here: a missing, non-directory or non-searchable DIR is reported now
     * rather than after the daemon's pid was announced. After the log was
     * opened, so a relative --log is relative to the launcher's cwd. */
    if (chdir(opt.workdir) != 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot use working directory %s: %s\n",
                opt.workdir, strerror(errno));
        return PROTOCOL_EXIT_FAILED;
    }
    signals_prepare_parent();

    if (pipe(exec_sync) != 0 || fcntl(exec_sync[0], F_SETFD, FD_CLOEXEC) != 0
        || fcntl(exec_sync[1], F_SETFD, FD_CLOEXEC) != 0
        || atexit(await_daemon_exec_at_exit) != 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot create a pipe: %s\n",
                strerror(errno));
        return PROTOCOL_EXIT_FAILED;
    }

    if (detach(&status)) { /* P1; P2 does not come back */
        self = await_daemon_exec();
        if (status == 0 && opt.watch_dir != NULL && self > 0)
            status = watch_daemon(opt.watch_dir, self);
        return status;
    }

    /* ---- P3: async-signal-safe calls only from here on. */
    self = (long)getpid();
    (void)report_write_all(exec_sync[1], (const char *)&self, sizeof self);
    errfd = descriptors_save_error_fd();

    /* Before exec, because ignored dispositions and the mask survive it. */
    signals_reset(opt.sighup);

    if (descriptors_redirect(&fds) != 0) {
        report_errno(errfd, "cannot redirect standard descriptors", NULL,
                     errno);
        _exit(1);
    }
    descriptors_cloexec_from_3(fds.fd_bound);

    execv(opt.program_argv[0], opt.program_argv);

    report_errno(errfd, PROTOCOL_EXEC_FAILED, opt.program_argv[0], errno);
    _exit(127);
}
