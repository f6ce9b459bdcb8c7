package dev.vigil.engine.source;

import java.util.Set;

/**
 * A table the query reads, its owner and the writing privileges the source user holds on it
 * ({@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code TRUNCATE}); a read-only user holds none.
 */
public record TableAccess(String schema, String table, String owner, boolean ownedByUser, Set<String> writePrivileges) {

    public TableAccess {
        writePrivileges = Set.copyOf(writePrivileges);
    }

    public String qualifiedName() {
        return schema + "." + table;
    }
}
