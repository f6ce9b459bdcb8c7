package dev.vigil.cli;

import dev.vigil.core.spec.GrantSql;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil grant-sql}: prints the SQL that creates Vigil's read-only user. */
@Command(
        name = "grant-sql",
        description = "Print the SQL that creates a read-only PostgreSQL user for Vigil (CONNECT, USAGE, SELECT only).")
final class GrantSqlCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--user", defaultValue = "vigil", description = "The user to create (default: vigil).")
    String user;

    @Option(names = "--database", required = true, description = "The database it connects to.")
    String database;

    @Option(
            names = "--schema",
            defaultValue = "public",
            description = "Schema of tables named without one (default: public).")
    String schema;

    @Option(
            names = "--table",
            required = true,
            arity = "1..*",
            paramLabel = "TABLE",
            description = "Tables (or schema.table) it may read; repeat or list several.")
    List<String> tables;

    GrantSqlCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        GrantSql.statements(user, database, schema, tables, true).forEach(context.out()::println);
        return 0;
    }
}
