package dev.vigil.engine.source;

import java.util.List;

/**
 * What the source user could do beyond reading, and the grant SQL that would suffice for the query: the tables the
 * query reads (their owners and the writing privileges held on them), and one warning per power the role holds in
 * the schemas the query reads ({@link RolePowers}: the same the server refuses unless the spec opts in by name).
 */
public record PrivilegeReport(
        String user,
        String database,
        boolean superuser,
        List<TableAccess> tables,
        List<String> grantSql,
        List<String> warnings) {

    public PrivilegeReport {
        tables = List.copyOf(tables);
        grantSql = List.copyOf(grantSql);
        warnings = List.copyOf(warnings);
    }
}
