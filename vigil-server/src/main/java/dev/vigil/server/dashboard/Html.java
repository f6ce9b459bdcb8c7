package dev.vigil.server.dashboard;

/**
 * Building HTML by hand, safely: every piece of data goes through {@link #text} (element content) or {@link #attr}
 * (attribute values), so a field, segment or model name is always shown as text, never run.
 */
final class Html {
    private Html() {}

    /** {@code value} escaped for element content. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code value} escaped for a double-quoted attribute. */
    static String attr(Object value) {
        return text(value);
    }

    /** {@code value} as one URL path segment (percent-encoded), for links. */
    static String segment(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
