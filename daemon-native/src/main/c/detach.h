/* Detaching: fork, setsid, fork. */
#ifndef JDAEMON_DETACH_H
#define JDAEMON_DETACH_H

/*
 * Called by the original process P1. Returns 0 in the grandchild P3, the
 * future daemon, and 1 in P1 (P2 never returns):
 *  - P1 waits for P2 and sets *p1_status to 0 if P2 exited 0, else 1;
 *  - P2 starts a new session, forks P3, writes "pid N\n" (N = P3's pid) to
 *    its stdout and _exits 0 (1 on failure, with a message on stderr).
 */
int detach(int *p1_status);

#endif
