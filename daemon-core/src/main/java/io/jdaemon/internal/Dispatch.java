package io.jdaemon.internal;

import io.jdaemon.DaemonException;
import io.jdaemon.DaemonOptions;
import io.jdaemon.ExitStatus;
import io.jdaemon.internal.cli.Report;
import io.jdaemon.internal.cli.Flags;
import io.jdaemon.internal.control.Control;
import io.jdaemon.internal.control.SystemdUnit;
import io.jdaemon.internal.daemon.ServiceSide;
import io.jdaemon.internal.daemon.Foreground;
import io.jdaemon.internal.daemon.SdNotify;
import io.jdaemon.internal.handshake.Handshake;
import io.jdaemon.internal.helper.HelperCache;
import io.jdaemon.internal.jvm.JvmCommandLine;
import io.jdaemon.internal.jvm.ProgramName;
import io.jdaemon.internal.launch.Launcher;
import java.io.File;

/**
 * What {@code Daemon.detachIfRequested} does: reads the library's flags and sends this JVM down
 * one of five roads: the re-executed daemon finishes its setup ({@link ServiceSide}); a service
 * stays in the foreground ({@link Foreground}); the launcher starts the daemon ({@link Launcher});
 * a control command acts on a running one ({@link Control}); or {@code --daemon=unit} prints the
 * systemd unit that would start the service ({@link SystemdUnit}). The launcher's and the control
 * commands' {@link Report}s are printed here, and the JVM exits with their status.
 */
public final class Dispatch {

    private Dispatch() {
    }

    /**
     * See {@code Daemon.detachIfRequested(String[], DaemonOptions)}.
     *
     * @return {@code args} without the library's flags, where the service goes on
     */
    public static String[] detachIfRequested(String[] args, DaemonOptions defaults) {
        // Null: the program's name, found when a message needs it (the daemon needs none).
        String name = defaults.name();
        try {
            Flags.Parsed parsed = Flags.parse(args, defaults);
            String launcher = System.getProperty(Handshake.MARKER);
            if (launcher != null) {
                ServiceSide.complete(launcher);
                return parsed.serviceArgs();
            }
            DaemonOptions options = parsed.options();
            SdNotify notify = SdNotify.fromEnvironment();
            if (parsed.action() == Flags.Action.NONE) {
                Foreground.refuseUserSwitch(options, notify);
                if (parsed.given("--log")) {
                    Report.notice("--log is ignored without --daemon: output stays where it goes now "
                            + "(add --daemon, or redirect it)").print(ProgramName.named(name));
                }
                boolean pidFile = parsed.given("--pidfile");
                if (pidFile && File.separatorChar != '/') {
                    Report.notice("--pidfile is ignored on " + System.getProperty("os.name")
                            + ": pidfiles need a POSIX system").print(ProgramName.named(name));
                    pidFile = false;
                }
                Foreground.start(options, pidFile, notify, name);
                return parsed.serviceArgs();
            }
            if (File.separatorChar != '/') {
                throw new DaemonException("--daemon needs a POSIX system (Linux or macOS); this is "
                        + System.getProperty("os.name") + ": run the service in the foreground "
                        + "under the system's service manager", ExitStatus.UNSUPPORTED);
            }
            if (parsed.action() == Flags.Action.UNIT) {
                String unit = SystemdUnit.of(defaults, parsed, JvmCommandLine.current(),
                          ProgramName.named(name), System.getenv());
                System.out.print(unit);
                System.out.flush();
                System.exit(ExitStatus.OK);
            }
            if (parsed.action() == Flags.Action.START) {
                String stay = Foreground.reasonToStayInForeground(notify);
                if (stay != null) {
                    name = ProgramName.named(name);
                    Foreground.refuseUserSwitch(options, notify);
                    Report.notice(stay).print(name);
                    Foreground.supervised(options, notify, name);
                    return parsed.serviceArgs();
                }
                // The launching JVM ran nothing of the service: skip the JVM's teardown.
                Launcher starter = new Launcher(options, name);
                int status = starter.start().print(starter.name());
                HelperCache.removeFreshDirectory(); // the daemon runs: its helper is done
                if (shuttingDown()) {
                    // SIGTERM or Ctrl-C gave the start up: the JVM's shutdown ends it with the
                    // signal's status (143, 130); exit() waits for it instead of cutting it short.
                    System.exit(status);
                }
                Runtime.getRuntime().halt(status);
            }
            name = ProgramName.named(name);
            System.exit(new Control(parsed, name).run(parsed.action(), parsed.force())
                    .print(name));
        } catch (DaemonException e) {
            System.exit(Report.of(e).print(ProgramName.named(name)));
        }
        throw new AssertionError("unreachable");
    }

    /** Whether the JVM has begun its shutdown (a hook can no longer be added). */
    private static boolean shuttingDown() {
        Thread probe = new Thread("jdaemon-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
