package dev.vigil.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.spec.SpecValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one check of a source's JDBC URL (security review F8): its parameters are an allowlist. */
class JdbcTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "jdbc:postgresql://h/db",
                "jdbc:postgresql://h:5432,h2:5433/db?targetServerType=primary&loadBalanceHosts=true",
                "jdbc:postgresql://h/db?ssl=true&sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c&sslkey=/k",
                "jdbc:postgresql://h/db?connectTimeout=5&socketTimeout=60&loginTimeout=5&ApplicationName=x",
                "jdbc:postgresql://h/db?currentSchema=ml&prepareThreshold=0&tcpKeepAlive=true",
            })
    void acceptsTheAllowedParameters(String url) {
        assertThat(Jdbc.sourceUrlProblem(url, "serving.data_source.url")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "socketFactory",
                "socketFactoryArg",
                "sslfactory",
                "sslfactoryarg",
                "sslhostnameverifier",
                "sslpasswordcallback",
                "loggerFile",
                "loggerLevel",
                "options",
                "authenticationPluginClassName",
                "readOnlyMode",
                "readOnly",
                "service",
                "jaasApplicationName",
                "jaasLogin",
                "gssEncMode",
                "gsslib",
                "preferQueryMode",
                "user",
                "password",
                "sslpassword",
                "PASSWORD",
                "dbname",
                "unknown",
            })
    void refusesEveryOtherParameterWithOneSentence(String name) {
        assertThat(Jdbc.sourceUrlProblem(
                        "jdbc:postgresql://h/db?sslmode=require&" + name + "=x", "serving.data_source.url"))
                .hasValueSatisfying(p -> assertThat(p)
                        .startsWith("serving.data_source.url: parameter '" + name + "' is not allowed (allowed: ")
                        .contains("ApplicationName", "sslmode", "connectTimeout")
                        .doesNotContain("=x"));
    }

    /** Review F16: a secret in the URL would be stored and returned in clear; the sentence says where it belongs. */
    @ParameterizedTest
    @ValueSource(strings = {"password", "sslpassword", "Password", "pass%77ord"})
    void credentialsInTheUrlAreRefusedWithWhereTheyBelong(String name) {
        assertThat(Jdbc.sourceUrlProblem("jdbc:postgresql://h/db?" + name + "=s3cret", "serving.data_source.url"))
                .hasValueSatisfying(p -> assertThat(p)
                        .endsWith("; a secret in the URL would be stored and returned in clear: put the password in"
                                + " data_source.password (stored encrypted, never returned)")
                        .doesNotContain("s3cret"));
    }

    @Test
    void encodedNamesAndValuelessParametersAreCheckedToo() {
        assertThat(Jdbc.sourceUrlProblem("jdbc:postgresql://h/db?socket%46actory=x", "k"))
                .isPresent();
        assertThat(Jdbc.sourceUrlProblem("jdbc:postgresql://h/db?loggerFile", "k"))
                .isPresent();
    }

    @Test
    void specValidationUsesTheSameCheck() {
        PostgresJdbcDataSource source = PostgresJdbcDataSource.builder()
                .url("jdbc:postgresql://h/db?options=-c%20standard_conforming_strings%3Doff")
                .query("SELECT 1")
                .user("u")
                .build();
        assertThat(SpecValidator.sourceProblems(source, "serving.data_source."))
                .containsExactly(Jdbc.sourceUrlProblem(source.url(), "serving.data_source.url")
                        .orElseThrow());
        assertThat(Jdbc.sourceUrlProblem("jdbc:mysql://h/db", "k"))
                .hasValue(
                        "k: 'jdbc:mysql://h/db' is not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
    }
}
