package io.byzflink.client;

import io.byzflink.data.FashionMnist;
import io.byzflink.data.LabeledImages;
import io.byzflink.data.Partitioners;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * This client's training data: its shard of Fashion-MNIST's training split.
 *
 * <p>Exactly as the simulation's workers derive theirs (first {@code data.train-limit} images,
 * then the seeded partitioner over {@code partition.clients} shards), so every member of a
 * federation that shares the seed and partition keys gets a disjoint shard without exchanging
 * data, and a real client reproduces the shard of simulated worker {@code partition.index}.
 */
public final class LocalShard {

    private LocalShard() {}

    /**
     * Loads the data ({@code data.path}, else {@code $BYZFLINK_DATA}, else the Debian package
     * folder) and returns shard {@code partition.index}.
     *
     * @throws io.byzflink.data.DatasetNotFoundException saying where it looked and how to install it
     * @throws UncheckedIOException when the files cannot be read
     */
    public static LabeledImages load(ClientSettings s) {
        LabeledImages train;
        try {
            train = FashionMnist.locateAndLoad(s.dataPath()).train();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fashion-MNIST: " + e.getMessage(), e);
        }
        return shardOf(train, s);
    }

    /** Shard {@code partition.index} of {@code train} under the settings' limit, partitioner and seed. */
    public static LabeledImages shardOf(LabeledImages train, ClientSettings s) {
        LabeledImages data = train;
        if (s.trainLimit() > 0 && s.trainLimit() < data.count()) {
            int[] first = new int[s.trainLimit()];
            Arrays.setAll(first, i -> i);
            data = data.select(first);
        }
        if (s.partitionClients() > data.count()) {
            throw new ClientConfigException("config key 'partition.clients' is " + s.partitionClients() + " but there are only "
                    + data.count() + " training images; use fewer shards or a larger data.train-limit");
        }
        int[][] parts = Partitioners.create(s.partition(), s.partitionAlpha(), s.seed())
                .split(data.labels(), data.numClasses(), s.partitionClients());
        return data.select(parts[s.partitionIndex()]);
    }
}
