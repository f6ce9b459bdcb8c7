package dev.vigil.server.dashboard;

import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import java.util.Optional;

/** The alerts page: every model's alerts (or one model's), by status, with buttons to acknowledge and resolve. */
final class AlertsPage {
    private final Metastore store;

    AlertsPage(Metastore store) {
        this.store = store;
    }

    /**
     * The alerts of {@code model} (else of every model) in {@code status} (else any): the 500 latest windows; with
     * buttons to acknowledge and resolve them when the signed-in token {@code mayAct} (an editor or admin).
     */
    String render(Optional<String> model, Optional<Alert.Status> status, String csrf, boolean mayAct) {
        StringBuilder body = new StringBuilder("<p class=\"crumbs\"><a href=\"/\">Models</a></p><h1>Alerts</h1>");
        body.append("<form class=\"range\" method=\"get\" action=\"/alerts\">");
        model.ifPresent(m -> body.append("<input type=\"hidden\" name=\"model\" value=\"")
                .append(Html.attr(m))
                .append("\">"));
        body.append("<label>Status <select name=\"status\"><option value=\"\">any</option>");
        for (Alert.Status s : Alert.Status.values()) {
            body.append("<option")
                    .append(status.equals(Optional.of(s)) ? " selected" : "")
                    .append('>')
                    .append(s.specName())
                    .append("</option>");
        }
        body.append("</select></label> <button>Show</button></form>");
        body.append(AlertTable.render(store.alerts().list(model, status, 500), csrf, mayAct));
        return Layout.page("Vigil — alerts", body.toString(), csrf, false);
    }
}
