package dev.vigil.embeddedpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing initdb is one sentence that names the server's log, and the log says why; a stale postmaster.pid whose
 * pid is a postgres serving another directory (a pid reused after a reboot) does not get that server stopped.
 */
class EmbeddedPostgresServerIT {
    @TempDir
    Path dir;

    @Test
    void aFailingInitdbIsOneSentenceNamingTheLog() throws Exception {
        assumeTrue(
                EmbeddedPostgresServer.refusalHere().isEmpty(),
                "root without a user namespace: .ci/run checks this as an ordinary user");
        // a data directory that holds something but no cluster: initdb refuses to touch it
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/precious.txt"), "keep me");

        assertThatThrownBy(() -> EmbeddedPostgresServer.start(dir))
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessage(
                        "the embedded PostgreSQL in " + dir.toAbsolutePath() + " could not start (initdb failed): see "
                                + dir.toAbsolutePath().resolve("postgres.log"));
        assertThat(Files.readString(dir.resolve("postgres.log"))).contains("exists but is not empty");
        assertThat(Files.readString(dir.resolve("data/precious.txt"))).isEqualTo("keep me");
        try (var files = Files.list(dir.resolve("data"))) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("precious.txt");
        }
    }

    @Test
    void aPostgresServingAnotherDirectoryIsNeverStopped(@TempDir Path other) throws Exception {
        assumeTrue(
                EmbeddedPostgresServer.refusalHere().isEmpty(),
                "root without a user namespace: .ci/run checks this as an ordinary user");
        EmbeddedPostgresServer elsewhere = EmbeddedPostgresServer.start(other);
        try {
            long otherPid = pid(other);
            // a data directory whose stale postmaster.pid names a postgres that serves another directory
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("data/postmaster.pid"), otherPid + "\n");
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(dir)).isInstanceOf(EmbeddedPostgresException.class);
            assertThat(ProcessHandle.of(otherPid).map(ProcessHandle::isAlive))
                    .as("the other directory's postgres is left alone")
                    .contains(true);
        } finally {
            elsewhere.close();
        }
    }

    private static long pid(Path dir) throws Exception {
        return Long.parseLong(
                Files.readAllLines(dir.resolve("data/postmaster.pid")).get(0).strip());
    }
}
