package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.monitor.Action;
import dev.vigil.server.NotifySettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The claims that keep one slow destination from holding up the others, and what counts as one destination. */
class DeliveriesInFlightTest {
    @Test
    void oneAttemptPerDestinationAndAtMostTheLimitInAll() {
        DeliveriesInFlight inFlight = new DeliveriesInFlight(2);
        assertThat(inFlight.claim("dlv_1", "http a.example")).isTrue();
        assertThat(inFlight.claim("dlv_2", "http a.example")).as("a is busy").isFalse();
        assertThat(inFlight.contains("dlv_2"))
                .as("a refused claim leaves nothing behind")
                .isFalse();
        assertThat(inFlight.claim("dlv_1", "http b.example"))
                .as("dlv_1 is claimed already")
                .isFalse();
        assertThat(inFlight.claim("dlv_3", "http b.example")).isTrue();
        assertThat(inFlight.canSendTo("http c.example"))
                .as("two of two places taken")
                .isFalse();
        assertThat(inFlight.claim("dlv_4", "http c.example")).isFalse();
        assertThat(inFlight.claimToSettle("dlv_5"))
                .as("settling takes no sending place")
                .isTrue();
        assertThat(inFlight.claimToSettle("dlv_5")).isFalse();
        assertThat(inFlight.sending()).isEqualTo(2);

        inFlight.release("dlv_1");
        assertThat(inFlight.contains("dlv_1")).isFalse();
        assertThat(inFlight.claim("dlv_2", "http a.example"))
                .as("a is free again")
                .isTrue();
        inFlight.release("dlv_5");
        inFlight.release("dlv_unknown");
        assertThat(inFlight.sending()).isEqualTo(2);
        assertThat(inFlight.canSendTo("http c.example")).isFalse();
        inFlight.release("dlv_3");
        assertThat(inFlight.canSendTo("http c.example")).isTrue();
        assertThat(inFlight.canSendTo("http a.example")).isFalse();
    }

    @Test
    void aDestinationIsTheHostNamePortAsideOrTheSmtpServer() {
        NotifySettings settings = NotifySettings.defaults().withSmtp("smtp.example.com", 25, "vigil@example.com");
        assertThat(Notifier.destination(webhook("https://Hooks.Example.com:8443/a?x=1"), settings))
                .isEqualTo(Notifier.destination(webhook("http://hooks.example.com/b"), settings))
                .isEqualTo("http hooks.example.com");
        assertThat(Notifier.destination(
                        new Action(Action.Type.SLACK, "https://hooks.slack.com/services/T/B/x", null), settings))
                .isEqualTo("http hooks.slack.com");
        assertThat(Notifier.destination(webhook("http://[fd00::1]:9000/"), settings))
                .isEqualTo("http fd00::1");
        assertThat(Notifier.destination(new Action(Action.Type.EMAIL, null, List.of("a@example.com")), settings))
                .isEqualTo(
                        Notifier.destination(new Action(Action.Type.EMAIL, null, List.of("b@example.org")), settings))
                .isEqualTo("smtp smtp.example.com");
        assertThat(Notifier.destination(webhook("not a url"), settings)).isEqualTo("http (not a valid URL)");
    }

    private static Action webhook(String url) {
        return new Action(Action.Type.WEBHOOK, url, null);
    }
}
