/* PIDs as the helper reads them, from its command line and from a pidfile. */
#ifndef JDAEMON_PID_H
#define JDAEMON_PID_H

#include <stddef.h>

/*
 * The PID the len bytes at s spell, strictly (protocol.h): 1 to
 * PROTOCOL_PID_MAX_DIGITS ASCII digits, nothing else (no sign, space or
 * newline), 1 to PROTOCOL_PID_MAX. 0 for anything else, so 0 means "none".
 * The same rule as the Java side's Decimal.parse. Async-signal-safe.
 */
long pid_parse(const char *s, size_t len);

#endif
