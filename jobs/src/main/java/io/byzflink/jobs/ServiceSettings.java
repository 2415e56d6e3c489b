package io.byzflink.jobs;

import io.byzflink.serde.security.ClientRegistry;
import io.byzflink.service.RoundPolicy;

import java.io.Serializable;

/**
 * What the aggregation service adds to the parameter server: the registered clients and their
 * keys, when a round closes, and where model versions are stored.
 *
 * @param modelStoreDir folder for the model store, or null for none
 */
public record ServiceSettings(ClientRegistry clients, RoundPolicy policy, String modelStoreDir) implements Serializable {}
