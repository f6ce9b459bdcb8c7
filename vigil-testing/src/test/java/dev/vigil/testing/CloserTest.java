package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {
    private final List<String> closed = new ArrayList<>();

    @Test
    void closesInReverseOrderOfRegistrationAndOnlyOnce() throws Exception {
        Closer closer = new Closer();
        closer.register(() -> closed.add("database"));
        closer.register(() -> closed.add("server"));
        closer.register(() -> closed.add("browser"));
        closer.close();
        closer.close();
        assertThat(closed).containsExactly("browser", "server", "database");
    }

    @Test
    void aFailingCloseDoesNotSkipTheOthersAndLaterFailuresAreSuppressed() {
        Closer closer = new Closer();
        closer.register(() -> closed.add("database"));
        closer.register(() -> {
            throw new IllegalStateException("server");
        });
        closer.register(() -> {
            throw new AssertionError("browser");
        });
        assertThatThrownBy(closer::close)
                .isInstanceOf(AssertionError.class)
                .hasMessage("browser")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s)
                        .hasMessage("server")));
        assertThat(closed).containsExactly("database");
    }
}
