package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.List;
import java.util.Locale;

/**
 * Where a monitor's alerts are sent: a webhook (a JSON payload POSTed to {@code url}), a Slack incoming webhook
 * ({@code url}), e-mail to {@code to} through the server's SMTP settings, PagerDuty's Events API v2 or Opsgenie's
 * Alert API (each with its integration {@code key}, and {@code url} the service's endpoint), or a Microsoft Teams
 * Workflows webhook ({@code url}). The URL and the key are credentials: never shown, stored encrypted.
 */
public record Action(Type type, String url, List<String> to, String key) {
    /** PagerDuty's Events API v2 endpoint, where a {@code pagerduty} action sends unless it names another. */
    public static final String PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue";
    /** Opsgenie's API (the US instance; the EU one is {@code https://api.eu.opsgenie.com}). */
    public static final String OPSGENIE_URL = "https://api.opsgenie.com";

    public Action {
        to = to == null ? List.of() : List.copyOf(to);
    }

    /** An action without a key (webhook, Slack, e-mail, Teams). */
    public Action(Type type, String url, List<String> to) {
        this(type, url, to, null);
    }

    /** Masks the URL and the key, which are credentials, so that no log or message shows them. */
    @Override
    public String toString() {
        return "Action[" + type.specName() + (url == null ? "" : ", url=******") + (to.isEmpty() ? "" : ", to=" + to)
                + (key == null ? "" : ", key=******") + "]";
    }

    /** The kinds of action. */
    public enum Type {
        WEBHOOK,
        SLACK,
        EMAIL,
        PAGERDUTY,
        OPSGENIE,
        TEAMS;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the action carries an integration key ({@code key}) besides its URL. */
        public boolean takesKey() {
            return this == PAGERDUTY || this == OPSGENIE;
        }

        /** The service's own endpoint, used when the action names none; null when the URL is required. */
        public String defaultUrl() {
            return switch (this) {
                case PAGERDUTY -> PAGERDUTY_URL;
                case OPSGENIE -> OPSGENIE_URL;
                default -> null;
            };
        }

        public static Type fromSpec(String name, String key) {
            for (Type t : values()) {
                if (t.specName().equals(name)) {
                    return t;
                }
            }
            throw new VigilArgumentException(key + ": unknown action type '" + name + "' (expected " + NAMES + ")");
        }
    }

    /** The action types as an error message lists them. */
    public static final String NAMES = "webhook, slack, email, pagerduty, opsgenie or teams";
}
