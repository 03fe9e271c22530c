/* Waking the launcher while the daemon starts: no polling on its side. */
#ifndef JDAEMON_WATCH_H
#define JDAEMON_WATCH_H

/*
 * Run by P1 once the daemon's program was executed (--watch DIR): tells the
 * launcher, on stdout, one line per event, so it can block on reading our
 * output instead of polling the handshake directory:
 *   "watching"  first: the daemon runs and we watch (lines before it are
 *               the detach's own output: "pid N" and errors);
 *   "changed"   a file was renamed into DIR (the daemon's outcome or its
 *               "extend the wait"), or DIR itself went away;
 *   "exited"    the daemon (pid) exited; then we exit 0.
 * We also exit once the launcher stops reading (closes the pipe) and die
 * with it (the parent-death signal). The lines only wake the launcher: it
 * reads and checks the handshake's files itself, and checks the daemon's
 * liveness itself, so a missed or false line costs time, never a wrong
 * report. Where the kernel offers no inotify (or none is left: the
 * per-user limit), we print nothing and return, and the launcher polls as
 * before; without pidfd_open (Linux before 5.3) DIR is watched alone.
 * Returns the exit status for P1.
 */
int watch_daemon(const char *dir, long pid);

#endif
