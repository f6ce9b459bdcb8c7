package dev.vigil.server.monitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to addresses already vetted ({@link Destinations#vet}), never to a fresh lookup of the URL's host:
 * the JDK's {@code HttpClient} of Java 17 resolves the host itself and has no hook to pin the address, so a name that
 * answered a public address to the check could answer 127.0.0.1 to the connection (DNS rebinding). Over https the
 * certificate is still verified against the URL's host name, which is also sent as SNI and in {@code Host}.
 *
 * <p>Only the status line is read; the body is never read, so a receiver cannot make Vigil read or keep anything. The
 * whole exchange (connect, TLS handshake, request, status line) is bounded by one deadline. No proxy, no redirects.
 */
final class PinnedPost {
    private static final int MAX_STATUS_LINE = 8192;

    private PinnedPost() {}

    /**
     * POSTs {@code json} to {@code url}, connecting to the first of {@code addresses} that answers; each connection
     * attempt may take {@code connectTimeout} and everything together {@code deadline}. Returns the status code.
     */
    static int post(URI url, List<InetAddress> addresses, String json, Duration connectTimeout, Duration deadline)
            throws IOException {
        return post(url, addresses, json, connectTimeout, deadline, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** {@link #post(URI, List, String, Duration, Duration)} with the JDK's trust store replaced (tests). */
    static int post(
            URI url,
            List<InetAddress> addresses,
            String json,
            Duration connectTimeout,
            Duration deadline,
            SSLSocketFactory tlsFactory)
            throws IOException {
        return post(url, addresses, json, Map.of(), connectTimeout, deadline, tlsFactory);
    }

    /**
     * {@link #post(URI, List, String, Duration, Duration, SSLSocketFactory)} with {@code headers} besides the usual
     * ones (Opsgenie's {@code Authorization}); a name or value holding a line break is refused, so a header cannot
     * start another.
     */
    static int post(
            URI url,
            List<InetAddress> addresses,
            String json,
            Map<String, String> headers,
            Duration connectTimeout,
            Duration deadline,
            SSLSocketFactory tlsFactory)
            throws IOException {
        StringBuilder extra = new StringBuilder();
        for (Map.Entry<String, String> h : new java.util.TreeMap<>(headers).entrySet()) {
            if (!h.getKey().matches("[A-Za-z0-9-]+") || h.getValue().matches("(?s).*[\\r\\n\\x00].*")) {
                throw new IllegalArgumentException("header " + h.getKey() + " is not a single line");
            }
            extra.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        long end = System.nanoTime() + deadline.toNanos();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        String host = Destinations.host(url.toString());
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket(java.net.Proxy.NO_PROXY);
            try {
                socket.connect(new InetSocketAddress(address, port), (int)
                        Math.min(connectTimeout.toMillis(), remaining(end)));
                return exchange(
                        https ? tls(tlsFactory, socket, host, port, end) : socket,
                        url,
                        host,
                        port,
                        https,
                        json,
                        extra.toString(),
                        end);
            } catch (IOException e) {
                last = e;
            } finally {
                socket.close();
            }
            if (System.nanoTime() >= end) {
                break;
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    /** TLS over the connected {@code socket}, the certificate checked against {@code host} as a browser would. */
    private static Socket tls(SSLSocketFactory factory, Socket socket, String host, int port, long end)
            throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(remaining(end));
        ssl.startHandshake();
        return ssl;
    }

    private static int exchange(
            Socket socket, URI url, String host, int port, boolean https, String json, String headers, long end)
            throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String authority =
                (host.contains(":") ? "[" + host + "]" : host) + (port == (https ? 443 : 80) ? "" : ":" + port);
        // URI refuses spaces and line breaks in the path and host, so nothing here can start another header
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nContent-Type: application/json\r\n"
                + headers + "User-Agent: vigil\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        socket.setSoTimeout(remaining(end));
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return status(socket, end);
    }

    /** The status code of the response's first line, read byte by byte within the deadline. */
    private static int status(Socket socket, long end) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            socket.setSoTimeout(remaining(end));
            int b = in.read();
            if (b < 0 || b == '\n' || line.size() >= MAX_STATUS_LINE) {
                break;
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1).strip();
        String[] parts = text.split(" ", 3);
        if (parts.length < 2
                || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/1.")
                || !parts[1].matches("\\d{3}")) {
            throw new IOException("the answer is not HTTP/1.x (its first line has " + text.length() + " characters)");
        }
        return Integer.parseInt(parts[1]);
    }

    /** Milliseconds left until {@code end}, at least 1 (0 would mean no timeout to a socket). */
    private static int remaining(long end) throws SocketTimeoutException {
        long ms = (end - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("no answer within the deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }
}
