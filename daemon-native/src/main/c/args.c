/* Argument parsing. Runs in the original process, before any fork. */
#include "args.h"

#include <stdio.h>
#include <string.h>

#include "pid.h"
#include "protocol.h"

static int usage_error(const char *msg, const char *value)
{
    if (value != NULL)
        fprintf(stderr, PROTOCOL_PREFIX "%s: %s\n", msg, value);
    else
        fprintf(stderr, PROTOCOL_PREFIX "%s\n", msg);
    return PROTOCOL_EXIT_USAGE;
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

/* PID:START:PIDFILE, PID and START strict decimals, PIDFILE not empty. */
static int parse_listen_from(const char *s, struct options *opt)
{
    const char *colon = strchr(s, ':');
    const char *second;
    unsigned long long start = 0;

    if (colon == NULL)
        return -1;
    opt->listen_from_pid = pid_parse(s, (size_t)(colon - s));
    if (opt->listen_from_pid <= 0)
        return -1;
    second = colon + 1;
    if (*second == ':')
        return -1;
    for (; *second >= '0' && *second <= '9'; second++) {
        start = start * 10 + (unsigned long long)(*second - '0');
        if (start > 0x7FFFFFFFFFFFFFFFULL / 10)
            return -1;
    }
    if (*second != ':' || second[1] == '\0')
        return -1;
    opt->listen_from_start = (long long)start;
    opt->listen_from_pidfile = second + 1;
    return 0;
}

/* Strict decimal id 0..2^32-2 (-1 means "unchanged" to setuid and friends). */
static int parse_id(const char *s, unsigned long *out)
{
    unsigned long long v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long long)(*s - '0');
        if (v > 0xFFFFFFFEULL)
            return -1;
    }
    *out = (unsigned long)v;
    return 0;
}

/* Comma-separated group ids, at most ARGS_MAX_GROUPS; empty means none. */
static gid_t group_storage[ARGS_MAX_GROUPS];

static int parse_groups(const char *s, size_t *count)
{
    char id[16];
    size_t n = 0, len;
    unsigned long v;

    *count = 0;
    if (*s == '\0')
        return 0;
    for (;;) {
        len = strcspn(s, ",");
        if (len == 0 || len >= sizeof id || n >= ARGS_MAX_GROUPS)
            return -1;
        memcpy(id, s, len);
        id[len] = '\0';
        if (parse_id(id, &v) != 0)
            return -1;
        group_storage[n++] = (gid_t)v;
        if (s[len] == '\0')
            break;
        s += len + 1;
    }
    *count = n;
    return 0;
}

/* Comma-separated capability numbers 0..63 into a bit set; empty means none. */
static int parse_caps(const char *s, uint64_t *out)
{
    uint64_t set = 0;
    unsigned v;
    int digits;

    if (*s == '\0') {
        *out = 0;
        return 0;
    }
    for (;;) {
        v = 0;
        digits = 0;
        for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
            v = v * 10 + (unsigned)(*s - '0');
        if (digits == 0 || v > 63)
            return -1;
        set |= (uint64_t)1 << v;
        if (*s == '\0')
            break;
        if (*s++ != ',')
            return -1;
    }
    *out = set;
    return 0;
}

static int is_option(const char *a)
{
    static const char *const names[] = {
        "--log", "--workdir", "--umask", "--sighup", "--uid", "--gid",
        "--groups", "--caps", "--home", "--user-name", "--shell", "--launcher-pid",
        "--listen", "--listen-fd", "--listen-launcher-fd", "--listen-from",
        "--watch", NULL
    };
    int i;

    for (i = 0; names[i] != NULL; i++)
        if (strcmp(a, names[i]) == 0)
            return 1;
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
    int have_gid = 0, have_groups = 0;
    unsigned long id;

    memset(opt, 0, sizeof *opt);
    opt->log_path = "/dev/null";
    opt->workdir = "/";
    opt->umask_value = 022;
    opt->sighup = HUP_INHERIT;
    opt->launcher_pid = 0;
    opt->program_argv = NULL;
    opt->listen_spec = NULL;
    opt->listen_fd = -1;
    opt->listen_launcher_fd = -1;
    opt->watch_dir = NULL;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value;

        if (strcmp(a, "--") == 0)
            break;
        if (!is_option(a)) {
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
            opt->launcher_pid = pid_parse(value, strlen(value));
            if (opt->launcher_pid == 0)
                return usage_error("invalid --launcher-pid (a pid expected)",
                                   value);
        } else if (strcmp(a, "--listen-from") == 0) {
            if (parse_listen_from(value, opt) != 0)
                return usage_error("invalid --listen-from (PID:START:PIDFILE expected)",
                                   value);
        } else if (strcmp(a, "--sighup") == 0) {
            if (parse_sighup(value, &opt->sighup) != 0)
                return usage_error(
                    "invalid --sighup (inherit, ignore or default expected)",
                    value);
        } else if (strcmp(a, "--uid") == 0) {
            /* 0 would drop nothing, and the check that the drop cannot be
             * undone would fail after the fact: refuse it here. */
            if (parse_id(value, &id) != 0 || id == 0)
                return usage_error("invalid --uid (a user id above 0 expected)",
                                   value);
            opt->switch_user = 1;
            opt->uid = (uid_t)id;
        } else if (strcmp(a, "--gid") == 0) {
            if (parse_id(value, &id) != 0 || id == 0)
                return usage_error("invalid --gid (a group id above 0 expected)",
                                   value);
            have_gid = 1;
            opt->gid = (gid_t)id;
        } else if (strcmp(a, "--groups") == 0) {
            if (parse_groups(value, &opt->ngroups) != 0)
                return usage_error("invalid --groups (comma-separated group ids "
                                   "expected)", value);
            have_groups = 1;
            opt->groups = group_storage;
        } else if (strcmp(a, "--caps") == 0) {
            if (parse_caps(value, &opt->caps) != 0)
                return usage_error("invalid --caps (comma-separated capability "
                                   "numbers 0..63 expected)", value);
        } else if (strcmp(a, "--listen") == 0) {
            if (listen_parse(value, &opt->listen_at) != 0)
                return usage_error("invalid --listen ([ADDR:]PORT expected: 8080, "
                                   "127.0.0.1:8080 or [::1]:8080, a port of "
                                   "0..65535 and a numeric address)", value);
            opt->listen_spec = value;
        } else if (strcmp(a, "--listen-fd") == 0) {
            if (parse_id(value, &id) != 0 || id > 1023)
                return usage_error("invalid --listen-fd (a descriptor number "
                                   "expected)", value);
            opt->listen_fd = (int)id;
        } else if (strcmp(a, "--listen-launcher-fd") == 0) {
            if (parse_id(value, &id) != 0 || id > 1023)
                return usage_error("invalid --listen-launcher-fd (a descriptor "
                                   "number expected)", value);
            opt->listen_launcher_fd = (int)id;
        } else if (strcmp(a, "--watch") == 0) {
            if (value[0] != '/')
                return usage_error("--watch needs an absolute directory path",
                                   value);
            opt->watch_dir = value;
        } else if (strcmp(a, "--home") == 0) {
            opt->home = value;
        } else if (strcmp(a, "--shell") == 0) {
            opt->shell = value;
        } else {
            opt->user_name = value;
        }
    }

    /* The user switch is all or nothing: no half-configured identity. */
    if (opt->switch_user && (!have_gid || !have_groups || opt->home == NULL
                             || opt->user_name == NULL))
        return usage_error("--uid needs --gid, --groups, --home and --user-name",
                           NULL);
    if (!opt->switch_user && (have_gid || have_groups || opt->caps != 0
                              || opt->home != NULL || opt->user_name != NULL
                              || opt->shell != NULL))
        return usage_error("--gid, --groups, --caps, --home, --user-name and "
                           "--shell need --uid", NULL);

    if ((opt->listen_spec != NULL) + (opt->listen_fd >= 0)
        + (opt->listen_launcher_fd >= 0) + (opt->listen_from_pid != 0) > 1)
        return usage_error("--listen, --listen-fd, --listen-launcher-fd and "
                           "--listen-from exclude each other", NULL);

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
