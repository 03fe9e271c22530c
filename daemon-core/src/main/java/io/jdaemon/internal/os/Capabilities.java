package io.jdaemon.internal.os;

import io.jdaemon.DaemonException;
import io.jdaemon.ExitStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Linux capability names and their numbers (linux/capability.h), for {@code --keep-caps}. Names
 * are written as in capabilities(7) without the {@code CAP_} prefix, in any case:
 * {@code net_bind_service}. The ones that would let the daemon undo the user switch
 * ({@code setuid}, {@code setgid}, {@code setpcap}, {@code setfcap}) are refused.
 */
public final class Capabilities {

    /** Index = capability number. */
    private static final List<String> NAMES = List.of("chown", "dac_override", "dac_read_search",
            "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap", "linux_immutable",
            "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
            "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin",
            "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
            "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
            "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore");

    private static final Set<String> UNDO_THE_SWITCH = Set.of("setuid", "setgid", "setpcap", "setfcap");

    private Capabilities() {
    }

    /**
     * The normal form of a capability name (lower case, no {@code cap_} prefix).
     *
     * @throws IllegalArgumentException for an unknown or refused name, with the reason
     */
    public static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("cap_")) {
            n = n.substring(4);
        }
        if (UNDO_THE_SWITCH.contains(n)) {
            throw new IllegalArgumentException("capability " + name + " would let the daemon become "
                    + "root again; it cannot be kept");
        }
        if (!NAMES.contains(n)) {
            throw new IllegalArgumentException("unknown capability " + name + "; use names from "
                    + "capabilities(7) without CAP_, such as net_bind_service");
        }
        return n;
    }

    /** The number of a capability given in its normal form. */
    public static int number(String name) {
        int n = NAMES.indexOf(name);
        if (n < 0) {
            throw new IllegalArgumentException("unknown capability " + name);
        }
        return n;
    }

    /**
     * The names in a comma-separated list, normalized, without repeats.
     *
     * @throws DaemonException with {@link ExitStatus#USAGE} for an empty, unknown or refused name
     */
    public static List<String> parseList(String flag, String list) {
        List<String> out = new ArrayList<>();
        for (String name : list.split(",", -1)) {
            if (name.isBlank()) {
                throw new DaemonException(flag + "=" + list + " has an empty name; use, for example, "
                        + flag + "=net_bind_service", ExitStatus.USAGE);
            }
            String n;
            try {
                n = normalize(name);
            } catch (IllegalArgumentException e) {
                throw new DaemonException(flag + ": " + e.getMessage(), ExitStatus.USAGE);
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
