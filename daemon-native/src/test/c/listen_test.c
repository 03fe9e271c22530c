/*
 * Unit tests of the helper's --listen parsing (listen_parse, and args_parse
 * for the option's rules). Built and run by CMake on the build host at every
 * build (see CMakeLists.txt): a failure fails the build. Prints one line per
 * failed case; exits 0 if all passed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"
#include "listen.h"
#include "protocol.h"

static int failures;

static void check(int ok, const char *what, const char *value)
{
    if (!ok) {
        fprintf(stderr, "listen_test: FAILED %s: %s\n", what, value);
        failures++;
    }
}

static void good(const char *spec, int family, const char *addr, unsigned port)
{
    struct listen_addr a;
    unsigned char want[16];

    memset(want, 0, sizeof want);
    if (listen_parse(spec, &a) != 0) {
        check(0, "accepted", spec);
        return;
    }
    check(a.family == family, "family", spec);
    check(a.port == port, "port", spec);
    if (addr != NULL) {
        check(inet_pton(family, addr, want) == 1, "test's own address", addr);
        check(memcmp(a.addr, want, family == AF_INET ? 4 : 16) == 0, "address", spec);
    } else {
        check(memcmp(a.addr, want, sizeof want) == 0, "no address", spec);
    }
}

static void bad(const char *spec)
{
    struct listen_addr a;

    check(listen_parse(spec, &a) != 0, "refused", spec);
}

/* args_parse on a command line; its usage errors go to stderr, so they are
 * silenced by the caller's expectation only in the exit status. */
static int parse(char **argv, struct options *opt)
{
    int argc = 0;

    while (argv[argc] != NULL)
        argc++;
    return args_parse(argc, argv, opt);
}

int main(void)
{
    struct options opt;

    good("8080", AF_UNSPEC, NULL, 8080);
    good("0", AF_UNSPEC, NULL, 0);
    good("65535", AF_UNSPEC, NULL, 65535);
    good("00080", AF_UNSPEC, NULL, 80);
    good("127.0.0.1:80", AF_INET, "127.0.0.1", 80);
    good("0.0.0.0:8080", AF_INET, "0.0.0.0", 8080);
    good("[::1]:8080", AF_INET6, "::1", 8080);
    good("[::]:0", AF_INET6, "::", 0);
    good("[fe80::1:2]:443", AF_INET6, "fe80::1:2", 443);
    good("[::ffff:127.0.0.1]:80", AF_INET6, "::ffff:127.0.0.1", 80);

    bad("");
    bad("65536");
    bad("99999999999999999999");
    bad("-1");
    bad("+80");
    bad(" 80");
    bad("80 ");
    bad("http");
    bad(":80");
    bad("127.0.0.1:");
    bad("127.0.0.1");
    bad("127.1:80");
    bad("256.0.0.1:80");
    bad("localhost:80");
    bad("::1:8080");
    bad("[::1]");
    bad("[::1]:");
    bad("[::1]8080");
    bad("[]:80");
    bad("[127.0.0.1]:80");
    bad("[fe80::1%eth0]:80");
    bad("[::1:80");
    bad("[::1]:80:80");
    bad("127.0.0.1:80:80");
    bad("1.2.3.4.5:80");
    bad("01.2.3.4:80");
    bad("[example.com]:80");

    {
        char *ok[] = {"helper", "--listen", "[::1]:8080", "--", "/bin/true", NULL};
        check(parse(ok, &opt) == 0 && opt.listen_spec != NULL
              && opt.listen_at.port == 8080 && opt.listen_fd == -1,
              "args_parse", "--listen [::1]:8080");
    }
    {
        char *ok[] = {"helper", "--listen-fd", "0", "--", "/bin/true", NULL};
        check(parse(ok, &opt) == 0 && opt.listen_fd == 0 && opt.listen_spec == NULL,
              "args_parse", "--listen-fd 0");
    }
    {
        char *none[] = {"helper", "--", "/bin/true", NULL};
        check(parse(none, &opt) == 0 && opt.listen_fd == -1 && opt.listen_spec == NULL
              && opt.listen_launcher_fd == -1, "args_parse", "no --listen");
    }
    {
        char *ok[] = {"helper", "--listen-launcher-fd", "3", "--", "/bin/true", NULL};
        check(parse(ok, &opt) == 0 && opt.listen_launcher_fd == 3, "args_parse",
              "--listen-launcher-fd 3");
    }
    fprintf(stderr, "listen_test: the next 4 usage errors are expected\n");
    {
        char *both[] = {"helper", "--listen", "80", "--listen-fd", "0", "--", "/bin/true", NULL};
        check(parse(both, &opt) == PROTOCOL_EXIT_USAGE, "args_parse refuses", "both");
    }
    {
        char *badspec[] = {"helper", "--listen", "host:80", "--", "/bin/true", NULL};
        check(parse(badspec, &opt) == PROTOCOL_EXIT_USAGE, "args_parse refuses", "host:80");
    }
    {
        char *badfd[] = {"helper", "--listen-fd", "x", "--", "/bin/true", NULL};
        check(parse(badfd, &opt) == PROTOCOL_EXIT_USAGE, "args_parse refuses", "--listen-fd x");
    }
    {
        char *two[] = {"helper", "--listen-fd", "0", "--listen-launcher-fd", "3", "--",
                       "/bin/true", NULL};
        check(parse(two, &opt) == PROTOCOL_EXIT_USAGE, "args_parse refuses", "two fds");
    }

    if (failures != 0) {
        fprintf(stderr, "listen_test: %d failed\n", failures);
        return 1;
    }
    return 0;
}
