package dev.cardos.testing;

import dev.cardos.CardosApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Runs a test class against the real server on a random port and a real (embedded, non-durable)
 * PostgreSQL in a fresh directory. Every class using it with no other settings shares one running
 * server, so tests create their own tenants rather than assume an empty database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    classes = CardosApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cardos.db.data-dir=target/it-data/${random.uuid}",
      "cardos.db.durable=false",
      "cardos.tenancy.operator-key=" + TestApi.OPERATOR_KEY
    })
public @interface ServerTest {}
