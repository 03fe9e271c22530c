/*
 * Becoming the daemon's user: supplementary groups, group, user and the
 * capabilities kept across exec (--uid and its companions, see args.h).
 */
#ifndef JDAEMON_CREDENTIALS_H
#define JDAEMON_CREDENTIALS_H

#include "args.h"

/*
 * In P1, right after the arguments were parsed and before anything is
 * opened: if opt asks for another user, become that user for good, keeping
 * exactly opt->caps as ambient capabilities, and set HOME, USER and LOGNAME.
 * Everything the helper and the daemon open afterwards (the log, the working
 * directory, the pidfile, the service's files) is opened as that user.
 *
 * Returns 0 (also when there is nothing to do), or prints one line on stderr
 * and returns the exit status: PROTOCOL_EXIT_FAILED, or PROTOCOL_EXIT_UNSUPPORTED
 * where this system cannot do it (no ambient capabilities, not Linux). Single-threaded
 * and before any fork, so stdio is fine here.
 */
int credentials_drop(const struct options *opt);

#endif
