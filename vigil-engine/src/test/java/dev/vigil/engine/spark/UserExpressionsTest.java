package dev.vigil.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserExpressionsTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "*",
                "amount / 100 AS amount_usd",
                "owner_name AS owner",
                "price * 100 AS cents",
                "amount * 100 AS amount",
                "upper(country) AS country",
                "amount > 500",
                "amount > 50",
                "no_such_column + 1 AS x",
                "x BETWEEN 1 AND 2",
                "TRIM(BOTH 'x' FROM s)",
                "x IN (1, -2, 3)",
                "x NOT IN ('a', 'b')",
                "CASE x WHEN 1 THEN 'a' ELSE 'b' END",
                "CASE WHEN x > 1 AND NOT y IS NULL OR z IS NOT NULL THEN 1 END AS c",
                "x::int",
                "CAST(x AS double)",
                "a.b['k'] AS k",
                "s LIKE 'a%'",
                "s RLIKE '^a'",
                "-x % 3 div 2",
                "x <=> y",
                "DATE '2020-01-01'",
                "coalesce(nullif(trim(s), ''), 'none')",
                "round(pow(abs(x), 2), 1) + sqrt(y) - ln(z) + log(10, z) + exp(1) + floor(x) + ceil(x)",
                "date_trunc('HOUR', ts) AS hour_ts",
                "year(ts) * 100 + month(ts) + day(ts) + hour(ts)",
                "datediff(to_date(s), to_date(to_timestamp(t)))",
                "element_at(split(s, ','), 1)",
                "size(array(1, 2))",
                "regexp_extract(regexp_replace(s, 'a', 'b'), '(b)', 1)",
                "named_struct('a', 1, 'b', struct(x, y)) AS st",
                "map('k', x)",
                "if(x > 0, concat(s, '!'), concat_ws('-', s, t))",
                "nvl(x, 0) + greatest(x, y) - least(x, y) + length(substr(s, 1, 2)) + length(substring(s, 1))",
                "lower(s) = upper(t)",
            })
    void allowedShapesPass(String expression) {
        assertThat(UserExpressions.problem("k", expression)).isEmpty();
    }

    @Test
    void everyListedFunctionIsASparkBuiltIn() {
        assertThat(UserExpressions.FUNCTIONS).allSatisfy(name -> assertThat(
                        SparkRuntime.local("local[*]").session().catalog().functionExists(name))
                .as(name)
                .isTrue());
    }

    @Test
    void reflectionIsRefusedWithOneSentence() {
        assertThat(UserExpressions.problem(
                        "serving.data_source.select_expr[1]",
                        "reflect('java.lang.System','getProperty','user.dir') AS probe"))
                .contains("serving.data_source.select_expr[1]: 'reflect('java.lang.System','getProperty','user.dir')"
                        + " AS probe' is refused: function reflect is not allowed");
        assertThat(UserExpressions.problem("segments[0].where", "java_method('java.lang.System', 'exit', 0) > 0"))
                .contains("segments[0].where: 'java_method('java.lang.System', 'exit', 0) > 0' is refused:"
                        + " function java_method is not allowed");
        assertThat(UserExpressions.problem("k", "upper(try_reflect('java.lang.System','getenv','HOME'))"))
                .contains("k: 'upper(try_reflect('java.lang.System','getenv','HOME'))' is refused:"
                        + " function try_reflect is not allowed");
        assertThat(UserExpressions.problem("k", "system.builtin.reflect('a', 'b')"))
                .contains("k: 'system.builtin.reflect('a', 'b')' is refused: function system.builtin.reflect is"
                        + " not allowed");
    }

    @Test
    void subqueriesAreRefused() {
        assertThat(UserExpressions.problem("k", "(SELECT max(value) FROM text.`/etc/hostname`) AS h"))
                .contains("k: '(SELECT max(value) FROM text.`/etc/hostname`) AS h' is refused: a subquery is not"
                        + " allowed");
        assertThat(UserExpressions.problem("k", "EXISTS (SELECT 1)"))
                .get()
                .asString()
                .endsWith("a subquery is not allowed");
        assertThat(UserExpressions.problem("k", "x IN (SELECT 1)"))
                .get()
                .asString()
                .endsWith("a subquery is not allowed");
    }

    @Test
    void generatorsUnknownFunctionsAndOtherShapesAreRefused() {
        assertThat(UserExpressions.problem("k", "explode(array(1, 2)) AS x"))
                .contains("k: 'explode(array(1, 2)) AS x' is refused: function explode is not allowed");
        assertThat(UserExpressions.problem("k", "my_udf(x)"))
                .contains("k: 'my_udf(x)' is refused: function my_udf is not allowed");
        assertThat(UserExpressions.problem("k", "transform(a, v -> v + 1)")).isPresent();
        assertThat(UserExpressions.problem("k", "IDENTIFIER('reflect')('a', 'b')"))
                .isPresent();
        assertThat(UserExpressions.problem("k", "count(x)")).isPresent();
        assertThat(UserExpressions.problem("k", "lower(x) FILTER (WHERE x > 1)"))
                .isPresent();
        assertThat(UserExpressions.problem("k", "lower(x) WITHIN GROUP (ORDER BY reflect('a', 'b'))"))
                .isPresent();
        assertThat(UserExpressions.problem("k", "x IN (1, y)"))
                .contains("k: 'x IN (1, y)' is refused: an IN list of anything but literals is not allowed");
        assertThat(UserExpressions.problem("k", "x + :p")).isPresent();
        assertThat(UserExpressions.problem("k", "x +"))
                .get()
                .asString()
                .startsWith("k: 'x +' is not a Spark SQL expression (");
    }

    @Test
    void checkAllNamesEachRefusedExpressionByIndex() {
        assertThatThrownBy(() -> UserExpressions.checkAll(
                        "serving.data_source.select_expr", List.of("*", "reflect('a', 'b') AS r")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("serving.data_source.select_expr[1]: 'reflect('a', 'b') AS r' is refused: function"
                        + " reflect is not allowed");
    }
}
