/*
 * The C library's values of the constants the Java side (LibC) passes to
 * native calls, for the platform this is compiled for. Never linked or run:
 * the build compiles it to assembly (-S) for every helper platform, where
 * each value appears as a line "->NAME VALUE" (the Linux kernel's
 * asm-offsets technique: the compiler prints an immediate operand, so an
 * enum works as well as a macro), and LibCConstantsTest compares them with
 * LibC's table.
 */
#include <fcntl.h>
#include <sys/socket.h>

#define CONSTANT(name) __asm__ volatile("\n.ascii \"->" #name " %0\"" : : "i"((long)(name)))

void jdaemon_constants(void);

void jdaemon_constants(void)
{
    CONSTANT(O_WRONLY);
    CONSTANT(O_CREAT);
    CONSTANT(O_APPEND);
    CONSTANT(O_CLOEXEC);
    CONSTANT(O_NOFOLLOW);
    CONSTANT(O_NONBLOCK);
    CONSTANT(O_NOCTTY);
    CONSTANT(F_GETFL);
    CONSTANT(F_SETFL);
    CONSTANT(AF_UNIX);
    CONSTANT(SOCK_DGRAM);
    CONSTANT(SOCK_CLOEXEC);
    CONSTANT(MSG_NOSIGNAL);
}
