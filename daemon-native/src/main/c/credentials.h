/*
 * Becoming the daemon's user: supplementary groups, group, user and the
 * capabilities kept across exec (--uid and its companions, see args.h).
 */
#ifndef JDAEMON_CREDENTIALS_H
#define JDAEMON_CREDENTIALS_H

#include "args.h"

/* Exit status when this system cannot do what was asked (no ambient
 * capabilities, not Linux); the launcher maps it to its own "unsupported". */
#define CREDENTIALS_UNSUPPORTED 3

/*
 * In P1, right after the arguments were parsed and before anything is
 * opened: if opt asks for another user, become that user for good, keeping
 * exactly opt->caps as ambient capabilities, and set HOME, USER and LOGNAME.
 * Everything the helper and the daemon open afterwards (the log, the working
 * directory, the pidfile, the service's files) is opened as that user.
 *
 * Returns 0 (also when there is nothing to do), or prints one line on stderr
 * and returns the exit status: 1, or CREDENTIALS_UNSUPPORTED. Single-threaded
 * and before any fork, so stdio is fine here.
 */
int credentials_drop(const struct options *opt);

#endif
