package dev.vigil.server.web;

/**
 * The answer type of a route that writes plain text, not JSON or HTML ({@code /metrics}' Prometheus exposition
 * format): {@link Routes#answers} takes it so that the OpenAPI document says {@code text/plain}. Never instantiated.
 */
public final class PlainText {
    private PlainText() {}
}
