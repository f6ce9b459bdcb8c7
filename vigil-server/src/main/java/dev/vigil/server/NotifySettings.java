package dev.vigil.server;

import dev.vigil.core.VigilArgumentException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How alerts are sent: the dashboard's public URL (for the link in every notification), the SMTP server for
 * e-mail, and how often a failed delivery is retried (the first retry after {@code firstRetry}, each next one
 * twice as late, at most {@code maxAttempts} attempts in all).
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>environment</th><th>default</th></tr>
 * <tr><td>publicUrl</td><td>VIGIL_PUBLIC_URL</td><td>the server's own URL</td></tr>
 * <tr><td>smtpHost / smtpPort</td><td>VIGIL_SMTP_HOST / VIGIL_SMTP_PORT</td><td>none (no e-mail) / 587</td></tr>
 * <tr><td>smtpUser / smtpPassword</td><td>VIGIL_SMTP_USER / VIGIL_SMTP_PASSWORD</td><td>none</td></tr>
 * <tr><td>smtpFrom</td><td>VIGIL_SMTP_FROM</td><td>vigil@localhost</td></tr>
 * <tr><td>smtpStartTls</td><td>VIGIL_SMTP_STARTTLS (true/false)</td><td>true</td></tr>
 * <tr><td>maxAttempts</td><td>VIGIL_NOTIFY_MAX_ATTEMPTS</td><td>6</td></tr>
 * <tr><td>firstRetry</td><td>VIGIL_NOTIFY_FIRST_RETRY (seconds)</td><td>30</td></tr>
 * <tr><td>allowHosts</td><td>VIGIL_NOTIFY_ALLOW_HOSTS (host names and CIDR ranges, comma-separated)</td>
 *     <td>none: webhooks and Slack never reach loopback, private, link-local or other internal addresses</td></tr>
 * <tr><td>threads</td><td>VIGIL_NOTIFY_THREADS (1 to 64)</td>
 *     <td>4: at most that many notifications in flight at once, and at most one per destination host</td></tr>
 * </table>
 */
public record NotifySettings(
        String publicUrl,
        String smtpHost,
        int smtpPort,
        String smtpUser,
        String smtpPassword,
        String smtpFrom,
        boolean smtpStartTls,
        int maxAttempts,
        Duration firstRetry,
        AllowedHosts allowHosts,
        int threads) {

    /** The most {@code VIGIL_NOTIFY_THREADS} may be: more would only hold more sockets open to slow receivers. */
    public static final int MAX_THREADS = 64;

    public static NotifySettings defaults() {
        return new NotifySettings(
                null,
                null,
                587,
                null,
                null,
                "vigil@localhost",
                true,
                6,
                Duration.ofSeconds(30),
                AllowedHosts.none(),
                4);
    }

    static NotifySettings fromEnvironment(Map<String, String> env, List<String> problems) {
        NotifySettings d = defaults();
        return new NotifySettings(
                blankToNull(env.get("VIGIL_PUBLIC_URL")),
                blankToNull(env.get("VIGIL_SMTP_HOST")),
                integer(env, "VIGIL_SMTP_PORT", d.smtpPort, problems),
                blankToNull(env.get("VIGIL_SMTP_USER")),
                blankToNull(env.get("VIGIL_SMTP_PASSWORD")),
                env.getOrDefault("VIGIL_SMTP_FROM", d.smtpFrom),
                !"false"
                        .equalsIgnoreCase(
                                env.getOrDefault("VIGIL_SMTP_STARTTLS", "true").strip()),
                integer(env, "VIGIL_NOTIFY_MAX_ATTEMPTS", d.maxAttempts, problems),
                Duration.ofSeconds(integer(env, "VIGIL_NOTIFY_FIRST_RETRY", 30, problems)),
                allowHosts(env.get("VIGIL_NOTIFY_ALLOW_HOSTS"), problems),
                integer(env, "VIGIL_NOTIFY_THREADS", d.threads, problems));
    }

    private static AllowedHosts allowHosts(String value, List<String> problems) {
        try {
            return AllowedHosts.parse(value);
        } catch (VigilArgumentException e) {
            problems.addAll(e.problems());
            return AllowedHosts.none();
        }
    }

    /** SMTP on {@code host:port} without TLS or login (a local relay, or GreenMail in tests). */
    public NotifySettings withSmtp(String host, int port, String from) {
        return new NotifySettings(
                publicUrl, host, port, null, null, from, false, maxAttempts, firstRetry, allowHosts, threads);
    }

    public NotifySettings withRetries(int attempts, Duration first) {
        return new NotifySettings(
                publicUrl,
                smtpHost,
                smtpPort,
                smtpUser,
                smtpPassword,
                smtpFrom,
                smtpStartTls,
                attempts,
                first,
                allowHosts,
                threads);
    }

    /** Internal destinations notifications may reach after all (e.g. {@code AllowedHosts.parse("10.0.0.0/8")}). */
    public NotifySettings withAllowHosts(AllowedHosts value) {
        return new NotifySettings(
                publicUrl,
                smtpHost,
                smtpPort,
                smtpUser,
                smtpPassword,
                smtpFrom,
                smtpStartTls,
                maxAttempts,
                firstRetry,
                value,
                threads);
    }

    /** At most {@code value} notifications in flight at once (tests; {@code VIGIL_NOTIFY_THREADS} otherwise). */
    public NotifySettings withThreads(int value) {
        return new NotifySettings(
                publicUrl,
                smtpHost,
                smtpPort,
                smtpUser,
                smtpPassword,
                smtpFrom,
                smtpStartTls,
                maxAttempts,
                firstRetry,
                allowHosts,
                value);
    }

    @Override
    public String toString() {
        return "NotifySettings[publicUrl=" + publicUrl + ", smtpHost=" + smtpHost + ", smtpPort=" + smtpPort
                + ", smtpUser=" + smtpUser + ", smtpPassword=" + (smtpPassword == null ? "<none>" : "******")
                + ", smtpFrom=" + smtpFrom + ", smtpStartTls=" + smtpStartTls + ", maxAttempts=" + maxAttempts
                + ", firstRetry=" + firstRetry + ", allowHosts=" + allowHosts + ", threads=" + threads + "]";
    }

    private static int integer(Map<String, String> env, String key, int fallback, List<String> problems) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + value + "' is not a whole number");
            return fallback;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
