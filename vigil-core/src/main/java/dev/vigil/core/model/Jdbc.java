package dev.vigil.core.model;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Small helpers for JDBC URLs that are safe to show to a user, and the one check of a source's URL. */
public final class Jdbc {
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&;](?:password|sslpassword|sslkey)=)[^&;]*");

    /**
     * The pgjdbc URL parameters a source's URL may carry: TLS settings that name files or modes (never a class),
     * timeouts, the application name, the schema, the prepare threshold (PgBouncer) and how several hosts are
     * chosen. Anything else is refused: parameters that load classes ({@code socketFactory}, {@code sslfactory},
     * {@code sslhostnameverifier}, {@code sslpasswordcallback}, {@code authenticationPluginClassName}), write files
     * ({@code loggerFile}), change the session or its read-only mode ({@code options}, {@code readOnly},
     * {@code readOnlyMode}, {@code preferQueryMode}), or use credentials found on the server's host
     * ({@code service}, {@code jaas*}, {@code gss*}, and {@code user}/{@code password}, which have their own fields).
     * Credentials ({@link #CREDENTIAL_PARAMETERS}) are refused in a sentence of their own: a URL is stored and returned
     * in clear (review F16).
     */
    public static final Set<String> SOURCE_URL_PARAMETERS = Set.of(
            "ssl",
            "sslmode",
            "sslrootcert",
            "sslcert",
            "sslkey",
            "sslNegotiation",
            "sslResponseTimeout",
            "connectTimeout",
            "socketTimeout",
            "loginTimeout",
            "cancelSignalTimeout",
            "ApplicationName",
            "currentSchema",
            "prepareThreshold",
            "targetServerType",
            "loadBalanceHosts",
            "hostRecheckSeconds",
            "tcpKeepAlive",
            "tcpNoDelay");

    /**
     * Parameters that carry a secret: refused in a URL, which is stored in clear and returned by every GET (review
     * F16); the password has its own field, stored encrypted. {@code sslpassword} (the client key's passphrase) has
     * none: a client key given in {@code sslkey} must be unencrypted and protected by its file's permissions.
     */
    public static final Set<String> CREDENTIAL_PARAMETERS = Set.of("password", "sslpassword");

    private Jdbc() {}

    /** The URL with any password-like parameter replaced by {@code ******}, fit for messages and logs. */
    public static String redactUrl(String url) {
        return url == null ? null : SECRET_PARAMETER.matcher(url).replaceAll("$1******");
    }

    /**
     * A sentence naming {@code key} when {@code url} is not a PostgreSQL JDBC URL, or carries a parameter that is
     * not in {@link #SOURCE_URL_PARAMETERS}.
     */
    public static Optional<String> sourceUrlProblem(String url, String key) {
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            return Optional.of(key + ": '" + redactUrl(String.valueOf(url))
                    + "' is not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
        }
        for (String name : parameters(url).keySet()) {
            if (!SOURCE_URL_PARAMETERS.contains(name)) {
                String credential = CREDENTIAL_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))
                        ? "; a secret in the URL would be stored and returned in clear: put the password in"
                                + " data_source.password (stored encrypted, never returned)"
                        : "";
                return Optional.of(key + ": parameter '" + name + "' is not allowed (allowed: "
                        + String.join(", ", new TreeSet<>(SOURCE_URL_PARAMETERS)) + ")" + credential);
            }
        }
        return Optional.empty();
    }

    /**
     * The query parameters of a JDBC URL, decoded; of a key given twice, the last (as pgjdbc reads them). A pair
     * without {@code =} counts as a parameter with an empty value, as pgjdbc takes it.
     */
    public static Map<String, String> parameters(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(decode(name), decode(value));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
