/*
 * Command line:
 *   jdaemon-helper [--log PATH] [--workdir DIR] [--umask OCTAL]
 *                  [--sighup inherit|ignore|default] [--launcher-pid PID]
 *                  [--listen [ADDR:]PORT | --listen-fd N |
 *                   --listen-launcher-fd N | --listen-from PID:START:PIDFILE]
 *                  [--watch DIR]
 *                  [--uid N --gid N --groups G,... --home DIR --user-name NAME
 *                   [--shell PATH]
 *                   [--caps N,...]] -- PROGRAM [ARG...]
 *
 * --listen binds the daemon's listening socket, --listen-fd N adopts this
 * process's descriptor N (a listening socket the launcher passed as our
 * stdin: N is 0), --listen-launcher-fd N takes the launcher's descriptor N
 * (systemd's fd 3), --listen-from takes the running daemon's fd 0 for a
 * seamless restart (see handover.h); each becomes the daemon's fd 0 (see
 * listen.h).
 * --watch DIR keeps this first process until the daemon's start is over
 * (see watch.h). --uid and its companions switch to another user (see credentials.h); the
 * Java launcher resolves names to numbers, the helper takes numbers only.
 */
#ifndef JDAEMON_ARGS_H
#define JDAEMON_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "listen.h"

/* Linux's NGROUPS_MAX: the most supplementary groups a process can have. */
#define ARGS_MAX_GROUPS 65536

/* What the daemon's SIGHUP disposition becomes. */
enum hup_mode {
    HUP_INHERIT, /* leave as inherited (e.g. ignored under nohup) */
    HUP_IGNORE,  /* SIG_IGN */
    HUP_DEFAULT  /* SIG_DFL */
};

struct options {
    const char *log_path;  /* default /dev/null */
    const char *workdir;   /* default / */
    mode_t umask_value;    /* default 022 */
    enum hup_mode sighup;  /* default HUP_INHERIT */
    /* The user to become; switch_user is 0 (stay who we are) unless --uid. */
    int switch_user;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;   /* supplementary groups, ngroups of them */
    size_t ngroups;
    uint64_t caps;         /* capabilities kept, bit n = capability n */
    const char *home;      /* HOME, USER and LOGNAME of the daemon */
    const char *user_name;
    const char *shell;     /* SHELL of the daemon (--shell; /bin/sh if not given) */
    /* The launcher's pid: P1 gives up if its parent is not (or no longer)
     * this process. 0 (the default): no check. */
    long launcher_pid;
    /* --listen: listen_spec is its value (NULL without), listen_at parsed.
     * --listen-fd: listen_fd is N (-1 without); --listen-launcher-fd:
     * listen_launcher_fd is N (-1 without). At most one of the four (with
     * --listen-from). */
    const char *listen_spec;
    struct listen_addr listen_at;
    int listen_fd;
    int listen_launcher_fd;
    /* --listen-from PID:START:PIDFILE: fd 0 of the daemon becomes the
     * listening socket taken from PID (start time START, 22nd field of
     * /proc/PID/stat), the daemon PIDFILE's lock proves (see handover.h).
     * listen_from_pid 0 (the default): none. */
    long listen_from_pid;
    long long listen_from_start;
    const char *listen_from_pidfile;
    /* --watch: the launcher's handshake directory (NULL without). */
    const char *watch_dir;
    /* PROGRAM followed by its ARGs, NULL-terminated; points into argv. */
    char **program_argv;
};

/*
 * Parse argv into opt. Returns 0, or PROTOCOL_EXIT_USAGE after printing one
 * line "jdaemon-helper: ..." on stderr. Runs before any fork, so it may use
 * stdio.
 */
int args_parse(int argc, char **argv, struct options *opt);

#endif
