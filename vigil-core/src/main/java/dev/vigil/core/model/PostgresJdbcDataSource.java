package dev.vigil.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SQL query over the user's PostgreSQL, read through a read-only user.
 *
 * <p>{@code selectExpr} are Spark SQL select expressions applied after reading; {@code readOptions}
 * keys starting with {@code spark.} configure the job, every other key goes to Spark's JDBC reader.
 * {@code sampleSize} is the fraction of rows to keep per window, in (0, 1]. The password is never
 * part of {@link #toString()}.
 *
 * <p>{@code allowWritableRole} is the name of a role the owner of the source accepts although it can write (decision
 * 0003): Vigil refuses a source role that could write, create or owns what it reads, unless this names exactly the
 * role the session logs in as. {@code null} (the default) accepts read-only roles only.
 */
public record PostgresJdbcDataSource(
        String url,
        String query,
        String user,
        String password,
        List<String> selectExpr,
        Map<String, String> readOptions,
        double sampleSize,
        String allowWritableRole) {

    /** The {@code type} of this data source in specs. */
    public static final String TYPE = "postgres-jdbc";

    public PostgresJdbcDataSource {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(user, "user");
        selectExpr = List.copyOf(selectExpr);
        readOptions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(readOptions));
    }

    /** A source that accepts read-only roles only. */
    public PostgresJdbcDataSource(
            String url,
            String query,
            String user,
            String password,
            List<String> selectExpr,
            Map<String, String> readOptions,
            double sampleSize) {
        this(url, query, user, password, selectExpr, readOptions, sampleSize, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same source with another password (e.g. after a secret reference was resolved). */
    public PostgresJdbcDataSource withPassword(String newPassword) {
        return new PostgresJdbcDataSource(
                url, query, user, newPassword, selectExpr, readOptions, sampleSize, allowWritableRole);
    }

    @Override
    public String toString() {
        return "PostgresJdbcDataSource[url=" + Jdbc.redactUrl(url) + ", user=" + user + ", password="
                + (password == null ? "<none>" : "******") + ", query=" + query + ", selectExpr=" + selectExpr
                + ", readOptions=" + readOptions + ", sampleSize=" + sampleSize
                + (allowWritableRole == null ? "" : ", allowWritableRole=" + allowWritableRole) + "]";
    }

    /** Fluent construction, as in the quickstart: {@code PostgresJdbcDataSource.builder().url(..).query(..)}. */
    public static final class Builder {
        private String url;
        private String query;
        private String user;
        private String password;
        private final List<String> selectExpr = new ArrayList<>();
        private final Map<String, String> readOptions = new LinkedHashMap<>();
        private double sampleSize = 1.0;
        private String allowWritableRole;

        public Builder url(String url) {
            this.url = url;
            return this;
        }

        public Builder query(String query) {
            this.query = query;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder selectExpr(String... expressions) {
            return selectExpr(List.of(expressions));
        }

        public Builder selectExpr(List<String> expressions) {
            selectExpr.addAll(expressions);
            return this;
        }

        public Builder readOption(String key, String value) {
            readOptions.put(key, value);
            return this;
        }

        public Builder readOptions(Map<String, String> options) {
            readOptions.putAll(options);
            return this;
        }

        public Builder sampleSize(double fraction) {
            this.sampleSize = fraction;
            return this;
        }

        /**
         * Accepts the role named {@code role} although it can write (or owns what it reads): only when the session
         * logs in as exactly that role. For a source whose owner knowingly lends Vigil a writer.
         */
        public Builder allowWritableRole(String role) {
            this.allowWritableRole = role;
            return this;
        }

        public PostgresJdbcDataSource build() {
            return new PostgresJdbcDataSource(
                    Objects.requireNonNull(url, "url is required"),
                    Objects.requireNonNull(query, "query is required"),
                    Objects.requireNonNull(user, "user is required"),
                    password,
                    selectExpr,
                    readOptions,
                    sampleSize,
                    allowWritableRole);
        }
    }
}
