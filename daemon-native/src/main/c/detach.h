/* Detaching: fork, setsid, fork. */
#ifndef JDAEMON_DETACH_H
#define JDAEMON_DETACH_H

/*
 * Called by the original process P1. Returns only in the grandchild P3, the
 * future daemon:
 *  - P1 waits for P2 and exits 0 if P2 exited 0, else 1;
 *  - P2 starts a new session, forks P3, writes "pid N\n" (N = P3's pid) to
 *    its stdout and _exits 0 (1 on failure, with a message on stderr).
 */
void detach(void);

#endif
