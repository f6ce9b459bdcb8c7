package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.List;
import java.util.Locale;

/**
 * Where a monitor's alerts are sent: a webhook (a JSON payload POSTed to {@code url}), a Slack incoming webhook
 * ({@code url}), or e-mail to {@code to} through the server's SMTP settings.
 */
public record Action(Type type, String url, List<String> to) {
    public Action {
        to = to == null ? List.of() : List.copyOf(to);
    }

    /** Masks the URL, which is a credential (a Slack incoming webhook is one), so that no log or message shows it. */
    @Override
    public String toString() {
        return "Action[" + type.specName() + (url == null ? "" : ", url=******") + (to.isEmpty() ? "" : ", to=" + to)
                + "]";
    }

    /** The kinds of action. */
    public enum Type {
        WEBHOOK,
        SLACK,
        EMAIL;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type fromSpec(String name, String key) {
            for (Type t : values()) {
                if (t.specName().equals(name)) {
                    return t;
                }
            }
            throw new VigilArgumentException(
                    key + ": unknown action type '" + name + "' (expected webhook, slack or" + " email)");
        }
    }
}
