package dev.vigil.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilSourceException.Reason;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Jdbc;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.spec.GrantSql;
import dev.vigil.core.spec.SpecValidator;
import dev.vigil.core.spec.SqlQueries;
import dev.vigil.engine.source.ColumnTypes.Shape;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The only door to the user's PostgreSQL. Every session it opens is read-only three times over
 * ({@code readOnly=true} and {@code readOnlyMode=always} in the driver, and
 * {@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY}) and carries a
 * {@code statement_timeout}; logging in gives up after the connect timeout.
 *
 * <p>Failures become a {@link VigilSourceException}: one sentence naming the URL (its password
 * parameters redacted), the user and PostgreSQL's own reason, never the password.
 */
public final class PostgresSource {
    /** How a user's query is wrapped so that Vigil can add its own limits and predicates. */
    public static final String ALIAS = "vigil_src";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LISTED_COLUMNS = 20;

    private final Duration connectTimeout;
    private final Duration statementTimeout;

    public PostgresSource(Duration connectTimeout, Duration statementTimeout) {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new VigilArgumentException("source connect timeout must be positive, got " + connectTimeout);
        }
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new VigilArgumentException("source statement timeout must be positive, got " + statementTimeout);
        }
        this.connectTimeout = connectTimeout;
        this.statementTimeout = statementTimeout;
    }

    /** A 5 s connect timeout and a 300 s statement timeout. */
    public static PostgresSource withDefaults() {
        return new PostgresSource(Duration.ofSeconds(5), Duration.ofSeconds(300));
    }

    /** The query as Vigil runs it: {@code SELECT * FROM (\n<query>\n) AS vigil_src}. */
    public static String wrap(String query) {
        return "SELECT * FROM (\n" + SqlQueries.normalize(query, "data_source.query") + "\n) AS " + ALIAS;
    }

    /** The JDBC properties of a read-only session (also what Spark's JDBC reader gets). */
    public Properties sessionProperties(PostgresJdbcDataSource source) {
        Properties p = new Properties();
        p.setProperty("user", source.user());
        if (source.password() != null) {
            p.setProperty("password", source.password());
        }
        p.setProperty("readOnly", "true");
        p.setProperty("readOnlyMode", "always");
        p.setProperty("ApplicationName", "vigil");
        p.setProperty("connectTimeout", String.valueOf(seconds(connectTimeout)));
        p.setProperty("loginTimeout", String.valueOf(seconds(connectTimeout)));
        // A socket that stays silent well past the statement timeout is a dead server.
        p.setProperty("socketTimeout", String.valueOf(seconds(statementTimeout) + 30));
        p.setProperty("options", serverOptions());
        return p;
    }

    /**
     * Settings PostgreSQL applies to the session itself: the statement timeout, and every transaction read-only
     * unless it asks otherwise (a query cannot: it is one SELECT).
     */
    private String serverOptions() {
        return "-c statement_timeout=" + statementTimeout.toMillis() + " -c default_transaction_read_only=on";
    }

    /**
     * The URL Spark's JDBC reader connects with: the source's URL with the session's driver settings appended as URL
     * parameters. Spark lower-cases the keys of the connection properties it passes to the driver, and pgjdbc's
     * keys are case-sensitive, so {@code readOnly}, {@code readOnlyMode} and the timeouts would be silently dropped
     * as properties. Appended last, they also win over the same keys in the source's URL. Two keys are merged, not
     * overridden: the URL's own {@code options} come before Vigil's ({@code -c search_path=...} still applies), and
     * {@code prepareThreshold=-1} (values in binary from the first execution) is added only when the URL sets none
     * (behind PgBouncer it is often 0).
     */
    public String sparkUrl(PostgresJdbcDataSource source) {
        requirePostgresUrl(source.url());
        Map<String, String> given = urlParameters(source.url());
        Map<String, String> settings = new TreeMap<>();
        sessionProperties(source).forEach((k, v) -> settings.put((String) k, (String) v));
        // the credentials stay connection properties: their keys are lower-case already, and a URL gets logged
        settings.remove("user");
        settings.remove("password");
        if (given.containsKey("options")) {
            settings.put("options", given.get("options") + " " + settings.get("options"));
        }
        if (!given.containsKey("prepareThreshold")) {
            settings.put("prepareThreshold", "-1");
        }
        StringBuilder url = new StringBuilder(source.url());
        char separator = source.url().contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : settings.entrySet()) {
            url.append(separator)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }

    /** The query parameters of a JDBC URL, decoded; of a key given twice, the last (as pgjdbc reads them). */
    private static Map<String, String> urlParameters(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A session on the source that PostgreSQL itself keeps from writing. */
    public Connection openReadOnly(PostgresJdbcDataSource source) {
        requirePostgresUrl(source.url());
        Connection c;
        try {
            c = DriverManager.getConnection(source.url(), sessionProperties(source));
        } catch (SQLException e) {
            throw connectFailure(source, e);
        }
        try (Statement s = c.createStatement()) {
            c.setReadOnly(true);
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            s.execute("SET statement_timeout = " + statementTimeout.toMillis());
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw queryFailure(source, "the session setup", e);
        }
    }

    /**
     * The columns of the wrapped query, from a {@code LIMIT 0} probe; then the query is run for at
     * most one row, because some refusals only happen when a row is computed (a volatile function
     * that writes, such as {@code nextval}, is refused by the read-only session only then).
     */
    public List<SourceColumn> probe(PostgresJdbcDataSource source) {
        return probe(source, "data_source.query");
    }

    private List<SourceColumn> probe(PostgresJdbcDataSource source, String key) {
        String wrapped = "SELECT * FROM (\n" + SqlQueries.normalize(source.query(), key) + "\n) AS " + ALIAS;
        try (Connection c = openReadOnly(source)) {
            List<SourceColumn> columns = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(wrapped + " LIMIT 0");
                    ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(new SourceColumn(md.getColumnLabel(i), md.getColumnTypeName(i), md.getColumnType(i)));
                }
            }
            try (PreparedStatement s = c.prepareStatement(wrapped + " LIMIT 1");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
            }
            return columns;
        } catch (SQLException e) {
            throw queryFailure(source, key, e);
        }
    }

    /**
     * Probes the dataset's query and checks its columns against the version: the id and timestamp
     * columns, every field the dataset must carry and every label, each present with a type its
     * field can be read from. All problems are reported together, keys prefixed with
     * {@code prefix} (e.g. {@code "serving."}). Returns the columns as the engine will see them
     * (after {@code select_expr}).
     */
    public List<SourceColumn> check(ModelVersion version, DatasetConnection connection, String prefix) {
        PostgresJdbcDataSource source = connection.source();
        List<SourceColumn> columns = probe(source, prefix + "data_source.query");
        if (!source.selectExpr().isEmpty()) {
            columns = SelectExpressions.apply(columns, source.selectExpr(), prefix + "data_source.select_expr");
        }
        Columns available = new Columns(columns);
        List<String> problems = new ArrayList<>();
        available.check(prefix + "id_column", connection.idColumn(), ColumnTypes.ID, "an id", problems);
        available.check(
                prefix + "timestamp_column",
                connection.timestampColumn(),
                ColumnTypes.TIMESTAMP,
                "a timestamp",
                problems);
        for (Field field : version.schema().fields()) {
            String column = connection.columnFor(field);
            boolean explicit =
                    connection.mappings().getOrDefault(field.group(), Map.of()).containsKey(field.name());
            if (!carries(connection.dataset(), field.group())
                    && !(explicit || optionalButPresent(connection, field, available))) {
                continue;
            }
            available.check(
                    prefix + field.group().specName() + "." + field.name(),
                    column,
                    ColumnTypes.accepted(field.type().kind()),
                    "a " + field.type().kind().specName() + " field",
                    problems);
        }
        connection.labels().forEach((fieldName, column) -> {
            Optional<Field> field = version.schema()
                    .field(FieldGroup.PREDICTIONS, fieldName)
                    .or(() -> version.schema().field(FieldGroup.ACTUALS, fieldName));
            if (field.isPresent()) {
                available.check(
                        prefix + "labels." + fieldName,
                        column,
                        labelShapes(field.get().type()),
                        "the label of a " + field.get().type().kind().specName() + " prediction",
                        problems);
            }
        });
        SpecValidator.throwIfAny(problems);
        return columns;
    }

    /**
     * Which tables the query reads (from its plan: {@code EXPLAIN (VERBOSE, FORMAT JSON)} plans
     * without executing), whether the user could write them, and the grant SQL that would suffice.
     */
    public PrivilegeReport privileges(PostgresJdbcDataSource source) {
        String key = "data_source.query";
        String explain = "EXPLAIN (VERBOSE, FORMAT JSON) " + wrap(source.query());
        try (Connection c = openReadOnly(source)) {
            String user;
            String database;
            boolean superuser;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT current_user, current_database(), "
                            + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")) {
                rs.next();
                user = rs.getString(1);
                database = rs.getString(2);
                superuser = rs.getBoolean(3);
            }
            Set<List<String>> relations = new LinkedHashSet<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(explain)) {
                rs.next();
                collectRelations(JSON.readTree(rs.getString(1)), relations);
            }
            List<TableAccess> tables = new ArrayList<>();
            for (List<String> relation : relations) {
                tables.add(tableAccess(c, relation.get(0), relation.get(1)));
            }
            List<String> qualified =
                    tables.stream().map(TableAccess::qualifiedName).toList();
            return new PrivilegeReport(
                    user, database, superuser, tables, GrantSql.statements(user, database, "public", qualified, false));
        } catch (SQLException e) {
            throw queryFailure(source, key, e);
        } catch (java.io.IOException e) {
            throw new VigilSourceException(
                    Reason.QUERY_FAILED,
                    "Cannot read the plan PostgreSQL returned for " + key + ": " + e.getMessage(),
                    e);
        }
    }

    private static TableAccess tableAccess(Connection c, String schema, String table) throws SQLException {
        String sql = "SELECT pg_get_userbyid(c.relowner), pg_has_role(current_user, c.relowner, 'USAGE'), "
                + "has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'UPDATE'), "
                + "has_table_privilege(c.oid, 'DELETE'), has_table_privilege(c.oid, 'TRUNCATE') "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new TableAccess(schema, table, "?", false, Set.of());
                }
                Set<String> writes = new TreeSet<>();
                String[] names = {"INSERT", "UPDATE", "DELETE", "TRUNCATE"};
                for (int i = 0; i < names.length; i++) {
                    if (rs.getBoolean(3 + i)) {
                        writes.add(names[i]);
                    }
                }
                return new TableAccess(schema, table, rs.getString(1), rs.getBoolean(2), writes);
            }
        }
    }

    private static void collectRelations(JsonNode node, Set<List<String>> out) {
        if (node.isObject() && node.has("Relation Name")) {
            out.add(List.of(
                    node.path("Schema").asText("public"),
                    node.get("Relation Name").asText()));
        }
        node.forEach(child -> collectRelations(child, out));
    }

    /** Serving carries every input and prediction; training and testing carry features and predictions; actuals only labels. */
    private static boolean carries(DatasetKind dataset, FieldGroup group) {
        return switch (dataset) {
            case SERVING -> group != FieldGroup.ACTUALS;
            case TRAINING, TESTING -> group == FieldGroup.FEATURES || group == FieldGroup.PREDICTIONS;
            case ACTUALS -> false;
        };
    }

    /** A raw input in a training set is optional, but when its column is there it must fit. */
    private static boolean optionalButPresent(DatasetConnection connection, Field field, Columns available) {
        return connection.dataset() != DatasetKind.ACTUALS
                && field.group() == FieldGroup.RAW_INPUTS
                && available.find(connection.columnFor(field)).isPresent();
    }

    private static Set<Shape> labelShapes(FieldType type) {
        Set<Shape> shapes = EnumSet.copyOf(ColumnTypes.accepted(type.kind()));
        if (type.kind() == FieldType.Kind.NUMERIC) {
            // A score's actual is the class it scores: bought = true/false.
            shapes.add(Shape.BOOLEAN);
        }
        return shapes;
    }

    /** The probed columns by name: exact match first, then ignoring case as Spark does. */
    private static final class Columns {
        private final Map<String, SourceColumn> byName = new LinkedHashMap<>();

        Columns(List<SourceColumn> columns) {
            columns.forEach(c -> byName.putIfAbsent(c.name(), c));
        }

        Optional<SourceColumn> find(String name) {
            SourceColumn exact = byName.get(name);
            if (exact != null) {
                return Optional.of(exact);
            }
            return byName.values().stream()
                    .filter(c -> c.name().equalsIgnoreCase(name))
                    .findFirst();
        }

        void check(String key, String column, Set<Shape> accepted, String what, List<String> problems) {
            if (column == null || column.isBlank()) {
                return; // reported by the spec validator
            }
            Optional<SourceColumn> found = find(column);
            if (found.isEmpty()) {
                problems.add(key + ": column '" + column + "' is not in the query's result (it has " + listed() + ")");
                return;
            }
            Shape shape = ColumnTypes.shape(found.get().typeName());
            if (!accepted.contains(shape)) {
                problems.add(key + ": column '" + column + "' is " + found.get().typeName() + ", but " + what
                        + " is read from a column of type " + ColumnTypes.describe(accepted));
            }
        }

        private String listed() {
            List<String> names = new ArrayList<>(byName.keySet());
            if (names.size() <= MAX_LISTED_COLUMNS) {
                return String.join(", ", names);
            }
            return String.join(", ", names.subList(0, MAX_LISTED_COLUMNS)) + " and "
                    + (names.size() - MAX_LISTED_COLUMNS) + " more";
        }
    }

    private static void requirePostgresUrl(String url) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new VigilArgumentException("data_source.url: '" + Jdbc.redactUrl(String.valueOf(url))
                    + "' is not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
        }
    }

    /**
     * A failure of the source seen elsewhere (in a Spark task reading it): a refused or lost login
     * becomes a connect failure, anything else a failure of {@code key}.
     */
    public VigilSourceException failure(PostgresJdbcDataSource source, String key, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28") || state.equals("3D000") || state.equals("08001") || state.equals("08004")) {
            return connectFailure(source, e);
        }
        return queryFailure(source, key, e);
    }

    private static VigilSourceException connectFailure(PostgresJdbcDataSource source, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Reason reason =
                switch (state) {
                    case "28P01", "28000" -> Reason.AUTH_FAILED;
                    case "3D000" -> Reason.UNKNOWN_DATABASE;
                    case "42501" -> Reason.PERMISSION_DENIED;
                    default -> Reason.UNREACHABLE;
                };
        return new VigilSourceException(
                reason,
                "Cannot connect to " + Jdbc.redactUrl(source.url()) + " as " + source.user() + ": " + reasonOf(e),
                e);
    }

    private VigilSourceException queryFailure(PostgresJdbcDataSource source, String key, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = " on " + Jdbc.redactUrl(source.url()) + " as " + source.user() + ": " + reasonOf(e);
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

    private static int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session is being abandoned after a failure already reported
        }
    }
}
