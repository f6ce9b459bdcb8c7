package dev.vigil.engine.spark;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Segment;
import dev.vigil.core.spec.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedExtractValue;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedStar;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSubquery;
import org.apache.spark.sql.catalyst.expressions.IntegralDivide;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.RLike;
import org.apache.spark.sql.catalyst.expressions.Remainder;
import org.apache.spark.sql.catalyst.expressions.StringTrim;
import org.apache.spark.sql.catalyst.expressions.StringTrimLeft;
import org.apache.spark.sql.catalyst.expressions.StringTrimRight;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnaryPositive;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.collection.Iterator;

/**
 * The Spark SQL a user writes ({@code select_expr}, a segment's {@code where}) is untrusted: it is parsed with Spark's
 * own parser, never run, and its tree is checked against an allowlist before Spark analyses it. Allowed: column
 * references, literals, aliases, arithmetic, comparisons and logic, {@code CASE}, {@code CAST}, null tests,
 * {@code IN} over literals, {@code LIKE}, and the pure built-in functions of {@link #FUNCTIONS}. Everything else is
 * refused, among it subqueries (which can read tables and files), {@code reflect} / {@code java_method} /
 * {@code try_reflect} (which call Java methods in the server), user-defined and qualified functions, generators,
 * lambdas, parameters and aggregates.
 */
public final class UserExpressions {
    /** Built-in functions that only compute a value from their arguments: no I/O, no reflection, no state. */
    public static final Set<String> FUNCTIONS = Set.of(
            "lower",
            "upper",
            "trim",
            "btrim",
            "ltrim",
            "rtrim",
            "substring",
            "substr",
            "length",
            "concat",
            "concat_ws",
            "coalesce",
            "nullif",
            "abs",
            "round",
            "floor",
            "ceil",
            "ceiling",
            "sqrt",
            "exp",
            "ln",
            "log",
            "pow",
            "power",
            "greatest",
            "least",
            "year",
            "month",
            "day",
            "hour",
            "date_trunc",
            "to_date",
            "to_timestamp",
            "datediff",
            "element_at",
            "size",
            "split",
            "regexp_replace",
            "regexp_extract",
            "array",
            "map",
            "named_struct",
            "struct",
            "if",
            "nvl",
            "between");

    /** Tree nodes, other than functions, that only compute a value from their children. */
    private static final Set<Class<?>> NODES = Set.of(
            UnresolvedAttribute.class,
            UnresolvedExtractValue.class,
            UnresolvedStar.class,
            Literal.class,
            Alias.class,
            Add.class,
            Subtract.class,
            Multiply.class,
            Divide.class,
            Remainder.class,
            IntegralDivide.class,
            UnaryMinus.class,
            UnaryPositive.class,
            EqualTo.class,
            EqualNullSafe.class,
            LessThan.class,
            LessThanOrEqual.class,
            GreaterThan.class,
            GreaterThanOrEqual.class,
            And.class,
            Or.class,
            Not.class,
            IsNull.class,
            IsNotNull.class,
            CaseWhen.class,
            Cast.class,
            Like.class,
            RLike.class,
            StringTrim.class,
            StringTrimLeft.class,
            StringTrimRight.class,
            CreateNamedStruct.class);

    private UserExpressions() {}

    /** Throws one sentence naming {@code key}, the expression and the part not allowed, if any part is not. */
    public static void check(String key, String expression) {
        Optional<String> problem = problem(key, expression);
        if (problem.isPresent()) {
            throw new VigilArgumentException(problem.get());
        }
    }

    /** {@link #check} for each of {@code expressions}, keyed {@code key[i]}; all problems in one error. */
    public static void checkAll(String key, List<String> expressions) {
        SpecValidator.throwIfAny(problems(key, expressions));
    }

    /**
     * {@link #check} for the {@code where} of each segment, keyed {@code segments[i].where} (prefixed with
     * {@code prefix}); all problems in one error.
     */
    public static void checkSegments(List<Segment> segments, String prefix) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).isWhere()) {
                problem(prefix + "segments[" + i + "].where", segments.get(i).where())
                        .ifPresent(problems::add);
            }
        }
        SpecValidator.throwIfAny(problems);
    }

    /** One sentence per expression of {@code expressions} that is not allowed, keyed {@code key[i]}. */
    public static List<String> problems(String key, List<String> expressions) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            problem(key + "[" + i + "]", expressions.get(i)).ifPresent(out::add);
        }
        return out;
    }

    /** The sentence refusing {@code expression} under {@code key}, or empty when every part of it is allowed. */
    public static Optional<String> problem(String key, String expression) {
        Expression tree;
        try {
            tree = CatalystSqlParser$.MODULE$.parseExpression(expression);
        } catch (Exception e) { // ParseException, and a Scala exception is undeclared
            String reason = String.valueOf(e.getMessage())
                    .lines()
                    .findFirst()
                    .orElse("")
                    .strip();
            return Optional.of(key + ": '" + expression + "' is not a Spark SQL expression (" + reason + ")");
        }
        return refused(tree).map(part -> key + ": '" + expression + "' is refused: " + part + " is not allowed");
    }

    /** The first part of {@code e} that is not allowed, named for a person. */
    private static Optional<String> refused(Expression e) {
        if (e instanceof UnresolvedFunction f) {
            Optional<String> own = refusedFunction(f);
            if (own.isPresent()) {
                return own;
            }
        } else if (e instanceof In in) {
            Iterator<Expression> values = in.list().iterator();
            while (values.hasNext()) {
                if (!constant(values.next())) {
                    return Optional.of("an IN list of anything but literals");
                }
            }
        } else if (e instanceof SubqueryExpression || e instanceof InSubquery) {
            return Optional.of("a subquery");
        } else if (!NODES.contains(e.getClass())) {
            return Optional.of("'" + sql(e) + "' (" + e.nodeName() + ")");
        }
        Iterator<Expression> children = e.children().iterator();
        while (children.hasNext()) {
            Optional<String> child = refused(children.next());
            if (child.isPresent()) {
                return child;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refusedFunction(UnresolvedFunction f) {
        String name = f.nameParts().mkString(".");
        if (f.nameParts().size() != 1 || !FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.of("function " + name);
        }
        if (f.isDistinct()
                || f.filter().isDefined()
                || f.ignoreNulls()
                || !f.orderingWithinGroup().isEmpty()) {
            return Optional.of("DISTINCT, FILTER, IGNORE NULLS or WITHIN GROUP in function " + name);
        }
        return Optional.empty();
    }

    private static String sql(Expression e) {
        try {
            return e.sql();
        } catch (RuntimeException unprintable) {
            return e.prettyName();
        }
    }

    /** A literal, possibly negated or cast. */
    private static boolean constant(Expression e) {
        if (e instanceof Literal) {
            return true;
        }
        if (e instanceof UnaryMinus || e instanceof Cast) {
            return constant(e.children().head());
        }
        return false;
    }
}
