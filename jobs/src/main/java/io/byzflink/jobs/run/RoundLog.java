package io.byzflink.jobs.run;

import io.byzflink.serde.avro.RoundReport;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;

/**
 * Writes one line per round to {@code rounds.jsonl} (one JSON object per line) and
 * {@code rounds.csv} as reports arrive, flushed each round so a long run can be watched or
 * plotted while it goes.
 */
public final class RoundLog implements Closeable {

    /** Column order of both files. */
    public static final String[] COLUMNS = {"round", "accuracy", "loss", "train_loss", "accepted", "rejected",
        "round_ms", "train_ms", "transport_ms", "aggregate_ms", "update_ms", "eval_ms", "rule", "attack",
        "byzantine_weight", "timestamp_ms"};

    /** The further columns of a decentralized run (from the report's metrics). */
    public static final List<String> DECENTRALIZED_COLUMNS = List.of("mean_accuracy", "min_accuracy", "consensus_distance",
            "bytes_exchanged", "bytes_total", "missing", "late");

    private final BufferedWriter jsonl;
    private final BufferedWriter csv;
    private final List<String> columns;

    public RoundLog(Path dir) throws IOException {
        this(dir, List.of());
    }

    /** A log whose CSV also has {@code metricColumns}, taken from each report's metrics (the JSONL has every metric). */
    public RoundLog(Path dir, List<String> metricColumns) throws IOException {
        Files.createDirectories(dir);
        columns = new ArrayList<>(List.of(COLUMNS));
        columns.addAll(metricColumns);
        jsonl = Files.newBufferedWriter(dir.resolve("rounds.jsonl"));
        csv = Files.newBufferedWriter(dir.resolve("rounds.csv"));
        csv.write(String.join(",", columns));
        csv.newLine();
        csv.flush();
    }

    /** The report as an ordered column -> value map (null for figures not measured). */
    public static Map<String, Object> row(RoundReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", r.getRound());
        m.put("accuracy", r.getAccuracy());
        m.put("loss", r.getLoss());
        m.put("train_loss", r.getTrainLoss());
        m.put("accepted", r.getAccepted());
        m.put("rejected", r.getRejected());
        m.put("round_ms", r.getRoundMs());
        m.put("train_ms", r.getTrainMs());
        m.put("transport_ms", r.getTransportMs());
        m.put("aggregate_ms", r.getAggregateMs());
        m.put("update_ms", r.getUpdateMs());
        m.put("eval_ms", r.getEvalMs());
        m.put("rule", r.getRule());
        m.put("attack", r.getAttack());
        m.put("byzantine_weight", r.getByzantineWeight());
        m.put("timestamp_ms", r.getTimestampMs());
        r.getMetrics().forEach((k, v) -> m.put(k, v));
        return m;
    }

    /** A named figure of the report's metrics, or null. */
    public static Double metric(RoundReport r, String name) {
        return r.getMetrics().get(name);
    }

    public void append(RoundReport report) throws IOException {
        Map<String, Object> row = row(report);
        StringBuilder json = new StringBuilder("{");
        StringBuilder line = new StringBuilder();
        boolean first = true;
        for (Map.Entry<String, Object> e : row.entrySet()) {
            json.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(jsonValue(e.getValue()));
            first = false;
        }
        for (int i = 0; i < columns.size(); i++) {
            Object v = row.get(columns.get(i));
            line.append(i == 0 ? "" : ",").append(v == null ? "" : csvValue(v));
        }
        jsonl.write(json.append('}').toString());
        jsonl.newLine();
        jsonl.flush();
        csv.write(line.toString());
        csv.newLine();
        csv.flush();
    }

    static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? sixDigits(d) : "null";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c)); // other control characters
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    /**
     * Six significant digits without trailing zeros: 0.850000 -> 0.85, 1.00000e+10 -> 1e+10. Only the
     * fraction of the mantissa is trimmed; integer digits ("120000") and the exponent stay whole.
     */
    private static String sixDigits(double d) {
        String s = String.format(Locale.ROOT, "%.6g", d);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + exponent;
    }

    private static String csvValue(Object v) {
        String s = v instanceof Double ? jsonValue(v) : v.toString();
        return s.contains(",") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    @Override
    public void close() throws IOException {
        jsonl.close();
        csv.close();
    }
}
