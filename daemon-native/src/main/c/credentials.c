/* Becoming the daemon's user. Runs in P1, before any fork. */
#include "credentials.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"

#ifdef __linux__

#include <grp.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* Older headers lack the ambient set (Linux 4.3). */
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int fail(const char *what)
{
    fprintf(stderr, PROTOCOL_PREFIX "%s: %s\n", what, strerror(errno));
    return PROTOCOL_EXIT_FAILED;
}

/*
 * Permitted, effective and inheritable sets all become exactly caps. The raw
 * syscalls rather than libcap: the helper links nothing else. Lowering
 * capabilities is always allowed, so this cannot add any.
 */
static int set_caps(uint64_t caps)
{
    struct __user_cap_header_struct header;
    struct __user_cap_data_struct data[2];
    int i;

    memset(&header, 0, sizeof header);
    header.version = _LINUX_CAPABILITY_VERSION_3;
    for (i = 0; i < 2; i++) {
        uint32_t word = (uint32_t)(caps >> (32 * i));
        data[i].effective = word;
        data[i].permitted = word;
        data[i].inheritable = word;
    }
    return (int)syscall(SYS_capset, &header, data);
}

/* The permitted set, or -1 with errno set. */
static int get_permitted(uint64_t *out)
{
    struct __user_cap_header_struct header;
    struct __user_cap_data_struct data[2];

    memset(&header, 0, sizeof header);
    header.version = _LINUX_CAPABILITY_VERSION_3;
    if (syscall(SYS_capget, &header, data) != 0)
        return -1;
    *out = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
    return 0;
}

/*
 * Proves the switch is final: root could regain privileges with setuid(0)
 * if, say, the saved set-user-ID were still 0 or CAP_SETUID were still
 * permitted. All four of real, effective, saved and filesystem ids must be
 * the target's (setfsuid returns the previous value and changes nothing when
 * given an id the caller may not use, such as -1).
 */
static int verify(const struct options *opt)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    uint64_t permitted;

    if (setuid(0) == 0 || setgid(0) == 0) {
        fprintf(stderr, PROTOCOL_PREFIX "the switch to uid %lu could be undone "
                "(setuid(0) or setgid(0) succeeded); not starting\n",
                (unsigned long)opt->uid);
        return PROTOCOL_EXIT_FAILED;
    }
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return fail("cannot read the user and group ids");
    if (ru != opt->uid || eu != opt->uid || su != opt->uid
        || (uid_t)setfsuid((uid_t)-1) != opt->uid
        || rg != opt->gid || eg != opt->gid || sg != opt->gid
        || (gid_t)setfsgid((gid_t)-1) != opt->gid) {
        fprintf(stderr, PROTOCOL_PREFIX "the switch to uid %lu gid %lu is "
                "incomplete; not starting\n", (unsigned long)opt->uid,
                (unsigned long)opt->gid);
        return PROTOCOL_EXIT_FAILED;
    }
    if (get_permitted(&permitted) != 0)
        return fail("cannot read the capabilities");
    if (permitted != opt->caps) {
        fprintf(stderr, PROTOCOL_PREFIX "capabilities other than the kept ones "
                "remain; not starting\n");
        return PROTOCOL_EXIT_FAILED;
    }
    return 0;
}

/*
 * Ambient capabilities (Linux 4.3) are the only ones that survive the exec
 * of an ordinary program, such as java, by a process that is not root.
 * A capability can be raised there only while it is both permitted and
 * inheritable, which set_caps() made it.
 */
static int raise_ambient(uint64_t caps)
{
    unsigned long cap;

    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) != 0)
        return fail("cannot clear the ambient capabilities");
    for (cap = 0; cap < 64; cap++) {
        if (!(caps & ((uint64_t)1 << cap)))
            continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0UL, 0UL) != 0) {
            fprintf(stderr, PROTOCOL_PREFIX "cannot keep capability %lu: %s\n",
                    cap, strerror(errno));
            return PROTOCOL_EXIT_FAILED;
        }
    }
    return 0;
}

/*
 * Variables of the launching session that belong to root's login, not to
 * the daemon's user: credentials and agents (a Kerberos ticket cache, an
 * SSH agent, root's runtime and session bus directories), sudo's record of
 * who ran it, root's mail, history file and working directories. su - and
 * systemd's User= start the user's processes without them. Everything else
 * the operator gave the service stays (its configuration often comes in the
 * environment); HOME, USER, LOGNAME, SHELL and PATH are the user's, as su -
 * sets them.
 */
static const char *const session_only[] = {
    "KRB5CCNAME", "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_CLIENT",
    "SSH_CONNECTION", "SSH_TTY", "XDG_RUNTIME_DIR", "XDG_SESSION_ID",
    "XDG_SESSION_TYPE", "XDG_SESSION_CLASS", "XDG_SESSION_DESKTOP", "XDG_SEAT",
    "XDG_VTNR", "DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY", "MAIL", "HISTFILE",
    "PWD", "OLDPWD", NULL
};

/* The PATH su(1) gives an ordinary user (login.defs ENV_PATH). */
#define USER_PATH "/usr/local/bin:/usr/bin:/bin"

extern char **environ;

static int is_session_only(const char *entry)
{
    size_t len = strcspn(entry, "=");
    int i;

    if (strncmp(entry, "SUDO_", 5) == 0)
        return PROTOCOL_EXIT_FAILED;
    for (i = 0; session_only[i] != NULL; i++)
        if (strlen(session_only[i]) == len
            && strncmp(entry, session_only[i], len) == 0)
            return PROTOCOL_EXIT_FAILED;
    return 0;
}

static int credentials_environment(const struct options *opt)
{
    char name[256];
    size_t i, len;

    for (i = 0; environ != NULL && environ[i] != NULL;) {
        if (!is_session_only(environ[i])) {
            i++;
            continue;
        }
        len = strcspn(environ[i], "=");
        if (len >= sizeof name) {
            i++;
            continue;
        }
        memcpy(name, environ[i], len);
        name[len] = '\0';
        if (unsetenv(name) != 0)
            return fail("cannot clear the launching session's environment");
        i = 0; /* unsetenv moved the entries: look again from the start */
    }
    /* The JVM reads user.home from the password database, but the service's
     * own code and child processes go by these. */
    if (setenv("HOME", opt->home, 1) != 0 || setenv("USER", opt->user_name, 1) != 0
        || setenv("LOGNAME", opt->user_name, 1) != 0
        || setenv("SHELL", opt->shell != NULL && opt->shell[0] != '\0'
                               ? opt->shell : "/bin/sh", 1) != 0
        || setenv("PATH", USER_PATH, 1) != 0)
        return fail("cannot set HOME, USER, LOGNAME, SHELL and PATH");
    return 0;
}

int credentials_drop(const struct options *opt)
{
    int rc;

    if (!opt->switch_user)
        return 0;
    if (geteuid() != 0) {
        fprintf(stderr, PROTOCOL_PREFIX "switching to uid %lu needs root\n",
                (unsigned long)opt->uid);
        return PROTOCOL_EXIT_FAILED;
    }
    /* Asked before anything changes, so an old kernel leaves us as we were.
     * EINVAL: the kernel does not know PR_CAP_AMBIENT. */
    if (opt->caps != 0
        && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0UL, 0UL, 0UL) < 0
        && errno == EINVAL) {
        fprintf(stderr, PROTOCOL_PREFIX "this kernel has no ambient capabilities "
                "(Linux 4.3 or later is needed to keep capabilities)\n");
        return PROTOCOL_EXIT_UNSUPPORTED;
    }
    /* Groups first: setgroups and setgid need root, which setuid ends. */
    if (setgroups(opt->ngroups, opt->groups) != 0)
        return fail("cannot set the supplementary groups");
    if (setgid(opt->gid) != 0)
        return fail("cannot set the group id");
    /* Without KEEPCAPS, setuid from root to another user clears every
     * capability set; with it the permitted set survives, and set_caps()
     * then cuts it down to the kept ones. */
    if (opt->caps != 0 && prctl(PR_SET_KEEPCAPS, 1UL, 0UL, 0UL, 0UL) != 0)
        return fail("cannot keep capabilities across the user switch");
    /* As root, setuid sets the real, effective and saved user ids. */
    if (setuid(opt->uid) != 0)
        return fail("cannot set the user id");
    /* Also with no capability kept: an inheritable set the launcher may have
     * had must not reach the daemon. */
    if (set_caps(opt->caps) != 0)
        return fail("cannot set the capabilities");
    if (opt->caps != 0 && prctl(PR_SET_KEEPCAPS, 0UL, 0UL, 0UL, 0UL) != 0)
        return fail("cannot reset the keep-capabilities flag");
    rc = verify(opt);
    if (rc != 0)
        return rc;
    if (opt->caps != 0) {
        rc = raise_ambient(opt->caps);
        if (rc != 0)
            return rc;
    }
    return credentials_environment(opt);
}

#else /* not Linux */

int credentials_drop(const struct options *opt)
{
    if (!opt->switch_user)
        return 0;
    fprintf(stderr, PROTOCOL_PREFIX "switching users is supported on Linux only\n");
    return PROTOCOL_EXIT_UNSUPPORTED;
}

#endif
