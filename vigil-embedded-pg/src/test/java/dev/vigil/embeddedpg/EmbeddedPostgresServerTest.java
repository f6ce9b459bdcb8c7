package dev.vigil.embeddedpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Who may start the embedded PostgreSQL, and the one sentence a root without a user namespace reads. */
class EmbeddedPostgresServerTest {
    @Test
    void rootWithoutAUserNamespaceIsRefusedInOneSentenceThatSaysWhatToDo() {
        assertThat(EmbeddedPostgresServer.rootRefusal(OptionalLong.of(0), () -> false))
                .contains("the embedded PostgreSQL cannot run as root (PostgreSQL refuses to, and this kernel allows"
                        + " no user namespace to run it in): run as an ordinary user, or point Vigil at an existing"
                        + " PostgreSQL (PGUSER / VIGIL_DEMO_PG_URL for the demo, VIGIL_TEST_PG_URL for the tests)");
        assertThat(EmbeddedPostgresServer.ROOT_REFUSAL).doesNotContain("\n").doesNotEndWith(".");
    }

    @Test
    void anOrdinaryUserOrARootWithAUserNamespaceMayStartIt() {
        assertThat(EmbeddedPostgresServer.rootRefusal(OptionalLong.of(1000), () -> false))
                .isEmpty();
        assertThat(EmbeddedPostgresServer.rootRefusal(OptionalLong.of(0), () -> true))
                .isEmpty();
        assertThat(EmbeddedPostgresServer.rootRefusal(OptionalLong.empty(), () -> false))
                .as("a platform without user ids")
                .isEmpty();
    }

    @Test
    void theUidIsThisProcesssOwn() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String expected = new String(id.getInputStream().readAllBytes()).strip();
        assertThat(id.waitFor()).isZero();
        assertThat(EmbeddedPostgresServer.currentUid()).hasValue(Long.parseLong(expected));
    }
}
