package dev.vigil.engine.source;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the source user could do beyond reading: whether it is a superuser, owns a table it reads
 * or may write one, and the grant SQL that would suffice for the query.
 */
public record PrivilegeReport(
        String user, String database, boolean superuser, List<TableAccess> tables, List<String> grantSql) {

    public PrivilegeReport {
        tables = List.copyOf(tables);
        grantSql = List.copyOf(grantSql);
    }

    /** One sentence per reason the user is not read-only; empty when it is. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (superuser) {
            out.add("user " + user + " is a superuser: it can write everything it reads");
        }
        for (TableAccess t : tables) {
            if (t.ownedByUser()) {
                out.add("user " + user + " is the owner of " + t.qualifiedName() + ": an owner can always write it");
            } else if (!t.writePrivileges().isEmpty()) {
                out.add("user " + user + " may " + String.join(", ", new TreeSet<>(t.writePrivileges())) + " on "
                        + t.qualifiedName());
            }
        }
        return out;
    }
}
