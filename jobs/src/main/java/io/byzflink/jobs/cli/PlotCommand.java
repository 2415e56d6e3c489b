package io.byzflink.jobs.cli;

import io.byzflink.jobs.run.CurvePlot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code byzflink plot}: one curve per run, any two figures of the runs' rounds.jsonl against each other. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Draws one curve per run from each run's rounds.jsonl to a PNG, e.g. accuracy against megabytes "
                + "exchanged to compare decentralized protocols:",
            "  byzflink plot runs/mpls runs/appg runs/netmax --x bytes_total --x-scale 1e6 --x-label 'MB exchanged' "
                + "--y mean_accuracy --out docs/p2p.png"})
public final class PlotCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders (with rounds.jsonl) or rounds.jsonl files; "
            + "each curve is labelled with its folder name.")
    List<Path> runs;

    @Option(names = "--x", defaultValue = "round", description = "Figure on the x axis (a rounds.jsonl key). Default: ${DEFAULT-VALUE}.")
    String x;

    @Option(names = "--y", defaultValue = "accuracy", description = "Figure on the y axis (a rounds.jsonl key). Default: ${DEFAULT-VALUE}.")
    String y;

    @Option(names = "--x-scale", defaultValue = "1", description = "Divide x by this (1e6: bytes to MB). Default: ${DEFAULT-VALUE}.")
    double xScale;

    @Option(names = "--x-label", description = "x axis label. Default: the key.")
    String xLabel;

    @Option(names = "--y-label", description = "y axis label. Default: the key.")
    String yLabel;

    @Option(names = "--title", defaultValue = "", description = "Title above the plot.")
    String title;

    @Option(names = "--out", required = true, description = "PNG to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<CurvePlot.Curve> curves = new ArrayList<>();
        for (Path run : runs) {
            Path jsonl = Files.isDirectory(run) ? run.resolve("rounds.jsonl") : run;
            if (!Files.isRegularFile(jsonl)) {
                throw new IllegalArgumentException(jsonl + " does not exist: give run folders written by 'byzflink run'");
            }
            Path named = Files.isDirectory(run) ? run : jsonl.toAbsolutePath().getParent();
            curves.add(CurvePlot.read(jsonl, named.getFileName().toString(), x, y, xScale, 1.0));
        }
        CurvePlot.write(curves, title, xLabel != null ? xLabel : x, yLabel != null ? yLabel : y, out);
        System.out.println("wrote " + out);
        return 0;
    }
}
