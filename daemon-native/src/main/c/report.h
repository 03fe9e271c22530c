/*
 * Async-signal-safe message writing.
 *
 * Between fork() and execv() the helper may only call async-signal-safe
 * functions (POSIX: the child of a fork in a possibly multi-threaded process
 * may only use those; we keep to the rule everywhere after the first fork).
 * printf, strerror and malloc are not safe, so these helpers format into a
 * stack buffer and use nothing but write(2).
 */
#ifndef JDAEMON_REPORT_H
#define JDAEMON_REPORT_H

#include <stddef.h>

#include "protocol.h"

/* Write all of buf to fd, retrying on EINTR and short writes. 0 or -1. */
int report_write_all(int fd, const char *buf, size_t len);

/*
 * Write one line "jdaemon-helper: <what><arg>: errno N (NAME)\n" (protocol.h:
 * PROTOCOL_PREFIX, PROTOCOL_ERRNO) to fd with a single write where possible.
 * The one spelling of a failed system call, in every process. arg may be NULL. fd < 0: nothing is written.
 * errno is preserved.
 */
void report_errno(int fd, const char *what, const char *arg, int err);

/* Write the line "pid N\n" (PROTOCOL_PID_LINE) to fd. 0 or -1. */
int report_pid(int fd, long pid);

#endif
