/*
 * The daemon's listening socket (--listen SPEC, --listen-fd N,
 * --listen-launcher-fd N): opened or taken by
 * P1 before it drops privileges, given to the daemon as its fd 0, where the
 * JDK's System.inheritedChannel() returns it as a ServerSocketChannel.
 *
 * SPEC is [ADDR:]PORT: PORT alone (every address: IPv6 and IPv4 on one
 * dual-stack socket, IPv4 alone where the host has no IPv6), a numeric IPv4
 * address (127.0.0.1:8080) or a numeric IPv6 address in brackets
 * ([::1]:8080). PORT is 0..65535 (0: the kernel picks a free one). Names are
 * not resolved here (a static helper calls no NSS function): the Java side
 * passes numbers.
 */
#ifndef JDAEMON_LISTEN_H
#define JDAEMON_LISTEN_H

/* A parsed SPEC. family is AF_INET, AF_INET6, or AF_UNSPEC for PORT alone. */
struct listen_addr {
    int family;
    unsigned char addr[16]; /* network byte order: 4 bytes for AF_INET */
    unsigned port;
};

/* Parses SPEC strictly. 0, or -1 if it is not [ADDR:]PORT as above. */
int listen_parse(const char *spec, struct listen_addr *out);

/*
 * Creates a close-on-exec TCP socket (SO_REUSEADDR, as the JDK's
 * ServerSocketChannel has it), binds it to a and listens (backlog
 * SOMAXCONN). The descriptor is 3 or above. Returns it, or prints one line
 * on stderr naming spec, the error and the fix, and returns -1 with nothing
 * left open. Runs in P1 (stdio allowed).
 */
int listen_open(const struct listen_addr *a, const char *spec);

/*
 * Checks that fd is a listening TCP or Unix stream socket (what the daemon may
 * be given as its inherited channel), and returns a close-on-exec duplicate
 * of it at 3 or above; else prints one line on stderr (naming what) and
 * returns -1. Runs in P1.
 */
int listen_adopt(int fd, const char *what);

/*
 * Takes a duplicate of descriptor fd of the launcher (pid launcher_pid, our
 * parent: checked before and after it is pinned) with pidfd_getfd(2), and
 * adopts it as listen_adopt() does. For systemd's socket at the launcher's
 * fd 3, which the JDK closes in every child it starts. Linux 5.6+, and the
 * right to ptrace the launcher (same user, unless kernel.yama.ptrace_scope
 * is 1 or more; root always). Else prints one line on stderr naming the
 * fix, and returns -1.
 */
int listen_from_launcher(long launcher_pid, int fd);

#endif
