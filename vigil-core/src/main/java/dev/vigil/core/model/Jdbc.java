package dev.vigil.core.model;

import java.util.regex.Pattern;

/** Small helpers for JDBC URLs that are safe to show to a user. */
public final class Jdbc {
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)([?&;](?:password|sslpassword|sslkey)=)[^&;]*");

    private Jdbc() {}

    /** The URL with any password-like parameter replaced by {@code ******}, fit for messages and logs. */
    public static String redactUrl(String url) {
        return url == null ? null : SECRET_PARAMETER.matcher(url).replaceAll("$1******");
    }
}
