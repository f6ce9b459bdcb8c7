package dev.vigil.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.core.spec.SpecCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real HTTP receiver on 127.0.0.1 standing in for PagerDuty, Opsgenie or a Teams workflow: it records every request
 * and answers the queued statuses in turn, then 202 (what PagerDuty and Opsgenie answer).
 */
final class RecordingReceiver implements AutoCloseable {
    /** One request as the receiver got it. */
    record Request(String method, String uri, String contentType, String authorization, String body) {
        JsonNode json() {
            try {
                return SpecCodec.json().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();

    RecordingReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Integer status = statuses.poll();
            exchange.sendResponseHeaders(status == null ? 202 : status, -1);
            exchange.close();
        });
        server.start();
    }

    /** The requests received so far, in order (a live, synchronized list). */
    List<Request> requests() {
        return requests;
    }

    /** The statuses to answer next, in turn; 202 once they are used up. */
    Queue<Integer> statuses() {
        return statuses;
    }

    /** {@code http://127.0.0.1:<port>}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
