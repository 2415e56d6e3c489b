package io.byzflink.client;

/**
 * One complete version of the global model as read from the model topic.
 *
 * @param version the model version (the chunks' {@code round})
 * @param parameters one array per layer in layout order; owned by the receiver
 * @param publishedAtMs the newest {@code createdAtMs} among the version's chunks
 */
public record GlobalModel(long version, float[][] parameters, long publishedAtMs) {}
