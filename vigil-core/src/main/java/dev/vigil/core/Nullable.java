package dev.vigil.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record component that may be null. Kept at run time because the server's OpenAPI document reads it: a nullable
 * component is {@code nullable: true} and not {@code required} in the schema of the JSON the record becomes (decision
 * 0026), so a generated client types it as optional.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Nullable {}
