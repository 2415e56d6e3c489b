package io.byzflink.jobs.cli;

import io.byzflink.training.DjlRuntime;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code byzflink} command line: one subcommand per thing a user does. */
@Command(name = "byzflink", mixinStandardHelpOptions = true, version = "ByzFlink 0.1.0",
        description = "Byzantine-robust federated and decentralized learning on Apache Flink, fed through Kafka.",
        subcommands = {RunCommand.class, AggregateCommand.class, AttackCommand.class, BenchCommand.class, PlotCommand.class, ModelsCommand.class, ClusterCommand.class, KafkaCommand.class, SubmitCommand.class,
            ClientCommand.class, CommandLine.HelpCommand.class})
public final class ByzFlinkCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before anything can load DJL: offline, no tracking call, one intra-op thread.
        DjlRuntime.ensureConfigured();
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (errors print one line and the usage, no stack trace). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ByzFlinkCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("BYZFLINK_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(set BYZFLINK_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
