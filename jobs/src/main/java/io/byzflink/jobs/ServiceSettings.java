package io.byzflink.jobs;

import io.byzflink.serde.security.ClientRegistry;
import io.byzflink.service.RoundPolicy;

import java.io.Serializable;

/**
 * What the aggregation service adds to the parameter server: the registered clients and their
 * keys, and when a round closes.
 */
public record ServiceSettings(ClientRegistry clients, RoundPolicy policy) implements Serializable {}
