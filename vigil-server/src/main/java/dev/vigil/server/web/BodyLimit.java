package dev.vigil.server.web;

import dev.vigil.core.spec.SpecCodec;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.servlet.FilterHolder;

/**
 * Caps request bodies before any handler (authentication included) runs, because Javalin 6 checks only the
 * {@code Content-Length} header and reads a chunked body whole (fixed upstream in Javalin 7 only).
 *
 * <ul>
 *   <li>A {@code Content-Length} past the cap: 413 at once, the body unread.
 *   <li>A body without one (chunked): read here, at most the cap plus one byte; past the cap, 413. Under it, the
 *       handlers read the bytes kept.
 *   <li>Multipart without a {@code Content-Length}: 413, since Jetty parses parts from its own stream.
 * </ul>
 *
 * <p>A 413 has the usual {@code {"error": ...}} shape and {@code Connection: close}: Jetty then closes the
 * connection without reading the rest of the body.
 */
public final class BodyLimit implements Filter {
    private final int maxBytes;

    private BodyLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Caps every request body of the app {@code cfg} configures at {@code maxBytes}. */
    public static void install(JavalinConfig cfg, int maxBytes) {
        cfg.http.maxRequestSize = maxBytes;
        cfg.jetty.modifyServletContextHandler(handler ->
                handler.addFilter(new FilterHolder(new BodyLimit(maxBytes)), "/*", EnumSet.of(DispatcherType.REQUEST)));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        long length = req.getContentLengthLong();
        if (length > maxBytes) {
            refuse(res, "request body: " + length + " bytes is more than the " + maxBytes + " allowed");
            return;
        }
        if (length >= 0 || req.getHeader("Transfer-Encoding") == null) {
            chain.doFilter(request, response);
            return;
        }
        String type = req.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            refuse(res, "request body: a multipart body needs a Content-Length of at most " + maxBytes + " bytes");
            return;
        }
        byte[] body = readAtMost(req.getInputStream(), maxBytes + 1);
        if (body.length > maxBytes) {
            refuse(res, "request body: more than the " + maxBytes + " bytes allowed");
            return;
        }
        chain.doFilter(new Buffered(req, body), response);
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (out.size() < limit) {
            int n = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static void refuse(HttpServletResponse res, String message) throws IOException {
        res.setStatus(413);
        res.setHeader("Connection", "close");
        res.setContentType("application/json");
        byte[] json = SpecCodec.json()
                .writeValueAsString(Json.error("payload_too_large", message, List.of()))
                .getBytes(StandardCharsets.UTF_8);
        res.setContentLength(json.length);
        res.getOutputStream().write(json);
        res.flushBuffer();
    }

    /** A request whose body was read here, within the cap. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(
                    getInputStream(),
                    encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
        }
    }
}
