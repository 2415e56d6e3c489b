package io.byzflink.jobs;

import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.TopicAdmin;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;
import io.byzflink.operators.JobSettings;
import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.training.DjlRuntime;
import io.byzflink.training.LocalModel;
import io.byzflink.service.FlinkStoreFiles;
import io.byzflink.training.store.ModelVersion;


import ai.djl.Device;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * Gets an experiment's Kafka side ready before the job starts: creates its topics and, when the
 * model topic is still empty, publishes model version 0 (seeded initialisation). On a restart of
 * an existing experiment the topic already holds versions and nothing is published, so the loop
 * resumes where it was. A decentralized experiment needs only its topics.
 */
public final class ModelBootstrap {

    private ModelBootstrap() {}

    /** Creates topics and publishes version 0 if needed; returns true when it published. */
    public static boolean prepare(ExperimentConfig config, KafkaEndpoints kafka) throws Exception {
        JobSettings s = config.jobSettings();
        ExperimentTopics topics = new ExperimentTopics(s.experiment());
        try (TopicAdmin admin = TopicAdmin.connect(kafka.properties())) {
            admin.createTopics(topics.specs(config.get(ExperimentOptions.KAFKA_PARTITIONS)));
        }
        if (config.decentralized() || !isEmpty(kafka, topics.model())) {
            return false; // decentralized nodes derive the same seeded model themselves
        }
        DjlRuntime.ensureConfigured();
        float[][] initial;
        try (LocalModel model = new LocalModel(s.modelSpec(), Device.cpu())) {
            initial = model.initialParameters(s.seed());
        }
        String store = config.get(ExperimentOptions.MODEL_STORE);
        if (store != null) { // the store holds every version the clients could have trained on
            FlinkStoreFiles.open(store).save(ModelVersion.of(0, 0, s.rule(), s.attackLabel(), s.modelSpec(), initial));
        }
        List<TensorChunk> chunks = TensorCodec.splitAll(ChunkHeader.of(s.experiment(), 0, -1, TensorKind.MODEL, 1.0),
                s.tensorLayout(), initial, s.chunkSize());
        AvroEventSchema<TensorChunk> schema = AvroEventSchema.of(TensorChunk.class);
        Properties props = kafka.producerProperties();
        props.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (TensorChunk c : chunks) {
                byte[] key = (c.getLayerIndex() + "/" + c.getChunkIndex()).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topics.model(), key, schema.serialize(c)));
            }
            producer.flush();
        }
        return true;
    }

    private static boolean isEmpty(KafkaEndpoints kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().allMatch(offset -> offset == 0);
        }
    }
}
