package io.byzflink.jobs;

import io.byzflink.serde.security.ClientRegistry;
import io.byzflink.service.RoundPolicy;

import java.io.Serializable;

/**
 * What the aggregation service adds to the parameter server: the registered clients and their
 * keys, when a round closes, and how many rounds past the latest model version may already hold
 * updates ({@code round.max-ahead}).
 */
public record ServiceSettings(ClientRegistry clients, RoundPolicy policy, int maxAhead) implements Serializable {}
