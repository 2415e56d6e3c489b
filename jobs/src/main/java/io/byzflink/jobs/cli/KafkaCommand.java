package io.byzflink.jobs.cli;

import io.byzflink.connectors.kafka.EmbeddedKafka;
import io.byzflink.jobs.cluster.KafkaProcess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code byzflink kafka start|stop|status|serve}: the embedded KRaft broker as its own process. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = {"A single-node KRaft Kafka broker on 127.0.0.1 as a process of its own, for a local cluster:",
            "  byzflink kafka start --port 9092      (then kafka.bootstrap: 127.0.0.1:9092)",
            "  byzflink kafka status | stop",
            "serve runs the broker in the foreground (what start launches). Its data is deleted when it stops."})
final class KafkaCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop, status or serve.")
    String action;

    @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "runs/cluster", description = "Folder for the pid file and log. Default: ${DEFAULT-VALUE}.")
    Path state;

    @Override
    public Integer call() throws Exception {
        KafkaProcess kafka = new KafkaProcess(state);
        switch (action) {
            case "start" -> System.out.println("Kafka broker at " + kafka.start(port, Duration.ofMinutes(1)));
            case "stop" -> System.out.println(kafka.stop() ? "Kafka stopped" : "no Kafka was running");
            case "status" -> System.out.println(kafka.status());
            case "serve" -> serve();
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; use start, stop, status or serve");
        }
        return 0;
    }

    private void serve() throws InterruptedException {
        EmbeddedKafka broker = EmbeddedKafka.start(port, Map.of());
        System.out.println("Kafka broker at " + broker.bootstrapServers() + " (stop with SIGTERM)");
        new CountDownLatch(1).await(); // until the process is stopped; the shutdown hook closes the broker
    }
}
