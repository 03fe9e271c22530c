/* PIDs as the helper reads them: one strict rule. */
#include "pid.h"

#include "protocol.h"

long pid_parse(const char *s, size_t len)
{
    long v = 0;
    size_t i;

    if (len == 0 || len > PROTOCOL_PID_MAX_DIGITS)
        return 0;
    for (i = 0; i < len; i++) {
        int digit = s[i] - '0';
        if (s[i] < '0' || s[i] > '9')
            return 0;
        /* Checked before it is computed: long may have 32 bits. */
        if (v > (PROTOCOL_PID_MAX - digit) / 10)
            return 0;
        v = v * 10 + digit;
    }
    return v;
}
