package io.byzflink.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A detached JVM started with this JVM's Java, module and DJL options: what the local cluster's
 * JobManager, TaskManagers and Kafka broker run in. Its output goes to a log file and its pid to
 * a pid file, so another {@code byzflink} invocation can find and stop it.
 */
final class JavaProcess {

    private JavaProcess() {}

    /** This JVM's options a child needs: modules, opens/exports, DJL offline and threads, OPT_OUT. */
    static List<String> inheritedOptions() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("--add-modules")
                    || arg.startsWith("-Dai.djl.") || arg.startsWith("-DOPT_OUT_TRACKING")
                    || arg.startsWith("-Dlog4j.configurationFile")) {
                out.add(arg);
            }
        }
        if (out.stream().noneMatch(a -> a.startsWith("-Dai.djl.offline"))) {
            out.add("-Dai.djl.offline=true"); // never let a child's DJL reach the network
            out.add("-DOPT_OUT_TRACKING=true");
        }
        return out;
    }

    /** This JVM's classpath without the entries {@code drop} rejects. */
    static String classpath(Predicate<String> drop) {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank() && !drop.test(entry)) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /** Starts {@code mainClass args} detached; returns its pid (also written to {@code pidFile}). */
    static long start(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args,
            Path log, Path pidFile) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        Files.writeString(pidFile, Long.toString(p.pid()), StandardCharsets.UTF_8);
        return p.pid();
    }

    /** The live process of a pid file, if any. */
    static Optional<ProcessHandle> alive(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops the process of a pid file (SIGTERM, then SIGKILL after {@code graceMs}) and removes the file. */
    static boolean stop(Path pidFile, long graceMs) throws IOException {
        Optional<ProcessHandle> p = alive(pidFile);
        p.ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(graceMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
        Files.deleteIfExists(pidFile);
        return p.isPresent();
    }
}
