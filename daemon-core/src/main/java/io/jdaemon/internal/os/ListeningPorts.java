package io.jdaemon.internal.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports this process listens on (Linux): the listening sockets of
 * {@code /proc/self/net/tcp} and {@code tcp6} whose inodes are among this process's descriptors
 * ({@code /proc/self/fd}, {@code socket:[INODE]}). Empty where /proc does not show them.
 */
public final class ListeningPorts {

    /** {@code st} of a listening socket in /proc/net/tcp. */
    private static final String LISTEN = "0A";

    private ListeningPorts() {
    }

    /** The ports this process listens on, in ascending order. */
    public static Set<Integer> ofThisProcess() {
        Set<String> inodes = new HashSet<>(Processes.ownSockets().values());
        Set<Integer> ports = new TreeSet<>();
        if (inodes.isEmpty()) {
            return ports;
        }
        for (String table : new String[] {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            String text;
            try (FileInputStream in = new FileInputStream(table)) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue; // no IPv6, or no /proc
            }
            ports.addAll(listening(text, inodes));
        }
        return ports;
    }

    /** The listening ports in a /proc/net/tcp table whose socket inode is one of {@code inodes}. */
    public static Set<Integer> listening(String table, Set<String> inodes) {
        Set<Integer> ports = new TreeSet<>();
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) { // the first is the header
            String[] f = lines[i].trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode ...
            if (f.length < 10 || !f[3].equals(LISTEN) || !inodes.contains(f[9])) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            try {
                ports.add(Integer.parseInt(f[1].substring(colon + 1), 16));
            } catch (NumberFormatException e) {
                // not a table line
            }
        }
        return ports;
    }
}
