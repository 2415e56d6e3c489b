package io.byzflink.jobs.cli;

import io.byzflink.jobs.cluster.StandaloneCluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code byzflink cluster start|stop|status}: a standalone Flink session cluster of local processes. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A standalone Flink session cluster on this machine: one JobManager and N TaskManager processes started",
            "from the project's Maven-resolved Flink jars, dashboard and ports on 127.0.0.1, DJL natives on the task managers'",
            "classpath. Logs, pid files and checkpoints go to --state. Then: byzflink submit CONFIG.yaml --cluster URL.",
            "  byzflink cluster start --taskmanagers 2",
            "  byzflink cluster status",
            "  byzflink cluster stop"})
final class ClusterCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop or status.")
    String action;

    @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManager processes (2 slots each). Default: ${DEFAULT-VALUE}.")
    int taskManagers;

    @Option(names = "--port", defaultValue = "8081", description = "Dashboard/REST port on 127.0.0.1 (0: a free one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--conf", paramLabel = "DIR", description = "Folder with the base config.yaml. Default: flink-conf/ of this project.")
    Path conf;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "runs/cluster",
            description = "Folder for logs, pid files, checkpoints and uploaded jars. Default: ${DEFAULT-VALUE}.")
    Path state;

    @Override
    public Integer call() throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(state);
        switch (action) {
            case "start" -> {
                Path base = conf != null ? conf : Path.of(System.getProperty("byzflink.home", ".")).resolve("flink-conf");
                System.out.println("Starting a JobManager and " + taskManagers + " TaskManagers (about 20 s on 2 cores)...");
                String url = cluster.start(base, taskManagers, port, Map.of(), Duration.ofMinutes(3));
                System.out.println("Flink cluster up: dashboard " + url + "; logs in " + state);
            }
            case "stop" -> System.out.println("stopped " + cluster.stop() + " processes");
            case "status" -> cluster.status().forEach(System.out::println);
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; use start, stop or status");
        }
        return 0;
    }
}
