/* Detaching: fork, setsid, fork. */
#include "detach.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"
#include "report.h"

/* P2. Never returns except in P3. Async-signal-safe calls only. */
static void intermediate(void)
{
    struct sigaction sa;
    pid_t daemon_pid;

    /* P2 is a fresh child, hence not a process-group leader, so setsid()
     * succeeds: P2 leads a new session and process group and has no
     * controlling terminal; terminal job control and hangups of the
     * launcher's session no longer reach it. */
    if (setsid() < 0) {
        report_errno(STDERR_FILENO, "cannot create session", NULL, errno);
        _exit(PROTOCOL_EXIT_FAILED);
    }

    /* Fork again: P3 is in the new session but is not its leader. On
     * System V-style systems a session leader that opens a terminal
     * without O_NOCTTY acquires it as controlling terminal; a non-leader
     * never can. (P3's session then has no leader once P2 exits.) */
    daemon_pid = fork();
    if (daemon_pid < 0) {
        report_errno(STDERR_FILENO, PROTOCOL_FORK_FAILED, NULL, errno);
        _exit(PROTOCOL_EXIT_FAILED);
    }
    if (daemon_pid == 0)
        return; /* P3 */

    /* If the launcher already closed our stdout, dying of SIGPIPE would
     * hide the failure; get EPIPE instead. Only affects P2. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGPIPE, &sa, NULL);

    if (report_pid(STDOUT_FILENO, (long)daemon_pid) != 0) {
        int err = errno;
        /* Nobody learns the daemon's pid, so nobody could ever stop it:
         * do not leave it running. */
        (void)kill(daemon_pid, SIGKILL);
        report_errno(STDERR_FILENO, "cannot report the daemon pid", NULL,
                     err);
        _exit(PROTOCOL_EXIT_FAILED);
    }
    _exit(PROTOCOL_EXIT_OK);
}

int detach(int *p1_status)
{
    pid_t child, r;
    int status;

    /* Nothing is buffered in stdio (stderr is unbuffered, stdout unused),
     * so no output can be duplicated by the fork. */
    child = fork();
    if (child < 0) {
        /* The same line as P2's (report_errno), whichever fork failed. */
        report_errno(STDERR_FILENO, PROTOCOL_FORK_FAILED, NULL, errno);
        exit(PROTOCOL_EXIT_FAILED);
    }
    if (child == 0) {
        intermediate();
        return 0; /* P3 */
    }

    /* P1: our exit status tells the launcher whether P2 managed to start
     * P3 and report its pid. */
    do
        r = waitpid(child, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        fprintf(stderr, PROTOCOL_PREFIX "cannot wait for child %ld: %s\n",
                (long)child, strerror(errno));
        exit(PROTOCOL_EXIT_FAILED);
    }
    if (WIFSIGNALED(status))
        fprintf(stderr, PROTOCOL_PREFIX "intermediate process killed by signal %d\n",
                WTERMSIG(status));
    *p1_status = WIFEXITED(status) && WEXITSTATUS(status) == PROTOCOL_EXIT_OK
                     ? PROTOCOL_EXIT_OK : PROTOCOL_EXIT_FAILED;
    return 1;
}
