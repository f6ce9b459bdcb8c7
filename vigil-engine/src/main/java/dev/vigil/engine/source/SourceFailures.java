package dev.vigil.engine.source;

import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilSourceException.Reason;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Jdbc;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.engine.spark.SparkFailures;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * Turns what fails on the source (a {@link SQLException} from a session, or a failed Spark job reading it) into a
 * {@link VigilSourceException}: one sentence naming the URL (its password parameters redacted), the user and
 * PostgreSQL's own reason, never the password.
 */
final class SourceFailures {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceFailures.class);
    private final Duration statementTimeout;

    SourceFailures(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    /**
     * A failure of the source seen elsewhere (in a Spark task reading it): a refused or lost login
     * becomes a connect failure, anything else a failure of {@code key}.
     */
    VigilSourceException failure(PostgresJdbcDataSource source, String key, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28") || state.equals("3D000") || state.equals("08001") || state.equals("08004")) {
            return connectFailure(source, e);
        }
        return queryFailure(source, key, e, false); // Spark frames the query its own way: no position to map
    }

    /**
     * {@code e} as the run should fail with it: the source's own error found inside what a failed Spark job throws.
     * Spark rethrows a failed job as a checked {@code SparkException} that Java code does not see declared, so
     * callers catch {@link Exception} and pass it here.
     */
    RuntimeException sparkFailure(Exception e, PostgresJdbcDataSource src, String prefix) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return onExecutor(failure(src, prefix + "data_source.query", sql), e);
            }
            if (t instanceof VigilSourceException v) {
                return onExecutor(v, e);
            }
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new VigilStateException(
                "The Spark job reading " + prefix + "data_source.query failed: " + SparkFailures.reason(e), e);
    }

    /**
     * {@code failure} saying which executor met it, when a cluster's executor did: it is the executor that must reach
     * the source (its network, the files a URL names), not the server.
     */
    private static VigilSourceException onExecutor(VigilSourceException failure, Exception e) {
        return SparkFailures.executor(e)
                .map(executor -> new VigilSourceException(
                        failure.reason(), failure.getMessage() + " (read by " + executor + ")", failure.getCause()))
                .orElse(failure);
    }

    static VigilSourceException connectFailure(PostgresJdbcDataSource source, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Reason reason =
                switch (state) {
                    case "28P01", "28000" -> Reason.AUTH_FAILED;
                    case "3D000" -> Reason.UNKNOWN_DATABASE;
                    case "42501" -> Reason.PERMISSION_DENIED;
                    default -> Reason.UNREACHABLE;
                };
        String where = "Cannot connect to " + Jdbc.redactUrl(source.url()) + " as " + source.user() + ": ";
        if (reason == Reason.UNREACHABLE && noPostgresAnswered(e)) {
            // The same words whether the port was closed, filtered, or open to something that is not PostgreSQL, so
            // that a dataset PUT is no port scanner for the hosts the server can reach (review F8); the detail goes
            // to the server's log only.
            LOG.warn("{}{}", where, reasonOf(e));
            return new VigilSourceException(reason, where + NO_POSTGRES_ANSWERED, e);
        }
        return new VigilSourceException(reason, where + reasonOf(e), e);
    }

    /** What a caller is told when nothing answered as PostgreSQL at the source's address. */
    static final String NO_POSTGRES_ANSWERED = "no PostgreSQL server answered at that address (unknown host, refused,"
            + " silent, or not PostgreSQL; the Vigil server's log has the detail)";

    /**
     * Whether the login failed below PostgreSQL's protocol: pgjdbc's {@code 08001} with a socket error as its cause
     * (refused, unknown host, closed without an answer) or its login timeout. A reason PostgreSQL itself gave (a
     * {@code FATAL} from the server, TLS, authentication) is kept: it is about the user's own settings.
     */
    private static boolean noPostgresAnswered(SQLException e) {
        return "08001".equals(e.getSQLState())
                && (e.getCause() instanceof IOException
                        || String.valueOf(e.getMessage()).startsWith("Connection attempt timed out"));
    }

    VigilSourceException queryFailure(PostgresJdbcDataSource source, String key, SQLException e) {
        return queryFailure(source, key, e, true);
    }

    private VigilSourceException queryFailure(
            PostgresJdbcDataSource source, String key, SQLException e, boolean framedByVigil) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = framedByVigil && state.equals(SYNTAX_ERROR)
                ? syntaxError(source.query(), key, e).orElse(reasonOf(e))
                : reasonOf(e);
        String where = " on " + Jdbc.redactUrl(source.url()) + " as " + source.user() + ": " + reason;
        if (state.startsWith("08")) {
            return new VigilSourceException(
                    Reason.UNREACHABLE, "Lost the connection to the source while running " + key + where, e);
        }
        return switch (state) {
            case "25006" ->
                new VigilSourceException(
                        Reason.QUERY_FAILED, key + " was refused by Vigil's read-only session" + where, e);
            case "57014" ->
                new VigilSourceException(
                        Reason.TIMEOUT,
                        key + " ran longer than the statement timeout of " + statementTimeout.toSeconds() + " s"
                                + where,
                        e);
            case "42501" ->
                new VigilSourceException(
                        Reason.PERMISSION_DENIED, key + " needs a privilege the user lacks" + where, e);
            default -> new VigilSourceException(Reason.QUERY_FAILED, key + " failed" + where, e);
        };
    }

    /** PostgreSQL's SQLSTATE for a syntax error. */
    private static final String SYNTAX_ERROR = "42601";

    /** PostgreSQL's {@code at or near "<token>"}. */
    private static final Pattern NEAR = Pattern.compile("at or near \"(.*)\"$", Pattern.DOTALL);

    /**
     * A syntax error said against the user's own text. PostgreSQL's position counts in the statement Vigil sent,
     * where the query is wrapped ({@code SELECT * FROM (\n<query>\n) AS vigil_src}): an error past the query's end
     * (a query that stops unfinished) is reported at Vigil's {@code )}, a character the user never wrote. The token
     * PostgreSQL names must sit at that position of a statement framed as Vigil frames it; otherwise nothing is
     * changed.
     */
    static Optional<String> syntaxError(String query, String key, SQLException e) {
        if (!(e instanceof PSQLException pg)
                || pg.getServerErrorMessage() == null
                || pg.getServerErrorMessage().getPosition() <= 0) {
            return Optional.empty();
        }
        String normalized;
        try {
            normalized = SourceQueryGate.normalize(query, key);
        } catch (RuntimeException refused) {
            return Optional.empty();
        }
        String message = pg.getServerErrorMessage().getMessage();
        int at = pg.getServerErrorMessage().getPosition() - 1; // 0-based, in characters of the statement
        Matcher near = NEAR.matcher(message == null ? "" : message);
        String token = near.find() ? near.group(1) : null;
        Set<String> readings = new LinkedHashSet<>();
        for (int offset : SourceSql.queryOffsets(normalized)) {
            String framed = " ".repeat(offset) + normalized + "\n) AS " + SourceSql.ALIAS;
            if (token != null && !framed.startsWith(token, at)) {
                continue; // not the statement PostgreSQL parsed
            }
            if (at < offset) {
                continue; // in Vigil's prefix: not this framing
            }
            int inQuery = at - offset;
            readings.add(
                    inQuery >= normalized.length()
                            ? "syntax error at the end of the query: it stops unfinished after '" + tail(normalized)
                                    + "'"
                            : message + " (line " + (1 + lines(normalized.substring(0, inQuery))) + " of the query)");
        }
        return readings.size() == 1 ? Optional.of(readings.iterator().next()) : Optional.empty();
    }

    /** The query's last 30 characters, on one line: what the user reads to find where it stopped. */
    private static String tail(String query) {
        String flat = query.strip().replaceAll("\\s+", " ");
        if (flat.length() <= 30) {
            return flat;
        }
        int cut = flat.length() - 30;
        String tail = flat.substring(cut);
        int space = tail.indexOf(' ');
        if (flat.charAt(cut - 1) != ' ' && space >= 0) {
            tail = tail.substring(space + 1); // from a whole word
        }
        return "…" + tail.stripLeading();
    }

    private static int lines(String text) {
        return (int) text.chars().filter(c -> c == '\n').count();
    }

    /** The query finding a dataset's time range failed. */
    static VigilSourceException timeRangeFailure(DatasetConnection connection, SQLException e) {
        return new VigilSourceException(
                Reason.QUERY_FAILED,
                "Cannot find the time range of " + connection.dataset().specName() + ": " + e.getMessage(),
                e);
    }

    /**
     * Looking actuals' ids up in the serving query failed: because an id is not a value of the serving id's type
     * {@code idType}, or as any failure of the serving query.
     */
    VigilSourceException idLookupFailure(PostgresJdbcDataSource serving, String idType, SQLException e) {
        if ("22P02".equals(e.getSQLState()) || "22003".equals(e.getSQLState())) {
            return new VigilSourceException(
                    Reason.QUERY_FAILED,
                    "Cannot look the actuals up in serving.data_source.query: an actuals.id_column value is not" + " a "
                            + idType + " like serving.id_column: " + e.getMessage(),
                    e);
        }
        return failure(serving, "serving.data_source.query (looking the actuals' ids up)", e);
    }

    /** The plan PostgreSQL returned for {@code key} is not the JSON it should be. */
    static VigilSourceException unreadablePlan(String key, IOException e) {
        return new VigilSourceException(
                Reason.QUERY_FAILED, "Cannot read the plan PostgreSQL returned for " + key + ": " + e.getMessage(), e);
    }

    /** PostgreSQL's message without its severity prefix and detail lines. */
    static String reasonOf(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.lines().findFirst().orElse(message).strip();
        for (String severity : List.of("FATAL: ", "ERROR: ")) {
            if (message.startsWith(severity)) {
                message = message.substring(severity.length());
            }
        }
        return message.toLowerCase(Locale.ROOT).startsWith("the connection attempt failed") && e.getCause() != null
                ? "the connection attempt failed (" + e.getCause().getClass().getSimpleName() + ": "
                        + e.getCause().getMessage() + ")"
                : message;
    }
}
