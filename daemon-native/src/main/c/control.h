/*
 * Control mode: tell who holds a pidfile's lock, and signal that process
 * only if it provably is the daemon.
 *
 *   jdaemon-helper --control query PIDFILE
 *       prints one line "KIND HOLDER CONTENT LINKS":
 *         KIND    absent (no file), none (no write lock), posix (a process's
 *                 fcntl write lock), ofd (an open file description lock),
 *                 read (read locks only: no daemon holds it)
 *         HOLDER  the lock holder's PID in this PID namespace, 0 where the
 *                 holder is not visible here (another PID namespace) or none
 *         CONTENT the PID the file names, 0 if its content is not a PID
 *         LINKS   the file's hard-link count
 *       exit 0; 1 with one line on stderr if the file cannot be read.
 *
 *   jdaemon-helper --control signal PIDFILE PID SIGNAL
 *       SIGNAL is HUP, TERM, KILL or 0. Sends it to PID only if PID holds a
 *       POSIX write lock on PIDFILE, the file names PID, and it is a regular
 *       file with one link. With pidfd (Linux 5.3+) the check is repeated
 *       after the process was pinned, so a PID reused in between is never
 *       signalled. Exit 0 sent; 3 PID is gone or no longer holds the lock;
 *       4 not permitted; 1 refused, with one line on stderr.
 *
 * The kernel answers F_GETLK in the caller's PID namespace, with or without
 * /proc, which is why this lives in the helper and not in Java (which has
 * no F_GETLK, and whose launcher loads no native library).
 */
#ifndef JDAEMON_CONTROL_H
#define JDAEMON_CONTROL_H

/* argv[0] is "--control"; returns the exit status. */
int control_main(int argc, char **argv);

#endif
