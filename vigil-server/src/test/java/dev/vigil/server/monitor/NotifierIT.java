package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.server.AllowedHosts;
import dev.vigil.server.NotifySettings;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier's thread against a real metastore (H2 in a temporary directory) and a real HTTP receiver on 127.0.0.1:
 * it outlives an {@code Error} in a channel or in a whole pass (F6, F18), and a webhook goes to the address its host
 * resolved to when vetted, never to a second lookup (DNS rebinding, F9). DNS is a table here, as a hostile DNS server
 * would answer.
 */
class NotifierIT {
    private static final String WHY =
            "; Vigil does not send notifications to internal addresses unless VIGIL_NOTIFY_ALLOW_HOSTS lists it";

    private Metastore store;
    private HttpServer receiver;
    private final List<String> hits = Collections.synchronizedList(new ArrayList<>());
    private final List<String> hostHeaders = Collections.synchronizedList(new ArrayList<>());
    private final List<String> lookups = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> dns = new java.util.concurrent.ConcurrentHashMap<>();
    private Notifier notifier;

    @BeforeEach
    void start(@TempDir Path dataDir) throws Exception {
        store = Metastore.openDefault(dataDir, Map.of(), Clock.systemUTC());
        store.models().upsert(new Model("shop", "Shop"));
        store.versions()
                .upsert(new ModelVersion(
                        "shop",
                        "v1",
                        ModelType.BINARY,
                        AggregationPeriod.HOURLY,
                        Schema.builder()
                                .feature("amount", FieldType.numeric())
                                .prediction("score", FieldType.numeric())
                                .build()));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            hits.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.close();
        }
        receiver.stop(0);
        store.close();
    }

    /** Resolves from {@link #dns}, counting lookups; a name not in it does not resolve. */
    private Destinations.Resolver resolver() {
        return host -> {
            lookups.add(host);
            if (host.matches("[0-9.]+")) {
                return new InetAddress[] {InetAddress.getByName(host)}; // a literal, as the system resolver parses it
            }
            String a = dns.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {
                InetAddress.getByAddress(host, InetAddress.getByName(a).getAddress())
            };
        };
    }

    private String url(String host) {
        return "http://" + host + ":" + receiver.getAddress().getPort() + "/hook";
    }

    private List<String> outcomes(String alertId) {
        return store.deliveries()
                .attempts(store.deliveries().list(alertId).get(0).id());
    }

    /** Waits until {@code alertId}'s notification has at least {@code n} attempts; their outcomes. */
    private List<String> awaitAttempts(String alertId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (outcomes(alertId).size() < n) {
            assertThat(System.nanoTime()).as(n + " attempts within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        return outcomes(alertId);
    }

    private Notifier notifier(AllowedHosts allowed, Clock clock, Channel webhook) {
        return notifier(allowed, clock, webhook, NotifySettings.defaults().threads());
    }

    private Notifier notifier(AllowedHosts allowed, Clock clock, Channel webhook, int threads) {
        NotifySettings settings = NotifySettings.defaults()
                .withRetries(3, Duration.ofMillis(200))
                .withAllowHosts(allowed)
                .withThreads(threads);
        return new Notifier(
                store,
                settings,
                () -> "http://vigil.test",
                clock,
                Map.of(
                        Action.Type.WEBHOOK, webhook,
                        Action.Type.SLACK, new SlackChannel(new WebhookChannel(new Destinations(allowed, resolver()))),
                        Action.Type.EMAIL, new EmailChannel(settings)));
    }

    @Test
    void anErrorInOneChannelFailsThatAttemptAndLaterNotificationsStillGoOut() throws Exception {
        AllowedHosts allowed = AllowedHosts.parse("127.0.0.1");
        WebhookChannel real = new WebhookChannel(new Destinations(allowed, resolver()));
        AtomicInteger calls = new AtomicInteger();
        Channel failingOnce = (alert, action, link, deliveryId) -> {
            if (calls.incrementAndGet() == 1) {
                throw new StackOverflowError("injected");
            }
            return real.send(alert, action, link, deliveryId);
        };
        monitor("m", url("127.0.0.1"));
        String first = raise("m", "2026-03-01");
        notifier = notifier(allowed, Clock.systemUTC(), failingOnce);
        notifier.start();
        List<String> firstOutcomes = awaitAttempts(first, 2);
        assertThat(firstOutcomes.get(0))
                .matches("delivery failed \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)");
        assertThat(firstOutcomes.get(1)).isEqualTo("delivered");
        String second = raise("m", "2026-03-02");
        notifier.wake();
        assertThat(awaitAttempts(second, 1)).containsExactly("delivered");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(hits).hasSize(2);
        String reference = firstOutcomes
                .get(0)
                .substring(
                        firstOutcomes.get(0).indexOf("dlv_"),
                        firstOutcomes.get(0).indexOf(';'));
        assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                .contains("(reference " + reference + ", attempt 1 of 3): java.lang.StackOverflowError: injected");
    }

    @Test
    void anErrorOutsideAnyDeliveryDoesNotEndTheThread() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        Clock failsFirst = new Clock() {
            @Override
            public Instant instant() {
                if (thrown.get() == 0) {
                    thrown.incrementAndGet();
                    throw new OutOfMemoryError("injected before any delivery");
                }
                return Instant.now();
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        AllowedHosts allowed = AllowedHosts.parse("127.0.0.1");
        monitor("m", url("127.0.0.1"));
        String alert = raise("m", "2026-03-03");
        notifier = notifier(allowed, failsFirst, new WebhookChannel(new Destinations(allowed, resolver())));
        notifier.start();
        assertThat(awaitAttempts(alert, 1)).containsExactly("delivered");
        assertThat(thrown.get()).as("the first pass did die of an Error").isEqualTo(1);
        assertThat(hits).hasSize(1);
    }

    @Test
    void aNameThatRebindsToAnInternalAddressIsNotContacted() throws Exception {
        // Public when the monitor was PUT; 127.0.0.1 (where the receiver listens) by the time of delivery.
        dns.put("hooks.rebind.test", "93.184.216.34");
        Destinations destinations = new Destinations(AllowedHosts.none(), resolver());
        assertThat(destinations.vet("hooks.rebind.test")).hasSize(1); // what the PUT check saw
        monitor("m", url("hooks.rebind.test"));
        dns.put("hooks.rebind.test", "127.0.0.1");
        String alert = raise("m", "2026-03-04");
        lookups.clear();
        notifier = notifier(AllowedHosts.none(), Clock.systemUTC(), new WebhookChannel(destinations));
        notifier.start();
        assertThat(awaitAttempts(alert, 1))
                .containsExactly("not sent: host hooks.rebind.test resolves to a loopback address" + WHY);
        assertThat(hits).as("no request left").isEmpty();
        assertThat(lookups).containsExactly("hooks.rebind.test");
    }

    @Test
    void theConnectionGoesToTheVettedAddressNotToASecondLookup() throws Exception {
        // The system's DNS knows no "hooks.pinned.test": only a connection to the address vetted here reaches the
        // receiver, with the name in the Host header.
        dns.put("hooks.pinned.test", "127.0.0.1");
        AllowedHosts allowed = AllowedHosts.parse("127.0.0.0/8");
        monitor("m", url("hooks.pinned.test"));
        String alert = raise("m", "2026-03-05");
        notifier = notifier(allowed, Clock.systemUTC(), new WebhookChannel(new Destinations(allowed, resolver())));
        notifier.start();
        assertThat(awaitAttempts(alert, 1)).containsExactly("delivered");
        assertThat(lookups).as("resolved once").containsExactly("hooks.pinned.test");
        assertThat(hits).hasSize(1);
        assertThat(hostHeaders)
                .containsExactly("hooks.pinned.test:" + receiver.getAddress().getPort());
        assertThat(SpecCodec.json().readTree(hits.get(0)).path("delivery_id").asText())
                .isEqualTo(store.deliveries().list(alert).get(0).id());
    }

    @Test
    void overHttpsThePinnedConnectionStillChecksTheCertificateAgainstTheUrlsHost(@TempDir Path keys) throws Exception {
        // A certificate for hooks.tls.test only, made by the JDK's keytool; the client trusts it and nothing else.
        Path keyStoreFile = keys.resolve("hook.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "hook",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=hooks.tls.test",
                        "-ext",
                        "SAN=dns:hooks.tls.test",
                        "-validity",
                        "2",
                        "-keystore",
                        keyStoreFile.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(keytoolOutput).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStoreFile)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("hook", keyStore.getCertificate("hook"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        List<String> tlsHosts = Collections.synchronizedList(new ArrayList<>());
        https.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            tlsHosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        https.start();
        try {
            int port = https.getAddress().getPort();
            dns.put("hooks.tls.test", "127.0.0.1");
            dns.put("other.tls.test", "127.0.0.1"); // same address, a name the certificate does not carry
            AllowedHosts allowed = AllowedHosts.parse("127.0.0.1");
            monitor("tls", "https://hooks.tls.test:" + port + "/hook");
            monitor("wrong-name", "https://other.tls.test:" + port + "/hook");
            String good = raise("tls", "2026-03-06");
            String bad = raise("wrong-name", "2026-03-07");
            notifier = notifier(
                    allowed,
                    Clock.systemUTC(),
                    new WebhookChannel(new Destinations(allowed, resolver()), clientTls.getSocketFactory()));
            notifier.start();
            assertThat(awaitAttempts(good, 1)).containsExactly("delivered");
            assertThat(tlsHosts).containsExactly("hooks.tls.test:" + port);
            String failed = awaitAttempts(bad, 1).get(0);
            assertThat(failed)
                    .matches("delivery failed \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)");
            String reference = failed.substring(failed.indexOf("dlv_"), failed.indexOf(';'));
            assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                    .as("the certificate was checked against other.tls.test, not accepted for the pinned address")
                    .contains(
                            "(reference " + reference + ", attempt 1 of 3): to other.tls.test: SSLHandshakeException");
            assertThat(tlsHosts)
                    .as("no request went over the refused handshake")
                    .hasSize(1);
        } finally {
            https.stop(0);
        }
    }

    /**
     * A receiver that accepts connections and never answers, on {@code address}: it counts the connections open at
     * once and all it accepted.
     */
    private static final class SilentReceiver implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

        SilentReceiver(String address) throws Exception {
            server = new ServerSocket(0, 50, InetAddress.getByName(address));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        accepted.incrementAndGet();
                        open.incrementAndGet();
                        Thread reader = new Thread(() -> {
                            try (s) {
                                // read the request and whatever follows until the client gives up; never answer
                                while (s.getInputStream().read() >= 0) {}
                            } catch (Exception e) {
                                // closed
                            } finally {
                                open.decrementAndGet();
                            }
                        });
                        reader.setDaemon(true);
                        reader.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aReceiverThatNeverAnswersDelaysOnlyTheAlertsToItsOwnHost() throws Exception {
        // Host A (127.0.0.2) accepts and never answers; host B (127.0.0.3) answers at once. A destination is a host
        // name, port aside, so the two hosts are two loopback addresses. Attempts may take 2 s to connect and 4 s in
        // all here (10 s and 20 s in production): long enough to see who waits for whom.
        HttpServer fast = HttpServer.create(new InetSocketAddress("127.0.0.3", 0), 0);
        List<String> fastHits = Collections.synchronizedList(new ArrayList<>());
        fast.createContext("/", exchange -> {
            fastHits.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        fast.start();
        try (SilentReceiver silent = new SilentReceiver("127.0.0.2")) {
            AllowedHosts allowed = AllowedHosts.parse("127.0.0.0/8");
            monitor("slow", "http://127.0.0.2:" + silent.port() + "/hook");
            monitor("fast", "http://127.0.0.3:" + fast.getAddress().getPort() + "/hook");
            // oldest first: on one thread, both of A's would be attempted before B's
            String slow1 = raise("slow", "2026-03-10");
            Thread.sleep(20);
            String slow2 = raise("slow", "2026-03-11");
            Thread.sleep(20);
            String quick = raise("fast", "2026-03-12");
            WebhookChannel webhook = new WebhookChannel(
                    new Destinations(allowed, resolver()),
                    (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(),
                    Duration.ofSeconds(2));
            notifier = notifier(allowed, Clock.systemUTC(), webhook, 4);
            long started = System.nanoTime();
            notifier.start();

            assertThat(awaitAttempts(quick, 1)).containsExactly("delivered");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("B's alert did not wait for A's 4 s deadline").isLessThan(Duration.ofSeconds(3));
            assertThat(fastHits).hasSize(1);
            long waitForA = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (silent.accepted.get() == 0 && System.nanoTime() < waitForA) {
                Thread.sleep(10);
            }
            assertThat(outcomes(slow1)).as("A's attempt is not over").isEmpty();
            assertThat(outcomes(slow2)).isEmpty();
            assertThat(silent.open.get()).as("A's first attempt is in flight").isEqualTo(1);
            assertThat(silent.accepted.get()).as("and A's second waits for it").isEqualTo(1);

            String generic = "delivery failed \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)";
            String failed1 = awaitAttempts(slow1, 1).get(0);
            assertThat(failed1).matches(generic);
            assertThat(awaitAttempts(slow2, 1).get(0)).matches(generic);
            String reference = failed1.substring(failed1.indexOf("dlv_"), failed1.indexOf(';'));
            assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                    .contains("(reference " + reference + ", attempt 1 of 3): to 127.0.0.2: SocketTimeoutException");
            assertThat(outcomes(quick)).as("B's delivery was attempted once").containsExactly("delivered");
            assertThat(fastHits).hasSize(1);
        } finally {
            fast.stop(0);
        }
    }

    @Test
    void noMoreAttemptsAtOnceThanThreads() throws Exception {
        // Five destinations (host names the channel never connects to), two sending threads: two attempts wait in
        // the channel until released, the other three wait for a thread.
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger sending = new AtomicInteger();
        AtomicInteger mostSending = new AtomicInteger();
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        Channel held = (alert, action, link, deliveryId) -> {
            mostSending.accumulateAndGet(sending.incrementAndGet(), Math::max);
            try {
                release.await();
                sent.add(deliveryId);
                return "delivered";
            } catch (InterruptedException e) {
                throw new Channel.Interrupted();
            } finally {
                sending.decrementAndGet();
            }
        };
        List<String> alerts = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            monitor("m" + i, "http://hooks" + i + ".held.test/hook");
            alerts.add(raise("m" + i, "2026-03-1" + i));
        }
        notifier = notifier(AllowedHosts.none(), Clock.systemUTC(), held, 2);
        notifier.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sending.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(1500); // more than a poll: passes that could start a third attempt have run
        assertThat(sending.get()).isEqualTo(2);
        release.countDown();
        for (String a : alerts) {
            assertThat(awaitAttempts(a, 1)).containsExactly("delivered");
        }
        assertThat(mostSending.get()).isEqualTo(2);
        assertThat(sent).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void passesRunningAtOnceNeverSendOneNotificationTwice() throws Exception {
        // Twelve destinations (names that resolve to the receiver's address), four threads calling deliverDue in a
        // loop while the attempts they start finish and are recorded: each notification reaches the receiver once.
        AllowedHosts allowed = AllowedHosts.parse("127.0.0.0/8");
        List<String> alerts = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            dns.put("hooks" + i + ".passes.test", "127.0.0.1");
            monitor("m" + i, url("hooks" + i + ".passes.test"));
            alerts.add(raise("m" + i, "2026-04-" + (10 + i)));
        }
        notifier = notifier(allowed, Clock.systemUTC(), new WebhookChannel(new Destinations(allowed, resolver())), 4);
        AtomicInteger passes = new AtomicInteger();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        notifier.deliverDue();
                        passes.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(errors).isEmpty();
        assertThat(passes.get()).as("passes overlapped").isGreaterThan(12);
        List<String> ids = new ArrayList<>();
        for (String a : alerts) {
            assertThat(awaitAttempts(a, 1)).containsExactly("delivered");
            ids.add(store.deliveries().list(a).get(0).id());
        }
        List<String> received = new ArrayList<>();
        synchronized (hits) {
            for (String hit : hits) {
                received.add(SpecCodec.json().readTree(hit).path("delivery_id").asText());
            }
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void closeWaitsForAnAttemptInFlightAndRecordsTheReply() throws Exception {
        // The receiver answers 1 s after the request arrives; close() is called meanwhile.
        CountDownLatch arrived = new CountDownLatch(1);
        HttpServer late = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        late.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        late.start();
        try {
            AllowedHosts allowed = AllowedHosts.parse("127.0.0.1");
            monitor("m", "http://127.0.0.1:" + late.getAddress().getPort() + "/hook");
            String alert = raise("m", "2026-05-01");
            notifier = notifier(allowed, Clock.systemUTC(), new WebhookChannel(new Destinations(allowed, resolver())));
            notifier.start();
            assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            notifier.close();
            notifier = null;
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(outcomes(alert)).as("recorded before close returned").containsExactly("delivered");
        } finally {
            late.stop(0);
        }
    }

    @Test
    void closeGivesUpOnASilentReceiverAfterFiveSecondsAndLeavesTheNotificationDue() throws Exception {
        try (SilentReceiver silent = new SilentReceiver("127.0.0.1")) {
            AllowedHosts allowed = AllowedHosts.parse("127.0.0.1");
            monitor("m", "http://127.0.0.1:" + silent.port() + "/hook");
            String alert = raise("m", "2026-05-02");
            // the production timeouts: the attempt would wait 20 s for an answer
            notifier = notifier(allowed, Clock.systemUTC(), new WebhookChannel(new Destinations(allowed, resolver())));
            notifier.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (silent.accepted.get() == 0) {
                assertThat(System.nanoTime()).as("the attempt connects").isLessThan(deadline);
                Thread.sleep(10);
            }
            long started = System.nanoTime();
            notifier.close();
            notifier = null;
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofMillis(4500), Duration.ofSeconds(7));
            assertThat(outcomes(alert))
                    .as("the cut-short attempt is not recorded")
                    .isEmpty();
            assertThat(store.deliveries().list(alert).get(0))
                    .as("so it is sent again after a restart")
                    .extracting(DeliveryRepository.Delivery::status, DeliveryRepository.Delivery::attempts)
                    .containsExactly("PENDING", 0);
        }
    }

    /** Stores monitor {@code name} with one webhook to {@code url}. */
    private void monitor(String name, String url) throws Exception {
        ShopAlerts.monitor(store, name, "{\"type\": \"webhook\", \"url\": \"" + url + "\"}");
    }

    /** Raises an alert of {@code monitor} for the day of {@code day}, its webhook delivery due now; its id. */
    private String raise(String monitor, String day) {
        return ShopAlerts.raise(store, monitor, Instant.parse(day + "T00:00:00Z"), "webhook");
    }
}
