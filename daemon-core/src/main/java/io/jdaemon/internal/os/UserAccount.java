package io.jdaemon.internal.os;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The user a daemon started with {@code --user=USER[:GROUP]} runs as, resolved in the launcher
 * from {@code /etc/passwd} and {@code /etc/group} only (the helper is a static binary, where the
 * C library's NSS does not work; users from LDAP or other NSS sources: give numeric ids).
 *
 * <ul>
 *   <li>USER is a name or a numeric id; a numeric id needs no entry. GROUP, a name or a numeric
 *       id, defaults to USER's primary group from {@code /etc/passwd}; a numeric USER without an
 *       entry needs an explicit GROUP.
 *   <li>The supplementary groups are GROUP plus every group of {@code /etc/group} that lists the
 *       user's name, as initgroups(3) makes them.
 *   <li>HOME is the entry's home directory, USER and LOGNAME its name, SHELL its shell; without
 *       an entry they are {@code /}, the numeric id and {@code /bin/sh}.
 *   <li>Root (uid 0) and group 0 are refused: the daemon would keep root's rights.
 * </ul>
 */
public final class UserAccount {

    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");
    private static final long MAX_ID = 0xFFFFFFFEL; // (uid_t) -1 means "unchanged" to setuid(2)

    private final String spec;
    private final String name;
    private final long uid;
    private final long gid;
    private final List<Long> groups;
    private final String home;
    private final String shell;

    private UserAccount(String spec, String name, long uid, long gid, List<Long> groups, String home,
            String shell) {
        this.spec = spec;
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.groups = groups;
        this.home = home;
        this.shell = shell;
    }

    /**
     * Resolves {@code USER[:GROUP]} from {@code /etc/passwd} and {@code /etc/group}.
     *
     * @throws DaemonException with {@link ExitStatus#USAGE} for an unknown user or group
     */
    public static UserAccount resolve(String spec) {
        return resolve(spec, PASSWD, GROUP);
    }

    /** As {@link #resolve(String)}, from the given files (for tests). */
    static UserAccount resolve(String spec, Path passwdFile, Path groupFile) {
        int colon = spec.indexOf(':');
        String userPart = colon < 0 ? spec : spec.substring(0, colon);
        String groupPart = colon < 0 ? null : spec.substring(colon + 1);
        if (userPart.isEmpty() || (groupPart != null && groupPart.isEmpty())) {
            throw usage("--user=" + spec + " is not USER or USER:GROUP (names or numeric ids)");
        }
        List<String[]> passwd = entries(passwdFile, 7);
        List<String[]> group = entries(groupFile, 4);

        String[] entry = isId(userPart) ? find(passwd, 2, userPart) : find(passwd, 0, userPart);
        if (entry == null && !isId(userPart)) {
            throw usage("unknown user " + userPart + " (not in " + passwdFile + "; for users from "
                    + "LDAP or other NSS sources give numeric ids, --user=UID:GID)");
        }
        long uid = id(entry != null ? entry[2] : userPart, "user", spec);
        String name = entry != null ? entry[0] : userPart;
        String home = entry != null && !entry[5].isEmpty() ? entry[5] : "/";
        String shell = entry != null && !entry[6].isEmpty() ? entry[6] : "/bin/sh";

        long gid;
        if (groupPart == null) {
            if (entry == null) {
                throw usage("user id " + userPart + " has no entry in " + passwdFile + ", so no "
                        + "primary group; give one: --user=" + userPart + ":GID");
            }
            gid = id(entry[3], "group", spec);
        } else if (isId(groupPart)) {
            gid = id(groupPart, "group", spec);
        } else {
            String[] g = find(group, 0, groupPart);
            if (g == null) {
                throw usage("unknown group " + groupPart + " (not in " + groupFile + "; for groups "
                        + "from LDAP or other NSS sources give a numeric id, --user=USER:GID)");
            }
            gid = id(g[2], "group", spec);
        }
        if (uid == 0) {
            throw usage("--user=" + spec + " is root: the daemon would keep every privilege; "
                    + "give an unprivileged user, or omit --user");
        }
        if (gid == 0) {
            throw usage("--user=" + spec + " has group 0 (root) as the daemon's group; give "
                    + "another group: --user=" + userPart + ":GROUP");
        }
        Set<Long> all = new TreeSet<>();
        all.add(gid);
        if (entry != null) {
            for (String[] g : group) {
                for (String member : g[3].split(",")) {
                    if (member.trim().equals(name) && isId(g[2])) {
                        all.add(Long.parseLong(g[2]));
                    }
                }
            }
        }
        return new UserAccount(spec, name, uid, gid, Collections.unmodifiableList(new ArrayList<>(all)),
                home, shell);
    }

    /** Whether this process runs with effective user id 0, as {@code --user} needs. */
    public static boolean launcherIsRoot() {
        Path self = Path.of("/proc/self");
        try {
            if (Files.isDirectory(self)) {
                // /proc/self belongs to the process's effective user
                return ((Number) Files.getAttribute(self, "unix:uid")).longValue() == 0;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // fall back to the name
        }
        return "root".equals(System.getProperty("user.name"));
    }

    /** What was asked for, {@code USER[:GROUP]}. */
    public String spec() {
        return spec;
    }

    /** The user's name, or its numeric id when it has no entry. */
    public String name() {
        return name;
    }

    public long uid() {
        return uid;
    }

    public long gid() {
        return gid;
    }

    /** The supplementary groups, sorted, including {@link #gid()}. */
    public List<Long> groups() {
        return groups;
    }

    /** The home directory, {@code /} when the user has no entry. */
    public String home() {
        return home;
    }

    /** The login shell of the entry ({@code /bin/sh} without one, as su(1) has it): SHELL. */
    public String shell() {
        return shell;
    }

    /**
     * Why this user cannot create files in a directory, or write an existing file, at
     * {@code path}; null if it can. Decided from owner, group and mode bits (ACLs are not read),
     * including search permission on every directory on the way.
     */
    public String cannotWrite(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            Path walk = absolute.getRoot();
            for (Path part : absolute) {
                if (!allows(walk, 1)) {
                    return "user " + name + " cannot enter " + walk + " (" + describe(walk) + ")";
                }
                walk = walk.resolve(part);
            }
            boolean dir = Files.isDirectory(absolute);
            if (!allows(absolute, dir ? 3 : 2)) {
                return "user " + name + " cannot write " + (dir ? "in it" : "it") + " ("
                        + describe(absolute) + ")";
            }
            return null;
        } catch (NoSuchFileException e) {
            return e.getFile() + " does not exist";
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot read its attributes: " + e.getMessage();
        }
    }

    /**
     * Why this user cannot enter directory {@code dir} (search permission on it and on every
     * directory above it), or null if it can.
     */
    public String cannotEnter(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Path walk = absolute.getRoot();
            for (Path part : absolute) {
                if (!allows(walk, 1)) {
                    return "user " + name + " cannot enter " + walk + " (" + describe(walk) + ")";
                }
                walk = walk.resolve(part);
            }
            return allows(absolute, 1) ? null
                    : "user " + name + " cannot enter " + absolute + " (" + describe(absolute) + ")";
        } catch (NoSuchFileException e) {
            return e.getFile() + " does not exist";
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot read its attributes: " + e.getMessage();
        }
    }

    /** Whether the mode bits {@code want} (1 execute, 2 write, 4 read) apply to this user. */
    private boolean allows(Path path, int want) throws IOException {
        int mode = ((Number) Files.getAttribute(path, "unix:mode")).intValue();
        long owner = ((Number) Files.getAttribute(path, "unix:uid")).longValue();
        long group = ((Number) Files.getAttribute(path, "unix:gid")).longValue();
        // The kernel uses exactly one class: owner, else group, else others.
        int bits = owner == uid ? mode >> 6 : groups.contains(group) ? mode >> 3 : mode;
        return (bits & want) == want;
    }

    private static String describe(Path path) throws IOException {
        int mode = ((Number) Files.getAttribute(path, "unix:mode")).intValue() & 07777;
        return "owner " + Files.getAttribute(path, "unix:uid") + ":" + Files.getAttribute(path, "unix:gid")
                + ", mode 0" + Integer.toOctalString(mode);
    }

    private static List<String[]> entries(Path file, int fields) {
        List<String[]> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new DaemonException("cannot read " + file + " to resolve --user: " + e.getMessage(),
                    ExitStatus.NOT_CONFIGURED, e);
        }
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue; // NIS compat lines are not ours to follow
            }
            String[] f = line.split(":", -1);
            if (f.length >= fields) {
                out.add(f);
            }
        }
        return out;
    }

    private static String[] find(List<String[]> entries, int field, String value) {
        for (String[] e : entries) {
            if (e[field].equals(value)) {
                return e;
            }
        }
        return null;
    }

    private static boolean isId(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(s) <= MAX_ID;
    }

    private static long id(String s, String what, String spec) {
        if (!isId(s)) {
            throw usage("--user=" + spec + ": " + what + " id " + s + " is not a number from 0 to "
                    + MAX_ID);
        }
        return Long.parseLong(s);
    }

    private static DaemonException usage(String message) {
        return new DaemonException(message, ExitStatus.USAGE);
    }
}
