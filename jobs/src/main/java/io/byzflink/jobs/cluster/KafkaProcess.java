package io.byzflink.jobs.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The embedded KRaft broker as a process of its own ({@code byzflink kafka serve}), on a fixed
 * loopback port, for a local cluster whose jobs and clients are other processes.
 */
public final class KafkaProcess {

    private final Path state;

    public KafkaProcess(Path stateDir) {
        this.state = stateDir.toAbsolutePath();
    }

    /** Starts the broker on {@code port} and waits until it accepts connections; returns host:port. */
    public String start(int port, Duration timeout) throws IOException, InterruptedException {
        if (JavaProcess.alive(state.resolve("kafka.pid")).isPresent()) {
            throw new IllegalStateException("a Kafka broker is already running from " + state + "; stop it first: byzflink kafka stop");
        }
        Files.createDirectories(state);
        List<String> jvm = new java.util.ArrayList<>(JavaProcess.inheritedOptions());
        jvm.add("-Xmx1g");
        jvm.add("-Dbyzflink.log=" + state.resolve("kafka.log"));
        JavaProcess.start("kafka", System.getProperty("java.class.path"), jvm,
                "io.byzflink.jobs.cli.ByzFlinkCli", List.of("kafka", "serve", "--port", Integer.toString(port)),
                state.resolve("kafka.out"), state.resolve("kafka.pid"));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return "127.0.0.1:" + port;
            } catch (IOException notYet) {
                if (JavaProcess.alive(state.resolve("kafka.pid")).isEmpty()) {
                    throw new IllegalStateException("the Kafka process exited; see " + state.resolve("kafka.out"));
                }
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("Kafka did not open port " + port + " within " + timeout.toSeconds() + " s");
    }

    public boolean stop() throws IOException {
        return JavaProcess.stop(state.resolve("kafka.pid"), 15_000);
    }

    public String status() {
        return "kafka: " + JavaProcess.alive(state.resolve("kafka.pid")).map(p -> "running, pid " + p.pid()).orElse("not running");
    }
}
