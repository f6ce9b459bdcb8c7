package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilStateException;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The metastore contract on a real PostgreSQL: one database for the class, emptied before each test. */
class PostgresMetastoreIT extends MetastoreContractTest {
    private static final SecretCipher CIPHER = SecretCipher.of(SecretCipher.newKey());
    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestServer.fromEnvironment().createDatabase("store");
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    Metastore openStore() {
        PostgresTestServer server = database.server();
        return Metastore.open(database.url(), server.adminUser(), server.adminPassword(), CIPHER, clock);
    }

    @Override
    SecretCipher storeKey() {
        return CIPHER;
    }

    @Override
    Metastore openStore(SecretCipher key) {
        PostgresTestServer server = database.server();
        return Metastore.open(database.url(), server.adminUser(), server.adminPassword(), key, clock);
    }

    @Override
    Connection connectRaw() throws SQLException {
        return database.connectAsAdmin();
    }

    @Test
    void profilesAreVacuumedAfterTwoPercentOfThemDied() throws SQLException {
        try (Connection c = connectRaw();
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT t.reloptions, toast.reloptions FROM pg_class t"
                        + " JOIN pg_class toast ON toast.oid = t.reltoastrelid"
                        + " WHERE t.oid = 'profiles'::regclass")) {
            assertThat(rs.next()).isTrue();
            assertThat((String[]) rs.getArray(1).getArray())
                    .contains(
                            "autovacuum_vacuum_scale_factor=0.02",
                            "autovacuum_vacuum_threshold=1000",
                            "autovacuum_vacuum_insert_scale_factor=0.02",
                            "autovacuum_analyze_scale_factor=0.05");
            assertThat((String[]) rs.getArray(2).getArray())
                    .contains(
                            "autovacuum_vacuum_scale_factor=0.02",
                            "autovacuum_vacuum_threshold=1000",
                            "autovacuum_vacuum_insert_scale_factor=0.02");
        }
    }

    @Test
    void compactingIsANoOpOnPostgreSQL() {
        assertThat(store.compactIfNeeded(java.time.Duration.ofSeconds(1))).isZero();
    }

    @Test
    void describeSaysPostgreSQLWithoutThePassword() {
        assertThat(store.describe())
                .isEqualTo("PostgreSQL at " + database.url())
                .doesNotContain(database.server().adminPassword());
    }

    @Test
    void aDatabaseThatCannotBeReachedIsAStateErrorWithoutThePassword() {
        String url = database.url() + "_missing?password=hunter2";
        assertThatThrownBy(() -> Metastore.open(url, "vigil_test", "pw-in-config-9876", CIPHER, clock))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith(
                        "Cannot connect to the metastore at " + database.url() + "_missing?password=******")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("pw-in-config-9876");
    }

    /**
     * Servers racing for one due time, each on its own pool: one gets the run, however the statements interleave
     * (the unique index makes the losers wait for the winner's commit, and their retry finds its row). The same for
     * starting two queued runs of one dataset (the partial unique index on running runs).
     */
    @Test
    void serversRacingForOneDueTimeOrOneDatasetGetOneRun() throws Exception {
        store.models().upsert(new dev.vigil.core.model.Model("race", "Race"));
        store.versions().upsert(version("race", "v1"));
        int servers = 6;
        List<Metastore> stores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(servers);
        try {
            for (int i = 0; i < servers; i++) {
                stores.add(openStore());
            }
            for (int round = 0; round < 5; round++) {
                Instant due = Instant.parse("2026-03-08T07:00:00Z").plusSeconds(300L * round);
                CyclicBarrier start = new CyclicBarrier(servers);
                List<Future<Optional<Run>>> claims = new ArrayList<>();
                for (int i = 0; i < servers; i++) {
                    Metastore s = stores.get(i);
                    RunRepository.Holder holder = new RunRepository.Holder("srv_" + i, Duration.ofMinutes(1));
                    claims.add(pool.submit(() -> {
                        start.await();
                        return s.runs().claimScheduled("race", "v1", "serving", due, holder);
                    }));
                }
                List<Run> won = new ArrayList<>();
                for (Future<Optional<Run>> f : claims) {
                    f.get(30, TimeUnit.SECONDS).ifPresent(won::add);
                }
                assertThat(won).as("round " + round).hasSize(1);
                store.runs().failed(won.get(0).id(), "round over");
            }
            assertThat(store.runs().scheduled("race", "v1", "serving", 100)).hasSize(5);

            List<String> queued = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                queued.add(store.runs()
                        .create(
                                "race",
                                "v1",
                                "training",
                                Instant.EPOCH,
                                Instant.EPOCH,
                                0,
                                new RunRepository.Holder("srv_" + i, Duration.ofMinutes(1)))
                        .id());
            }
            CyclicBarrier start = new CyclicBarrier(servers);
            List<Future<Boolean>> starts = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                Metastore s = stores.get(i);
                String id = queued.get(i);
                RunRepository.Holder holder = new RunRepository.Holder("srv_" + i, Duration.ofMinutes(1));
                starts.add(pool.submit(() -> {
                    start.await();
                    return s.runs().start(id, holder);
                }));
            }
            int started = 0;
            for (Future<Boolean> f : starts) {
                started += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(started).as("running runs of one dataset").isEqualTo(1);
        } finally {
            pool.shutdownNow();
            stores.forEach(Metastore::close);
        }
    }
}
