package dev.vigil.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.vigil.client.ForbiddenException;
import dev.vigil.client.UnauthorizedException;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.spec.SpecCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JSON over HTTP to a Vigil server; turns error answers back into the exceptions the server threw,
 * with the server's message.
 */
public final class Http {
    private final HttpClient client;
    private final String baseUrl;
    private final String token;
    private final Duration timeout;

    public Http(String baseUrl, String token, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.timeout = timeout;
        this.client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A path segment, URL-encoded. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** A GET whose answer is text (an HTML report); errors are the server's JSON errors, as for {@link #get}. */
    public String getText(String path) {
        return exchange("GET", path, null, "text/html").body();
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpResponse<String> response = exchange(method, path, body, "application/json");
        try {
            return response.body() == null || response.body().isBlank()
                    ? MissingNode.getInstance()
                    : SpecCodec.json().readTree(response.body());
        } catch (IOException e) {
            throw new VigilStateException(
                    "Cannot read the Vigil server's answer to " + method + " " + path + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> exchange(String method, String path, JsonNode body, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", accept);
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            if (body != null) {
                request.header("Content-Type", "application/json");
                request.method(
                        method,
                        HttpRequest.BodyPublishers.ofString(SpecCodec.json().writeValueAsString(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                JsonNode json = response.body() == null || response.body().isBlank()
                        ? MissingNode.getInstance()
                        : SpecCodec.json().readTree(response.body());
                throw toException(response.statusCode(), json);
            }
            return response;
        } catch (ConnectException e) {
            throw new VigilStateException(
                    "Cannot reach the Vigil server at " + baseUrl
                            + " (connection refused); start it with `vigil server` or point VIGIL_SERVER at it.",
                    e);
        } catch (HttpTimeoutException e) {
            throw new VigilStateException(
                    "The Vigil server at " + baseUrl + " did not answer " + method + " " + path + " within "
                            + timeout.toSeconds() + " s.",
                    e);
        } catch (IOException e) {
            throw new VigilStateException("Cannot talk to the Vigil server at " + baseUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VigilStateException("interrupted while waiting for the Vigil server", e);
        }
    }

    private VigilException toException(int status, JsonNode json) {
        JsonNode error = json.path("error");
        String code = error.path("code").asText("http_" + status);
        String message = error.path("message").asText("HTTP " + status + " from " + baseUrl);
        List<String> problems = new ArrayList<>();
        error.path("details").path("problems").forEach(p -> problems.add(p.asText()));
        if (status == 401) {
            return new UnauthorizedException("The Vigil server at " + baseUrl + " refused the token (" + message
                    + "); set VIGIL_TOKEN to a valid API token.");
        }
        if (status == 403) {
            return new ForbiddenException(message);
        }
        if (status == 404) {
            return new VigilNotFoundException(message);
        }
        if (code.startsWith("source_")) {
            VigilSourceException.Reason reason;
            try {
                reason = VigilSourceException.Reason.valueOf(code.substring(7).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                reason = VigilSourceException.Reason.QUERY_FAILED;
            }
            return new VigilSourceException(reason, message, null);
        }
        if (status == 400) {
            return problems.isEmpty()
                    ? new VigilArgumentException(message)
                    : new VigilArgumentException(message, problems);
        }
        return new VigilStateException(message);
    }
}
