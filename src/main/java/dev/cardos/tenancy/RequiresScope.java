package dev.cardos.tenancy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a tenant endpoint and the scope its key must hold. A {@code /v1} endpoint with neither this
 * nor {@link OperatorOnly} is refused: access is closed unless stated.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface RequiresScope {
  Scope value();
}
