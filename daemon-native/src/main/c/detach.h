/* Detaching: fork, setsid, fork. */
#ifndef JDAEMON_DETACH_H
#define JDAEMON_DETACH_H

/*
 * Called by the original process P1. Returns 0 in the grandchild P3, the
 * future daemon, and 1 in P1 (P2 never returns):
 *  - P1 waits for P2 and sets *p1_status to PROTOCOL_EXIT_OK if P2 exited
 *    so, else PROTOCOL_EXIT_FAILED (protocol.h);
 *  - P2 starts a new session, forks P3, writes "pid N\n" (N = P3's pid) to
 *    its stdout and _exits PROTOCOL_EXIT_OK (PROTOCOL_EXIT_FAILED on
 *    failure, with a message on stderr).
 */
int detach(int *p1_status);

#endif
