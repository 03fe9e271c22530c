/* Argument parsing. Runs in the original process, before any fork. */
#include "args.h"

#include <stdio.h>
#include <string.h>

#include "report.h"

static int usage_error(const char *msg, const char *value)
{
    if (value != NULL)
        fprintf(stderr, REPORT_PREFIX "%s: %s\n", msg, value);
    else
        fprintf(stderr, REPORT_PREFIX "%s\n", msg);
    return ARGS_USAGE_ERROR;
}

/* Strict octal 0..0777: digits 0-7 only, no sign, not empty. */
static int parse_umask(const char *s, mode_t *out)
{
    unsigned long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '7')
            return -1;
        v = v * 8 + (unsigned long)(*s - '0');
        if (v > 0777)
            return -1;
    }
    *out = (mode_t)v;
    return 0;
}

/* Strict decimal 1..2^31-1: digits only, no sign, not empty. */
static int parse_pid(const char *s, long *out)
{
    long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > 2147483647L)
            return -1;
    }
    if (v == 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_sighup(const char *s, enum hup_mode *out)
{
    if (strcmp(s, "inherit") == 0)
        *out = HUP_INHERIT;
    else if (strcmp(s, "ignore") == 0)
        *out = HUP_IGNORE;
    else if (strcmp(s, "default") == 0)
        *out = HUP_DEFAULT;
    else
        return -1;
    return 0;
}

/* Whether "--" occurs at argv[from] or later (for a precise message). */
static int has_separator(int argc, char **argv, int from)
{
    for (; from < argc; from++)
        if (strcmp(argv[from], "--") == 0)
            return 1;
    return 0;
}

int args_parse(int argc, char **argv, struct options *opt)
{
    int i;

    opt->log_path = "/dev/null";
    opt->workdir = "/";
    opt->umask_value = 022;
    opt->sighup = HUP_INHERIT;
    opt->launcher_pid = 0;
    opt->program_argv = NULL;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value;

        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "--log") != 0 && strcmp(a, "--workdir") != 0
            && strcmp(a, "--umask") != 0 && strcmp(a, "--sighup") != 0
            && strcmp(a, "--launcher-pid") != 0) {
            if (a[0] == '-')
                return usage_error("unknown option", a);
            if (!has_separator(argc, argv, i + 1))
                return usage_error("missing '--' before PROGRAM", a);
            return usage_error("unexpected argument before '--'", a);
        }
        /* Every option takes the next argv element as its value, whatever
         * it looks like. */
        if (i + 1 >= argc)
            return usage_error("missing value for option", a);
        value = argv[++i];

        if (strcmp(a, "--log") == 0) {
            opt->log_path = value;
        } else if (strcmp(a, "--workdir") == 0) {
            opt->workdir = value;
        } else if (strcmp(a, "--umask") == 0) {
            if (parse_umask(value, &opt->umask_value) != 0)
                return usage_error("invalid --umask (octal 0..0777 expected)",
                                   value);
        } else if (strcmp(a, "--launcher-pid") == 0) {
            if (parse_pid(value, &opt->launcher_pid) != 0)
                return usage_error("invalid --launcher-pid (a pid expected)",
                                   value);
        } else {
            if (parse_sighup(value, &opt->sighup) != 0)
                return usage_error(
                    "invalid --sighup (inherit, ignore or default expected)",
                    value);
        }
    }

    if (i >= argc)
        return usage_error("missing '--' before PROGRAM", NULL);
    if (i + 1 >= argc)
        return usage_error("missing PROGRAM after '--'", NULL);
    /* execv does no PATH search, and a relative path would be resolved
     * against --workdir: insist on an absolute path. */
    if (argv[i + 1][0] != '/')
        return usage_error("PROGRAM must be an absolute path", argv[i + 1]);

    /* argv[argc] is NULL by the C standard, so this is a valid exec vector. */
    opt->program_argv = &argv[i + 1];
    return 0;
}
