package io.byzflink.client;

/**
 * What one round of a client did.
 *
 * @param round 1-based count of this client's updates in the current {@code participate} call
 * @param modelVersion the model version trained on (the update's {@code round})
 * @param meanLoss mean local training loss over the samples seen
 * @param samples samples seen in local training
 * @param weight the update's aggregation weight (the shard size)
 * @param waitMs time spent waiting for and reading the model version
 * @param trainMs local training time
 * @param publishMs time to chunk, sign, send and get the updates acknowledged
 * @param chunks chunk records sent
 * @param bytes record value bytes sent
 */
public record RoundResult(int round, long modelVersion, double meanLoss, long samples, double weight, long waitMs,
        long trainMs, long publishMs, int chunks, long bytes) {

    /** Wall time of the round: wait + train + publish. */
    public long totalMs() {
        return waitMs + trainMs + publishMs;
    }
}
