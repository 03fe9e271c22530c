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
#include <stddef.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

/* The TCP states (enum in the kernel's net/tcp_states.h, not exported to user space). */
#define TCP_ESTABLISHED 1

/* Where the kernel's struct tcp_info (linux/tcp.h; glibc's netinet/tcp.h has an older one)
 * keeps the fields StopAccepting reads. */
#define TCPI_STATE offsetof(struct tcp_info, tcpi_state)
#define TCPI_LAST_DATA_RECV offsetof(struct tcp_info, tcpi_last_data_recv)
#define TCPI_BYTES_ACKED offsetof(struct tcp_info, tcpi_bytes_acked)
#define TCPI_BYTES_RECEIVED offsetof(struct tcp_info, tcpi_bytes_received)

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
    CONSTANT(F_DUPFD_CLOEXEC);
    CONSTANT(IPPROTO_TCP);
    CONSTANT(TCP_INFO);
    CONSTANT(TCP_ESTABLISHED);
    CONSTANT(TCPI_STATE);
    CONSTANT(TCPI_LAST_DATA_RECV);
    CONSTANT(TCPI_BYTES_ACKED);
    CONSTANT(TCPI_BYTES_RECEIVED);
}
