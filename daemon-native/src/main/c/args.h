/*
 * Command line:
 *   jdaemon-helper [--log PATH] [--workdir DIR] [--umask OCTAL]
 *                  [--sighup inherit|ignore|default] [--launcher-pid PID]
 *                  -- PROGRAM [ARG...]
 */
#ifndef JDAEMON_ARGS_H
#define JDAEMON_ARGS_H

#include <sys/types.h>

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
    /* The launcher's pid: P1 gives up if its parent is not (or no longer)
     * this process. 0 (the default): no check. */
    long launcher_pid;
    /* PROGRAM followed by its ARGs, NULL-terminated; points into argv. */
    char **program_argv;
};

/* Exit status for usage errors. */
#define ARGS_USAGE_ERROR 2

/*
 * Parse argv into opt. Returns 0, or ARGS_USAGE_ERROR after printing one
 * line "jdaemon-helper: ..." on stderr. Runs before any fork, so it may use
 * stdio.
 */
int args_parse(int argc, char **argv, struct options *opt);

#endif
