package io.byzflink.jobs.cluster;

import io.byzflink.jobs.run.ExperimentRunner;

import org.apache.flink.api.common.JobID;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to a Flink cluster's REST API (the dashboard's): uploads a job jar
 * ({@code POST /jars/upload}), runs it ({@code POST /jars/:id/run}), reads a job's state, its
 * vertices' metrics and exceptions, and cancels it. Plain java.net.http, no Flink client.
 */
public final class RestSubmitter {

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param restUrl e.g. {@code http://127.0.0.1:8081} */
    public RestSubmitter(String restUrl) {
        this.base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /** Uploads {@code jar}; returns the id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "byzflink-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        String json = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).timeout(Duration.ofMinutes(5)).build());
        String filename = field(json, "filename");
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** Runs an uploaded jar's {@code entryClass} with {@code args}; returns the job id. */
    public String run(String jarId, String entryClass, List<String> args) throws IOException, InterruptedException {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < args.size(); i++) {
            list.append(i == 0 ? "" : ",").append(quote(args.get(i)));
        }
        String body = "{\"entryClass\":" + quote(entryClass) + ",\"programArgsList\":" + list.append(']') + "}";
        return field(send(HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofMinutes(3)).build()), "jobid");
    }

    /** RUNNING, RESTARTING, FAILED, CANCELED, FINISHED... */
    public String state(String jobId) throws IOException, InterruptedException {
        return field(get("/jobs/" + jobId), "state");
    }

    /** The job's root exceptions (failure history), as JSON. */
    public String exceptions(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /**
     * A metric of the vertex whose name starts with {@code vertexName}, e.g. ("RoundTracker",
     * "round"): the largest finite value among its subtasks (a keyed operator's subtasks see
     * different rounds), "NaN" when none is finite yet, null while no subtask reports it.
     */
    public String metric(String jobId, String vertexName, String metric) throws IOException, InterruptedException {
        String job = get("/jobs/" + jobId);
        Matcher v = Pattern.compile("\"id\":\"([0-9a-f]{32})\",(?:\"slotSharingGroupId\":\"[^\"]*\",)?\"name\":\""
                + Pattern.quote(vertexName) + "[^\"]*\",(?:[^{}]*?)\"parallelism\":(\\d+)").matcher(job);
        if (!v.find()) {
            return null;
        }
        int parallelism = Integer.parseInt(v.group(2));
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < parallelism; i++) {
            ids.append(i == 0 ? "" : ",").append(i).append('.').append(vertexName).append('.').append(metric);
        }
        String json = get("/jobs/" + jobId + "/vertices/" + v.group(1) + "/metrics?get=" + ids);
        Matcher m = Pattern.compile("\"id\":\"\\d+\\." + Pattern.quote(vertexName + "." + metric) + "\",\"value\":\"([^\"]*)\"")
                .matcher(json);
        String best = null;
        double bestValue = Double.NaN;
        while (m.find()) {
            double x = Double.parseDouble(m.group(1));
            if (best == null || (Double.isFinite(x) && !(x <= bestValue))) { // NaN bestValue: any finite x wins
                best = m.group(1);
                bestValue = x;
            }
        }
        return best;
    }

    /** The job as {@link ExperimentRunner} follows it: state polled and cancelled through REST. */
    public ExperimentRunner.RunningJob follow(String jobId) {
        return new ExperimentRunner.RunningJob() {
            @Override
            public JobID id() {
                return JobID.fromHexString(jobId);
            }

            @Override
            public boolean ended() throws Exception {
                String s = state(jobId);
                if (s.equals("FAILED")) {
                    throw new IllegalStateException("the job failed; its exceptions: " + exceptions(jobId));
                }
                return s.equals("CANCELED") || s.equals("FINISHED");
            }

            @Override
            public void cancel() throws Exception {
                if (!ended()) {
                    RestSubmitter.this.cancel(jobId);
                }
            }
        };
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    private String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build());
    }

    private String send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(request.method() + " " + request.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String field(String json, String name) throws IOException {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IOException("no '" + name + "' in the cluster's answer: " + json);
        }
        return m.group(1);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
