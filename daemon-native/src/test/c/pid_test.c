/*
 * Unit tests of pid_parse, the helper's one rule for a PID (pid.h): on the
 * command line (--launcher-pid, --control signal's PID) and, after its one
 * newline is taken off, in a pidfile. Built and run by CMake on the build
 * host at every build (see CMakeLists.txt): a failure fails the build.
 * Prints one line per failed case; exits 0 if all passed.
 */
#include <stdio.h>
#include <string.h>

#include "pid.h"
#include "protocol.h"

static int failures;

static void expect(const char *s, long want)
{
    long got = pid_parse(s, strlen(s));

    if (got != want) {
        fprintf(stderr, "pid_test: FAILED \"%s\": %ld, expected %ld\n", s, got, want);
        failures++;
    }
}

int main(void)
{
    char digits[32];

    expect("1", 1);
    expect("4194304", 4194304);
    expect("2147483647", PROTOCOL_PID_MAX);
    expect("0000000001", 1);   /* leading zeros, within the digit limit */
    expect("0000000123", 123);

    expect("", 0);
    expect("0", 0);            /* 0 means none */
    expect("0000000000", 0);
    expect("00000000001", 0);  /* 11 digits: over PROTOCOL_PID_MAX_DIGITS */
    expect("2147483648", 0);   /* over PROTOCOL_PID_MAX */
    expect("9999999999", 0);   /* would overflow a 32-bit long if computed */
    expect("99999999999999999999", 0);
    expect("-1", 0);
    expect("+1", 0);
    expect(" 1", 0);
    expect("1 ", 0);
    expect("12\n", 0);         /* a pidfile's newline is the caller's to take off */
    expect("1a", 0);
    expect("0x10", 0);

    /* Exactly PROTOCOL_PID_MAX_DIGITS digits is the longest accepted. */
    memset(digits, '0', sizeof digits);
    digits[PROTOCOL_PID_MAX_DIGITS - 1] = '7';
    digits[PROTOCOL_PID_MAX_DIGITS] = '\0';
    expect(digits, 7);
    digits[PROTOCOL_PID_MAX_DIGITS] = '7';
    digits[PROTOCOL_PID_MAX_DIGITS + 1] = '\0';
    expect(digits, 0);

    /* Only len bytes count: the rest of the buffer is not read. */
    if (pid_parse("123456", 3) != 123) {
        fprintf(stderr, "pid_test: FAILED the first 3 bytes of \"123456\"\n");
        failures++;
    }

    if (failures != 0) {
        fprintf(stderr, "pid_test: %d failed\n", failures);
        return 1;
    }
    return 0;
}
