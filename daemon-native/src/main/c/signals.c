/* Signal mask and dispositions. */
#include "signals.h"

#include <signal.h>
#include <string.h>

/* NSIG is one more than the highest signal number. Not POSIX; macOS hides it
 * in strict modes, where it is 32. */
#ifdef NSIG
#define SIGNAL_LIMIT NSIG
#else
#define SIGNAL_LIMIT 32
#endif

static void set_disposition(int sig, void (*handler)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    /* Fails with EINVAL for numbers the C library reserves for itself
     * (glibc: 32 and 33); those cannot be ignored by anybody, so skip. */
    (void)sigaction(sig, &sa, NULL);
}

void signals_prepare_parent(void)
{
    set_disposition(SIGCHLD, SIG_DFL);
}

void signals_reset(enum hup_mode mode)
{
    sigset_t none;
    int sig;

    /* The signal mask survives fork and exec. A launcher may run us with
     * signals blocked; the JVM would then never see e.g. SIGTERM. */
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);

    /* Handlers are reset by exec, but SIG_IGN survives it. The JVM does not
     * install its handlers (INT, TERM, HUP for shutdown hooks; QUIT for
     * thread dumps) for signals that were ignored when it started, so an
     * ignore inherited from the launcher (e.g. INT/QUIT ignored for a
     * shell's background job) would silently disable them in the daemon. */
    if (mode == HUP_INHERIT) {
        /* Keep an inherited ignore (nohup's, on purpose), but say so
         * explicitly rather than leaving it be: a layer between the launcher
         * and us (qemu-user installs its own SIGHUP handler) may have
         * replaced the ignore it reports to us. */
        struct sigaction old;
        if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            mode = HUP_IGNORE;
    }
    for (sig = 1; sig < SIGNAL_LIMIT; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        set_disposition(sig, SIG_DFL);
    }
    if (mode == HUP_IGNORE)
        set_disposition(SIGHUP, SIG_IGN);
}
