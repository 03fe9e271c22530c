/*
 * Control mode: tell who holds a pidfile's lock, and signal that process
 * only if it provably is the daemon.
 *
 *   jdaemon-helper --control query PIDFILE
 *       prints one line "KIND HOLDER CONTENT LINKS OWNER":
 *         KIND    absent (no file), none (no write lock), posix (a process's
 *                 fcntl write lock), ofd (an open file description lock),
 *                 read (read locks only: no daemon holds it)
 *         HOLDER  the lock holder's PID in this PID namespace, 0 where the
 *                 holder is not visible here (another PID namespace) or none
 *         CONTENT the PID the file names, 0 if its content is not a PID
 *         LINKS   the file's hard-link count
 *         OWNER   the file's owner (uid), -1 when there is no file
 *       The file is opened once, with O_NOFOLLOW and O_NONBLOCK, and all of
 *       this is read from that descriptor: a FIFO or a link swapped in is
 *       refused, never waited on.
 *       exit 0; 1 with one line on stderr if the file cannot be read.
 *
 *   jdaemon-helper --control signal PIDFILE PID SIGNAL [START]
 *       SIGNAL is HUP, TERM, KILL, CONT or 0. With START, PID must also have
 *       that start time (field 22 of /proc/PID/stat), checked after the
 *       process was pinned: the process the caller proved to be the daemon
 *       (see DaemonIdentity.java), and no other. Sends it to PID only if PID holds a
 *       POSIX write lock on PIDFILE, the file names PID, and it is a regular
 *       file with one link. With pidfd (Linux 5.3+) the check is repeated
 *       after the process was pinned, so a PID reused in between is never
 *       signalled. Exit 0 sent; 3 PID is gone or no longer holds the lock;
 *       4 not permitted; 1 refused, with one line on stderr.
 *
 *   jdaemon-helper --control take PIDFILE PID START
 *       Whether a restart can take over the daemon's listening socket (see
 *       handover.h): proves PID as "signal" does, takes a copy of its fd 0
 *       with pidfd_getfd(2), and prints one line "listening FAMILY ADDR PORT"
 *       (FAMILY inet or inet6) of the socket it found, then closes the copy.
 *       Exit 0; 3 gone; 4 not permitted (pidfd_getfd needs ptrace access);
 *       5 the kernel cannot (Linux < 5.6); 6 fd 0 is no listening TCP
 *       socket; 1 refused; a line on stderr says which.
 *
 * The kernel answers F_GETLK in the caller's PID namespace, with or without
 * /proc, which is why this lives in the helper and not in Java (which has
 * no F_GETLK, and whose launcher loads no native library).
 */
#ifndef JDAEMON_CONTROL_H
#define JDAEMON_CONTROL_H

/* argv[0] is "--control"; returns the exit status. */
int control_main(int argc, char **argv);

/*
 * Proves that pid holds path's lock as the daemon (and has start time start,
 * if start >= 0), pinned with a pidfd where the kernel has pidfd_open:
 * PROTOCOL_CONTROL_OK with *pidfd_out (-1 without pidfd), PROTOCOL_CONTROL_GONE,
 * or PROTOCOL_CONTROL_REFUSED after one line on stderr ending "; not VERB pid
 * PID" (see protocol.h).
 */
int control_prove(const char *path, long pid, long long start, const char *verb,
                  int *pidfd_out);

#endif
