package dev.vigil.server.dashboard;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every page of the dashboard and the HTML report share: the frame around a page's body with its inline CSS
 * ({@code dashboard.css}), the Content-Security-Policy, and the small pieces the pages repeat (badges, cells, the
 * range picker).
 */
final class Layout {
    /** No script, no plugin, no base, forms only to this server, never framed: inline CSS and SVG still render. */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    /** The style sheet every page inlines (a page links to nothing, so that a report opens offline). */
    static final String CSS = resource("dashboard.css");

    /** What a version's pages say instead of charts until it has serving data. */
    static final String NO_SERVING =
            "<p class=\"muted\">No serving dataset connected yet: connect one and run it to see this page.</p>";

    private Layout() {}

    /** The page around {@code body}: inline CSS, a header with sign-out (none in a report). */
    static String page(String title, String body, String csrf, boolean report) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(Html.text(title))
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body><header><a class=\"brand\" href=\"")
                .append(report ? "#" : "/")
                .append("\">Vigil</a>");
        if (!report) {
            out.append("<nav><a href=\"/\">Models</a><a href=\"/alerts\">Alerts</a></nav>"
                            + "<form class=\"inline signout\" method=\"post\" action=\"/signout\"><input"
                            + " type=\"hidden\" name=\"csrf\" value=\"")
                    .append(Html.attr(csrf))
                    .append("\"><button>Sign out</button></form>");
        }
        return out.append("</header><main>")
                .append(body)
                .append("</main></body></html>")
                .toString();
    }

    /** Answers {@code page} with {@code status}, under the CSP, never cached. */
    static void html(Context ctx, int status, String page) {
        ctx.status(status);
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(page);
    }

    /** {@code value} in a badge: green below {@code warn}, yellow below {@code bad}, red from there. */
    static String badge(double value, double warn, double bad) {
        String cls = value >= bad ? "bad" : value >= warn ? "warn" : "ok";
        return "<span class=\"badge " + cls + "\">" + Html.text(Svg.number(value)) + "</span>";
    }

    /** A table cell's number, or a muted dash when there is none. */
    static String cell(Double v) {
        return v == null ? "<span class=\"muted\">–</span>" : Html.text(Svg.number(v));
    }

    /** The form that asks a page for another range: from, to and granularity, sent back to {@code base}. */
    static String rangePicker(String base, PageRange range) {
        StringBuilder out = new StringBuilder("<form class=\"range\" method=\"get\" action=\"")
                .append(Html.attr(base))
                .append("\"><label>From <input name=\"from\" value=\"")
                .append(Html.attr(range.from()))
                .append("\"></label> <label>To <input name=\"to\" value=\"")
                .append(Html.attr(range.to()))
                .append("\"></label> <label>Granularity <select name=\"granularity\">");
        for (String g : List.of("hour", "day", "week", "month")) {
            out.append("<option")
                    .append(g.equals(range.granularity().specName()) ? " selected" : "")
                    .append('>')
                    .append(g)
                    .append("</option>");
        }
        return out.append("</select></label> <button>Show</button></form>").toString();
    }

    private static String resource(String name) {
        try (InputStream in = Layout.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath, next to " + Layout.class);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // the file ends with a line break (.editorconfig); the pages never had one
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
