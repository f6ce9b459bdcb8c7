package dev.vigil.server.web;

/** The answer of {@code /healthz}: {@code ok} when the server and its metastore answer, {@code unavailable} (503) not. */
public record Health(String status) {}
