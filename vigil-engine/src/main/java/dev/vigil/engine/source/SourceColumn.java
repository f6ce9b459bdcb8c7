package dev.vigil.engine.source;

/**
 * A column of a probed query: its name, PostgreSQL's type name ({@code float8}, {@code _float4} for
 * {@code real[]}, {@code timestamptz}; a Spark type such as {@code array<float>} after
 * {@code select_expr}) and its {@link java.sql.Types} code.
 */
public record SourceColumn(String name, String typeName, int jdbcType) {

    @Override
    public String toString() {
        return name + " " + typeName;
    }
}
