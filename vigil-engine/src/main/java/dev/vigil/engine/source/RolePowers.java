package dev.vigil.engine.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the role a source session logs in as may do beyond reading, in the schemas its query reads: the role's own
 * attributes (superuser, {@code CREATEROLE}, {@code CREATEDB}, {@code BYPASSRLS}), the schemas it owns or may create
 * objects in, the relations it owns, and the writing privileges it holds on any relation there (column grants
 * included). A read-only role has none of these (decision 0003).
 *
 * @param writes qualified relation name to the privileges ({@code INSERT}, {@code UPDATE}, {@code DELETE},
 *     {@code TRUNCATE}; {@code UPDATE} of a sequence is {@code nextval}/{@code setval}) the role holds on it
 */
record RolePowers(
        String role,
        boolean superuser,
        boolean createRole,
        boolean createDb,
        boolean bypassRls,
        Set<String> ownedSchemas,
        Set<String> creatableSchemas,
        Set<String> ownedRelations,
        Map<String, Set<String>> writes) {

    /** How many relations a sentence names before it counts the rest. */
    private static final int NAMED = 3;

    RolePowers {
        ownedSchemas = Set.copyOf(new TreeSet<>(ownedSchemas));
        creatableSchemas = Set.copyOf(new TreeSet<>(creatableSchemas));
        ownedRelations = Set.copyOf(new TreeSet<>(ownedRelations));
        writes = Collections.unmodifiableMap(new TreeMap<>(writes));
    }

    /** Whether the role can do nothing but read there. */
    boolean readOnly() {
        return !superuser
                && !createRole
                && !createDb
                && !bypassRls
                && ownedSchemas.isEmpty()
                && creatableSchemas.isEmpty()
                && ownedRelations.isEmpty()
                && writes.isEmpty();
    }

    /**
     * What the role may do, as phrases that follow its name: {@code is a superuser}, {@code can write (INSERT on
     * public.orders)}, {@code owns public.orders}, ... Empty when it is read-only.
     */
    List<String> phrases() {
        List<String> out = new ArrayList<>();
        if (superuser) {
            out.add("is a superuser");
        }
        if (!writes.isEmpty()) {
            List<String> each = new ArrayList<>();
            writes.forEach((relation, privileges) ->
                    each.add(String.join(", ", new TreeSet<>(privileges)) + " on " + relation));
            out.add("can write (" + named(each, "relation") + ")");
        }
        if (!ownedRelations.isEmpty()) {
            out.add("owns " + named(new ArrayList<>(new TreeSet<>(ownedRelations)), "relation"));
        }
        if (!ownedSchemas.isEmpty()) {
            out.add("owns schema " + named(new ArrayList<>(new TreeSet<>(ownedSchemas)), "schema"));
        }
        if (!creatableSchemas.isEmpty()) {
            out.add("can create objects in schema "
                    + named(new ArrayList<>(new TreeSet<>(creatableSchemas)), "schema"));
        }
        if (createRole) {
            out.add("can create roles (CREATEROLE)");
        }
        if (createDb) {
            out.add("can create databases (CREATEDB)");
        }
        if (bypassRls) {
            out.add("bypasses row-level security (BYPASSRLS)");
        }
        return out;
    }

    /** The phrases joined into one clause: {@code a, b and c}. */
    String describe() {
        List<String> p = phrases();
        if (p.size() <= 1) {
            return String.join("", p);
        }
        return String.join(", ", p.subList(0, p.size() - 1)) + " and " + p.get(p.size() - 1);
    }

    private static String named(List<String> items, String what) {
        if (items.size() <= NAMED) {
            return String.join("; ", items);
        }
        int more = items.size() - NAMED;
        return String.join("; ", items.subList(0, NAMED)) + "; and " + more + " more " + what + (more == 1 ? "" : "s");
    }
}
