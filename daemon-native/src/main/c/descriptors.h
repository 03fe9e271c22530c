/* Descriptors: opening the daemon's stdio, redirecting it, close-on-exec. */
#ifndef JDAEMON_DESCRIPTORS_H
#define JDAEMON_DESCRIPTORS_H

#include "args.h"

struct daemon_fds {
    int devnull;  /* /dev/null, O_RDWR, close-on-exec */
    int log;      /* log file, append-only, close-on-exec */
    int fd_bound; /* fallback bound for the close-on-exec sweep */
    int listen;   /* the listening socket for fd 0, close-on-exec; -1: none */
};

/*
 * In the original process, before any fork: make sure 0, 1 and 2 are open
 * (0 and 2 are filled with /dev/null if closed; a closed 1 is an error),
 * open /dev/null and the log file and compute fd_bound (listen is -1). On failure prints
 * one line on stderr (with strerror) and returns -1.
 */
int descriptors_open(const struct options *opt, struct daemon_fds *fds);

/*
 * Duplicate the current stderr to a close-on-exec descriptor >= 3, for
 * reporting an exec failure to the launcher. -1 if stderr is not open.
 * Async-signal-safe.
 */
int descriptors_save_error_fd(void);

/* dup2 the listening socket (or /dev/null) to 0 and the log to 1 and 2. 0, or -1 with errno set.
 * Async-signal-safe. */
int descriptors_redirect(const struct daemon_fds *fds);

/* Mark every descriptor >= 3 close-on-exec. Async-signal-safe. */
void descriptors_cloexec_from_3(int fd_bound);

#endif
