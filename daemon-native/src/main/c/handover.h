/*
 * Handover: taking the running daemon's listening socket for its successor.
 *
 * A seamless restart starts the new daemon on the very socket the running
 * one accepts on (its fd 0, given by --listen), so the kernel's accept
 * queue is never closed and no connection is refused. The helper takes a
 * copy of that descriptor with pidfd_getfd(2) (Linux 5.6+), from the
 * process the pidfile's lock proves to be the daemon, pinned by a pidfd
 * (see control_prove). The kernel allows it to whoever may ptrace-attach
 * the daemon: root (CAP_SYS_PTRACE), or the daemon's own user while the
 * daemon holds no capability that user lacks and Yama's ptrace_scope is 0
 * (at 1, Ubuntu's default, only an ancestor or root may). Nothing runs in
 * the daemon for it.
 */
#ifndef JDAEMON_HANDOVER_H
#define JDAEMON_HANDOVER_H

/*
 * The listening socket at fd 0 of the daemon pid holding pidfile (start
 * time start, or -1 unchecked), as a new close-on-exec descriptor (3 or
 * above) in *fd_out: PROTOCOL_CONTROL_OK, or another PROTOCOL_CONTROL_*
 * status after one line on stderr naming the reason.
 */
int handover_take(const char *pidfile, long pid, long long start, int *fd_out);

/* "--control take": handover_take, then print the socket's address. */
int handover_probe(const char *pidfile, long pid, long long start);

#endif
