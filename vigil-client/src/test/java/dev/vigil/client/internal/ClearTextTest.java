package dev.vigil.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A token sent over plain http:// to another machine is warned about, once per client; loopback and https are not. */
class ClearTextTest {
    @Test
    void plainHttpToAnotherHostIsWarnedAbout() {
        for (String url : List.of(
                "http://10.0.0.5:7070",
                "http://vigil.example.com",
                "HTTP://192.168.1.20/",
                "http://[2001:db8::1]:7070")) {
            assertThat(ClearText.warning(url))
                    .as(url)
                    .hasValue("The Vigil server " + url + " is reached over plain http:// on another host: the API"
                            + " token and every request travel in clear text; use https:// (vigil server"
                            + " --tls-cert/--tls-key, or a TLS reverse proxy).");
        }
    }

    @Test
    void loopbackAndHttpsAreNot() {
        for (String url : List.of(
                "http://localhost:7070",
                "http://LOCALHOST",
                "http://127.0.0.1:7070",
                "http://127.8.9.10",
                "http://[::1]:7070",
                "https://vigil.example.com",
                "https://10.0.0.5:7443")) {
            assertThat(ClearText.warning(url)).as(url).isEmpty();
        }
    }

    @Test
    void theClientLogsTheWarningOnceWhenCreated() {
        Logger logger = Logger.getLogger(Http.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            new Http("http://127.0.0.1:7070", "token", Duration.ofSeconds(1));
            assertThat(records).as("loopback").isEmpty();
            new Http("http://10.0.0.5:7070", "token", Duration.ofSeconds(1));
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getMessage()).startsWith("The Vigil server http://10.0.0.5:7070 is reached over plain");
            });
        } finally {
            logger.removeHandler(handler);
        }
    }
}
