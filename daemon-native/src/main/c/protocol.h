/*
 * The contract between the helper and the Java side: every exit status,
 * message prefix and control-mode word the Java side reads or writes, defined
 * once. io.jdaemon.internal.helper.HelperProtocol holds the same constants
 * (named without PROTOCOL_), and HelperProtocolTest reads this file and fails
 * when the two disagree, so only string and decimal literals go here.
 */
#ifndef JDAEMON_PROTOCOL_H
#define JDAEMON_PROTOCOL_H

/* ---- Both modes -------------------------------------------------------- */

/* Every line the helper writes on stderr starts with this. */
#define PROTOCOL_PREFIX "jdaemon-helper: "

/* Exit status for a command line the helper does not accept (one line on
 * stderr): in either mode a bug of the caller's, never the operator's. */
#define PROTOCOL_EXIT_USAGE 2

/* A PID, on the command line (--launcher-pid, signal's PID) and in a
 * pidfile (which may add one newline): 1 to PROTOCOL_PID_MAX_DIGITS ASCII
 * digits, leading zeros allowed, 1 to PROTOCOL_PID_MAX. pid.h parses it. */
#define PROTOCOL_PID_MAX_DIGITS 10
#define PROTOCOL_PID_MAX 2147483647

/* ---- Detach mode: jdaemon-helper [OPTION...] -- PROGRAM [ARG...] -------- */

/* On stdout, once: this line, the daemon's PID and a newline. */
#define PROTOCOL_PID_LINE "pid "

/* With --watch DIR (watch.h), on stdout after the PID line (and any error
 * line of the daemon's exec): this line once P1 watches the daemon's start,
 * then one line per event until the start is over; each only wakes the
 * launcher, which reads the handshake's files itself. */
#define PROTOCOL_WATCHING "watching"
#define PROTOCOL_WATCH_CHANGED "changed" /* a file was renamed into DIR */
#define PROTOCOL_WATCH_EXITED "exited"   /* the daemon exited */

/* Exit statuses. OK: the PID was written, and the daemon executed PROGRAM
 * or wrote on stderr why not. FAILED: a check before the daemon was forked
 * failed (or a fork), with one line on stderr; nothing is left running.
 * UNSUPPORTED: this system cannot do what was asked (no ambient
 * capabilities, not Linux). */
#define PROTOCOL_EXIT_OK 0
#define PROTOCOL_EXIT_FAILED 1
#define PROTOCOL_EXIT_UNSUPPORTED 3

/* A failed system call's line (report.h): PREFIX, what failed, ": errno ",
 * the number and, for the errors report.c knows, " (NAME)". The failures
 * and errors the Java side tells apart: */
#define PROTOCOL_ERRNO ": errno "
#define PROTOCOL_FORK_FAILED "cannot fork"     /* in P1 or P2 */
#define PROTOCOL_EXEC_FAILED "cannot execute " /* then PROGRAM, in the daemon */
#define PROTOCOL_EAGAIN "EAGAIN" /* fork: the process limit */
#define PROTOCOL_E2BIG "E2BIG"   /* exec: the command line is too long */

/* ---- Control mode (control.h) ------------------------------------------ */

#define PROTOCOL_CONTROL "--control"
#define PROTOCOL_QUERY "query"
#define PROTOCOL_SIGNAL "signal"
#define PROTOCOL_TAKE "take"

/* query's reply on stdout: KIND HOLDER CONTENT LINKS OWNER, one space
 * between fields, a newline after. */
#define PROTOCOL_QUERY_FIELDS 5
/* KIND: no file at the path; no write lock; a process's POSIX write lock;
 * an open file description lock; read locks only. */
#define PROTOCOL_LOCK_ABSENT "absent"
#define PROTOCOL_LOCK_NONE "none"
#define PROTOCOL_LOCK_POSIX "posix"
#define PROTOCOL_LOCK_OFD "ofd"
#define PROTOCOL_LOCK_READ "read"

/* signal's SIGNAL argument: the signals sent, and 0 for none (a probe). */
#define PROTOCOL_SIGNAL_HUP "HUP"
#define PROTOCOL_SIGNAL_TERM "TERM"
#define PROTOCOL_SIGNAL_KILL "KILL"
#define PROTOCOL_SIGNAL_CONT "CONT"
#define PROTOCOL_SIGNAL_PROBE "0"

/* Exit statuses of both commands (after the LSB codes the Java side
 * reports): OK, query answered or signal sent; REFUSED, with one line on
 * stderr; GONE, PID is gone or no longer holds the lock; DENIED, the kernel
 * does not permit the signal. */
#define PROTOCOL_CONTROL_OK 0
#define PROTOCOL_CONTROL_REFUSED 1
#define PROTOCOL_CONTROL_GONE 3
#define PROTOCOL_CONTROL_DENIED 4
/* take's further statuses: the kernel cannot take a descriptor (Linux
 * before 5.6: no pidfd_getfd); the daemon's fd 0 is no listening TCP
 * socket. DENIED there: pidfd_getfd was not permitted (ptrace access). */
#define PROTOCOL_CONTROL_UNSUPPORTED 5
#define PROTOCOL_CONTROL_NOT_LISTENING 6

/* take's reply on stdout: this word, a space, then FAMILY ADDR PORT of the
 * socket (inet 127.0.0.1 8080, inet6 :: 8080) and a newline. */
#define PROTOCOL_LISTENING "listening"

#endif
