package io.byzflink.jobs.cli;

import io.byzflink.service.FlinkStoreFiles;
import io.byzflink.training.store.ModelStore;
import io.byzflink.training.store.ModelVersionInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code byzflink models}: the versions an aggregation service stored (model-store.dir). */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Lists, shows, exports and rolls back the model versions in a model store (model-store.dir of a",
            "service run): each version is a DJL parameter file plus JSON metadata (round, rule, accuracy, SHA-256).",
            "  byzflink models list --store runs/models",
            "  byzflink models show 12 --store runs/models",
            "  byzflink models export 12 --store runs/models --to /tmp/model-12",
            "  byzflink models rollback 10 --store runs/models"})
final class ModelsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, show, export or rollback.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "The version (show, export, rollback).")
    Long version;

    @Option(names = "--store", required = true, paramLabel = "DIR|URI",
            description = "The model store: a folder or a Flink file system URI (file://, s3://, hdfs://...).")
    String store;

    @Option(names = "--to", paramLabel = "DIR", description = "export: folder to copy the parameter file and metadata to.")
    Path to;

    @Override
    public Integer call() throws Exception {
        ModelStore models = FlinkStoreFiles.open(store);
        switch (action) {
            case "list" -> list(models);
            case "show" -> System.out.println(describe(models.show(need("show"))));
            case "export" -> {
                if (to == null) {
                    throw new IllegalArgumentException("export needs --to DIR");
                }
                models.export(need("export"), to).forEach(p -> System.out.println("wrote " + p));
            }
            case "rollback" -> System.out.println("current is now " + describe(models.rollback(need("rollback"))));
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; use list, show, export or rollback");
        }
        return 0;
    }

    private long need(String what) {
        if (version == null) {
            throw new IllegalArgumentException(what + " needs a VERSION, e.g. 'byzflink models " + what + " 3 --store DIR'");
        }
        return version;
    }

    private static void list(ModelStore models) throws Exception {
        List<ModelVersionInfo> all = models.list();
        Optional<ModelVersionInfo> current = models.current();
        System.out.printf(Locale.ROOT, "%-8s %-6s %-9s %-24s %s%n", "version", "round", "accuracy", "rule", "sha256");
        for (ModelVersionInfo v : all) {
            boolean isCurrent = current.isPresent() && current.get().version() == v.version();
            System.out.printf(Locale.ROOT, "%-8s %-6d %-9s %-24s %s%n", v.version() + (isCurrent ? "*" : ""), v.round(),
                    v.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.4f", v.accuracy()), v.rule(),
                    v.sha256().substring(0, 16));
        }
        System.out.println(all.size() + " versions; * = current");
    }

    private static String describe(ModelVersionInfo v) {
        return String.format(Locale.ROOT, "version %d (round %d): rule %s, attack %s, accuracy %s, loss %s, %d parameters, "
                + "sha256 %s, file %s, created %s", v.version(), v.round(), v.rule(), v.attack(),
                v.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.4f", v.accuracy()),
                v.loss() == null ? "-" : String.format(Locale.ROOT, "%.4f", v.loss()), v.parameterCount(), v.sha256(),
                v.paramFile(), v.createdAt());
    }
}
