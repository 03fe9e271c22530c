/* Signal mask and dispositions. */
#ifndef JDAEMON_SIGNALS_H
#define JDAEMON_SIGNALS_H

#include "args.h"

/*
 * In the original process, before the first fork: make SIGCHLD default so
 * waitpid() can collect the intermediate child even if the launcher left
 * SIGCHLD ignored (with SIGCHLD ignored, children are reaped automatically
 * and waitpid fails with ECHILD).
 */
void signals_prepare_parent(void);

/*
 * In the daemon process, just before exec: unblock everything and reset
 * every catchable signal to SIG_DFL; SIGHUP according to mode.
 * Async-signal-safe.
 */
void signals_reset(enum hup_mode mode);

#endif
